// Outgoing integrations against local servers: a bot's webhook answers a mention live, and a link
// preview card is made from a local page. The server runs with CAMPFIRE_E2E_LOOPBACK=1, the hidden
// test switch that lets webhooks and previews reach 127.0.0.1 (the SSRF guard refuses it otherwise).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { startServer, launchBrowser, setupTeam, signedIn, tid, messageWithText, apiAs } from './helpers.mjs'

let server, browser, closeBrowser, A, B, ada, bob, local, localURL
const hooks = []

before(async () => {
  // one local server plays both the bot (POST /bot) and a web page with OpenGraph tags (GET /page)
  local = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/bot') {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        const payload = JSON.parse(body)
        hooks.push({ payload, headers: req.headers })
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
        res.end(`pong: ${payload.message.body.plain}`)
      })
      return
    }
    if (req.url === '/page') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      res.end(`<!doctype html><html><head><title>Fallback</title>
        <meta property="og:title" content="The Campfire Handbook">
        <meta property="og:description" content="How we chat &amp; <b>work</b> together.">
        </head><body>hello</body></html>`)
      return
    }
    res.writeHead(404)
    res.end()
  })
  await new Promise((r) => local.listen(0, '127.0.0.1', r))
  localURL = `http://127.0.0.1:${local.address().port}`

  server = await startServer({ env: { CAMPFIRE_E2E_LOOPBACK: '1' } })
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
  await new Promise((r) => local?.close(r))
})

test('an admin creates a bot with a webhook; a mention gets its reply live for everyone', async () => {
  await A.page.goto('/settings/bots')
  await A.page.fill(tid('bot-name'), 'Echo')
  await A.page.fill(tid('bot-webhook'), `${localURL}/bot`)
  await A.page.click(tid('bot-create'))
  await A.page.locator(tid('bot-key')).waitFor()
  await A.page.click(`${tid('bot-key-dialog')} button:has-text("Done")`)
  await A.page.locator(`${tid('bot-row')}[data-bot-name="Echo"]`).waitFor()
  await A.page.goto('/')
  await A.page.waitForSelector(tid('room-title'))

  // Bob mentions the bot by name in plain text (as an API client would): the server resolves "@Echo"
  const roomId = await B.page.getAttribute(tid('room'), 'data-room-id')
  const posted = await apiAs(server.url, bob.token, '/api/collections/messages/records', {
    method: 'POST',
    body: { room: roomId, body: '@Echo ping from Bob' },
  })
  assert.equal(posted.status, 200)
  assert.equal(posted.json.mentions.length, 1, 'the bot is mentioned')
  await messageWithText(B.page, 'pong:').waitFor({ timeout: 20_000 })
  await messageWithText(A.page, 'pong:').waitFor({ timeout: 20_000 })
  const reply = await messageWithText(B.page, 'pong:').innerText()
  assert.match(reply, /pong: ping from Bob/, 'the bot saw the text without its own @name')

  assert.equal(hooks.length, 1, 'one webhook delivery')
  const { payload, headers } = hooks[0]
  assert.equal(payload.user.name, 'Bob Builder')
  assert.match(payload.room.path, /^\/rooms\/[a-z0-9]+\/[a-z0-9]+-[A-Za-z0-9]+\/messages$/)
  assert.ok(headers['webhook-id'] && headers['webhook-timestamp'] && /^v1,/.test(headers['webhook-signature']))
})

test('a pasted link becomes a preview card built from the page, stored as text', async () => {
  const editor = A.page.locator(tid('composer-input'))
  await editor.click()
  await A.page.keyboard.type(`read this ${localURL}/page `)
  await A.page.locator(tid('unfurl-card')).waitFor({ timeout: 15_000 })
  await A.page.keyboard.press('Enter')
  const card = messageWithText(B.page, 'read this').locator(tid('preview-card'))
  await card.waitFor({ timeout: 15_000 })
  const text = await card.innerText()
  assert.match(text, /The Campfire Handbook/)
  assert.match(text, /How we chat & work together\./, 'markup in the description is reduced to its text')
  assert.equal(await card.locator('b').count(), 0)
})

test('code blocks are highlighted, and stay text', async () => {
  const roomId = await B.page.getAttribute(tid('room'), 'data-room-id')
  const code = 'function add(a, b) {\n  return a + b // "<img src=x onerror=alert(1)>"\n}'
  const posted = await apiAs(server.url, ada.token, '/api/collections/messages/records', {
    method: 'POST',
    body: { room: roomId, body: `<pre>${code.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</pre>` },
  })
  assert.equal(posted.status, 200)
  const pre = messageWithText(B.page, 'function add').locator('pre')
  await pre.locator('.hljs-keyword').first().waitFor()
  assert.equal(await pre.innerText(), code, 'the text is unchanged')
  assert.equal(await pre.locator('img').count(), 0)
})
