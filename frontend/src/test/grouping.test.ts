import { describe, expect, it } from 'vitest'
import { buildRows } from '../lib/grouping'
import type { Message } from '../types'

function at(iso: string, creator = 'u1', n = 1): Message {
  return { id: `m${n}`, room: 'r', creator, body: '', client_message_id: `c${n}`, kind: 'text', number: n, seq: n, created: iso }
}

function local(y: number, mo: number, d: number, h: number, mi: number, s = 0): string {
  return new Date(y, mo - 1, d, h, mi, s).toISOString()
}

describe('grouping and day separators', () => {
  it('groups one author within 5 minutes', () => {
    const rows = buildRows(
      [
        at(local(2024, 5, 1, 10, 0), 'u1', 1),
        at(local(2024, 5, 1, 10, 4, 59), 'u1', 2),
        at(local(2024, 5, 1, 10, 10), 'u1', 3),
        at(local(2024, 5, 1, 10, 11), 'u2', 4),
        at(local(2024, 5, 1, 10, 12), 'u1', 5),
      ],
      [],
      'u1',
      new Date(2024, 4, 1, 12, 0),
    )
    const flags = rows.filter((r) => r.type === 'message').map((r) => (r.type === 'message' ? r.continued : null))
    expect(flags).toEqual([false, true, false, false, false])
  })

  it('inserts a separator per local day and breaks groups across days', () => {
    const rows = buildRows(
      [at(local(2024, 5, 1, 23, 58), 'u1', 1), at(local(2024, 5, 2, 0, 1), 'u1', 2)],
      [],
      'u1',
      new Date(2024, 4, 2, 9, 0),
    )
    expect(rows.map((r) => r.type)).toEqual(['day', 'message', 'day', 'message'])
    expect(rows[2].type === 'day' && rows[2].label).toBe('Today')
    expect(rows[0].type === 'day' && rows[0].label).toBe('Yesterday')
    expect(rows[3].type === 'message' && rows[3].continued).toBe(false)
  })

  it('groups pending messages after my confirmed ones', () => {
    const rows = buildRows(
      [at(local(2024, 5, 1, 10, 0), 'me', 1)],
      [{ client_message_id: 'p', body: 'x', created: local(2024, 5, 1, 10, 1), status: 'pending' }],
      'me',
      new Date(2024, 4, 1, 11, 0),
    )
    expect(rows.map((r) => r.type)).toEqual(['day', 'message', 'pending'])
    expect(rows[2].type === 'pending' && rows[2].continued).toBe(true)
  })
})
