import { describe, expect, it } from 'vitest'
import type { Message } from '../types'
import {
  addPending,
  applyBoostCreated,
  applyBoostDeleted,
  applyChanges,
  applyDeletion,
  applyHistory,
  applyMessage,
  emptyTimeline,
  setPendingStatus,
} from '../lib/timeline'

function msg(number: number, over: Partial<Message> = {}): Message {
  return {
    id: `m${number}`,
    room: 'r1',
    creator: 'u1',
    body: `<div>message ${number}</div>`,
    client_message_id: `c${number}`,
    kind: 'text',
    number,
    seq: number * 10,
    created: '2024-05-01 12:00:00.000Z',
    ...over,
  }
}

const ids = (t: { messages: Message[] }) => t.messages.map((m) => m.id)

describe('timeline merging', () => {
  it('keeps messages ordered by number and dedupes by id', () => {
    let t = emptyTimeline()
    t = applyMessage(t, msg(3))
    t = applyMessage(t, msg(1))
    t = applyMessage(t, msg(2))
    t = applyMessage(t, msg(2))
    expect(ids(t)).toEqual(['m1', 'm2', 'm3'])
    expect(t.maxSeq).toBe(30)
  })

  it('replaces a message with a newer seq and ignores an older one', () => {
    let t = applyMessage(emptyTimeline(), msg(1))
    t = applyMessage(t, msg(1, { body: 'edited', seq: 50 }))
    expect(t.messages[0].body).toBe('edited')
    t = applyMessage(t, msg(1, { body: 'stale', seq: 20 }))
    expect(t.messages[0].body).toBe('edited')
    expect(t.maxSeq).toBe(50)
  })

  it('removes deleted messages and never resurrects them', () => {
    let t = applyMessage(emptyTimeline(), msg(1))
    t = applyMessage(t, msg(2))
    t = applyDeletion(t, 'm1', 60)
    expect(ids(t)).toEqual(['m2'])
    t = applyMessage(t, msg(1))
    expect(ids(t)).toEqual(['m2'])
    // a tombstone row (deleted_at set) from changes also removes
    t = applyMessage(t, msg(2, { deleted_at: '2024-05-01 12:01:00.000Z', seq: 70 }))
    expect(ids(t)).toEqual([])
    expect(t.maxSeq).toBe(70)
  })

  it('replaces the pending copy when the confirmed message arrives (by client_message_id)', () => {
    let t = addPending(emptyTimeline(), { client_message_id: 'abc', body: 'hi', created: '2024-05-01 12:00:00Z', status: 'pending' })
    expect(t.pending).toHaveLength(1)
    t = applyMessage(t, msg(5, { client_message_id: 'abc' }))
    expect(t.pending).toHaveLength(0)
    expect(ids(t)).toEqual(['m5'])
    // the HTTP answer arriving after the realtime event changes nothing
    t = applyMessage(t, msg(5, { client_message_id: 'abc' }))
    expect(ids(t)).toEqual(['m5'])
    expect(t.pending).toHaveLength(0)
  })

  it('does not add a pending copy for an already confirmed message', () => {
    let t = applyMessage(emptyTimeline(), msg(5, { client_message_id: 'abc' }))
    t = addPending(t, { client_message_id: 'abc', body: 'hi', created: '', status: 'pending' })
    expect(t.pending).toHaveLength(0)
  })

  it('marks a pending message failed and back to pending for a retry', () => {
    let t = addPending(emptyTimeline(), { client_message_id: 'x', body: 'hi', created: '', status: 'pending' })
    t = setPendingStatus(t, 'x', 'failed', 'offline')
    expect(t.pending[0].status).toBe('failed')
    t = setPendingStatus(t, 'x', 'pending')
    expect(t.pending[0].status).toBe('pending')
  })

  it('applies a catch-up batch: new, edited and deleted, exactly once', () => {
    let t = applyHistory(emptyTimeline(), [msg(1), msg(2), msg(3)], 'replace', false)
    t = applyMessage(t, msg(4)) // realtime
    t = applyChanges(t, {
      messages: [msg(4), msg(5), msg(2, { body: 'edited', seq: 80 })],
      deleted: ['m3'],
      seq: 90,
    })
    expect(ids(t)).toEqual(['m1', 'm2', 'm4', 'm5'])
    expect(t.messages[1].body).toBe('edited')
    expect(t.maxSeq).toBe(90)
    // the same batch again is a no-op
    const again = applyChanges(t, { messages: [msg(4), msg(5)], deleted: ['m3'], seq: 90 })
    expect(ids(again)).toEqual(ids(t))
  })

  it('ignores messages outside a permalink window', () => {
    let t = applyHistory(emptyTimeline(), [msg(10), msg(11), msg(12)], 'around', true, { hasNewer: true })
    t = applyMessage(t, msg(50))
    t = applyMessage(t, msg(2))
    expect(ids(t)).toEqual(['m10', 'm11', 'm12'])
    t = applyHistory(t, [msg(13), msg(14)], 'newer', false)
    t = applyMessage(t, msg(50))
    expect(ids(t)).toEqual(['m10', 'm11', 'm12', 'm13', 'm14', 'm50'])
    expect(t.hasNewer).toBe(false)
  })

  it('prepends older pages', () => {
    let t = applyHistory(emptyTimeline(), [msg(5), msg(6)], 'replace', true)
    expect(t.hasOlder).toBe(true)
    t = applyHistory(t, [msg(3), msg(4)], 'older', false)
    expect(ids(t)).toEqual(['m3', 'm4', 'm5', 'm6'])
    expect(t.hasOlder).toBe(false)
  })

  it('keeps realtime messages newer than a freshly loaded page', () => {
    let t = applyMessage(emptyTimeline(), msg(9))
    t = applyHistory(t, [msg(7), msg(8)], 'replace', false)
    expect(ids(t)).toEqual(['m7', 'm8', 'm9'])
  })

  it('applies boosts by seq, once', () => {
    let t = applyMessage(emptyTimeline(), msg(1, { boosts: [] }))
    const boost = { id: 'b1', message: 'm1', content: '👍', booster: { id: 'u2', name: 'Bo' } }
    t = applyBoostCreated(t, boost, 100)
    t = applyBoostCreated(t, boost, 100)
    expect(t.messages[0].boosts).toHaveLength(1)
    // a message snapshot without boosts keeps the known ones
    t = applyMessage(t, msg(1, { body: 'edit', seq: 110 }))
    expect(t.messages[0].boosts).toHaveLength(1)
    t = applyBoostDeleted(t, { id: 'b1', message: 'm1' }, 120)
    expect(t.messages[0].boosts).toHaveLength(0)
    // a stale boost event (seq below the message's) is ignored
    t = applyBoostCreated(t, boost, 105)
    expect(t.messages[0].boosts).toHaveLength(0)
  })
})
