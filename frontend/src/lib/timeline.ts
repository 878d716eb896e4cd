// Pure message-timeline logic: merging history pages, realtime events and
// catch-up batches so that nothing shows twice and nothing is missed.
import type { Boost, ChangesPage, Message } from '../types'

export interface Pending {
  client_message_id: string
  body: string
  /** Plain text shown while pending (the body is only rendered once the server sanitized it). */
  text?: string
  /** A file being uploaded as its own message. */
  file?: File
  /** Link preview requested with the message. */
  previewURL?: string
  created: string
  status: 'pending' | 'failed'
  error?: string
}

export interface Timeline {
  /** Confirmed messages, sorted by number, no tombstones. */
  messages: Message[]
  /** My messages not yet confirmed by the server. */
  pending: Pending[]
  /** id → seq of the deletion: a deleted message never comes back. */
  tombstones: Record<string, number>
  /** The highest seq applied for this room. */
  maxSeq: number
  /** More history exists before the first loaded message. */
  hasOlder: boolean
  /** Messages exist after the last loaded one (opened at a permalink). */
  hasNewer: boolean
  loaded: boolean
}

export function emptyTimeline(): Timeline {
  return { messages: [], pending: [], tombstones: {}, maxSeq: 0, hasOlder: false, hasNewer: false, loaded: false }
}

function bump(t: Timeline, seq: number | undefined): Timeline {
  if (typeof seq === 'number' && seq > t.maxSeq) return { ...t, maxSeq: seq }
  return t
}

function inWindow(t: Timeline, number: number): boolean {
  if (t.messages.length === 0) return true
  if (t.hasOlder && number < t.messages[0].number) return false
  if (t.hasNewer && number > t.messages[t.messages.length - 1].number) return false
  return true
}

function indexOfNumber(list: Message[], number: number): number {
  // first index whose number >= number
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid].number < number) lo = mid + 1
    else hi = mid
  }
  return lo
}

function dropPending(t: Timeline, clientId: string | undefined): Timeline {
  if (!clientId || !t.pending.some((p) => p.client_message_id === clientId)) return t
  return { ...t, pending: t.pending.filter((p) => p.client_message_id !== clientId) }
}

/** Applies one message snapshot (from history, an event, a catch-up or a create answer). */
export function applyMessage(t: Timeline, msg: Message, opts: { force?: boolean } = {}): Timeline {
  let next = bump(t, msg.seq)
  next = dropPending(next, msg.client_message_id)
  if (msg.deleted_at) return applyDeletion(next, msg.id, msg.seq)
  if (next.tombstones[msg.id] !== undefined) return next
  const at = next.messages.findIndex((m) => m.id === msg.id)
  if (at >= 0) {
    const old = next.messages[at]
    if ((old.seq ?? 0) > (msg.seq ?? 0)) return next
    if ((old.seq ?? 0) === (msg.seq ?? 0) && old.body === msg.body && (msg.boosts === undefined || msg.boosts === old.boosts)) {
      return next
    }
    const merged: Message = {
      ...msg,
      boosts: msg.boosts ?? old.boosts,
      expand: msg.expand?.creator ? msg.expand : old.expand,
    }
    const messages = next.messages.slice()
    messages[at] = merged
    return { ...next, messages }
  }
  if (!opts.force && !inWindow(next, msg.number)) return next
  const messages = next.messages.slice()
  messages.splice(indexOfNumber(messages, msg.number), 0, msg)
  return { ...next, messages }
}

export function applyDeletion(t: Timeline, id: string, seq: number): Timeline {
  let next = bump(t, seq)
  const had = next.messages.some((m) => m.id === id)
  const prev = next.tombstones[id]
  if (prev === undefined || prev < seq) next = { ...next, tombstones: { ...next.tombstones, [id]: seq } }
  if (had) next = { ...next, messages: next.messages.filter((m) => m.id !== id) }
  return next
}

function updateMessage(t: Timeline, id: string, seq: number, fn: (m: Message) => Message): Timeline {
  const next = bump(t, seq)
  const at = next.messages.findIndex((m) => m.id === id)
  if (at < 0) return next
  const old = next.messages[at]
  if ((old.seq ?? 0) >= seq) return next
  const messages = next.messages.slice()
  messages[at] = { ...fn(old), seq }
  return { ...next, messages }
}

export function applyBoostCreated(t: Timeline, boost: Boost, seq: number): Timeline {
  return updateMessage(t, boost.message, seq, (m) => {
    const boosts = (m.boosts ?? []).filter((b) => b.id !== boost.id)
    return { ...m, boosts: [...boosts, boost] }
  })
}

export function applyBoostDeleted(t: Timeline, boost: { id: string; message: string }, seq: number): Timeline {
  return updateMessage(t, boost.message, seq, (m) => ({ ...m, boosts: (m.boosts ?? []).filter((b) => b.id !== boost.id) }))
}

/** Applies a `changes?since=` answer. */
export function applyChanges(t: Timeline, page: ChangesPage): Timeline {
  let next = t
  const sorted = [...(page.messages ?? [])].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
  for (const m of sorted) next = applyMessage(next, m)
  for (const id of page.deleted ?? []) next = applyDeletion(next, id, page.seq)
  return bump(next, page.seq)
}

export type HistoryMode = 'replace' | 'older' | 'newer' | 'around'

/** Merges a history page. `replace` starts over (newest page); `older`/`newer` extend the window. */
export function applyHistory(
  t: Timeline,
  items: Message[],
  mode: HistoryMode,
  hasMore: boolean,
  extra: { hasNewer?: boolean } = {},
): Timeline {
  let next: Timeline = t
  if (mode === 'replace' || mode === 'around') {
    // Keep what realtime delivered meanwhile only if it is newer than the page.
    next = { ...t, messages: [], hasOlder: hasMore, hasNewer: mode === 'around' ? !!extra.hasNewer : false, loaded: true }
    for (const m of items) next = applyMessage(next, m, { force: true })
    if (mode === 'replace') {
      const last = items.length ? items[items.length - 1].number : -Infinity
      for (const m of t.messages) if (m.number > last) next = applyMessage(next, m, { force: true })
    }
    return next
  }
  for (const m of items) next = applyMessage(next, m, { force: true })
  if (mode === 'older') next = { ...next, hasOlder: hasMore }
  else next = { ...next, hasNewer: hasMore }
  return { ...next, loaded: true }
}

export function addPending(t: Timeline, p: Pending): Timeline {
  if (t.pending.some((x) => x.client_message_id === p.client_message_id)) {
    return { ...t, pending: t.pending.map((x) => (x.client_message_id === p.client_message_id ? p : x)) }
  }
  // Already confirmed (the realtime event won the race)? Then nothing is pending.
  if (t.messages.some((m) => m.client_message_id === p.client_message_id)) return t
  return { ...t, pending: [...t.pending, p] }
}

export function setPendingStatus(t: Timeline, clientId: string, status: Pending['status'], error?: string): Timeline {
  if (!t.pending.some((p) => p.client_message_id === clientId)) return t
  return { ...t, pending: t.pending.map((p) => (p.client_message_id === clientId ? { ...p, status, error } : p)) }
}

export function removePending(t: Timeline, clientId: string): Timeline {
  return dropPending(t, clientId)
}

/** The last message of mine that can be edited (text, confirmed). */
export function lastOwnEditable(t: Timeline, userId: string): Message | undefined {
  for (let i = t.messages.length - 1; i >= 0; i--) {
    const m = t.messages[i]
    if (m.creator === userId && m.kind === 'text') return m
  }
  return undefined
}
