import { useEffect, useState, type FormEvent } from 'react'
import { api, errorText, pb } from '../pb'
import { Link, navigate } from '../router'
import { fullLabel, parseDate } from '../lib/time'
import { useWorkspace } from '../store/workspace'
import type { Message } from '../types'
import { Avatar } from './Avatar'
import { IconMenu, IconSearch } from './Icons'

interface Recent {
  id: string
  query: string
}

export function SearchPage({ q, onMenu }: { q: string; onMenu: () => void }) {
  const ws = useWorkspace()
  const [input, setInput] = useState(q)
  const [results, setResults] = useState<Message[] | null>(null)
  const [error, setError] = useState('')
  const [recent, setRecent] = useState<Recent[]>([])

  const loadRecent = () =>
    pb
      .collection('searches')
      .getFullList<Recent>({ sort: '-updated' })
      .then(setRecent)
      .catch(() => setRecent([]))

  useEffect(() => {
    let cancelled = false
    setError('')
    if (!q.trim()) {
      setResults(null)
      void loadRecent()
      return
    }
    setResults(null)
    api<{ items: Message[] }>('/api/campfire/search', { query: { q } })
      .then((r) => !cancelled && setResults(r.items ?? []))
      .catch((err) => !cancelled && setError(errorText(err)))
      .finally(() => !cancelled && void loadRecent())
    return () => {
      cancelled = true
    }
  }, [q])

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const v = input.trim()
    if (v) navigate(`/search?q=${encodeURIComponent(v)}`)
  }

  const clear = async () => {
    try {
      await api('/api/campfire/searches', { method: 'DELETE' })
      setRecent([])
    } catch (err) {
      setError(errorText(err))
    }
  }

  return (
    <section className="room search" aria-label="Search" data-testid="search-page">
      <header className="room__head">
        <button className="icon-button room__menu" aria-label="Open menu" onClick={onMenu}>
          <IconMenu />
        </button>
        <form className="search__form" role="search" onSubmit={submit}>
          <IconSearch className="search__icon" />
          <input
            className="input"
            type="search"
            aria-label="Search messages"
            placeholder="Search messages"
            value={input}
            autoFocus
            onChange={(e) => setInput(e.target.value)}
            data-testid="search-page-input"
          />
        </form>
      </header>
      <div className="room__messages search__body">
        {error && (
          <p className="notice" role="alert">
            {error}
          </p>
        )}
        {results === null && q.trim() && !error && <p className="hint">Searching…</p>}
        {results && (
          <>
            <p className="hint" data-testid="search-count">
              {results.length === 0 ? `Nothing found for “${q}”.` : `${results.length} result${results.length === 1 ? '' : 's'} for “${q}”`}
            </p>
            <ol className="results" data-testid="search-results">
              {results.map((m) => {
                const room = ws.roomById(m.room)
                const creator = m.expand?.creator ?? ws.users.get(m.creator) ?? { id: m.creator, name: 'Someone' }
                const created = parseDate(m.created)
                return (
                  <li key={m.id}>
                    <Link to={`/rooms/${m.room}/@${m.number}`} className="result" data-testid="search-result" data-message-id={m.id}>
                      <Avatar user={creator} size={32} />
                      <span className="result__main">
                        <span className="result__meta">
                          <strong>{creator.name}</strong> in <span data-testid="result-room">{ws.roomName(room) || 'a room'}</span> ·{' '}
                          <time dateTime={created.toISOString()}>{fullLabel(created)}</time>
                        </span>
                        <span className="result__snippet" dir="auto" dangerouslySetInnerHTML={{ __html: m.snippet || m.body }} />
                      </span>
                    </Link>
                  </li>
                )
              })}
            </ol>
          </>
        )}
        {recent.length > 0 && (
          <div className="recent" data-testid="recent-searches">
            <div className="recent__head">
              <h2>Recent searches</h2>
              <button className="link-button" onClick={() => void clear()} data-testid="clear-searches">
                Clear
              </button>
            </div>
            <ul>
              {recent.map((r) => (
                <li key={r.id}>
                  <Link to={`/search?q=${encodeURIComponent(r.query)}`} data-testid="recent-search">
                    {r.query}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  )
}
