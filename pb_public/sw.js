/* Campfire's service worker (plain JS, copied as-is into pb_public by Vite).
 *
 * - Web push: shows the notification the server sends ({title, body, path, number, badge, tag}), sets
 *   the app badge, and on click focuses a window already on that room (or any window of the app),
 *   asking it to show the message, or opens one.
 * - Offline shell: on install it caches index.html and the built assets it references; afterwards
 *   /assets/* are served cache-first (their names are content hashes) and page loads network-first,
 *   falling back to the cached shell with an "offline" banner. The API (/api/...) and the dashboard
 *   (/_/...) are never cached or intercepted.
 */
const SHELL_CACHE = 'campfire-shell-v1'
const SHELL_URL = '/index.html'
const EXTRA_PRECACHE = ['/favicon.svg', '/icons/icon-192.png', '/icons/badge-96.png']
const OFFLINE_BANNER =
  '<div id="campfire-offline-banner" data-testid="offline-shell-banner" role="status" ' +
  'style="position:fixed;inset:0 0 auto 0;z-index:2147483647;padding:6px 12px;text-align:center;' +
  'font:14px system-ui,sans-serif;background:#7c2d12;color:#fff">' +
  'You are offline. Campfire will catch up when the connection is back.</div>'

// The assets a built index.html references (/assets/index-<hash>.js, .css).
function assetsIn(html) {
  const out = new Set()
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"?#]+)"/g)) out.add(m[1])
  return [...out]
}

// Fetches index.html and what it references into the cache, and drops assets of older builds.
async function precacheShell() {
  const cache = await caches.open(SHELL_CACHE)
  const res = await fetch('/', { cache: 'no-cache', credentials: 'same-origin' })
  if (!res.ok) throw new Error(`shell: ${res.status}`)
  const html = await res.clone().text()
  const assets = assetsIn(html)
  await cache.addAll([...assets, ...EXTRA_PRECACHE].map((u) => new Request(u, { cache: 'no-cache' }))).catch(() =>
    // one missing extra must not fail the install: cache what we can
    Promise.all(assets.map((u) => cache.add(u))),
  )
  await cache.put(SHELL_URL, res)
  await pruneAssets(cache, assets)
}

async function pruneAssets(cache, keep) {
  const wanted = new Set(keep)
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname
    if (path.startsWith('/assets/') && !wanted.has(path)) await cache.delete(req)
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('campfire-') && name !== SHELL_CACHE) await caches.delete(name)
      }
      await self.clients.claim()
    })(),
  )
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/_/')) return // live data, the dashboard
  if (req.mode === 'navigate') {
    event.respondWith(navigation(event))
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(req))
  } else if (EXTRA_PRECACHE.includes(url.pathname)) {
    event.respondWith(networkFirst(req))
  }
})

// Page loads: the network (keeping the newest shell), else the cached shell with the offline banner.
async function navigation(event) {
  try {
    const res = await fetch(event.request)
    const type = res.headers.get('Content-Type') || ''
    if (res.ok && type.includes('text/html')) event.waitUntil(keepShell(res.clone(), type))
    return res
  } catch (err) {
    const cached = await caches.match(SHELL_URL)
    if (!cached) throw err
    const html = (await cached.text()).replace(/<body([^>]*)>/i, (m) => m + OFFLINE_BANNER)
    return new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } })
  }
}

// Stores a fresh shell and the assets it references (hashed names change with every build).
async function keepShell(res, type) {
  const html = await res.text()
  const cache = await caches.open(SHELL_CACHE)
  await cache.put(SHELL_URL, new Response(html, { headers: { 'Content-Type': type } }))
  const assets = assetsIn(html)
  await Promise.all(assets.map(async (a) => (await cache.match(a)) || cache.add(a).catch(() => {})))
  await pruneAssets(cache, assets)
}

async function networkFirst(req) {
  try {
    const res = await fetch(req)
    if (res.ok) {
      const cache = await caches.open(SHELL_CACHE)
      await cache.put(req, res.clone())
    }
    return res
  } catch (err) {
    const cached = await caches.match(req)
    if (cached) return cached
    throw err
  }
}

async function cacheFirst(req) {
  const cached = await caches.match(req)
  if (cached) return cached
  const res = await fetch(req)
  if (res.ok) {
    const cache = await caches.open(SHELL_CACHE)
    await cache.put(req, res.clone())
  }
  return res
}

// --- Web push ---------------------------------------------------------------------------------------

async function setBadge(count) {
  const nav = self.navigator
  try {
    if (count > 0 && nav.setAppBadge) await nav.setAppBadge(count)
    else if (count === 0 && nav.clearAppBadge) await nav.clearAppBadge()
  } catch {
    // badges are best effort (not installed, not supported)
  }
}

self.addEventListener('push', (event) => {
  let n = {}
  try {
    n = event.data ? event.data.json() : {}
  } catch {
    n = { body: event.data ? event.data.text() : '' }
  }
  const title = n.title || 'Campfire'
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(title, {
        body: n.body || '',
        tag: n.tag || undefined,
        renotify: Boolean(n.tag),
        icon: '/icons/icon-192.png',
        badge: '/icons/badge-96.png',
        data: { path: n.path || '/', number: n.number || 0 },
      }),
      typeof n.badge === 'number' ? setBadge(n.badge) : Promise.resolve(),
    ]),
  )
})

// The room part of an in-app path: /rooms/<id>/@<number> -> /rooms/<id>.
function roomOf(path) {
  const m = /^\/rooms\/[^/]+/.exec(path || '')
  return m ? m[0] : null
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const path = (event.notification.data && event.notification.data.path) || '/'
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
      const room = roomOf(path)
      const onRoom = windows.find((c) => {
        const p = new URL(c.url).pathname
        return room ? p === room || p.startsWith(room + '/') : p === path
      })
      // a window already on the room, else any window of the app: focus it and let the page route
      // in-app to the message (src/lib/push.ts); with no window, open one on the message
      const win = onRoom || windows.find((c) => c.focus)
      if (win) {
        await win.focus().catch(() => {})
        win.postMessage({ type: 'campfire.navigate', path })
        return
      }
      if (self.clients.openWindow) await self.clients.openWindow(new URL(path, self.location.origin).href)
    })(),
  )
})

// The browser renewed the subscription: nothing to do here (the page posts the current one to the
// server on its next start, see src/lib/push.ts), but let open pages know at once.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    self.clients
      .matchAll({ type: 'window' })
      .then((windows) => windows.forEach((c) => c.postMessage({ type: 'campfire.pushsubscriptionchange' }))),
  )
})
