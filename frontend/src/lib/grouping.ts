import type { Message } from '../types'
import type { Pending } from './timeline'
import { dayKey, dayLabel, parseDate } from './time'

export const GROUP_WINDOW_MS = 5 * 60 * 1000

export type Row =
  | { type: 'day'; key: string; label: string }
  | { type: 'message'; key: string; message: Message; continued: boolean }
  | { type: 'pending'; key: string; pending: Pending; continued: boolean }

interface Author {
  creator: string
  at: Date
  kind: string
}

function continues(prev: Author | null, cur: Author): boolean {
  if (!prev) return false
  if (prev.creator !== cur.creator) return false
  if (prev.kind === 'sound' || cur.kind === 'sound') return false
  const gap = cur.at.getTime() - prev.at.getTime()
  return gap >= 0 && gap < GROUP_WINDOW_MS && dayKey(prev.at) === dayKey(cur.at)
}

/**
 * Rows for the message list: day separators (local time) and messages, a
 * message "continued" when the same author wrote the previous one less than
 * five minutes earlier on the same day. Pending messages (mine) come last.
 */
export function buildRows(messages: Message[], pending: Pending[], myId: string, now: Date = new Date()): Row[] {
  const rows: Row[] = []
  let prev: Author | null = null
  let lastDay = ''
  const push = (at: Date) => {
    const key = dayKey(at)
    if (key !== lastDay) {
      lastDay = key
      rows.push({ type: 'day', key: `day-${key}`, label: dayLabel(at, now) })
      return true
    }
    return false
  }
  for (const m of messages) {
    const at = parseDate(m.created)
    const newDay = push(at)
    const cur = { creator: m.creator, at, kind: m.kind }
    rows.push({ type: 'message', key: m.id, message: m, continued: !newDay && continues(prev, cur) })
    prev = cur
  }
  for (const p of pending) {
    const at = parseDate(p.created)
    const newDay = push(at)
    const cur = { creator: myId, at, kind: 'text' }
    rows.push({ type: 'pending', key: `pending-${p.client_message_id}`, pending: p, continued: !newDay && continues(prev, cur) })
    prev = cur
  }
  return rows
}
