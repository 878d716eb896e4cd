import { useState } from 'react'
import { api, errorText } from '../pb'
import { navigate } from '../router'
import { useWorkspace } from '../store/workspace'
import type { Room } from '../types'
import { Dialog } from './Dialog'
import { UserPicker } from './UserPicker'

export function NewDirectDialog({ onClose }: { onClose: () => void }) {
  const ws = useWorkspace()
  const [members, setMembers] = useState<Set<string>>(new Set())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const start = async () => {
    setBusy(true)
    setError('')
    try {
      const room = await api<Room>('/api/campfire/rooms/direct', { method: 'POST', body: { users: [...members] } })
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
    <Dialog title="New direct message" onClose={onClose} testid="new-direct-dialog">
      <UserPicker
        users={[...ws.users.values()].filter((u) => u.status !== 'deactivated' && u.status !== 'banned')}
        selected={members}
        onChange={setMembers}
        exclude={[ws.me.id]}
      />
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button className="button button--primary" disabled={busy || members.size === 0} onClick={() => void start()} data-testid="start-direct">
          Start chatting
        </button>
      </div>
    </Dialog>
  )
}
