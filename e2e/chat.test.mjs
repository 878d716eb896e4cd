// Issue 2: first run, joining, live chat, reconnect catch-up, search.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, newUser, firstRun, join, send, tid, messageWithText, messages, tokenFor, apiAs } from './helpers.mjs'

const ada = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-1' }
const bob = { name: 'Bob Builder', email: 'bob@example.com', password: 'correct-horse-2' }

let server
let browser
let closeBrowser
let A // Ada's context
let B // Bob's context
let joinURL

before(async () => {
  server = await startServer()
  ;({ browser, close: closeBrowser } = await launchBrowser())
})

after(async () => {
  await closeBrowser?.()
  await server?.stop()
})

test('first run creates the account and lands in All Talk', async () => {
  A = await newUser(browser, server.url)
  await firstRun(A.page, ada)
  await A.page.waitForSelector(`${tid('room-link')}[data-room-name="All Talk"]`)
  assert.equal(await A.page.textContent(tid('my-name')), ada.name)
  assert.match(A.page.url(), /\/rooms\/[a-z0-9]+$/)
  // a second first run is refused
  const r = await fetch(`${server.url}/api/campfire/first-run`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Eve', email: 'eve@example.com', password: 'password123' }),
  })
  assert.equal(r.status, 403)
})

test('the join link is copied and a second user joins by it', async () => {
  joinURL = await A.page.inputValue(tid('join-link'))
  assert.match(joinURL, /\/join\/[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/)
  await A.page.click(tid('copy-join-link'))
  await A.page.waitForSelector(tid('copied'))
  assert.equal(await A.page.evaluate(() => navigator.clipboard.readText()), joinURL)

  // a wrong code says so clearly
  const X = await newUser(browser, server.url)
  await X.page.goto('/join/AAAA-BBBB-CCCC')
  await X.page.fill(tid('join-name'), 'Mallory')
  await X.page.fill(tid('join-email'), 'mallory@example.com')
  await X.page.fill(tid('join-password'), 'password123')
  await X.page.click(tid('join-submit'))
  await X.page.waitForSelector(`${tid('join-error')}:has-text("not valid")`)
  // a taken email says so too
  await X.page.goto(joinURL)
  await X.page.fill(tid('join-name'), 'Not Ada')
  await X.page.fill(tid('join-email'), ada.email)
  await X.page.fill(tid('join-password'), 'password123')
  await X.page.click(tid('join-submit'))
  await X.page.waitForSelector(`${tid('join-error')}:has-text("already taken")`)
  await X.context.close()

  B = await newUser(browser, server.url)
  await join(B.page, joinURL, bob)
  await B.page.waitForSelector(`${tid('room-title')}:has-text("All Talk")`)
  assert.equal(await B.page.textContent(tid('my-name')), bob.name)
})

test('both chat live; the pending state resolves', async () => {
  await send(A.page, 'Hello from Ada')
  // Ada's copy resolves from pending to sent, once
  await messageWithText(A.page, 'Hello from Ada').and(A.page.locator('[data-state="sent"]')).waitFor()
  // Bob sees it without reloading
  await messageWithText(B.page, 'Hello from Ada').waitFor()
  await send(B.page, 'Hi Ada, Bob here')
  await messageWithText(B.page, 'Hi Ada, Bob here').and(B.page.locator('[data-state="sent"]')).waitFor()
  await messageWithText(A.page, 'Hi Ada, Bob here').waitFor()
  for (const p of [A.page, B.page]) {
    assert.equal(await messageWithText(p, 'Hello from Ada').count(), 1)
    assert.equal(await messageWithText(p, 'Hi Ada, Bob here').count(), 1)
    assert.equal(await p.locator(`${tid('message')}[data-state="pending"]`).count(), 0)
  }
  // names and grouping: Bob's message shows its author
  const bobMsg = messageWithText(A.page, 'Hi Ada, Bob here')
  assert.equal(await bobMsg.locator(tid('message-author')).textContent(), bob.name)
  // rich text survives the round trip (Shift+Enter is a newline, Enter sends)
  await A.page.locator(tid('composer-input')).click()
  await A.page.keyboard.type('line one')
  await A.page.keyboard.press('Shift+Enter')
  await A.page.keyboard.type('line two')
  await A.page.keyboard.press('Enter')
  const two = messageWithText(B.page, 'line two')
  await two.waitFor()
  assert.match(await two.locator(tid('message-body')).innerHTML(), /line one<br>line two/)
})

test('a reconnect loses nothing and duplicates nothing', async () => {
  // three earlier messages to edit, delete and boost while Bob is away
  for (const t of ['edit me later', 'delete me later', 'boost me later']) {
    await send(A.page, t)
    await messageWithText(B.page, t).waitFor()
  }
  const { token } = await tokenFor(server.url, ada.email, ada.password)
  const roomId = await A.page.getAttribute(tid('room'), 'data-room-id')
  const idOf = (t) => messageWithText(A.page, t).getAttribute('data-message-id')
  // Offline emulation fails new requests but leaves an open event stream
  // alone, so the stream is also failed the way a network error fails it.
  await B.context.setOffline(true)
  await B.page.evaluate(() => window.campfireSimulateNetworkDrop())
  await B.page.waitForSelector(tid('offline-banner'))
  const texts = ['missed one', 'missed two', 'missed three']
  for (const t of texts) {
    await send(A.page, t)
    await messageWithText(A.page, t).and(A.page.locator('[data-state="sent"]')).waitFor()
  }
  const edit = await apiAs(server.url, token, `/api/collections/messages/records/${await idOf('edit me later')}`, {
    method: 'PATCH',
    body: { body: '<div>edited while you were away</div>' },
  })
  assert.equal(edit.status, 200, JSON.stringify(edit.json))
  const del = await apiAs(server.url, token, `/api/collections/messages/records/${await idOf('delete me later')}`, { method: 'DELETE' })
  assert.equal(del.status, 204, JSON.stringify(del.json))
  const boost = await apiAs(server.url, token, '/api/collections/boosts/records', {
    method: 'POST',
    body: { message: await idOf('boost me later'), content: '🚀' },
  })
  assert.equal(boost.status, 200, JSON.stringify(boost.json))
  assert.ok(roomId)
  assert.equal(await messageWithText(B.page, 'missed one').count(), 0)
  assert.equal(await messageWithText(B.page, 'edited while you were away').count(), 0)
  await B.context.setOffline(false)
  await B.page.waitForSelector(tid('offline-banner'), { state: 'detached', timeout: 30_000 })
  for (const t of texts) await messageWithText(B.page, t).waitFor()
  await messageWithText(B.page, 'edited while you were away').waitFor()
  await messageWithText(B.page, 'delete me later').waitFor({ state: 'detached' })
  await messageWithText(B.page, 'boost me later').locator(`${tid('boost')}[data-content="🚀"]`).waitFor()
  assert.equal(await messageWithText(B.page, 'edit me later').count(), 0)
  // live again after the reconnect
  await send(A.page, 'after the storm')
  await messageWithText(B.page, 'after the storm').waitFor()
  const all = await messages(B.page).locator(tid('message-body')).allTextContents()
  for (const t of [...texts, 'after the storm', 'Hello from Ada']) {
    assert.equal(all.filter((x) => x.trim() === t).length, 1, `"${t}" shown exactly once`)
  }
  // in order
  const idx = texts.map((t) => all.findIndex((x) => x.trim() === t))
  assert.deepEqual([...idx].sort((a, b) => a - b), idx)
})

test('a send that fails offline is marked failed and Retry delivers it once', async () => {
  await A.context.setOffline(true)
  await send(A.page, 'sent while offline')
  const failed = A.page.locator(`${tid('message')}[data-state="failed"]`, { hasText: 'sent while offline' })
  await failed.waitFor()
  await A.context.setOffline(false)
  await failed.locator(tid('retry')).click()
  await messageWithText(A.page, 'sent while offline').and(A.page.locator('[data-state="sent"]')).waitFor()
  await messageWithText(B.page, 'sent while offline').waitFor()
  assert.equal(await messageWithText(A.page, 'sent while offline').count(), 1)
  assert.equal(await messageWithText(B.page, 'sent while offline').count(), 1)
})

test('search finds a message and opens it highlighted in context', async () => {
  await send(B.page, 'The quick zebrafish jumps')
  await messageWithText(B.page, 'zebrafish').and(B.page.locator('[data-state="sent"]')).waitFor()
  await A.page.fill(tid('search-input'), 'zebrafish')
  await A.page.press(tid('search-input'), 'Enter')
  await A.page.waitForURL(/\/search\?q=zebrafish/)
  const result = A.page.locator(tid('search-result')).first()
  await result.waitFor()
  assert.match(await result.innerHTML(), /<mark>/i)
  await result.click()
  await A.page.waitForURL(/\/rooms\/[a-z0-9]+\/@\d+$/)
  const hit = A.page.locator(`${tid('message')}[data-highlighted="true"]`)
  await hit.waitFor()
  assert.match(await hit.textContent(), /zebrafish/)
  // recent searches are listed and can be cleared
  await A.page.goto('/search')
  await A.page.waitForSelector(`${tid('recent-search')}:has-text("zebrafish")`)
  await A.page.click(tid('clear-searches'))
  await A.page.waitForSelector(tid('recent-searches'), { state: 'detached' })
})

test('sign out and sign in again', async () => {
  await B.page.click(tid('sign-out'))
  await B.page.waitForSelector(tid('signin-form'))
  await B.page.fill(tid('signin-email'), bob.email)
  await B.page.fill(tid('signin-password'), 'wrong password')
  await B.page.click(tid('signin-submit'))
  await B.page.waitForSelector(tid('signin-error'))
  await B.page.fill(tid('signin-password'), bob.password)
  await B.page.click(tid('signin-submit'))
  await B.page.waitForSelector(tid('room-title'))
  assert.equal(await B.page.textContent(tid('my-name')), bob.name)
  // the account's custom CSS is linked (served as text/css)
  assert.equal(await B.page.locator('link[data-testid="custom-styles"]').count(), 1)
  const css = await fetch(`${server.url}/api/campfire/account/styles.css`)
  assert.equal(css.status, 200)
  assert.match(css.headers.get('content-type') ?? '', /^text\/css/)
})

test('an admin makes a new invite link; the old one stops working', async () => {
  const old = await A.page.inputValue(tid('join-link'))
  await A.page.click(tid('regenerate-join-link'))
  await A.page.click(tid('confirm-ok'))
  await A.page.waitForFunction((old) => document.querySelector('[data-testid="join-link"]').value !== old, old)
  const fresh = await A.page.inputValue(tid('join-link'))
  assert.match(fresh, /\/join\/[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/)
  const code = (u) => u.split('/join/')[1]
  const body = JSON.stringify({ name: 'Carol', email: 'carol@example.com', password: 'password123' })
  const headers = { 'Content-Type': 'application/json' }
  assert.equal((await fetch(`${server.url}/api/campfire/join/${code(old)}`, { method: 'POST', headers, body })).status, 404)
  assert.equal((await fetch(`${server.url}/api/campfire/join/${code(fresh)}`, { method: 'POST', headers, body })).status, 200)
  // members do not get the button
  assert.equal(await B.page.locator(tid('regenerate-join-link')).count(), 0)
})

test('no page errors and no CSP violations along the way', async () => {
  assert.deepEqual(A.errors, [])
  assert.deepEqual(B.errors, [])
  // the only failed requests are the ones the tests provoked (Bob's wrong password)
  assert.deepEqual(A.failures, [])
  assert.deepEqual(B.failures, ['400 POST /api/collections/users/auth-with-password'])
})
