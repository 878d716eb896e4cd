import { useState, type FormEvent } from 'react'
import { api, errorText } from '../pb'
import { navigate } from '../router'
import { useWorkspace } from '../store/workspace'
import type { Room } from '../types'
import { Dialog } from './Dialog'
import { UserPicker } from './UserPicker'

export function NewRoomDialog({ onClose }: { onClose: () => void }) {
  const ws = useWorkspace()
  const [name, setName] = useState('')
  const [kind, setKind] = useState<'open' | 'closed'>('open')
  const [members, setMembers] = useState<Set<string>>(new Set())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      const body: Record<string, unknown> = { kind, name: name.trim() }
      if (kind === 'closed') body.members = [...members]
      const room = await api<Room>('/api/campfire/rooms', { method: 'POST', body })
      await ws.refreshMemberships()
      onClose()
      navigate(`/rooms/${room.id}`)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog title="New room" onClose={onClose} testid="new-room-dialog">
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span className="field__label">Name</span>
          <input className="input" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoFocus data-testid="room-name" />
        </label>
        <fieldset className="segmented">
          <legend className="field__label">Who can join</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'open'} onChange={() => setKind('open')} data-testid="room-kind-open" />
            Everyone
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'closed'} onChange={() => setKind('closed')} data-testid="room-kind-closed" />
            Only people I choose
          </label>
        </fieldset>
        {kind === 'closed' && (
          <UserPicker users={[...ws.users.values()]} selected={members} onChange={setMembers} exclude={[ws.me.id]} />
        )}
        {error && (
          <p className="form__error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="create-room">
            Create room
          </button>
        </div>
      </form>
    </Dialog>
  )
}
