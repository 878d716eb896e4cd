// Browser-test helpers: start the real binary on a fresh data dir and a free
// port, drive Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath, resolve, dirname } from 'node:path'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { deflateSync as zlibDeflate } from 'node:zlib'

const here = dirname(fileURLToPath(import.meta.url))
export const BIN = process.env.CAMPFIRE_BIN || resolve(here, '..', 'campfire')
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const TIMEOUT = 15_000

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.unref()
    s.on('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Starts `campfire serve` on a fresh temp dir; returns {url, stop, logs}. `env` adds variables. */
export async function startServer({ env = {} } = {}) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "make build" first`)
  const dir = mkdtempSync(joinPath(tmpdir(), 'campfire-e2e-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const proc = spawn(BIN, ['serve', '--dir', joinPath(dir, 'pb_data'), '--http', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // every browser context of a test shares 127.0.0.1, so PocketBase's per-IP sign-in limiter (on by
    // default, 10 per 3 minutes) would count a whole team as one visitor; the limiter itself is tested
    // from Go (routes/sessions_test.go). A test may turn it back on through env.
    env: { ...process.env, CAMPFIRE_RATE_LIMITS: 'false', ...env },
  })
  let logs = ''
  proc.stdout.on('data', (d) => (logs += d))
  proc.stderr.on('data', (d) => (logs += d))
  let exited = false
  proc.on('exit', () => (exited = true))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (exited) throw new Error(`campfire exited early:\n${logs}`)
    try {
      const r = await fetch(`${url}/api/health`)
      if (r.ok) break
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`campfire did not start:\n${logs}`)
    }
    await sleep(100)
  }
  const stop = async () => {
    if (!exited) {
      proc.kill('SIGTERM')
      const t = Date.now()
      while (!exited && Date.now() - t < 10_000) await sleep(50)
      if (!exited) proc.kill('SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
  }
  return { url, stop, logs: () => logs, dir }
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  })
  const close = async () => {
    // playwright gives each launch a fresh temporary profile and removes it on close
    await browser.close().catch(() => {})
  }
  return { browser, close }
}

/** A new context + page; page errors are collected for assertions. */
export async function newUser(browser, baseURL, opts = {}) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1200, height: 800 }, ...opts })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  context.setDefaultTimeout(TIMEOUT)
  const page = await context.newPage()
  const errors = []
  const failures = []
  context.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`)
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text())
  })
  return { context, page, errors, failures }
}

export const tid = (id) => `[data-testid="${id}"]`

export async function firstRun(page, { name, email, password }) {
  await page.goto('/')
  await page.fill(tid('firstrun-name'), name)
  await page.fill(tid('firstrun-email'), email)
  await page.fill(tid('firstrun-password'), password)
  await page.click(tid('firstrun-submit'))
  await page.waitForSelector(`${tid('room-title')}:has-text("All Talk")`)
}

export async function join(page, joinURL, { name, email, password }) {
  await page.goto(joinURL)
  await page.fill(tid('join-name'), name)
  await page.fill(tid('join-email'), email)
  await page.fill(tid('join-password'), password)
  await page.click(tid('join-submit'))
  await page.waitForSelector(tid('room-title'))
}

export async function signIn(page, { email, password }) {
  await page.goto('/')
  await page.fill(tid('signin-email'), email)
  await page.fill(tid('signin-password'), password)
  await page.click(tid('signin-submit'))
  await page.waitForSelector(tid('room-title'))
}

/** Types into the Trix composer and presses Enter. */
export async function send(page, text) {
  const editor = page.locator(tid('composer-input'))
  await editor.click()
  await page.keyboard.type(text)
  // Trix can drop keystrokes typed at machine speed on a loaded machine: when the composer holds less
  // than was typed, clear it and type again at a person's pace
  const squash = (s) => s.replace(/\s+/g, ' ').trim()
  if (squash(await editor.innerText()).length < squash(text).length) {
    await page.keyboard.press('ControlOrMeta+A')
    await page.keyboard.press('Backspace')
    await page.keyboard.type(text, { delay: 30 })
  }
  await page.keyboard.press('Enter')
}

export function messages(page) {
  return page.locator(`${tid('message-list')} ${tid('message')}`)
}

export function messageWithText(page, text) {
  return page.locator(`${tid('message-list')} ${tid('message')}`, { has: page.locator(tid('message-body'), { hasText: text }) })
}

export async function openRoom(page, name) {
  await page.click(`${tid('room-link')}[data-room-name="${name}"]`)
  await page.waitForSelector(`${tid('room-title')}:has-text("${name}")`)
}

/** Runs fn with a started server and browser, cleaning up after. */
export async function withApp(fn) {
  const server = await startServer()
  const { browser, close } = await launchBrowser()
  try {
    await fn({ server, browser })
  } catch (err) {
    err.message += `\n--- server log (tail) ---\n${server.logs().slice(-4000)}`
    throw err
  } finally {
    await close()
    await server.stop()
  }
}

/** REST helper against the server (outside the browser). */
export async function apiAs(baseURL, token, path, init = {}) {
  const r = await fetch(baseURL + path, {
    method: init.method || 'GET',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: token } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  })
  const text = await r.text()
  let json = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = text
  }
  return { status: r.status, json }
}

export async function tokenFor(baseURL, email, password) {
  const r = await apiAs(baseURL, null, '/api/collections/users/auth-with-password', {
    method: 'POST',
    body: { identity: email, password },
  })
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${JSON.stringify(r.json)}`)
  return r.json
}

/** First run + a joined member through the API; returns both auth answers. */
export async function setupTeam(baseURL, people) {
  const [first, ...rest] = people
  const fr = await apiAs(baseURL, null, '/api/campfire/first-run', { method: 'POST', body: first })
  if (fr.status !== 200) throw new Error(`first run: ${fr.status} ${JSON.stringify(fr.json)}`)
  const account = await apiAs(baseURL, fr.json.token, '/api/collections/account/records')
  const code = account.json.items[0].join_code
  const out = [fr.json]
  for (const p of rest) {
    const j = await apiAs(baseURL, null, `/api/campfire/join/${code}`, { method: 'POST', body: p })
    if (j.status !== 200) throw new Error(`join: ${j.status} ${JSON.stringify(j.json)}`)
    out.push(j.json)
  }
  return out
}

/** A context already signed in with an auth answer ({token, record}). */
export async function signedIn(browser, baseURL, auth, opts = {}) {
  const u = await newUser(browser, baseURL, opts)
  await u.context.addInitScript((value) => {
    if (!localStorage.getItem('pocketbase_auth')) localStorage.setItem('pocketbase_auth', value)
  }, JSON.stringify({ token: auth.token, record: auth.record }))
  await u.page.goto('/')
  await u.page.waitForSelector(tid('room-title'))
  return u
}

/** Records every audio play() call in window.__played (for /play). */
export async function recordAudio(context) {
  await context.addInitScript(() => {
    window.__played = []
    const play = HTMLMediaElement.prototype.play
    HTMLMediaElement.prototype.play = function () {
      window.__played.push(this.currentSrc || this.src)
      return play.call(this).catch(() => {})
    }
  })
}

/** A small valid PNG (solid colour), made here so the tests ship no binary fixtures. */
export function pngBuffer(width = 40, height = 30, rgb = [200, 80, 20]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc32 = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(td))
    return Buffer.concat([len, td, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())])
  const raw = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibDeflate(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
