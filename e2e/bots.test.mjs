// Bots: created by an admin, posting with their key; message-id links.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, setupTeam, signedIn, send, tid, messageWithText, apiAs } from './helpers.mjs'

let server, browser, closeBrowser, A, B, C, ada, bob, carol, roomId


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

test('a bot posts through its key; its message has a BOT badge and a message-id link opens it', async () => {
  await A.page.goto('/settings/bots')
  await A.page.fill(tid('bot-name'), 'Deploy Bot')
  await A.page.click(tid('bot-create'))
  const key = await A.page.inputValue(tid('bot-key'))
  assert.match(key, /^[a-z0-9]+-[A-Za-z0-9]{12,}$/)
  await A.page.click(`${tid('bot-key-dialog')} button:has-text("Done")`)
  await A.page.locator(`${tid('bot-row')}[data-bot-name="Deploy Bot"]`).waitFor()

  const r = await fetch(`${server.url}/rooms/${roomId}/${key}/messages`, { method: 'POST', body: 'Deployed v1.2.3' })
  assert.equal(r.status, 201)
  const posted = await r.json()
  const onB = messageWithText(B.page, 'Deployed v1.2.3')
  await onB.waitFor()
  await onB.locator('.tag--bot').waitFor()
  // the bot API's message URL uses the message id
  await B.page.goto(`/rooms/${roomId}/@${posted.id}`)
  await B.page.waitForURL(new RegExp(`/rooms/${roomId}/@\\d+$`))
  const hit = B.page.locator(`${tid('message')}[data-highlighted="true"]`)
  await hit.waitFor()
  assert.match(await hit.textContent(), /Deployed v1\.2\.3/)
})

