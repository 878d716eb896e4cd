// Upload progress and cancel: a pending attachment shows a progress bar (XHR upload progress) and
// a Cancel button that aborts the upload and removes the pending message; nothing is stored.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, setupTeam, signedIn, tid, send, messageWithText, apiAs } from './helpers.mjs'

let server, browser, closeBrowser, A, ada, cdp

const MB = 1024 * 1024
// not very compressible, so no layer can shrink it: a repeating pseudo-random pattern
const bigFile = (name, size = 3 * MB) => {
  const buffer = Buffer.alloc(size)
  let x = 2463534242
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    buffer[i] = x & 0xff
  }
  return { name, mimeType: 'application/octet-stream', buffer }
}

const roomIdOf = (page) => new URL(page.url()).pathname.split('/')[2]
const pendingFile = (name) =>
  A.page.locator(`${tid('message')}[data-state="pending"]`, { has: A.page.locator(tid('pending-file'), { hasText: name }) })

before(async () => {
  server = await startServer()
  ;({ browser, close: closeBrowser } = await launchBrowser())
  ;[ada] = await setupTeam(server.url, [{ name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-1' }])
  A = await signedIn(browser, server.url, ada)
  // a slow uplink (DevTools network emulation), so an upload lasts long enough to watch and cancel
  cdp = await A.context.newCDPSession(A.page)
  await cdp.send('Network.enable')
})

after(async () => {
  await closeBrowser?.()
  await server?.stop()
})

const throttle = (bytesPerSecond) =>
  cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond })

test('a large upload shows its progress, then becomes the attachment', async () => {
  await throttle(1 * MB)
  await A.page.setInputFiles(tid('file-input'), bigFile('big-one.bin'))
  const pending = pendingFile('big-one.bin')
  const bar = pending.locator(tid('upload-progress'))
  await bar.waitFor()
  assert.equal(await bar.evaluate((el) => el.tagName), 'PROGRESS')
  // progress moves while the body goes out
  await pending.locator(`${tid('upload-progress')}:not([data-progress="0"])`).waitFor()
  await throttle(-1)
  const done = A.page.locator(tid('message'), { has: A.page.locator(`${tid('attachment-name')}:text-is("big-one.bin")`) })
  await done.and(A.page.locator('[data-state="sent"]')).waitFor({ timeout: 30_000 })
  assert.equal(await A.page.locator(tid('upload-progress')).count(), 0)
})

test('Cancel aborts an upload: the pending message goes and nothing is stored', async () => {
  const roomId = roomIdOf(A.page)
  await throttle(256 * 1024)
  await A.page.setInputFiles(tid('file-input'), bigFile('cancel-me.bin'))
  const pending = pendingFile('cancel-me.bin')
  await pending.locator(`${tid('upload-progress')}:not([data-progress="0"])`).waitFor()
  await pending.locator(tid('upload-cancel')).click()
  await pending.waitFor({ state: 'detached' })
  await throttle(-1)
  // a message sent after the cancel arrives; the cancelled file never does
  await send(A.page, 'after the cancel')
  await messageWithText(A.page, 'after the cancel').and(A.page.locator('[data-state="sent"]')).waitFor()
  const hist = await apiAs(server.url, ada.token, `/api/campfire/rooms/${roomId}/messages?limit=50`)
  assert.equal(hist.status, 200)
  const names = JSON.stringify(hist.json.items)
  assert.ok(names.includes('big-one.bin'), 'the first upload is stored')
  assert.doesNotMatch(names, /cancel.me/, 'the cancelled upload is not stored')
  assert.equal(hist.json.items.filter((m) => m.kind === 'attachment').length, 1, 'only the first upload is an attachment message')
  assert.ok(hist.json.items.some((m) => m.plain?.includes('after the cancel')))
  assert.equal(await A.page.locator(tid('pending-file')).count(), 0)
  assert.equal(await A.page.locator(tid('message'), { hasText: 'cancel-me.bin' }).count(), 0)
})

test('no page errors or failed requests', () => {
  assert.deepEqual(A.errors, [])
  assert.deepEqual(A.failures, [])
})
