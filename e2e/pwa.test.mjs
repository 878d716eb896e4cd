// PWA: the manifest is valid and linked, the service worker registers and controls the page, the app
// shell loads offline, and a push message becomes a notification.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, newUser, firstRun, tid } from './helpers.mjs'

const ada = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-1' }

let server
let browser
let closeBrowser
let A // Ada's context

before(async () => {
  server = await startServer()
  ;({ browser, close: closeBrowser } = await launchBrowser())
  A = await newUser(browser, server.url)
  await A.context.grantPermissions(['notifications'], { origin: server.url })
  await firstRun(A.page, ada)
})

after(async () => {
  await closeBrowser?.()
  await server?.stop()
})

test('the manifest is linked, valid, and its icons load', async () => {
  assert.equal(await A.page.getAttribute('link[rel="manifest"]', 'href'), '/manifest.webmanifest')

  const res = await A.page.request.get('/manifest.webmanifest')
  assert.equal(res.status(), 200)
  assert.match(res.headers()['content-type'], /^application\/manifest\+json/)
  const m = await res.json()
  assert.equal(m.name, 'Campfire')
  assert.equal(m.display, 'standalone')
  assert.equal(m.start_url, '/')
  assert.equal(m.scope, '/')
  assert.ok(m.theme_color && m.background_color && m.color_scheme_dark.theme_color)
  assert.deepEqual(
    m.shortcuts.map((s) => s.name),
    ['New room', 'My profile'],
  )
  const kinds = new Set(m.icons.map((i) => `${i.purpose} ${i.sizes}`))
  for (const want of ['any 192x192', 'any 512x512', 'maskable 512x512']) assert.ok(kinds.has(want), want)
  for (const icon of m.icons) {
    const r = await A.page.request.get(icon.src)
    assert.equal(r.status(), 200, icon.src)
    assert.equal(r.headers()['content-type'], 'image/png')
    const png = await r.body()
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)] // the IHDR chunk
    assert.equal(`${w}x${h}`, icon.sizes, icon.src)
  }

  // Chromium's own parse of the linked manifest: no errors, and it read our fields
  const cdp = await A.context.newCDPSession(A.page)
  const got = await cdp.send('Page.getAppManifest')
  assert.match(got.url, /\/manifest\.webmanifest$/)
  assert.deepEqual(got.errors, [])
  assert.equal(got.parsed?.display ?? 'standalone', 'standalone')
  await cdp.detach()
})

test('the service worker is registered and controls the page', async () => {
  const reg = await A.page.evaluate(async () => {
    const r = await navigator.serviceWorker.ready
    return { scope: r.scope, script: r.active?.scriptURL }
  })
  assert.equal(reg.scope, `${server.url}/`)
  assert.equal(reg.script, `${server.url}/sw.js`)
  await A.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  // a reload stays controlled, and the built assets are in the shell cache
  await A.page.reload()
  await A.page.waitForSelector(tid('room-title'))
  assert.equal(await A.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL), `${server.url}/sw.js`)
  const cached = await A.page.evaluate(async () => {
    const cache = await caches.open('campfire-shell-v1')
    return (await cache.keys()).map((r) => new URL(r.url).pathname)
  })
  assert.ok(cached.includes('/index.html'), cached.join(' '))
  assert.ok(cached.some((p) => /^\/assets\/.+\.js$/.test(p)), cached.join(' '))
  assert.ok(cached.some((p) => /^\/assets\/.+\.css$/.test(p)), cached.join(' '))

  // Chromium finds nothing missing for installation but the test profile itself (incognito)
  const cdp = await A.context.newCDPSession(A.page)
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
  assert.deepEqual(
    installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'),
    [],
  )
  await cdp.detach()
})

test('the app shell loads offline, with a banner until the network is back', async () => {
  await A.context.setOffline(true)
  try {
    await A.page.reload()
    await A.page.waitForSelector(tid('offline-shell-banner'))
    assert.equal(await A.page.evaluate(() => navigator.onLine), false)
    // the cached bundle ran: the app rendered into #root, with its stylesheet applied
    await A.page.waitForFunction(() => document.getElementById('root')?.childElementCount > 0)
    assert.ok(await A.page.evaluate(() => [...document.styleSheets].some((s) => s.href?.includes('/assets/'))))
  } finally {
    await A.context.setOffline(false)
  }
  await A.page.waitForSelector(tid('offline-shell-banner'), { state: 'detached' })
  await A.page.reload()
  await A.page.waitForSelector(tid('room-title'))
  assert.equal(await A.page.locator(tid('offline-shell-banner')).count(), 0)
})

test('a push message becomes a notification that knows its room', async () => {
  const cdp = await A.context.newCDPSession(A.page)
  await cdp.send('ServiceWorker.enable')
  const registrationId = await new Promise((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const r = registrations.find((x) => x.scopeURL === `${server.url}/` && !x.isDeleted)
      if (r) resolve(r.registrationId)
    })
  })
  const payload = { title: 'All Talk', body: 'Bob: hi', path: '/rooms/abc/@7', number: 7, badge: 2, tag: 'room-abc' }
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: server.url,
    registrationId,
    data: JSON.stringify(payload),
  })
  let n = null
  for (const deadline = Date.now() + 10_000; !n && Date.now() < deadline; ) {
    n = await A.page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready
      const list = await r.getNotifications({ tag: 'room-abc' })
      return list.length ? { title: list[0].title, body: list[0].body, data: list[0].data } : null
    })
    if (!n) await new Promise((r) => setTimeout(r, 50))
  }
  assert.deepEqual(n, { title: 'All Talk', body: 'Bob: hi', data: { path: '/rooms/abc/@7', number: 7 } })
  await cdp.detach()
})
