// Sessions: a single-use sign-in link for another device, and "sign out everywhere".
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, setupTeam, signedIn, newUser, tid, apiAs } from './helpers.mjs'

let server, browser, closeBrowser, A, ada

before(async () => {
  server = await startServer()
  ;({ browser, close: closeBrowser } = await launchBrowser())
  ;[ada] = await setupTeam(server.url, [{ name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-1' }])
  A = await signedIn(browser, server.url, ada)
})

after(async () => {
  await closeBrowser?.()
  await server?.stop()
})

test('a sign-in link signs in another device once', async () => {
  await A.page.click(tid('open-profile'))
  await A.page.click(tid('transfer-create'))
  const url = await A.page.inputValue(tid('transfer-link'))
  assert.match(url, /\/session\/transfer\/\S+$/)
  // the same link as a QR code for a phone camera: a data: image that decoded with a real size
  const qr = A.page.locator(tid('transfer-qr'))
  await qr.waitFor()
  const img = await qr.evaluate((el) => ({ src: el.getAttribute('src'), w: el.naturalWidth, h: el.naturalHeight, complete: el.complete }))
  assert.match(img.src, /^data:image\/png;base64,/)
  assert.ok(img.complete && img.w > 0 && img.h > 0, `QR image has a size: ${JSON.stringify({ w: img.w, h: img.h })}`)
  const box = await qr.boundingBox()
  assert.ok(box && box.width > 0 && box.height > 0, 'QR code is laid out')
  const path = new URL(url).pathname
  await A.page.keyboard.press('Escape')

  const phone = await newUser(browser, server.url)
  await phone.page.goto(path)
  await phone.page.waitForSelector(`${tid('my-name')}:text-is("Ada Admin")`)
  assert.ok(!phone.page.url().includes('/session/transfer/'), 'the token left the address bar')

  // used once: a second device gets a clear error
  const other = await newUser(browser, server.url)
  await other.page.goto(path)
  await other.page.waitForSelector(`${tid('transfer-error')}:has-text("already used")`)
  await phone.context.close()
  await other.context.close()
})

test('the invite link has a "Show QR code" toggle', async () => {
  assert.equal(await A.page.locator(tid('join-qr')).count(), 0)
  await A.page.click(tid('join-qr-toggle'))
  const qr = A.page.locator(tid('join-qr'))
  await qr.waitFor()
  const w = await qr.evaluate((el) => el.naturalWidth)
  assert.ok(w > 0, 'join QR image decoded')
  await A.page.click(tid('join-qr-toggle'))
  await qr.waitFor({ state: 'detached' })
})

test('change my password, then my email; I stay signed in here', async () => {
  await A.page.click(tid('open-profile'))
  await A.page.fill(tid('profile-old-password'), 'correct-horse-1')
  await A.page.fill(tid('profile-new-password'), 'battery-staple-9')
  await A.page.click(tid('profile-password-save'))
  await A.page.waitForSelector(`${tid('credentials-message')}:has-text("Password changed")`)
  await A.page.fill(tid('profile-email'), 'ada@lovelace.example')
  await A.page.fill(tid('profile-email-password'), 'battery-staple-9')
  await A.page.click(tid('profile-email-save'))
  await A.page.waitForSelector(`${tid('credentials-message')}:has-text("Email changed")`)
  await A.page.keyboard.press('Escape')
  await A.page.reload()
  await A.page.waitForSelector(tid('room-title'))
  const r = await apiAs(server.url, null, '/api/collections/users/auth-with-password', {
    method: 'POST',
    body: { identity: 'ada@lovelace.example', password: 'battery-staple-9' },
  })
  assert.equal(r.status, 200)
  ada = r.json
})

test('sign out everywhere revokes every token', async () => {
  const token = ada.token
  const refresh = () => apiAs(server.url, token, '/api/collections/users/auth-refresh', { method: 'POST' })
  assert.equal((await refresh()).status, 200)
  await A.page.click(tid('open-profile'))
  await A.page.click(tid('revoke-all'))
  await A.page.waitForSelector(tid('signin-form'))
  assert.equal((await refresh()).status, 401)
})
