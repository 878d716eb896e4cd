import { useEffect, useState } from 'react'
import { api, errorText, pb } from '../pb'
import { navigate } from '../router'
import { useWorkspace } from '../store/workspace'
import type { Room, User } from '../types'
import { Avatar } from './Avatar'
import { IconMenu } from './Icons'

const roleLabel = (role?: string) => (role === 'administrator' ? 'Admin' : role === 'bot' ? 'BOT' : 'Member')

/** Someone's public profile: name, picture, bio, role, "left"; Ping opens our direct room. */
export function UserPage({ id, onMenu }: { id: string; onMenu: () => void }) {
  const ws = useWorkspace()
  const known = ws.users.get(id)
  const [fetched, setFetched] = useState<User | null>(null)
  const [missing, setMissing] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  useEffect(() => {
    if (known) return
    let live = true
    pb.collection('users')
      .getOne<User>(id)
      .then((u) => live && setFetched(u))
      .catch(() => live && setMissing(true))
    return () => {
      live = false
    }
  }, [id, known])
  const user = known ?? fetched

  const ping = async () => {
    setBusy(true)
    setError('')
    try {
      const room = await api<Room>('/api/campfire/rooms/direct', { method: 'POST', body: { users: [id] } })
      await ws.refreshMemberships()
      navigate(`/rooms/${room.id}`)
    } catch (err) {
      setError(errorText(err))
      setBusy(false)
    }
  }

  const left = user?.status === 'deactivated'
  const canPing = !!user && user.id !== ws.me.id && user.status !== 'deactivated' && user.status !== 'banned' && user.role !== 'bot'
  return (
    <section className="room user-page" aria-label="Profile" data-testid="user-page">
      <header className="room__head">
        <button className="icon-button room__menu" aria-label="Open menu" onClick={onMenu}>
          <IconMenu />
        </button>
        <h1 className="room__title">Profile</h1>
      </header>
      <div className="room__messages user-page__body">
        {missing && !user && <p className="notice">This person isn’t here.</p>}
        {!user && !missing && <div className="empty" aria-busy="true" />}
        {user && (
          <div className="user-card" data-testid="user-profile" data-user-id={user.id}>
            <Avatar user={user} size={96} />
            <h2 className="user-card__name" data-testid="user-profile-name">
              {user.name}
            </h2>
            <div className="user-card__tags">
              <span className={`tag ${user.role === 'bot' ? 'tag--bot' : ''}`} data-testid="user-profile-role">
                {roleLabel(user.role)}
              </span>
              {left && (
                <span className="tag" data-testid="user-profile-left">
                  left
                </span>
              )}
              {user.status === 'banned' && <span className="tag">banned</span>}
            </div>
            {user.bio && (
              <p className="user-card__bio" data-testid="user-profile-bio">
                {user.bio}
              </p>
            )}
            {canPing && (
              <button className="button button--primary" disabled={busy} onClick={() => void ping()} data-testid="user-profile-ping">
                Ping
              </button>
            )}
            {error && (
              <p className="form__error" role="alert">
                {error}
              </p>
            )}
          </div>
        )}
      </div>
    </section>
  )
}
