import { useEffect, useState, type FormEvent } from 'react'
import { api, errorText } from '../pb'
import { navigate } from '../router'
import { useWorkspace } from '../store/workspace'
import type { Member, Room } from '../types'
import { ConfirmDialog, Dialog } from './Dialog'
import { UserPicker } from './UserPicker'

export function RoomSettingsDialog({ room, onClose }: { room: Room; onClose: () => void }) {
  const ws = useWorkspace()
  const [name, setName] = useState(room.name)
  const [kind, setKind] = useState<'open' | 'closed'>(room.kind === 'closed' ? 'closed' : 'open')
  const [members, setMembers] = useState<Set<string>>(new Set())
  const [loaded, setLoaded] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [confirm, setConfirm] = useState(false)
  const direct = room.kind === 'direct'
  const canManage = !direct && (ws.isAdmin || room.creator === ws.me.id)

  useEffect(() => {
    api<{ items: Member[] }>(`/api/campfire/rooms/${encodeURIComponent(room.id)}/members`)
      .then((r) => setMembers(new Set((r.items ?? []).map((m) => m.id))))
      .catch(() => {})
      .finally(() => setLoaded(true))
  }, [room.id])

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      const body: Record<string, unknown> = { name: name.trim(), kind }
      if (kind === 'closed') body.members = [...members]
      const updated = await api<Room>(`/api/campfire/rooms/${encodeURIComponent(room.id)}`, { method: 'PATCH', body })
      ws.upsertRoom({ ...room, ...updated })
      onClose()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const remove = async () => {
    try {
      await api(`/api/campfire/rooms/${encodeURIComponent(room.id)}`, { method: 'DELETE' })
      ws.forgetRoom(room.id)
      onClose()
      navigate('/', { replace: true })
    } catch (err) {
      setError(errorText(err))
    }
  }

  return (
    <Dialog title={direct ? 'Conversation settings' : 'Room settings'} onClose={onClose} testid="room-settings-dialog" wide>
      {canManage ? (
        <form className="form" onSubmit={save}>
          <label className="field">
            <span className="field__label">Name</span>
            <input className="input" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="settings-name" />
          </label>
          <fieldset className="segmented">
            <legend className="field__label">Who can join</legend>
            <label>
              <input type="radio" name="kind" checked={kind === 'open'} onChange={() => setKind('open')} data-testid="settings-open" />
              Everyone
            </label>
            <label>
              <input type="radio" name="kind" checked={kind === 'closed'} onChange={() => setKind('closed')} data-testid="settings-closed" />
              Only people I choose
            </label>
          </fieldset>
          {kind === 'closed' && loaded && (
            <UserPicker users={[...ws.users.values()]} selected={members} onChange={setMembers} locked={[room.creator ?? '']} />
          )}
          {error && (
            <p className="form__error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__actions dialog__actions--split">
            <button type="button" className="button button--danger" onClick={() => setConfirm(true)} data-testid="delete-room">
              Delete room
            </button>
            <span>
              <button type="button" className="button" onClick={onClose}>
                Cancel
              </button>{' '}
              <button type="submit" className="button button--primary" disabled={busy} data-testid="save-room">
                Save
              </button>
            </span>
          </div>
        </form>
      ) : (
        <>
          {error && (
            <p className="form__error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__actions dialog__actions--split">
            <button type="button" className="button button--danger" onClick={() => setConfirm(true)} data-testid="delete-room">
              Delete conversation
            </button>
            <button type="button" className="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
      {confirm && (
        <ConfirmDialog
          title={direct ? 'Delete this conversation?' : `Delete ${room.name}?`}
          text="All its messages will be deleted for everyone. This cannot be undone."
          confirmLabel="Delete"
          danger
          onClose={() => setConfirm(false)}
          onConfirm={remove}
        />
      )}
    </Dialog>
  )
}
