import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react'

const listeners = new Set<() => void>()
function emit() {
  for (const l of listeners) l()
}
window.addEventListener('popstate', emit)

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  const cur = location.pathname + location.search
  if (to === cur && !opts.replace) return
  if (opts.replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  emit()
}

function subscribe(fn: () => void) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

function snapshot() {
  return location.pathname + location.search
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot)
  const q = href.indexOf('?')
  return { path: q >= 0 ? href.slice(0, q) : href, search: new URLSearchParams(q >= 0 ? href.slice(q) : '') }
}

export type Route =
  | { name: 'home' }
  | { name: 'room'; id: string; number?: number; messageId?: string }
  | { name: 'search'; q: string }
  | { name: 'join'; code: string }
  | { name: 'signin' }
  | { name: 'transfer'; token: string }
  | { name: 'settings'; tab: string }
  | { name: 'user'; id: string }
  | { name: 'notfound' }

export function matchRoute(path: string, search: URLSearchParams): Route {
  let m: RegExpExecArray | null
  if (path === '/' || path === '') return { name: 'home' }
  if ((m = /^\/rooms\/([^/]+)\/@(\d+)\/?$/.exec(path))) return { name: 'room', id: decodeURIComponent(m[1]), number: Number(m[2]) }
  if ((m = /^\/rooms\/([^/]+)\/@([a-z0-9]{15})\/?$/.exec(path))) return { name: 'room', id: decodeURIComponent(m[1]), messageId: m[2] }
  if ((m = /^\/rooms\/([^/]+)\/?$/.exec(path))) return { name: 'room', id: decodeURIComponent(m[1]) }
  if (path === '/search') return { name: 'search', q: search.get('q') ?? '' }
  if ((m = /^\/join\/([^/]+)\/?$/.exec(path))) return { name: 'join', code: decodeURIComponent(m[1]) }
  if (path === '/signin') return { name: 'signin' }
  if ((m = /^\/settings(?:\/(account|people|bots))?\/?$/.exec(path))) return { name: 'settings', tab: m[1] ?? 'account' }
  if ((m = /^\/users\/([^/]+)\/?$/.exec(path))) return { name: 'user', id: decodeURIComponent(m[1]) }
  if ((m = /^\/session\/transfer\/([^/]+)\/?$/.exec(path))) return { name: 'transfer', token: decodeURIComponent(m[1]) }
  return { name: 'notfound' }
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, onClick, ...rest } = props
  return (
    <a
      {...rest}
      href={to}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        onClick?.(e)
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
        e.preventDefault()
        navigate(to)
      }}
    />
  )
}

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to])
  return null
}
