import { useMemo, useState } from 'react'
import type { User } from '../types'
import { Avatar } from './Avatar'

export function UserPicker({
  users,
  selected,
  onChange,
  exclude,
  locked,
}: {
  users: User[]
  selected: Set<string>
  onChange: (s: Set<string>) => void
  exclude?: string[]
  locked?: string[]
}) {
  const [filter, setFilter] = useState('')
  const list = useMemo(() => {
    const f = filter.trim().toLocaleLowerCase()
    return users
      .filter((u) => u.role !== 'bot' || true)
      .filter((u) => !exclude?.includes(u.id))
      .filter((u) => !f || u.name.toLocaleLowerCase().includes(f))
  }, [users, filter, exclude])
  return (
    <div className="picker">
      <input
        className="input"
        type="search"
        placeholder="Filter people"
        aria-label="Filter people"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        data-testid="user-filter"
      />
      <ul className="picker__list">
        {list.map((u) => {
          const on = selected.has(u.id)
          const isLocked = locked?.includes(u.id)
          return (
            <li key={u.id}>
              <label className="picker__item" data-testid="user-option" data-user-name={u.name}>
                <input
                  type="checkbox"
                  checked={on || !!isLocked}
                  disabled={isLocked}
                  onChange={() => {
                    const next = new Set(selected)
                    if (on) next.delete(u.id)
                    else next.add(u.id)
                    onChange(next)
                  }}
                />
                <Avatar user={u} size={24} />
                <span>{u.name}</span>
                {u.role === 'bot' && <span className="tag">bot</span>}
              </label>
            </li>
          )
        })}
        {list.length === 0 && <li className="hint">Nobody matches.</li>}
      </ul>
    </div>
  )
}
