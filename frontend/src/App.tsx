import { useCallback, useEffect, useState } from 'react'
import { api, pb } from './pb'
import type { Status, User } from './types'
import { matchRoute, Redirect, useLocation } from './router'
import { FirstRun, JoinPage, SignIn, TransferPage } from './components/Auth'
import { WorkspaceProvider } from './store/workspace'
import { Layout } from './components/Layout'

function useAuthRecord(): User | null {
  const [rec, setRec] = useState<User | null>(() => (pb.authStore.isValid ? (pb.authStore.record as unknown as User) : null))
  useEffect(
    () =>
      pb.authStore.onChange(() => {
        setRec(pb.authStore.isValid ? (pb.authStore.record as unknown as User) : null)
      }),
    [],
  )
  return rec
}

export function App() {
  const [status, setStatus] = useState<Status | null>(null)
  const [statusError, setStatusError] = useState(false)
  const [verified, setVerified] = useState(false)
  const me = useAuthRecord()
  const { path, search } = useLocation()
  const route = matchRoute(path, search)

  const loadStatus = useCallback(async () => {
    setStatusError(false)
    try {
      setStatus(await api<Status>('/api/campfire/status'))
    } catch {
      setStatusError(true)
    }
  }, [])
  useEffect(() => void loadStatus(), [loadStatus])

  // Check a stored token once per session; a dead one signs out.
  useEffect(() => {
    if (!me || verified) return
    let cancelled = false
    pb.collection('users')
      .authRefresh()
      .then(() => !cancelled && setVerified(true))
      .catch((err) => {
        if (cancelled) return
        if (err?.status === 401 || err?.status === 403 || err?.status === 404) pb.authStore.clear()
        else setVerified(true)
      })
    return () => {
      cancelled = true
    }
  }, [me, verified])

  if (statusError) {
    return (
      <main className="auth">
        <div className="auth__card">
          <h1>Can’t reach the server</h1>
          <button className="button button--primary" onClick={() => void loadStatus()}>
            Try again
          </button>
        </div>
      </main>
    )
  }
  if (!status) return <div className="splash" aria-busy="true" />
  const accountName = status.account?.name || 'Campfire'
  if (status.setup_required) {
    return <FirstRun onDone={() => setStatus({ ...status, setup_required: false })} />
  }
  if (route.name === 'transfer') return <TransferPage token={route.token} />
  if (!me) {
    if (route.name === 'join') return <JoinPage code={route.code} accountName={accountName} />
    return <SignIn accountName={accountName} />
  }
  if (route.name === 'join' || route.name === 'signin') return <Redirect to="/" />
  if (!verified) return <div className="splash" aria-busy="true" />
  return (
    <WorkspaceProvider key={me.id} me={me}>
      <Layout route={route} />
    </WorkspaceProvider>
  )
}
