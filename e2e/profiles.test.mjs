// Public profiles: a message's author name or avatar opens /users/:id; Ping opens the direct room.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, setupTeam, signedIn, tid, messageWithText, apiAs } from './helpers.mjs'

let server, browser, closeBrowser, A, ada, bob, carol, roomId

const post = async (auth, text) => {
  const r = await apiAs(server.url, auth.token, '/api/collections/messages/records', {
    method: 'POST',
    body: { room: roomId, body: `<div>${text}</div>`, client_message_id: `p-${text.replace(/\W+/g, '-')}` },
  })
  assert.equal(r.status, 200, `post: ${r.status} ${JSON.stringify(r.json)}`)
}

before(async () => {
  server = await startServer()
  ;({ browser, close: closeBrowser } = await launchBrowser())
  ;[ada, bob, carol] = await setupTeam(server.url, [
    { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-1' },
    { name: 'Bob Builder', email: 'bob@example.com', password: 'correct-horse-2' },
    { name: 'Carol Coder', email: 'carol@example.com', password: 'correct-horse-3' },
  ])
  const bio = await apiAs(server.url, bob.token, `/api/collections/users/records/${bob.record.id}`, { method: 'PATCH', body: { bio: 'Can we fix it?' } })
  assert.equal(bio.status, 200, JSON.stringify(bio.json))
  const rooms = await apiAs(server.url, ada.token, '/api/collections/memberships/records?expand=room')
  roomId = rooms.json.items.find((m) => m.expand.room.name === 'All Talk').room
  await post(bob, 'hello from bob')
  await post(carol, 'carol says goodbye')
  const d = await apiAs(server.url, ada.token, `/api/campfire/users/${carol.record.id}/deactivate`, { method: 'POST' })
  assert.equal(d.status < 300, true, `deactivate: ${d.status} ${JSON.stringify(d.json)}`)
  A = await signedIn(browser, server.url, ada)
})

after(async () => {
  await closeBrowser?.()
  await server?.stop()
})

test("a message author's name opens their profile; Ping lands in the direct room", async () => {
  const msg = messageWithText(A.page, 'hello from bob')
  await msg.locator(tid('message-author')).click()
  await A.page.waitForURL(`**/users/${bob.record.id}`)
  const card = A.page.locator(tid('user-profile'))
  await card.waitFor()
  assert.equal(await card.locator(tid('user-profile-name')).textContent(), 'Bob Builder')
  assert.equal(await card.locator(tid('user-profile-bio')).textContent(), 'Can we fix it?')
  assert.equal(await card.locator(tid('user-profile-role')).textContent(), 'Member')
  assert.equal(await card.locator(tid('user-profile-left')).count(), 0)

  await card.locator(tid('user-profile-ping')).click()
  await A.page.waitForSelector(`${tid('room-title')}:has-text("Bob Builder")`)
  const roomPath = new URL(A.page.url()).pathname
  assert.match(roomPath, /^\/rooms\/[a-z0-9]+$/)
  const room = await apiAs(server.url, ada.token, `/api/collections/rooms/records/${roomPath.split('/').pop()}`)
  assert.equal(room.status, 200)
  assert.equal(room.json.kind, 'direct')
  assert.deepEqual(room.json.direct_key.split(',').sort(), [ada.record.id, bob.record.id].sort())
  await A.page.waitForSelector(`${tid('direct-rooms')} ${tid('room-link')}[data-room-name="Bob Builder"]`)
})

test('the avatar opens the profile too; someone who left shows "left" and no Ping', async () => {
  await A.page.click(`${tid('room-link')}[data-room-name="All Talk"]`)
  const msg = messageWithText(A.page, 'carol says goodbye')
  await msg.locator(tid('message-avatar')).click()
  await A.page.waitForURL(`**/users/${carol.record.id}`)
  const card = A.page.locator(tid('user-profile'))
  await card.waitFor()
  assert.equal(await card.locator(tid('user-profile-name')).textContent(), 'Carol Coder')
  await card.locator(tid('user-profile-left')).waitFor()
  assert.equal(await card.locator(tid('user-profile-ping')).count(), 0)

  // my own profile: Admin badge, no Ping
  await A.page.goto(`/users/${ada.record.id}`)
  await A.page.waitForSelector(`${tid('user-profile-role')}:text-is("Admin")`)
  assert.equal(await A.page.locator(tid('user-profile-ping')).count(), 0)
})

test('no page errors or failed requests', () => {
  assert.deepEqual(A.errors, [])
  assert.deepEqual(A.failures, [])
})
