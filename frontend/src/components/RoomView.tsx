import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { ClientResponseError } from 'pocketbase'
import { api, errorText, pb } from '../pb'
import { navigate } from '../router'
import { buildRows } from '../lib/grouping'
import {
  addPending,
  applyBoostCreated,
  applyBoostDeleted,
  applyChanges,
  applyDeletion,
  applyHistory,
  applyMessage,
  emptyTimeline,
  lastOwnEditable,
  setPendingStatus,
  removePending,
  type Pending,
  type Timeline,
} from '../lib/timeline'
import { uuid } from '../lib/uuid'
import { humanSize, useFileToken } from '../lib/files'
import { uploadWithProgress } from '../lib/upload'
import { onConnect, subscribeTopic } from '../store/live'
import { useWorkspace } from '../store/workspace'
import type { Boost, ChangesPage, HistoryPage, Involvement, Member, Message, RoomEvent, Sound } from '../types'
import { Composer } from './Composer'
import { ConfirmDialog } from './Dialog'
import { IconArrowDown, IconBell, IconBellAt, IconBellOff, IconEyeOff, IconGear, IconHash, IconLock, IconMenu } from './Icons'
import { MessageItem, PendingItem, type MessageActions } from './MessageItem'
import { RoomSettingsDialog } from './RoomSettings'

const PAGE = 40
const AROUND = 25

const SHARED_CYCLE: Involvement[] = ['mentions', 'everything', 'nothing', 'invisible']
const DIRECT_CYCLE: Involvement[] = ['everything', 'nothing']
const INVOLVEMENT_LABEL: Record<Involvement, string> = {
  mentions: 'Notify me about @mentions',
  everything: 'Notify me about everything',
  nothing: 'No notifications',
  invisible: 'Hidden from the sidebar',
}

function roomURL(id: string, ...parts: string[]) {
  return `/api/campfire/rooms/${encodeURIComponent(id)}${parts.length ? '/' + parts.join('/') : ''}`
}

function typingText(names: string[]): string {
  if (names.length === 1) return `${names[0]} is typing…`
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`
  return 'Several people are typing…'
}

export function RoomView({ roomId, number, onMenu }: { roomId: string; number?: number; onMenu: () => void }) {
  const ws = useWorkspace()
  const { me } = ws
  const membership = ws.membershipFor(roomId)
  const room = membership?.expand?.room
  const [t, setT] = useState<Timeline>(emptyTimeline)
  const tRef = useRef(t)
  tRef.current = t
  const [notFound, setNotFound] = useState(false)
  const [loadError, setLoadError] = useState('')
  const [editing, setEditing] = useState<Message | null>(null)
  const [confirmDelete, setConfirmDelete] = useState<Message | null>(null)
  const [settings, setSettings] = useState(false)
  const [typing, setTyping] = useState<Record<string, { name: string; until: number }>>({})
  const [highlight, setHighlight] = useState<number | undefined>(number)
  const [atBottom, setAtBottom] = useState(true)
  const [notice, setNotice] = useState('')
  const [sounds, setSounds] = useState<Sound[]>([])
  const fileToken = useFileToken()
  const [progress, setProgress] = useState<Record<string, number>>({})
  const uploads = useRef(new Map<string, () => void>())
  const cancelled = useRef(new Set<string>())
  const listRef = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const anchor = useRef<{ height: number; top: number } | null>(null)
  const scrollTarget = useRef<'bottom' | number | null>(number ?? 'bottom')
  const loadingOlder = useRef(false)
  const loadingNewer = useRef(false)
  const membersRef = useRef<Promise<Member[]> | null>(null)
  const catchingUp = useRef<Promise<void> | null>(null)
  const catchUpAgain = useRef(false)
  const catchUpFailures = useRef(0)
  const usersRefreshedAt = useRef(0)

  useEffect(() => {
    void ws.sounds().then(setSounds)
  }, [ws])

  // The room was deleted or I lost access while it was open: leave it.
  const hadMembership = useRef(false)
  useEffect(() => {
    if (membership) hadMembership.current = true
    else if (hadMembership.current) navigate('/', { replace: true })
  }, [membership])

  const markReadIfVisible = useCallback(() => {
    if (document.visibilityState === 'visible') ws.markRead(roomId)
  }, [roomId, ws])

  const playSound = useCallback(
    (name: string) => {
      const s = sounds.find((x) => x.name === name)
      const audio = new Audio(s?.url || `/api/campfire/sounds/${encodeURIComponent(name)}`)
      void audio.play().catch(() => {})
    },
    [sounds],
  )
  const playRef = useRef(playSound)
  playRef.current = playSound

  // --- catch-up after a reconnect or my own change ---------------------------------------------
  const catchUp = useCallback(async () => {
    if (!tRef.current.loaded) return
    if (catchingUp.current) {
      catchUpAgain.current = true
      return catchingUp.current
    }
    const run = async () => {
      do {
        catchUpAgain.current = false
        let since = tRef.current.maxSeq
        for (let i = 0; i < 50; i++) {
          const page = await api<ChangesPage>(roomURL(roomId, 'changes'), { query: { since } })
          setT((cur) => {
            const next = applyChanges(cur, page)
            tRef.current = next
            return next
          })
          if (!page.has_more || page.seq <= since) break
          since = page.seq
        }
      } while (catchUpAgain.current)
    }
    catchingUp.current = run()
      .then(() => {
        catchUpFailures.current = 0
      })
      .catch((err) => {
        // a failed catch-up leaves a gap: try again soon (backing off), not only at the next reconnect
        const n = ++catchUpFailures.current
        console.warn('catch-up failed', err)
        if (n <= 8) window.setTimeout(() => void catchUpRef.current(), Math.min(30_000, 500 * 2 ** n))
      })
      .finally(() => {
        catchingUp.current = null
      })
    return catchingUp.current
  }, [roomId])
  const catchUpRef = useRef(catchUp)
  catchUpRef.current = catchUp

  // --- realtime ----------------------------------------------------------------------------
  const onEvent = useCallback(
    (ev: RoomEvent) => {
      switch (ev.type) {
        case 'message.created':
        case 'message.updated': {
          const msg = { ...ev.message, seq: ev.message.seq ?? ev.seq }
          if (msg.creator === me.id && msg.client_message_id && cancelled.current.has(msg.client_message_id) && !msg.deleted_at) {
            // the upload finished on the server just as I cancelled it: take the message back
            void pb.collection('messages').delete(msg.id).catch(() => {})
          }
          setT((cur) => applyMessage(cur, msg))
          if (!ws.users.has(msg.creator) && Date.now() - usersRefreshedAt.current > 5000) {
            // someone new (a bot, a new member): learn their role and status
            usersRefreshedAt.current = Date.now()
            void ws.refreshUsers().catch(() => {})
          }
          if (ev.type === 'message.created' && msg.creator !== me.id) {
            markReadIfVisible()
            setTyping((cur) => {
              if (!cur[msg.creator]) return cur
              const next = { ...cur }
              delete next[msg.creator]
              return next
            })
          }
          if (ev.type === 'message.created' && msg.kind === 'sound' && msg.sound && stick.current && document.visibilityState === 'visible') {
            playRef.current(msg.sound)
          }
          break
        }
        case 'message.deleted':
          setT((cur) => applyDeletion(cur, ev.message.id, ev.seq))
          break
        case 'boost.created':
          setT((cur) => applyBoostCreated(cur, ev.boost, ev.seq))
          break
        case 'boost.deleted':
          setT((cur) => applyBoostDeleted(cur, ev.boost, ev.seq))
          break
        case 'typing':
          if (ev.user.id === me.id) break
          setTyping((cur) => {
            const next = { ...cur }
            if (ev.typing) next[ev.user.id] = { name: ev.user.name, until: Date.now() + 5000 }
            else delete next[ev.user.id]
            return next
          })
          break
        case 'presence':
          break
      }
    },
    [markReadIfVisible, me.id, ws],
  )
  const onEventRef = useRef(onEvent)
  onEventRef.current = onEvent

  useEffect(() => {
    let cancelled = false
    let unsub: (() => void) | null = null
    void subscribeTopic<RoomEvent>(`campfire/rooms/${roomId}`, (ev) => {
      if (ev && (ev as { room?: string }).room && (ev as { room?: string }).room !== roomId) return
      onEventRef.current(ev)
    }).then((u) => {
      if (cancelled) u()
      else unsub = u
    })
    // Every (re)connect: fetch what the stream may have missed (a no-op
    // before the first page is loaded).
    const offRe = onConnect(() => void catchUp())
    return () => {
      cancelled = true
      unsub?.()
      offRe()
    }
  }, [roomId, catchUp])

  // Expire typing notices.
  useEffect(() => {
    if (Object.keys(typing).length === 0) return
    const id = window.setInterval(() => {
      const now = Date.now()
      setTyping((cur) => {
        const entries = Object.entries(cur).filter(([, v]) => v.until > now)
        return entries.length === Object.keys(cur).length ? cur : Object.fromEntries(entries)
      })
    }, 1000)
    return () => window.clearInterval(id)
  }, [typing])

  // --- history -----------------------------------------------------------------------------
  const loadNewest = useCallback(async () => {
    const page = await api<HistoryPage>(roomURL(roomId, 'messages'), { query: { limit: PAGE } })
    scrollTarget.current = 'bottom'
    setT((cur) => applyHistory(cur, page.items, 'replace', page.has_more))
  }, [roomId])

  useEffect(() => {
    let cancelled = false
    setHighlight(number)
    setLoadError('')
    ;(async () => {
      try {
        if (number !== undefined) {
          const [before, after] = await Promise.all([
            api<HistoryPage>(roomURL(roomId, 'messages'), { query: { before: number + 1, limit: AROUND } }),
            api<HistoryPage>(roomURL(roomId, 'messages'), { query: { after: number, limit: AROUND } }),
          ])
          if (cancelled) return
          scrollTarget.current = number
          setT((cur) => applyHistory(cur, [...before.items, ...after.items], 'around', before.has_more, { hasNewer: after.has_more }))
        } else {
          const page = await api<HistoryPage>(roomURL(roomId, 'messages'), { query: { limit: PAGE } })
          if (cancelled) return
          scrollTarget.current = 'bottom'
          setT((cur) => applyHistory(cur, page.items, 'replace', page.has_more))
        }
        ws.markRead(roomId)
      } catch (err) {
        if (cancelled) return
        if (err instanceof ClientResponseError && (err.status === 404 || err.status === 403)) setNotFound(true)
        else setLoadError(errorText(err))
      }
    })()
    return () => {
      cancelled = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [roomId, number])

  // Mark read again when the tab becomes visible.
  useEffect(() => {
    const onVis = () => {
      if (document.visibilityState === 'visible' && ws.membershipFor(roomId)?.unread_at) ws.markRead(roomId)
    }
    document.addEventListener('visibilitychange', onVis)
    return () => document.removeEventListener('visibilitychange', onVis)
  }, [roomId, ws])

  const loadOlder = useCallback(async () => {
    const cur = tRef.current
    if (loadingOlder.current || !cur.hasOlder || cur.messages.length === 0) return
    loadingOlder.current = true
    try {
      const page = await api<HistoryPage>(roomURL(roomId, 'messages'), { query: { before: cur.messages[0].number, limit: PAGE } })
      const el = listRef.current
      if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop }
      setT((c) => applyHistory(c, page.items, 'older', page.has_more))
    } catch (err) {
      console.warn(err)
    } finally {
      loadingOlder.current = false
    }
  }, [roomId])

  const loadNewer = useCallback(async () => {
    const cur = tRef.current
    if (loadingNewer.current || !cur.hasNewer || cur.messages.length === 0) return
    loadingNewer.current = true
    try {
      const page = await api<HistoryPage>(roomURL(roomId, 'messages'), {
        query: { after: cur.messages[cur.messages.length - 1].number, limit: PAGE },
      })
      setT((c) => applyHistory(c, page.items, 'newer', page.has_more))
    } catch (err) {
      console.warn(err)
    } finally {
      loadingNewer.current = false
    }
  }, [roomId])

  const jumpToNewest = useCallback(async () => {
    setHighlight(undefined)
    if (tRef.current.hasNewer || number !== undefined) {
      if (number !== undefined) navigate(`/rooms/${roomId}`, { replace: true })
      else await loadNewest()
    } else {
      const el = listRef.current
      if (el) el.scrollTop = el.scrollHeight
    }
  }, [loadNewest, number, roomId])

  // --- scrolling -----------------------------------------------------------------------------
  const onScroll = useCallback(() => {
    const el = listRef.current
    if (!el) return
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 60
    stick.current = bottom && !tRef.current.hasNewer
    setAtBottom(bottom)
    if (el.scrollTop < 300) void loadOlder()
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 300) void loadNewer()
  }, [loadNewer, loadOlder])

  useLayoutEffect(() => {
    const el = listRef.current
    if (!el) return
    if (anchor.current) {
      el.scrollTop = el.scrollHeight - anchor.current.height + anchor.current.top
      anchor.current = null
      return
    }
    const target = scrollTarget.current
    if (target === 'bottom') {
      if (t.loaded) {
        el.scrollTop = el.scrollHeight
        scrollTarget.current = null
        stick.current = true
      }
      return
    }
    if (typeof target === 'number') {
      const node = el.querySelector<HTMLElement>(`[data-number="${target}"]`)
      if (node) {
        node.scrollIntoView({ block: 'center' })
        scrollTarget.current = null
        stick.current = false
      } else if (t.loaded) {
        scrollTarget.current = null
      }
      return
    }
    if (stick.current) el.scrollTop = el.scrollHeight
  }, [t])

  // Keep loading while the list does not fill the screen.
  useEffect(() => {
    const el = listRef.current
    if (!el || !t.loaded) return
    if (el.scrollHeight <= el.clientHeight + 50) {
      if (t.hasOlder) void loadOlder()
      else if (t.hasNewer) void loadNewer()
    }
  }, [t, loadOlder, loadNewer])

  // --- sending -------------------------------------------------------------------------------
  const post = useCallback(
    async (p: Pending) => {
      const id = p.client_message_id
      try {
        let rec: Message
        if (p.file) {
          // files go through XHR for upload progress (the SDK has none) and can be cancelled
          const fd = new FormData()
          fd.append('room', roomId)
          fd.append('client_message_id', id)
          fd.append('attachment', p.file)
          setProgress((cur) => ({ ...cur, [id]: 0 }))
          const up = uploadWithProgress<Message>('/api/collections/messages/records?expand=creator', fd, (f) =>
            setProgress((cur) => (id in cur ? { ...cur, [id]: f } : cur)),
          )
          uploads.current.set(id, up.abort)
          try {
            rec = await up.done
          } finally {
            uploads.current.delete(id)
            setProgress((cur) => {
              const next = { ...cur }
              delete next[id]
              return next
            })
          }
        } else {
          const data: Record<string, unknown> = { room: roomId, body: p.body, client_message_id: id }
          if (p.previewURL) data.preview_url = p.previewURL
          rec = await pb.collection('messages').create<Message>(data, { expand: 'creator' })
        }
        setT((cur) => applyMessage(cur, rec))
      } catch (err) {
        if (cancelled.current.has(id)) return
        setT((cur) => setPendingStatus(cur, id, 'failed', errorText(err)))
      }
    },
    [roomId],
  )

  /** Cancel an upload: abort it and forget the pending message. */
  const cancelUpload = useCallback((p: Pending) => {
    const id = p.client_message_id
    cancelled.current.add(id)
    uploads.current.get(id)?.()
    setT((cur) => removePending(cur, id))
  }, [])

  const sendFiles = useCallback(
    (files: File[]) => {
      if (tRef.current.hasNewer) void jumpToNewest()
      for (const file of files) {
        if (ws.uploadLimit && file.size > ws.uploadLimit) {
          setNotice(`“${file.name}” is ${humanSize(file.size)}; the limit is ${humanSize(ws.uploadLimit)}.`)
          continue
        }
        const p: Pending = { client_message_id: uuid(), body: '', file, created: new Date().toISOString(), status: 'pending' }
        stick.current = true
        setT((cur) => addPending(cur, p))
        void post(p)
      }
    },
    [jumpToNewest, post, ws.uploadLimit],
  )

  const send = useCallback(
    (body: string, text: string, previewURL?: string) => {
      if (tRef.current.hasNewer) void jumpToNewest()
      const p: Pending = { client_message_id: uuid(), body, text, previewURL, created: new Date().toISOString(), status: 'pending' }
      stick.current = true
      setT((cur) => addPending(cur, p))
      void post(p)
    },
    [jumpToNewest, post],
  )

  const retry = useCallback(
    (p: Pending) => {
      setT((cur) => setPendingStatus(cur, p.client_message_id, 'pending'))
      void post(p)
    },
    [post],
  )

  const saveEdit = useCallback(
    async (id: string, body: string) => {
      try {
        const rec = await pb.collection('messages').update<Message>(id, { body }, { expand: 'creator' })
        setT((cur) => applyMessage(cur, rec))
        setEditing(null)
      } catch (err) {
        setNotice(errorText(err))
        throw err
      }
    },
    [],
  )

  const sendTyping = useCallback(
    (typingNow: boolean) => {
      void pb.send(roomURL(roomId, 'typing'), { method: 'POST', body: { typing: typingNow } }).catch(() => {})
    },
    [roomId],
  )

  const loadMembers = useCallback(() => {
    if (!membersRef.current) {
      membersRef.current = api<{ items: Member[] }>(roomURL(roomId, 'members'))
        .then((r) => r.items ?? [])
        .catch(() => {
          membersRef.current = null
          return [...ws.users.values()].filter((u) => u.role !== 'bot' || true).map((u) => ({ id: u.id, name: u.name, avatar: u.avatar, collectionId: u.collectionId }))
        })
    }
    return membersRef.current
  }, [roomId, ws.users])

  const canModerate = ws.isAdmin

  const actions = useMemo<MessageActions>(
    () => ({
      onEdit: (m) => setEditing(m),
      onDelete: (m) => setConfirmDelete(m),
      onBoost: (m, content) => {
        pb.collection('boosts')
          .create({ message: m.id, content })
          .then(() => catchUp())
          .catch((err) => setNotice(errorText(err)))
      },
      onUnboost: (b: Boost) => {
        pb.collection('boosts')
          .delete(b.id)
          .then(() => catchUp())
          .catch((err) => setNotice(errorText(err)))
      },
      onPlay: (name) => playRef.current(name),
    }),
    [catchUp],
  )

  const rows = useMemo(() => buildRows(t.messages, t.pending, me.id), [t.messages, t.pending, me.id])
  const typingNames = Object.entries(typing)
    .filter(([id]) => id !== me.id)
    .map(([, v]) => v.name)
  const soundText = useMemo(() => new Map(sounds.map((s) => [s.name, s.text ?? ''])), [sounds])

  if (notFound) {
    return (
      <section className="room">
        <div className="empty" data-testid="room-not-found">
          <p>This room doesn’t exist or you’re not in it.</p>
          <button className="button" onClick={() => navigate('/')}>
            Go home
          </button>
        </div>
      </section>
    )
  }

  const involvement = membership?.involvement ?? (room?.kind === 'direct' ? 'everything' : 'mentions')
  const cycle = room?.kind === 'direct' ? DIRECT_CYCLE : SHARED_CYCLE
  const nextInvolvement = cycle[(cycle.indexOf(involvement) + 1) % cycle.length] ?? cycle[0]
  const BellIcon = { mentions: IconBellAt, everything: IconBell, nothing: IconBellOff, invisible: IconEyeOff }[involvement]
  const canManage = room && room.kind !== 'direct' && (ws.isAdmin || room.creator === me.id)
  const title = ws.roomName(room) || ' '
  const RoomIcon = room?.kind === 'closed' ? IconLock : room?.kind === 'direct' ? null : IconHash

  return (
    <section className="room" aria-label={title} data-testid="room" data-room-id={roomId}>
      <header className="room__head">
        <button className="icon-button room__menu" aria-label="Open menu" onClick={onMenu}>
          <IconMenu />
        </button>
        {RoomIcon && <RoomIcon className="room__icon" />}
        <h1 className="room__title" data-testid="room-title">
          {title}
        </h1>
        <div className="room__tools">
          {membership && (
            <button
              className="icon-button"
              aria-label={`${INVOLVEMENT_LABEL[involvement]}. Change to: ${INVOLVEMENT_LABEL[nextInvolvement]}`}
              title={INVOLVEMENT_LABEL[involvement]}
              data-testid="involvement"
              data-involvement={involvement}
              onClick={() => void ws.setInvolvement(roomId, nextInvolvement).catch((err) => setNotice(errorText(err)))}
            >
              <BellIcon />
            </button>
          )}
          {(canManage || room?.kind === 'direct') && (
            <button className="icon-button" aria-label="Room settings" title="Room settings" onClick={() => setSettings(true)} data-testid="room-settings">
              <IconGear />
            </button>
          )}
        </div>
      </header>

      {notice && (
        <div className="notice" role="alert" data-testid="notice">
          {notice}
          <button className="link-button" onClick={() => setNotice('')}>
            Dismiss
          </button>
        </div>
      )}

      <div className="room__messages" ref={listRef} onScroll={onScroll} data-testid="message-list" aria-live="polite" aria-relevant="additions">
        {t.loaded && !t.hasOlder && (
          <div className="room__start" data-testid="room-start">
            This is the start of <strong>{title}</strong>.
          </div>
        )}
        {t.hasOlder && <div className="room__loading">Loading earlier messages…</div>}
        {loadError && (
          <div className="notice" role="alert">
            {loadError}
          </div>
        )}
        {rows.map((r) => {
          if (r.type === 'day') {
            return (
              <div key={r.key} className="day" role="separator" data-testid="day-separator">
                <span>{r.label}</span>
              </div>
            )
          }
          if (r.type === 'pending') return (
              <PendingItem
                key={r.key}
                pending={r.pending}
                me={me}
                continued={r.continued}
                onRetry={retry}
                progress={progress[r.pending.client_message_id]}
                onCancel={cancelUpload}
              />
            )
          return (
            <MessageItem
              key={r.key}
              message={r.message}
              continued={r.continued}
              me={me}
              canModerate={canModerate}
              highlighted={highlight === r.message.number}
              soundText={r.message.sound ? soundText.get(r.message.sound) : undefined}
              actions={actions}
              author={ws.users.get(r.message.creator)}
              fileToken={fileToken}
            />
          )
        })}
      </div>

      {(!atBottom || t.hasNewer) && t.loaded && (
        <button className="jump" onClick={() => void jumpToNewest()} data-testid="jump-to-newest">
          <IconArrowDown /> Jump to newest
        </button>
      )}

      <div className="typing" aria-live="polite" data-testid="typing-indicator">
        {typingNames.length > 0 ? typingText(typingNames) : ''}
      </div>

      <Composer
        roomId={roomId}
        placeholder={room ? `Message ${room.kind === 'direct' ? title : room.name}` : 'Message'}
        editing={editing}
        onSend={send}
        onFiles={sendFiles}
        onSaveEdit={saveEdit}
        onCancelEdit={() => setEditing(null)}
        onEditLast={() => {
          const m = lastOwnEditable(tRef.current, me.id)
          if (m) setEditing(m)
        }}
        onTyping={sendTyping}
        loadMembers={loadMembers}
      />

      {confirmDelete && (
        <ConfirmDialog
          title="Delete this message?"
          text="It will be removed for everyone. This cannot be undone."
          confirmLabel="Delete"
          danger
          onClose={() => setConfirmDelete(null)}
          onConfirm={async () => {
            const id = confirmDelete.id
            try {
              await pb.collection('messages').delete(id)
              setT((cur) => applyDeletion(cur, id, 0))
              if (editing?.id === id) setEditing(null)
            } catch (err) {
              setNotice(errorText(err))
            }
          }}
        />
      )}
      {settings && room && <RoomSettingsDialog room={room} onClose={() => setSettings(false)} />}
    </section>
  )
}
