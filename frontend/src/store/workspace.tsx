import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { api, fileURL, pb } from '../pb'
import type { Account, Involvement, Membership, Room, Sound, Status, User, UserEvent } from '../types'
import { setAppBadge } from '../lib/push'
import { onConnectionChange, onReconnect, startLive, stopLive, subscribeTopic } from './live'

export interface Workspace {
  me: User
  users: Map<string, User>
  account: Account | null
  memberships: Membership[]
  connected: boolean
  /** The room currently on screen (for unread handling). */
  openRoomId: string | null
  setOpenRoomId: (id: string | null) => void
  roomById: (id: string) => Room | undefined
  membershipFor: (roomId: string) => Membership | undefined
  roomName: (room: Room | undefined) => string
  refreshMemberships: () => Promise<void>
  refreshUsers: () => Promise<void>
  refreshAccount: () => Promise<void>
  setAccount: (a: Account) => void
  setInvolvement: (roomId: string, involvement: Involvement) => Promise<void>
  markRead: (roomId: string) => void
  upsertRoom: (room: Room) => void
  /** Drops a room locally at once (I am deleting or leaving it). */
  forgetRoom: (roomId: string) => void
  sounds: () => Promise<Sound[]>
  isAdmin: boolean
  /** The largest attachment in bytes (0: unknown). */
  uploadLimit: number
}

const Ctx = createContext<Workspace | null>(null)

export function useWorkspace(): Workspace {
  const w = useContext(Ctx)
  if (!w) throw new Error('useWorkspace outside WorkspaceProvider')
  return w
}

export function directName(room: Room, me: User, users: Map<string, User>): string {
  const ids = (room.direct_key ?? '').split(',').filter(Boolean)
  const others = ids.filter((id) => id !== me.id)
  if (others.length === 0) return me.name
  return others.map((id) => users.get(id)?.name ?? 'Someone').join(', ')
}

export function WorkspaceProvider({ me, children }: { me: User; children: ReactNode }) {
  const [users, setUsers] = useState<Map<string, User>>(() => new Map([[me.id, me]]))
  const [account, setAccount] = useState<Account | null>(null)
  const [memberships, setMemberships] = useState<Membership[]>([])
  const [connected, setConnected] = useState(true)
  const [openRoomId, setOpenRoomId] = useState<string | null>(null)
  const [uploadLimit, setUploadLimit] = useState(0)
  useEffect(() => {
    api<Status>('/api/campfire/status')
      .then((s) => setUploadLimit(s.upload_limit ?? 0))
      .catch(() => {})
  }, [])
  const soundsRef = useRef<Promise<Sound[]> | null>(null)
  const readTimer = useRef<Record<string, number>>({})

  const refreshUsers = useCallback(async () => {
    const list = await pb.collection('users').getFullList<User>({ sort: 'name' })
    setUsers(new Map(list.map((u) => [u.id, u])))
  }, [])

  const refreshMemberships = useCallback(async () => {
    const list = await pb.collection('memberships').getFullList<Membership>({ expand: 'room' })
    setMemberships(list.filter((m) => m.expand?.room))
  }, [])

  const refreshAccount = useCallback(async () => {
    try {
      const a = await pb.collection('account').getFirstListItem<Account>('')
      setAccount(a)
    } catch {
      setAccount(null)
    }
  }, [])

  const upsertRoom = useCallback((room: Room) => {
    setMemberships((list) =>
      list.map((m) => (m.room === room.id ? { ...m, expand: { room: { ...m.expand?.room, ...room } as Room } } : m)),
    )
  }, [])

  // Initial load, realtime and the user topic.
  useEffect(() => {
    let cancelled = false
    let unsubUser: (() => void) | null = null
    const offConn = onConnectionChange(setConnected)
    const offRe = onReconnect(() => {
      void refreshMemberships().catch(() => {})
      void refreshUsers().catch(() => {})
    })
    void Promise.all([refreshUsers(), refreshMemberships(), refreshAccount()]).catch(() => {})
    void (async () => {
      await startLive().catch(() => {})
      if (cancelled) return
      unsubUser = await subscribeTopic<UserEvent>(`campfire/users/${me.id}`, (ev) => {
        const room = ev.room
        if (!room?.id) return
        switch (ev.type) {
          case 'room.unread':
            setMemberships((list) =>
              list.map((m) =>
                m.room === room.id
                  ? { ...m, unread_at: new Date().toISOString(), expand: { room: { ...m.expand?.room, ...room } as Room } }
                  : m,
              ),
            )
            break
          case 'room.read':
            setMemberships((list) => list.map((m) => (m.room === room.id ? { ...m, unread_at: '' } : m)))
            break
          case 'room.updated':
            setMemberships((list) => {
              if (!list.some((m) => m.room === room.id)) {
                void refreshMemberships().catch(() => {})
                return list
              }
              return list.map((m) => (m.room === room.id ? { ...m, expand: { room: { ...m.expand?.room, ...room } as Room } } : m))
            })
            break
          case 'room.created':
            void refreshMemberships().catch(() => {})
            void refreshUsers().catch(() => {})
            break
          case 'room.deleted':
            setMemberships((list) => list.filter((m) => m.room !== room.id))
            break
        }
      })
      if (cancelled) unsubUser()
    })()
    return () => {
      cancelled = true
      offConn()
      offRe()
      unsubUser?.()
      void stopLive()
    }
  }, [me.id, refreshAccount, refreshMemberships, refreshUsers])

  const membershipFor = useCallback((roomId: string) => memberships.find((m) => m.room === roomId), [memberships])
  const roomById = useCallback((id: string) => memberships.find((m) => m.room === id)?.expand?.room, [memberships])
  const roomName = useCallback(
    (room: Room | undefined) => {
      if (!room) return ''
      if (room.kind === 'direct') return directName(room, me, users)
      return room.name
    },
    [me, users],
  )

  const setInvolvement = useCallback(async (roomId: string, involvement: Involvement) => {
    const m = await api<Membership>(`/api/campfire/rooms/${encodeURIComponent(roomId)}/involvement`, {
      method: 'PUT',
      body: { involvement },
    })
    setMemberships((list) => list.map((x) => (x.room === roomId ? { ...x, involvement: m?.involvement ?? involvement } : x)))
  }, [])

  const membershipsRef = useRef(memberships)
  membershipsRef.current = memberships
  const markRead = useCallback((roomId: string) => {
    // Coalesce bursts of new messages into one request.
    if (readTimer.current[roomId]) return
    if (!membershipsRef.current.some((m) => m.room === roomId)) return
    setMemberships((list) => list.map((m) => (m.room === roomId && m.unread_at ? { ...m, unread_at: '' } : m)))
    readTimer.current[roomId] = window.setTimeout(() => {
      delete readTimer.current[roomId]
      // the room may have gone meanwhile (deleted, or I was removed)
      if (!membershipsRef.current.some((m) => m.room === roomId)) return
      void pb.send(`/api/campfire/rooms/${encodeURIComponent(roomId)}/read`, { method: 'POST' }).catch(() => {})
    }, 150)
  }, [])

  const forgetRoom = useCallback((roomId: string) => {
    window.clearTimeout(readTimer.current[roomId])
    delete readTimer.current[roomId]
    membershipsRef.current = membershipsRef.current.filter((m) => m.room !== roomId)
    setMemberships((list) => list.filter((m) => m.room !== roomId))
  }, [])

  const sounds = useCallback(() => {
    if (!soundsRef.current) {
      soundsRef.current = api<{ items: Sound[] }>('/api/campfire/sounds')
        .then((r) => r.items ?? [])
        .catch(() => {
          soundsRef.current = null
          return []
        })
    }
    return soundsRef.current
  }, [])

  // The account's logo is the favicon (its 32x32 thumbnail); our flame otherwise.
  useEffect(() => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]')
    if (!link) return
    if (account?.logo) {
      link.type = 'image/png'
      link.href = fileURL(account.collectionId || 'account', account.id, account.logo, '32x32')
    } else {
      link.type = 'image/svg+xml'
      link.href = '/favicon.svg'
    }
  }, [account?.logo, account?.collectionId, account?.id])

  // Unread count in the tab title.
  useEffect(() => {
    const n = memberships.filter((m) => m.unread_at && m.involvement !== 'invisible' && m.room !== openRoomId).length
    const open = openRoomId ? memberships.find((m) => m.room === openRoomId)?.expand?.room : undefined
    const base = [open ? (open.kind === 'direct' ? directName(open, me, users) : open.name) : '', account?.name || 'Campfire']
      .filter(Boolean)
      .join(' · ')
    document.title = n > 0 ? `(${n}) ${base}` : base
    const all = memberships.filter((m) => m.unread_at && m.involvement !== 'invisible').length
    setAppBadge(all)
  }, [memberships, openRoomId, account, me, users])

  const value = useMemo<Workspace>(
    () => ({
      me: users.get(me.id) ?? me,
      users,
      account,
      memberships,
      connected,
      openRoomId,
      setOpenRoomId,
      roomById,
      membershipFor,
      roomName,
      refreshMemberships,
      refreshUsers,
      refreshAccount,
      setAccount,
      setInvolvement,
      markRead,
      upsertRoom,
      forgetRoom,
      sounds,
      isAdmin: (users.get(me.id) ?? me).role === 'administrator',
      uploadLimit,
    }),
    [uploadLimit, me, users, account, memberships, connected, openRoomId, roomById, membershipFor, roomName, refreshMemberships, refreshUsers, refreshAccount, setInvolvement, markRead, upsertRoom, forgetRoom, sounds],
  )
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}
