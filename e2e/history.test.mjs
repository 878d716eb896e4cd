// History paging: newest page, older on scroll-up, permalinks with newer pages, jump to newest.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, setupTeam, signedIn, tid, messageWithText, apiAs } from './helpers.mjs'

let server, browser, closeBrowser, A, ada, roomId
const N = 90

before(async () => {
  // Seeding 90 messages is setup, not what is tested: lift the per-user posting limit (20 per 10 s).
  server = await startServer({ env: { CAMPFIRE_POST_LIMIT: 'off' } })
  ;({ browser, close: closeBrowser } = await launchBrowser())
  ;[ada] = await setupTeam(server.url, [{ name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-1' }])
  const rooms = await apiAs(server.url, ada.token, '/api/collections/memberships/records?expand=room')
  roomId = rooms.json.items.find((m) => m.expand.room.name === 'All Talk').room
  for (let i = 1; i <= N; i++) {
    const r = await apiAs(server.url, ada.token, '/api/collections/messages/records', {
      method: 'POST',
      body: { room: roomId, body: `<div>history message ${i}</div>`, client_message_id: `hist-${i}` },
    })
    assert.ok(r.status === 200, `post ${i}: ${r.status} ${JSON.stringify(r.json)}`)
  }
  A = await signedIn(browser, server.url, ada)
})

after(async () => {
  await closeBrowser?.()
  await server?.stop()
})

const exact = (page, i) => messageWithText(page, new RegExp(`^\\s*history message ${i}\\s*$`))

test('opens at the newest messages and loads older ones on scrolling up', async () => {
  await exact(A.page, N).waitFor()
  assert.equal(await exact(A.page, 1).count(), 0)
  await scrollUntil(A.page, 'top', () => exact(A.page, 1).count())
  await exact(A.page, 1).waitFor()
  await A.page.waitForSelector(tid('room-start'))
  const numbers = await A.page.$$eval(`${tid('message-list')} ${tid('message')}`, (els) => els.map((e) => Number(e.dataset.number)))
  assert.equal(numbers.length, N)
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b))
})

test('a permalink opens the room around the message, highlighted; newer pages load; jump to newest', async () => {
  const hist = await apiAs(server.url, ada.token, `/api/campfire/rooms/${roomId}/messages?limit=200`)
  const target = hist.json.items.find((m) => m.plain.trim() === 'history message 12')
  await A.page.goto(`/rooms/${roomId}/@${target.number}`)
  const hit = A.page.locator(`${tid('message')}[data-highlighted="true"]`)
  await hit.waitFor()
  assert.match(await hit.textContent(), /history message 12\b/)
  assert.equal(await exact(A.page, N).count(), 0)
  // scrolling down loads the newer pages
  await scrollUntil(A.page, 'bottom', () => exact(A.page, N).count())
  const numbers = await A.page.$$eval(`${tid('message-list')} ${tid('message')}`, (els) => els.map((e) => Number(e.dataset.number)))
  assert.equal(new Set(numbers).size, numbers.length)
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b))
  // back to the permalink, then "jump to newest"
  await A.page.goto(`/rooms/${roomId}/@${target.number}`)
  await hit.waitFor()
  await A.page.waitForSelector(tid('jump-to-newest'))
  await A.page.click(tid('jump-to-newest'))
  await exact(A.page, N).waitFor()
  await A.page.waitForURL(new RegExp(`/rooms/${roomId}$`))
})

const count = (page) => page.locator(`${tid('message-list')} ${tid('message')}`).count()

/** Scrolls the list to one end until done() is truthy, waiting for each page to arrive. */
async function scrollUntil(page, end, done) {
  for (let i = 0; i < 20 && !(await done()); i++) {
    const before = await count(page)
    await page.locator(tid('message-list')).evaluate((el, end) => (el.scrollTop = end === 'top' ? 0 : el.scrollHeight), end)
    await page.waitForFunction(
      (before) => document.querySelectorAll('[data-testid="message-list"] [data-testid="message"]').length > before,
      before,
    )
  }
  assert.ok(await done(), `reached the ${end}`)
}

test('no page errors and no failed requests', async () => {
  for (const u of [A, typeof B === 'undefined' ? null : B].filter(Boolean)) {
    assert.deepEqual(u.errors, [])
    assert.deepEqual(u.failures, [])
  }
})
