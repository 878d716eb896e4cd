// Issue 3: typing indicator, unread across tabs, involvement, rooms and DMs live.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, setupTeam, signedIn, send, tid, messageWithText, openRoom } from './helpers.mjs'

let server, browser, closeBrowser, A, B, ada, bob

const roomLink = (page, name) => page.locator(`${tid('room-link')}[data-room-name="${name}"]`)

before(async () => {
  server = await startServer()
  ;({ browser, close: closeBrowser } = await launchBrowser())
  ;[ada, bob] = await setupTeam(server.url, [
    { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-1' },
    { name: 'Bob Builder', email: 'bob@example.com', password: 'correct-horse-2' },
  ])
  A = await signedIn(browser, server.url, ada)
  B = await signedIn(browser, server.url, bob)
})

after(async () => {
  await closeBrowser?.()
  await server?.stop()
})

test('typing indicator shows the other person, never me, and clears on send', async () => {
  await A.page.locator(tid('composer-input')).click()
  await A.page.keyboard.type('thinking about it')
  await B.page.waitForSelector(`${tid('typing-indicator')}:has-text("Ada Admin is typing")`)
  assert.equal((await A.page.textContent(tid('typing-indicator'))).trim(), '')
  await A.page.keyboard.press('Enter')
  await messageWithText(B.page, 'thinking about it').waitFor()
  await B.page.waitForSelector(`${tid('typing-indicator')}:text-is("")`)
})

test('a new open room appears live; unread shows bold and clears on all tabs', async () => {
  await A.page.click(tid('new-room'))
  await A.page.fill(tid('room-name'), 'Watercooler')
  await A.page.click(tid('create-room'))
  await A.page.waitForSelector(`${tid('room-title')}:has-text("Watercooler")`)
  await roomLink(B.page, 'Watercooler').waitFor()

  // Bob has a second tab in All Talk
  const B2 = await B.context.newPage()
  await B2.goto('/')
  await B2.waitForSelector(tid('room-title'))
  await roomLink(B2, 'Watercooler').waitFor()

  await send(A.page, 'coffee is ready')
  await messageWithText(A.page, 'coffee is ready').and(A.page.locator('[data-state="sent"]')).waitFor()
  await roomLink(B.page, 'Watercooler').and(B.page.locator('[data-unread="true"]')).waitFor()
  await roomLink(B2, 'Watercooler').and(B2.locator('[data-unread="true"]')).waitFor()
  // the unread count is in the tab title
  await B2.waitForFunction(() => document.title.startsWith('(1) '))

  // opening it in one tab clears it in the other
  await openRoom(B.page, 'Watercooler')
  await messageWithText(B.page, 'coffee is ready').waitFor()
  await roomLink(B2, 'Watercooler').and(B2.locator('[data-unread="false"]')).waitFor()
  await B2.waitForFunction(() => !document.title.startsWith('('))
  await B2.close()
})

test('involvement cycles and "invisible" hides the room from the sidebar', async () => {
  const bell = B.page.locator(tid('involvement'))
  assert.equal(await bell.getAttribute('data-involvement'), 'mentions')
  await bell.click()
  await B.page.waitForSelector(`${tid('involvement')}[data-involvement="everything"]`)
  await bell.click()
  await B.page.waitForSelector(`${tid('involvement')}[data-involvement="nothing"]`)
  await bell.click()
  await B.page.waitForSelector(`${tid('involvement')}[data-involvement="invisible"]`)
  await roomLink(B.page, 'Watercooler').waitFor({ state: 'detached' })
  await B.page.reload()
  await B.page.waitForSelector(tid('room-title'))
  assert.equal(await roomLink(B.page, 'Watercooler').count(), 0)
  // a new message there does not bring it back
  await send(A.page, 'anyone?')
  await messageWithText(A.page, 'anyone?').and(A.page.locator('[data-state="sent"]')).waitFor()
  await roomLink(B.page, 'All Talk').waitFor()
  assert.equal(await roomLink(B.page, 'Watercooler').count(), 0)
  // back to mentions: visible again
  await B.page.locator(tid('involvement')).click()
  await B.page.waitForSelector(`${tid('involvement')}[data-involvement="mentions"]`)
  await roomLink(B.page, 'Watercooler').waitFor()
})

test('a closed room with chosen members, renamed and deleted live', async () => {
  await A.page.click(tid('new-room'))
  await A.page.fill(tid('room-name'), 'Secret')
  await A.page.click(tid('room-kind-closed'))
  await A.page.click(`${tid('user-option')}[data-user-name="Bob Builder"]`)
  await A.page.click(tid('create-room'))
  await A.page.waitForSelector(`${tid('room-title')}:has-text("Secret")`)
  await roomLink(B.page, 'Secret').waitFor()

  await A.page.click(tid('room-settings'))
  await A.page.fill(tid('settings-name'), 'Secret Lair')
  await A.page.click(tid('save-room'))
  await A.page.waitForSelector(`${tid('room-title')}:has-text("Secret Lair")`)
  await roomLink(B.page, 'Secret Lair').waitFor()

  await A.page.click(tid('room-settings'))
  await A.page.click(tid('delete-room'))
  await A.page.click(`${tid('confirm-dialog')} >> nth=-1 >> ${tid('confirm-ok')}`)
  await roomLink(A.page, 'Secret Lair').waitFor({ state: 'detached' })
  await roomLink(B.page, 'Secret Lair').waitFor({ state: 'detached' })
})

test('a member removed from a closed room loses it live, even while it is open', async () => {
  await A.page.click(tid('new-room'))
  await A.page.fill(tid('room-name'), 'Planning')
  await A.page.click(tid('room-kind-closed'))
  await A.page.click(`${tid('user-option')}[data-user-name="Bob Builder"]`)
  await A.page.click(tid('create-room'))
  await A.page.waitForSelector(`${tid('room-title')}:has-text("Planning")`)
  await openRoom(B.page, 'Planning')
  await send(A.page, 'plans for next week')
  await messageWithText(B.page, 'plans for next week').waitFor()

  await A.page.click(tid('room-settings'))
  await A.page.click(`${tid('user-option')}[data-user-name="Bob Builder"]`)
  await A.page.click(tid('save-room'))
  await A.page.waitForSelector(tid('room-settings-dialog'), { state: 'detached' })
  await roomLink(B.page, 'Planning').waitFor({ state: 'detached' })
  await B.page.waitForFunction(() => !document.querySelector('[data-testid="room-title"]')?.textContent?.includes('Planning'))
  // and nothing posted afterwards reaches Bob
  await send(A.page, 'secret plans')
  await messageWithText(A.page, 'secret plans').and(A.page.locator('[data-state="sent"]')).waitFor()
  assert.equal(await messageWithText(B.page, 'secret plans').count(), 0)
})

test('a direct message appears for the other person, unread', async () => {
  await A.page.click(tid('new-direct'))
  await A.page.click(`${tid('user-option')}[data-user-name="Bob Builder"]`)
  await A.page.click(tid('start-direct'))
  await A.page.waitForSelector(`${tid('room-title')}:has-text("Bob Builder")`)
  await send(A.page, 'psst, Bob')
  await messageWithText(A.page, 'psst, Bob').and(A.page.locator('[data-state="sent"]')).waitFor()
  await roomLink(B.page, 'Ada Admin').and(B.page.locator('[data-unread="true"]')).waitFor()
  await openRoom(B.page, 'Ada Admin')
  await messageWithText(B.page, 'psst, Bob').waitFor()
  // the same pair reuses the room
  await A.page.click(tid('new-direct'))
  await A.page.click(`${tid('user-option')}[data-user-name="Bob Builder"]`)
  await A.page.click(tid('start-direct'))
  await messageWithText(A.page, 'psst, Bob').waitFor()
  assert.equal(await A.page.locator(`${tid('direct-rooms')} ${tid('room-link')}`).count(), 1)
})

test('profile: rename myself; manifest shortcut opens the new-room dialog', async () => {
  await A.page.click(tid('open-profile'))
  await A.page.fill(tid('profile-name'), 'Ada Lovelace')
  await A.page.fill(tid('profile-bio'), 'First programmer')
  await A.page.click(tid('profile-save'))
  await A.page.waitForSelector(`${tid('my-name')}:text-is("Ada Lovelace")`)
  await B.page.reload()
  await roomLink(B.page, 'Ada Lovelace').waitFor()

  await A.page.goto('/?open=new-room')
  await A.page.waitForSelector(tid('new-room-dialog'))
  await A.page.keyboard.press('Escape')
  await A.page.waitForSelector(tid('new-room-dialog'), { state: 'detached' })
  await A.page.goto('/?open=profile')
  await A.page.waitForSelector(tid('profile-dialog'))
  assert.equal(await A.page.inputValue(tid('profile-bio')), 'First programmer')
  await A.page.keyboard.press('Escape')
})

test('no page errors and no failed requests', async () => {
  for (const u of [A, typeof B === 'undefined' ? null : B].filter(Boolean)) {
    assert.deepEqual(u.errors, [])
    assert.deepEqual(u.failures, [])
  }
})
