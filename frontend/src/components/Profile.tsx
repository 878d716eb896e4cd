import { useEffect, useState, type FormEvent } from 'react'
import { api, errorText, pb } from '../pb'
import { disablePush, enablePush, pushPermission, pushSubscribed, sendTestPush, type PushState } from '../lib/push'
import { useWorkspace } from '../store/workspace'
import type { Involvement, User } from '../types'
import { Avatar } from './Avatar'
import { Dialog } from './Dialog'
import { signOut } from './Sidebar'
import { QRCode } from './QRCode'

function Notifications() {
  const [state, setState] = useState<PushState>(() => pushPermission())
  const [on, setOn] = useState(false)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  useEffect(() => {
    if (state === 'granted') void pushSubscribed().then(setOn)
  }, [state])
  if (state === 'unsupported') return null
  const run = async (fn: () => Promise<void>) => {
    setBusy(true)
    setMessage('')
    try {
      await fn()
    } catch (err) {
      setMessage(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="profile__section" data-testid="notifications">
      <h3>Notifications on this device</h3>
      {state === 'default' && (
        <button className="button" disabled={busy} onClick={() => void run(async () => setState(await enablePush()))} data-testid="push-enable">
          Turn on notifications
        </button>
      )}
      {state === 'denied' && (
        <p className="hint">Notifications are blocked for this site. Allow them in your browser’s site settings, then reload.</p>
      )}
      {state === 'granted' && (
        <div className="profile__row">
          <label className="switch">
            <input
              type="checkbox"
              checked={on}
              disabled={busy}
              onChange={() =>
                void run(async () => {
                  if (on) await disablePush()
                  else setState(await enablePush())
                  setOn(await pushSubscribed())
                })
              }
              data-testid="push-toggle"
            />
            {on ? 'On' : 'Off'}
          </label>
          {on && (
            <button
              className="button button--small"
              disabled={busy}
              onClick={() => void run(async () => (await sendTestPush(), setMessage('Test notification sent.')))}
              data-testid="push-test"
            >
              Send a test
            </button>
          )}
        </div>
      )}
      {message && (
        <p className="hint" role="status">
          {message}
        </p>
      )}
    </section>
  )
}

function Credentials() {
  const ws = useWorkspace()
  const [email, setEmail] = useState(ws.me.email ?? (pb.authStore.record as { email?: string } | null)?.email ?? '')
  const [emailPassword, setEmailPassword] = useState('')
  const [oldPassword, setOldPassword] = useState('')
  const [password, setPassword] = useState('')
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')
  const changeEmail = async (e: FormEvent) => {
    e.preventDefault()
    setError('')
    setMessage('')
    try {
      const r = await api<{ token: string; record: User }>('/api/campfire/users/me/email', { method: 'POST', body: { email: email.trim(), password: emailPassword } })
      pb.authStore.save(r.token, r.record as never)
      setEmailPassword('')
      setMessage('Email changed. Your other sessions were signed out.')
    } catch (err) {
      setError(errorText(err))
    }
  }
  const changePassword = async (e: FormEvent) => {
    e.preventDefault()
    setError('')
    setMessage('')
    try {
      await pb.collection('users').update(ws.me.id, { oldPassword, password, passwordConfirm: password })
      // a password change ends every session, this one too: sign in again with the new one
      const myEmail = (pb.authStore.record as { email?: string } | null)?.email ?? email
      await pb.collection('users').authWithPassword(myEmail, password)
      setOldPassword('')
      setPassword('')
      setMessage('Password changed. Your other sessions were signed out.')
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <section className="profile__section">
      <h3>Email and password</h3>
      <form className="form profile__form" onSubmit={changeEmail}>
        <input className="input input--small" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-label="Email" autoComplete="email" data-testid="profile-email" />
        <input
          className="input input--small"
          type="password"
          required
          value={emailPassword}
          onChange={(e) => setEmailPassword(e.target.value)}
          placeholder="Current password"
          aria-label="Current password for the email change"
          autoComplete="current-password"
          data-testid="profile-email-password"
        />
        <button className="button button--small" type="submit" data-testid="profile-email-save">
          Change email
        </button>
      </form>
      <form className="form profile__form" onSubmit={changePassword}>
        <input
          className="input input--small"
          type="password"
          required
          value={oldPassword}
          onChange={(e) => setOldPassword(e.target.value)}
          placeholder="Current password"
          aria-label="Current password"
          autoComplete="current-password"
          data-testid="profile-old-password"
        />
        <input
          className="input input--small"
          type="password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          placeholder="New password"
          aria-label="New password"
          autoComplete="new-password"
          data-testid="profile-new-password"
        />
        <button className="button button--small" type="submit" data-testid="profile-password-save">
          Change password
        </button>
      </form>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      {message && (
        <p className="hint" role="status" data-testid="credentials-message">
          {message}
        </p>
      )}
    </section>
  )
}

function OtherDevice() {
  const [link, setLink] = useState<{ url: string; expires?: string } | null>(null)
  const [error, setError] = useState('')
  return (
    <section className="profile__section">
      <h3>Sign in on another device</h3>
      {link ? (
        <>
          <div className="copy-field">
            <input className="input input--small" readOnly value={link.url} onFocus={(e) => e.target.select()} data-testid="transfer-link" />
            <button className="button button--small" onClick={() => void navigator.clipboard?.writeText(link.url).catch(() => {})}>
              Copy
            </button>
          </div>
          <QRCode value={link.url} testid="transfer-qr" />
          <p className="hint">Open it on the other device (or scan the code with its camera) within 4 hours. It works once.</p>
        </>
      ) : (
        <button
          className="button"
          onClick={() =>
            void api<{ url: string; expires?: string }>('/api/campfire/sessions/transfer', { method: 'POST', body: {} })
              .then(setLink)
              .catch((err) => setError(errorText(err)))
          }
          data-testid="transfer-create"
        >
          Make a sign-in link
        </button>
      )}
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

const INVOLVEMENT_LABELS: Record<Involvement, string> = {
  everything: 'Everything',
  mentions: 'Mentions only',
  nothing: 'Nothing',
  invisible: 'Hidden',
}

/** My rooms and how much each one tells me (the same setting as a room's bell). */
function MyRooms() {
  const ws = useWorkspace()
  const rows = ws.memberships
    .filter((m) => m.expand?.room)
    .map((m) => ({ m, room: m.expand!.room!, name: ws.roomName(m.expand!.room) }))
    .sort((a, b) => a.name.localeCompare(b.name))
  return (
    <section className="profile__section" data-testid="my-rooms">
      <h3>My rooms</h3>
      <ul className="my-rooms">
        {rows.map(({ m, room, name }) => {
          const choices: Involvement[] = room.kind === 'direct' ? ['everything', 'nothing'] : ['mentions', 'everything', 'nothing', 'invisible']
          return (
            <li key={m.id} className="my-rooms__row" data-testid="my-room" data-room-id={room.id}>
              <span className="my-rooms__name">{name}</span>
              <select
                className="input input--small"
                aria-label={`Notifications for ${name}`}
                value={m.involvement}
                onChange={(e) => void ws.setInvolvement(room.id, e.target.value as Involvement)}
                data-testid="my-room-involvement"
              >
                {choices.map((c) => (
                  <option key={c} value={c}>
                    {INVOLVEMENT_LABELS[c]}
                  </option>
                ))}
              </select>
            </li>
          )
        })}
      </ul>
    </section>
  )
}

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const ws = useWorkspace()
  const [name, setName] = useState(ws.me.name)
  const [bio, setBio] = useState(ws.me.bio ?? '')
  const [avatar, setAvatar] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      const data = new FormData()
      data.append('name', name.trim())
      data.append('bio', bio.trim())
      if (avatar) data.append('avatar', avatar)
      const rec = await pb.collection('users').update<User>(ws.me.id, data)
      pb.authStore.save(pb.authStore.token, { ...(pb.authStore.record ?? {}), ...rec } as never)
      await ws.refreshUsers()
      onClose()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const revokeAll = async () => {
    try {
      await api('/api/campfire/sessions/revoke-all', { method: 'POST' })
    } catch (err) {
      setError(errorText(err))
      return
    }
    await signOut()
  }

  return (
    <Dialog title="Your profile" onClose={onClose} testid="profile-dialog" wide>
      <form className="form" onSubmit={save}>
        <div className="profile__row">
          <Avatar user={ws.me} size={56} />
          <label className="field profile__grow">
            <span className="field__label">Picture</span>
            <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" onChange={(e) => setAvatar(e.target.files?.[0] ?? null)} data-testid="profile-avatar" />
          </label>
        </div>
        <label className="field">
          <span className="field__label">Name</span>
          <input className="input" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="profile-name" />
        </label>
        <label className="field">
          <span className="field__label">About you</span>
          <input className="input" maxLength={200} value={bio} onChange={(e) => setBio(e.target.value)} data-testid="profile-bio" />
        </label>
        {error && (
          <p className="form__error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="profile-save">
            Save
          </button>
        </div>
      </form>
      <MyRooms />
      <Credentials />
      <Notifications />
      <OtherDevice />
      <section className="profile__section">
        <h3>Sessions</h3>
        <button className="button button--danger" onClick={() => void revokeAll()} data-testid="revoke-all">
          Sign out everywhere
        </button>
      </section>
    </Dialog>
  )
}
