import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { disablePush } from '../lib/push'
import { ProfileDialog } from './Profile'
import { QRToggle } from './QRCode'
import { Link, navigate } from '../router'
import { api, errorText, pb, fileURL } from '../pb'
import { parseDate } from '../lib/time'
import { useWorkspace } from '../store/workspace'
import type { Membership } from '../types'
import { Avatar } from './Avatar'
import { IconChat, IconClose, IconCopy, IconGear, IconHash, IconLock, IconLogout, IconPlus, IconRetry, IconSearch } from './Icons'
import { ConfirmDialog } from './Dialog'
import { NewRoomDialog } from './NewRoomDialog'
import { NewDirectDialog } from './NewDirectDialog'

function activity(m: Membership): number {
  const t = parseDate(m.expand?.room?.last_message_at).getTime()
  return Number.isNaN(t) ? 0 : t
}

export async function signOut() {
  // This browser stops receiving the user's notifications (while the token still works).
  await disablePush().catch(() => {})
  pb.authStore.clear()
  navigate('/', { replace: true })
}

interface InstallPrompt extends Event {
  prompt: () => Promise<void>
}

let heldPrompt: InstallPrompt | null = null
const installListeners = new Set<() => void>()
window.addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault()
  heldPrompt = e as InstallPrompt
  for (const l of installListeners) l()
})
window.addEventListener('appinstalled', () => {
  heldPrompt = null
  for (const l of installListeners) l()
})

function useInstallPrompt(): InstallPrompt | null {
  const [p, setP] = useState(heldPrompt)
  useEffect(() => {
    const l = () => setP(heldPrompt)
    installListeners.add(l)
    return () => void installListeners.delete(l)
  }, [])
  if (window.matchMedia?.('(display-mode: standalone)').matches) return null
  return p
}

export function Sidebar({ currentRoomId, onClose }: { currentRoomId: string | null; onClose: () => void }) {
  const ws = useWorkspace()
  const [q, setQ] = useState('')
  // Manifest shortcuts: /?open=new-room and /?open=profile
  const [dialog, setDialog] = useState<'room' | 'direct' | 'profile' | null>(() => {
    const open = new URLSearchParams(location.search).get('open')
    return open === 'new-room' ? 'room' : open === 'profile' ? 'profile' : null
  })
  const install = useInstallPrompt()
  const [copied, setCopied] = useState(false)
  const [regen, setRegen] = useState(false)
  const [inviteError, setInviteError] = useState('')

  const { directs, shared } = useMemo(() => {
    const visible = ws.memberships.filter((m) => m.involvement !== 'invisible' && m.expand?.room)
    const directs = visible.filter((m) => m.expand!.room!.kind === 'direct').sort((a, b) => activity(b) - activity(a))
    const shared = visible
      .filter((m) => m.expand!.room!.kind !== 'direct')
      .sort((a, b) => (a.expand!.room!.name || '').localeCompare(b.expand!.room!.name || '', undefined, { sensitivity: 'base' }))
    return { directs, shared }
  }, [ws.memberships])

  const joinURL = ws.account?.join_code ? `${location.origin}/join/${ws.account.join_code}` : ''
  const logo = ws.account?.logo ? fileURL(ws.account.collectionId || 'account', ws.account.id, ws.account.logo, '100x100') : ''

  const search = (e: FormEvent) => {
    e.preventDefault()
    const query = q.trim()
    if (!query) return
    navigate(`/search?q=${encodeURIComponent(query)}`)
    setQ('')
  }

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(joinURL)
    } catch {
      const input = document.querySelector<HTMLInputElement>('[data-testid="join-link"]')
      input?.select()
      document.execCommand?.('copy')
    }
    setCopied(true)
    window.setTimeout(() => setCopied(false), 1500)
  }

  const item = (m: Membership) => {
    const room = m.expand!.room!
    const unread = !!m.unread_at && room.id !== currentRoomId
    const Icon = room.kind === 'direct' ? null : room.kind === 'closed' ? IconLock : IconHash
    const other = room.kind === 'direct' ? (room.direct_key ?? '').split(',').find((id) => id && id !== ws.me.id) : undefined
    return (
      <li key={m.id}>
        <Link
          to={`/rooms/${room.id}`}
          className={`room-link ${unread ? 'room-link--unread' : ''} ${room.id === currentRoomId ? 'room-link--current' : ''}`}
          aria-current={room.id === currentRoomId ? 'page' : undefined}
          data-testid="room-link"
          data-room-id={room.id}
          data-room-name={ws.roomName(room)}
          data-unread={unread ? 'true' : 'false'}
        >
          {Icon ? <Icon className="room-link__icon" /> : <Avatar user={ws.users.get(other ?? ws.me.id)} size={20} />}
          <span className="room-link__name">{ws.roomName(room)}</span>
          {unread && <span className="room-link__dot" aria-label="unread" />}
        </Link>
      </li>
    )
  }

  return (
    <nav className="sidebar" aria-label="Rooms" data-testid="sidebar">
      <div className="sidebar__head">
        {logo ? <img className="sidebar__logo" src={logo} alt="" /> : <span className="sidebar__flame" aria-hidden="true" />}
        <span className="sidebar__account" data-testid="account-name">
          {ws.account?.name || 'Campfire'}
        </span>
        <button className="icon-button sidebar__close" aria-label="Close menu" onClick={onClose}>
          <IconClose />
        </button>
      </div>

      <form className="sidebar__search" role="search" onSubmit={search}>
        <IconSearch className="sidebar__search-icon" />
        <input
          className="input input--search"
          type="search"
          placeholder="Search messages"
          aria-label="Search messages"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          data-testid="search-input"
        />
      </form>

      <div className="sidebar__scroll">
        <div className="sidebar__section">
          <div className="sidebar__section-head">
            <h2>People</h2>
            <button className="icon-button" aria-label="New direct message" title="New direct message" onClick={() => setDialog('direct')} data-testid="new-direct">
              <IconChat />
            </button>
          </div>
          <ul className="room-list" data-testid="direct-rooms">
            {directs.map(item)}
          </ul>
        </div>
        <div className="sidebar__section">
          <div className="sidebar__section-head">
            <h2>Rooms</h2>
            {(!ws.account?.restrict_room_creation || ws.isAdmin) && (
              <button className="icon-button" aria-label="New room" title="New room" onClick={() => setDialog('room')} data-testid="new-room">
                <IconPlus />
              </button>
            )}
          </div>
          <ul className="room-list" data-testid="shared-rooms">
            {shared.map(item)}
          </ul>
        </div>

        {joinURL && (
          <div className="sidebar__invite">
            <label className="field__label" htmlFor="join-link">
              Invite people with this link
            </label>
            <div className="copy-field">
              <input id="join-link" className="input input--small" readOnly value={joinURL} data-testid="join-link" onFocus={(e) => e.target.select()} />
              <button className="icon-button" aria-label="Copy invite link" title="Copy" onClick={() => void copy()} data-testid="copy-join-link">
                <IconCopy />
              </button>
              {ws.isAdmin && (
                <button
                  className="icon-button"
                  aria-label="Make a new invite link"
                  title="Make a new invite link (the old one stops working)"
                  onClick={() => setRegen(true)}
                  data-testid="regenerate-join-link"
                >
                  <IconRetry />
                </button>
              )}
            </div>
            {inviteError && (
              <span className="form__error" role="alert">
                {inviteError}
              </span>
            )}
            {copied && (
              <span className="hint" role="status" data-testid="copied">
                Copied
              </span>
            )}
            <QRToggle value={joinURL} testid="join-qr" />
          </div>
        )}
      </div>

      {install && (
        <button
          className="button button--small sidebar__install"
          onClick={() => {
            void install.prompt().catch(() => {})
            heldPrompt = null
            for (const l of installListeners) l()
          }}
          data-testid="install-app"
        >
          Install app
        </button>
      )}
      <div className="sidebar__foot">
        <button className="sidebar__profile" onClick={() => setDialog('profile')} aria-label="Your profile" data-testid="open-profile">
          <Avatar user={ws.me} size={28} />
          <span className="sidebar__me" data-testid="my-name">
            {ws.me.name}
          </span>
        </button>
        {ws.isAdmin && (
          <Link to="/settings/account" className="icon-button" aria-label="Settings" title="Settings" data-testid="open-settings">
            <IconGear />
          </Link>
        )}
        <button className="icon-button" aria-label="Sign out" title="Sign out" onClick={() => void signOut()} data-testid="sign-out">
          <IconLogout />
        </button>
      </div>

      {regen && (
        <ConfirmDialog
          title="Make a new invite link?"
          text="The current link stops working at once."
          confirmLabel="Make a new link"
          onClose={() => setRegen(false)}
          onConfirm={async () => {
            setInviteError('')
            try {
              const r = await api<{ join_code: string }>('/api/campfire/account/join-code', { method: 'POST' })
              if (ws.account) ws.setAccount({ ...ws.account, join_code: r.join_code })
            } catch (err) {
              setInviteError(errorText(err))
            }
          }}
        />
      )}
      {dialog === 'room' && <NewRoomDialog onClose={() => setDialog(null)} />}
      {dialog === 'direct' && <NewDirectDialog onClose={() => setDialog(null)} />}
      {dialog === 'profile' && <ProfileDialog onClose={() => setDialog(null)} />}
    </nav>
  )
}
