// Administration: account settings, people (roles, deactivate, ban).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, setupTeam, signedIn, send, tid, messageWithText, apiAs, pngBuffer } from './helpers.mjs'

let server, browser, closeBrowser, A, B, C, ada, bob, carol, roomId

const row = (page, name) => page.locator(`${tid('person-row')}[data-user-name="${name}"]`)

before(async () => {
  server = await startServer()
  ;({ browser, close: closeBrowser } = await launchBrowser())
  ;[ada, bob, carol] = await setupTeam(server.url, [
    { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-1' },
    { name: 'Bob Builder', email: 'bob@example.com', password: 'correct-horse-2' },
    { name: 'Carol Coder', email: 'carol@example.com', password: 'correct-horse-3' },
  ])
  A = await signedIn(browser, server.url, ada)
  B = await signedIn(browser, server.url, bob)
  C = await signedIn(browser, server.url, carol)
  roomId = await A.page.getAttribute(tid('room'), 'data-room-id')
})

after(async () => {
  await closeBrowser?.()
  await server?.stop()
})

test('members have no settings; the admin renames the account, sets custom CSS and restricts room creation', async () => {
  assert.equal(await B.page.locator(tid('open-settings')).count(), 0)
  assert.equal(await B.page.locator(tid('new-room')).count(), 1)
  await A.page.click(tid('open-settings'))
  await A.page.waitForSelector(tid('account-form'))
  await A.page.fill(tid('account-name-input'), 'Acme Chat')
  await A.page.fill(tid('account-css'), ':root { --accent: rgb(1, 2, 3); }')
  await A.page.check(tid('account-restrict'))
  await A.page.setInputFiles(tid('account-logo'), { name: 'logo.png', mimeType: 'image/png', buffer: pngBuffer(64, 64, [30, 120, 200]) })
  await A.page.click(tid('account-save'))
  await A.page.waitForSelector(tid('account-saved'))
  await A.page.waitForSelector(`${tid('account-name')}:text-is("Acme Chat")`)

  await B.page.reload()
  await B.page.waitForSelector(`${tid('account-name')}:text-is("Acme Chat")`)
  // the member sees the new logo in the sidebar, served as our own file
  const logo = B.page.locator('.sidebar__logo')
  await logo.waitFor()
  assert.match(await logo.getAttribute('src'), /\/api\/files\/.+logo.*\.png/)
  await B.page.waitForFunction(() => {
    const img = document.querySelector('.sidebar__logo')
    return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0
  })
  // and as the tab's favicon
  await B.page.waitForFunction(() => document.querySelector('link[rel="icon"]')?.getAttribute('href')?.includes('/api/files/'))
  await B.page.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() === 'rgb(1, 2, 3)')
  assert.equal(await B.page.locator(tid('new-room')).count(), 0)
})

test('my profile lists my rooms with their involvement, which I can change there', async () => {
  await A.page.goto('/')
  await A.page.waitForSelector(tid('room-title'))
  await A.page.click(tid('open-profile'))
  const mine = A.page.locator(`${tid('my-room')}[data-room-id="${roomId}"]`)
  await mine.waitFor()
  assert.equal(await mine.locator(tid('my-room-involvement')).inputValue(), 'mentions')
  await mine.locator(tid('my-room-involvement')).selectOption('everything')
  let saved = ''
  for (let i = 0; i < 50 && saved !== 'everything'; i++) {
    const r = await apiAs(server.url, ada.token, `/api/collections/memberships/records?filter=${encodeURIComponent(`room='${roomId}'`)}`)
    saved = r.json.items[0]?.involvement
    if (saved !== 'everything') await new Promise((res) => setTimeout(res, 100))
  }
  assert.equal(saved, 'everything', 'the involvement change reached the server')
  // back to the settings screen, where the next test starts
  await A.page.keyboard.press('Escape')
  await A.page.click(tid('open-settings'))
  await A.page.waitForSelector(tid('account-form'))
})

test('roles, deactivation and bans from the people screen', async () => {
  await A.page.click(tid('settings-tab-people'))
  await row(A.page, 'Bob Builder').waitFor()
  // make Bob an administrator: his app shows the settings after it reloads his record
  await row(A.page, 'Bob Builder').locator(tid('person-role')).selectOption('administrator')
  await A.page.waitForFunction(() => document.querySelector('[data-user-name="Bob Builder"] [data-testid="person-role"]').value === 'administrator')
  await B.page.reload()
  await B.page.waitForSelector(tid('open-settings'))

  // Carol is deactivated: her app signs out
  await row(A.page, 'Carol Coder').locator(tid('person-deactivate')).click()
  await A.page.click(tid('confirm-ok'))
  await row(A.page, 'Carol Coder').and(A.page.locator('[data-status="deactivated"]')).waitFor()
  await C.page.reload()
  await C.page.waitForSelector(tid('signin-form'))

  // Bob posts, then is banned: his messages disappear
  await A.page.goto(`/rooms/${roomId}`)
  await B.page.goto(`/rooms/${roomId}`)
  await send(B.page, 'a message from bob')
  await messageWithText(A.page, 'a message from bob').waitFor()
  const watcher = await A.context.newPage() // Ada's second tab stays in the room
  await watcher.goto(`/rooms/${roomId}`)
  await messageWithText(watcher, 'a message from bob').waitFor()
  await A.page.goto('/settings/people')
  await row(A.page, 'Bob Builder').locator(tid('person-ban')).click()
  await A.page.click(tid('confirm-ok'))
  await row(A.page, 'Bob Builder').and(A.page.locator('[data-status="banned"]')).waitFor()
  await messageWithText(watcher, 'a message from bob').waitFor({ state: 'detached' })
  await watcher.close()
  await A.page.goto(`/rooms/${roomId}`)
  await A.page.waitForSelector(tid('room-title'))
  assert.equal(await messageWithText(A.page, 'a message from bob').count(), 0)
  await B.page.reload()
  await B.page.waitForSelector(tid('signin-form'))
  // unban: Bob can sign in again
  await A.page.goto('/settings/people')
  await row(A.page, 'Bob Builder').locator(tid('person-unban')).click()
  await row(A.page, 'Bob Builder').and(A.page.locator('[data-status="active"]')).waitFor()
})
