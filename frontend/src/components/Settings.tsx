import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { api, errorText, fileURL, pb } from '../pb'
import { Link } from '../router'
import { useWorkspace } from '../store/workspace'
import type { Account, User } from '../types'
import { Avatar } from './Avatar'
import { ConfirmDialog, Dialog } from './Dialog'
import { IconMenu } from './Icons'

interface Confirm {
  title: string
  text: string
  label: string
  danger?: boolean
  run: () => Promise<void>
}

function useConfirm() {
  const [c, setC] = useState<Confirm | null>(null)
  const node = c ? (
    <ConfirmDialog title={c.title} text={c.text} confirmLabel={c.label} danger={c.danger} onClose={() => setC(null)} onConfirm={c.run} />
  ) : null
  return [setC, node] as const
}

function AccountTab() {
  const ws = useWorkspace()
  const a = ws.account
  const [name, setName] = useState(a?.name ?? '')
  const [css, setCss] = useState(a?.custom_styles ?? '')
  const [restrict, setRestrict] = useState(!!a?.restrict_room_creation)
  const [logo, setLogo] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')
  useEffect(() => {
    setName(a?.name ?? '')
    setCss(a?.custom_styles ?? '')
    setRestrict(!!a?.restrict_room_creation)
  }, [a?.id]) // eslint-disable-line react-hooks/exhaustive-deps
  if (!a) return <p className="hint">Loading…</p>
  const save = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    setMessage('')
    try {
      const fd = new FormData()
      fd.append('name', name.trim())
      fd.append('custom_styles', css)
      fd.append('restrict_room_creation', String(restrict))
      if (logo) fd.append('logo', logo)
      const updated = await pb.collection('account').update<Account>(a.id, fd)
      ws.setAccount(updated)
      setMessage('Saved. Custom CSS applies on the next page load.')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const logoURL = a.logo ? fileURL(a.collectionId || 'account', a.id, a.logo, '100x100') : ''
  return (
    <form className="form settings__form" onSubmit={save} data-testid="account-form">
      <label className="field">
        <span className="field__label">Account name</span>
        <input className="input" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="account-name-input" />
      </label>
      <div className="profile__row">
        {logoURL ? <img className="settings__logo" src={logoURL} alt="Current logo" /> : null}
        <label className="field profile__grow">
          <span className="field__label">Logo</span>
          <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" onChange={(e) => setLogo(e.target.files?.[0] ?? null)} data-testid="account-logo" />
        </label>
      </div>
      <label className="switch">
        <input type="checkbox" checked={restrict} onChange={(e) => setRestrict(e.target.checked)} data-testid="account-restrict" />
        Only administrators create rooms
      </label>
      <label className="field">
        <span className="field__label">Custom CSS</span>
        <textarea className="input settings__css" rows={8} spellCheck={false} value={css} onChange={(e) => setCss(e.target.value)} data-testid="account-css" />
      </label>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      {message && (
        <p className="hint" role="status" data-testid="account-saved">
          {message}
        </p>
      )}
      <div>
        <button className="button button--primary" type="submit" disabled={busy} data-testid="account-save">
          Save
        </button>
      </div>
    </form>
  )
}

function PeopleTab() {
  const ws = useWorkspace()
  const [users, setUsers] = useState<User[]>([])
  const [error, setError] = useState('')
  const [link, setLink] = useState<{ name: string; url: string } | null>(null)
  const [confirm, confirmNode] = useConfirm()
  const load = useCallback(async () => {
    try {
      setUsers(await pb.collection('users').getFullList<User>({ sort: 'name' }))
    } catch (err) {
      setError(errorText(err))
    }
  }, [])
  useEffect(() => void load(), [load])
  const act = async (fn: () => Promise<unknown>) => {
    setError('')
    try {
      await fn()
      await load()
      await ws.refreshUsers()
    } catch (err) {
      setError(errorText(err))
    }
  }
  const humans = users.filter((u) => u.role !== 'bot')
  return (
    <div className="settings__people">
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <table className="table" data-testid="people-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Status</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {humans.map((u) => {
            const self = u.id === ws.me.id
            return (
              <tr key={u.id} data-testid="person-row" data-user-name={u.name} data-status={u.status}>
                <td>
                  <span className="table__user">
                    <Avatar user={u} size={24} /> {u.name}
                  </span>
                </td>
                <td>{u.email}</td>
                <td>
                  <select
                    className="input input--small"
                    value={u.role}
                    disabled={self || u.status !== 'active'}
                    aria-label={`Role of ${u.name}`}
                    onChange={(e) => void act(() => pb.collection('users').update(u.id, { role: e.target.value }))}
                    data-testid="person-role"
                  >
                    <option value="member">Member</option>
                    <option value="administrator">Administrator</option>
                  </select>
                </td>
                <td>{u.status === 'active' ? 'Active' : u.status === 'banned' ? 'Banned' : 'Left'}</td>
                <td className="table__actions">
                  {!self && u.status === 'active' && (
                    <>
                      <button
                        className="button button--small"
                        onClick={() =>
                          void act(async () => {
                            const r = await api<{ url: string }>('/api/campfire/sessions/transfer', { method: 'POST', body: { user: u.id } })
                            setLink({ name: u.name, url: r.url })
                          })
                        }
                        data-testid="person-signin-link"
                      >
                        Sign-in link
                      </button>
                      <button
                        className="button button--small"
                        onClick={() =>
                          confirm({
                            title: `Deactivate ${u.name}?`,
                            text: `${u.name} will be signed out everywhere and removed from all rooms except direct messages. Their messages stay. Their email can sign up again.`,
                            label: 'Deactivate',
                            danger: true,
                            run: () => act(() => api(`/api/campfire/users/${u.id}/deactivate`, { method: 'POST' })),
                          })
                        }
                        data-testid="person-deactivate"
                      >
                        Deactivate
                      </button>
                    </>
                  )}
                  {!self && u.status !== 'banned' && u.status !== 'deactivated' && (
                    <button
                      className="button button--small button--danger"
                      onClick={() =>
                        confirm({
                          title: `Ban ${u.name}?`,
                          text: `${u.name} will be signed out, unable to sign in, and all of their messages will be deleted. Writes from their network addresses are refused.`,
                          label: 'Ban',
                          danger: true,
                          run: () => act(() => api(`/api/campfire/users/${u.id}/ban`, { method: 'POST' })),
                        })
                      }
                      data-testid="person-ban"
                    >
                      Ban
                    </button>
                  )}
                  {u.status === 'banned' && (
                    <button className="button button--small" onClick={() => void act(() => api(`/api/campfire/users/${u.id}/ban`, { method: 'DELETE' }))} data-testid="person-unban">
                      Unban
                    </button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {link && (
        <Dialog title={`Sign-in link for ${link.name}`} onClose={() => setLink(null)} testid="signin-link-dialog">
          <p>Give this link to {link.name}. It signs them in once, within 4 hours.</p>
          <input className="input" readOnly value={link.url} onFocus={(e) => e.target.select()} data-testid="signin-link" />
          <div className="dialog__actions">
            <button className="button" onClick={() => void navigator.clipboard?.writeText(link.url).catch(() => {})}>
              Copy
            </button>
            <button className="button button--primary" onClick={() => setLink(null)}>
              Done
            </button>
          </div>
        </Dialog>
      )}
      {confirmNode}
    </div>
  )
}

interface Bot {
  id: string
  name: string
  avatar?: string
  webhook_url?: string
  webhook_secret?: string
  key?: string
}

interface Delivery {
  id: string
  message: string
  attempt: number
  status: number
  duration_ms: number
  error: string
  final: boolean
  created: string
}

function BotKeyDialog({ bot, onClose }: { bot: Bot; onClose: () => void }) {
  const template = `${location.origin}/rooms/<room id>/${bot.key}/messages`
  return (
    <Dialog title={`Key for ${bot.name}`} onClose={onClose} testid="bot-key-dialog" wide>
      <p>
        <strong>Copy this key now: it will not be shown again.</strong>
      </p>
      <div className="copy-field">
        <input className="input" readOnly value={bot.key ?? ''} onFocus={(e) => e.target.select()} data-testid="bot-key" />
        <button className="button" onClick={() => void navigator.clipboard?.writeText(bot.key ?? '').catch(() => {})}>
          Copy
        </button>
      </div>
      <p className="hint">
        The bot posts with <code>POST {template}</code>.
      </p>
      <div className="dialog__actions">
        <button className="button button--primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  )
}

function BotRow({ bot, reload, onKey }: { bot: Bot; reload: () => Promise<void>; onKey: (b: Bot) => void }) {
  const [editing, setEditing] = useState(false)
  const [name, setName] = useState(bot.name)
  const [webhook, setWebhook] = useState(bot.webhook_url ?? '')
  const [secret, setSecret] = useState(false)
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null)
  const [error, setError] = useState('')
  const [confirm, confirmNode] = useConfirm()
  const run = async (fn: () => Promise<void>) => {
    setError('')
    try {
      await fn()
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <li className="bot" data-testid="bot-row" data-bot-name={bot.name}>
      <div className="bot__head">
        <Avatar user={bot} size={28} />
        <strong>{bot.name}</strong> <span className="tag">BOT</span>
        <span className="hint">{bot.webhook_url ? bot.webhook_url : 'Webhook off'}</span>
      </div>
      {editing ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault()
            void run(async () => {
              await api(`/api/campfire/bots/${bot.id}`, { method: 'PATCH', body: { name: name.trim(), webhook_url: webhook.trim() } })
              setEditing(false)
              await reload()
            })
          }}
        >
          <input className="input input--small" value={name} onChange={(e) => setName(e.target.value)} aria-label="Bot name" required />
          <input className="input input--small" value={webhook} onChange={(e) => setWebhook(e.target.value)} aria-label="Webhook URL" placeholder="https://… (optional)" />
          <div className="bot__actions">
            <button className="button button--small button--primary" type="submit">
              Save
            </button>
            <button className="button button--small" type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="bot__actions">
          <button className="button button--small" onClick={() => setEditing(true)}>
            Edit
          </button>
          {bot.webhook_secret && (
            <button className="button button--small" onClick={() => setSecret((v) => !v)}>
              {secret ? 'Hide secret' : 'Webhook secret'}
            </button>
          )}
          <button
            className="button button--small"
            onClick={() =>
              confirm({
                title: `New key for ${bot.name}?`,
                text: 'The current key stops working at once.',
                label: 'Make a new key',
                run: () => run(async () => onKey(await api<Bot>(`/api/campfire/bots/${bot.id}/key`, { method: 'POST' }))),
              })
            }
            data-testid="bot-new-key"
          >
            New key
          </button>
          <button
            className="button button--small"
            onClick={() =>
              void run(async () => {
                if (deliveries) return setDeliveries(null)
                const r = await api<{ items: Delivery[] }>(`/api/campfire/bots/${bot.id}/deliveries`, { query: { limit: 50 } })
                setDeliveries(r.items ?? [])
              })
            }
          >
            {deliveries ? 'Hide deliveries' : 'Deliveries'}
          </button>
          <button
            className="button button--small button--danger"
            onClick={() =>
              confirm({
                title: `Delete ${bot.name}?`,
                text: `${bot.name} will stop working: its key and webhook are removed and it leaves every room. Its messages stay.`,
                label: 'Delete',
                danger: true,
                run: () => run(async () => (await api(`/api/campfire/bots/${bot.id}`, { method: 'DELETE' }), await reload())),
              })
            }
            data-testid="bot-delete"
          >
            Delete
          </button>
        </div>
      )}
      {secret && bot.webhook_secret && (
        <input className="input input--small" readOnly value={bot.webhook_secret} onFocus={(e) => e.target.select()} aria-label="Webhook secret" />
      )}
      {deliveries && (
        <table className="table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Status</th>
              <th>Attempt</th>
              <th>Duration</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.length === 0 && (
              <tr>
                <td colSpan={5} className="hint">
                  No deliveries yet.
                </td>
              </tr>
            )}
            {deliveries.map((d) => (
              <tr key={d.id} className={d.final && d.error ? 'table__row--bad' : ''}>
                <td>{new Date(d.created).toLocaleString()}</td>
                <td>{d.status || 'no answer'}</td>
                <td>{d.attempt}</td>
                <td>{d.duration_ms} ms</td>
                <td>{d.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      {confirmNode}
    </li>
  )
}

function BotsTab() {
  const [bots, setBots] = useState<Bot[]>([])
  const [name, setName] = useState('')
  const [webhook, setWebhook] = useState('')
  const [error, setError] = useState('')
  const [shown, setShown] = useState<Bot | null>(null)
  const ws = useWorkspace()
  const load = useCallback(async () => {
    try {
      const r = await api<{ items: Bot[] }>('/api/campfire/bots')
      setBots(r.items ?? [])
    } catch (err) {
      setError(errorText(err))
    }
  }, [])
  useEffect(() => void load(), [load])
  const create = async (e: FormEvent) => {
    e.preventDefault()
    setError('')
    try {
      const body: Record<string, string> = { name: name.trim() }
      if (webhook.trim()) body.webhook_url = webhook.trim()
      const bot = await api<Bot>('/api/campfire/bots', { method: 'POST', body })
      setShown(bot)
      setName('')
      setWebhook('')
      await load()
      await ws.refreshUsers()
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <div>
      <form className="form settings__form" onSubmit={create} data-testid="bot-create-form">
        <h2 className="settings__h2">New bot</h2>
        <input className="input" placeholder="Name" aria-label="Bot name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="bot-name" />
        <input className="input" placeholder="Webhook URL (optional)" aria-label="Webhook URL" value={webhook} onChange={(e) => setWebhook(e.target.value)} data-testid="bot-webhook" />
        <div>
          <button className="button button--primary" type="submit" data-testid="bot-create">
            Create bot
          </button>
        </div>
      </form>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <ul className="bots" data-testid="bots">
        {bots.map((b) => (
          <BotRow key={b.id} bot={b} reload={load} onKey={setShown} />
        ))}
      </ul>
      {shown && <BotKeyDialog bot={shown} onClose={() => setShown(null)} />}
    </div>
  )
}

export function SettingsPage({ tab, onMenu }: { tab: string; onMenu: () => void }) {
  const ws = useWorkspace()
  return (
    <section className="room settings" aria-label="Settings" data-testid="settings-page">
      <header className="room__head">
        <button className="icon-button room__menu" aria-label="Open menu" onClick={onMenu}>
          <IconMenu />
        </button>
        <h1 className="room__title">Settings</h1>
      </header>
      {!ws.isAdmin ? (
        <div className="empty">
          <p>Only administrators can change the account.</p>
        </div>
      ) : (
        <div className="room__messages settings__body">
          <nav className="tabs" aria-label="Settings sections">
            {[
              ['account', 'Account'],
              ['people', 'People'],
              ['bots', 'Bots'],
            ].map(([id, label]) => (
              <Link key={id} to={`/settings/${id}`} className={`tabs__tab ${tab === id ? 'tabs__tab--on' : ''}`} aria-current={tab === id ? 'page' : undefined} data-testid={`settings-tab-${id}`}>
                {label}
              </Link>
            ))}
          </nav>
          {tab === 'account' && <AccountTab />}
          {tab === 'people' && <PeopleTab />}
          {tab === 'bots' && <BotsTab />}
        </div>
      )}
    </section>
  )
}
