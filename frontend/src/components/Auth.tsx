import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { ClientResponseError } from 'pocketbase'
import { api, errorText, pb } from '../pb'
import type { User } from '../types'
import { navigate } from '../router'

interface AuthResponse {
  token: string
  record: User
}

function Card({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="auth__brand" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="40" height="40">
            <path d="M16 4c2.3 5.5 8 7.5 8 14a8 8 0 0 1-16 0c0-3.6 2.2-5.6 3.4-7.8 0 3.3 1.1 4.5 2.3 4.5 0-4.5 1.1-7.9 2.3-10.7z" fill="var(--flame)" />
            <path d="M16 15.5c1.1 2.2 3.4 3.3 3.4 5.6a3.4 3.4 0 0 1-6.8 0c0-2.3 2.3-3.4 3.4-5.6z" fill="var(--flame-core)" />
          </svg>
        </div>
        <h1>{title}</h1>
        {subtitle && <p className="auth__subtitle">{subtitle}</p>}
        {children}
      </div>
    </main>
  )
}

function Field(props: {
  label: string
  type?: string
  value: string
  onChange: (v: string) => void
  autoComplete?: string
  testid: string
  minLength?: number
  autoFocus?: boolean
}) {
  return (
    <label className="field">
      <span className="field__label">{props.label}</span>
      <input
        className="input"
        type={props.type ?? 'text'}
        value={props.value}
        required
        minLength={props.minLength}
        autoComplete={props.autoComplete}
        autoFocus={props.autoFocus}
        data-testid={props.testid}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  )
}

function SignUpForm({
  submitLabel,
  onSubmit,
  testidPrefix,
}: {
  submitLabel: string
  testidPrefix: string
  onSubmit: (v: { name: string; email: string; password: string }) => Promise<void>
}) {
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      await onSubmit({ name: name.trim(), email: email.trim(), password })
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="form" onSubmit={submit} data-testid={`${testidPrefix}-form`}>
      <Field label="Your name" value={name} onChange={setName} autoComplete="name" testid={`${testidPrefix}-name`} autoFocus />
      <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" testid={`${testidPrefix}-email`} />
      <Field
        label="Password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        minLength={8}
        testid={`${testidPrefix}-password`}
      />
      {error && (
        <p className="form__error" role="alert" data-testid={`${testidPrefix}-error`}>
          {error}
        </p>
      )}
      <button className="button button--primary" type="submit" disabled={busy} data-testid={`${testidPrefix}-submit`}>
        {busy ? 'Just a moment…' : submitLabel}
      </button>
    </form>
  )
}

export function FirstRun({ onDone }: { onDone: () => void }) {
  return (
    <Card title="Set up Campfire" subtitle="Create the account and your administrator login. You can invite everyone else next.">
      <SignUpForm
        submitLabel="Create account"
        testidPrefix="firstrun"
        onSubmit={async (v) => {
          const r = await api<AuthResponse>('/api/campfire/first-run', { method: 'POST', body: v })
          pb.authStore.save(r.token, r.record as never)
          navigate('/', { replace: true })
          onDone()
        }}
      />
    </Card>
  )
}

export function JoinPage({ code, accountName }: { code: string; accountName: string }) {
  return (
    <Card title={`Join ${accountName}`} subtitle="Pick a name and a password to start chatting.">
      <SignUpForm
        submitLabel="Join"
        testidPrefix="join"
        onSubmit={async (v) => {
          try {
            const r = await api<AuthResponse>(`/api/campfire/join/${encodeURIComponent(code)}`, { method: 'POST', body: v })
            pb.authStore.save(r.token, r.record as never)
            navigate('/', { replace: true })
          } catch (err) {
            if (err instanceof ClientResponseError && err.status === 404) {
              throw new Error('This invite link is not valid any more. Ask for a new one.')
            }
            if (err instanceof ClientResponseError && err.status === 400) {
              const data = err.response?.data as Record<string, { message?: string }> | undefined
              if (data?.email) throw new Error('That email is already taken. Sign in instead, or use another email.')
            }
            throw err
          }
        }}
      />
      <p className="auth__footer">
        Already have an account?{' '}
        <a href="/signin" onClick={(e) => (e.preventDefault(), navigate('/signin'))}>
          Sign in
        </a>
      </p>
    </Card>
  )
}

export function SignIn({ accountName }: { accountName: string }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      await pb.collection('users').authWithPassword(email.trim(), password)
      if (location.pathname === '/signin') navigate('/', { replace: true })
    } catch (err) {
      if (err instanceof ClientResponseError && err.status === 400) setError('That email and password do not match.')
      else setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card title={`Sign in to ${accountName}`}>
      <form className="form" onSubmit={submit} data-testid="signin-form">
        <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="username" testid="signin-email" autoFocus />
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          testid="signin-password"
        />
        {error && (
          <p className="form__error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button className="button button--primary" type="submit" disabled={busy} data-testid="signin-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </Card>
  )
}

/** A "sign in on another device" link: redeemed on load, then home (the token leaves the address bar). */
export function TransferPage({ token }: { token: string }) {
  const [error, setError] = useState('')
  const started = useRef(false)
  useEffect(() => {
    if (started.current) return
    started.current = true
    history.replaceState(null, '', '/')
    api<AuthResponse>(`/api/campfire/sessions/transfer/${encodeURIComponent(token)}`, { method: 'POST' })
      .then((r) => {
        pb.authStore.save(r.token, r.record as never)
        navigate('/', { replace: true })
      })
      .catch((err) => {
        if (err instanceof ClientResponseError && err.status === 429) setError('Too many attempts, try again in a few minutes.')
        else setError(errorText(err, 'This sign-in link is not valid.'))
      })
  }, [token])
  return (
    <Card title="Signing you in…">
      {error && (
        <>
          <p className="form__error" role="alert" data-testid="transfer-error">
            {error}
          </p>
          <button className="button" onClick={() => navigate('/', { replace: true })} data-testid="transfer-home">
            Go to sign in
          </button>
        </>
      )}
    </Card>
  )
}
