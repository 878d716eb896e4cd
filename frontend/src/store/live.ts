// The realtime connection: PB_CONNECT bookkeeping, reconnect notifications
// and the presence heartbeat. Room and user topics are subscribed by their owners.
import { pb } from '../pb'

type Fn = () => void

const reconnectHandlers = new Set<Fn>()
const connectHandlers = new Set<Fn>()
let watchdogTimer: number | undefined
const statusHandlers = new Set<(connected: boolean) => void>()
let connectedOnce = false
let connected = false
let heartbeatTimer: number | undefined
let stopConnect: (() => Promise<void>) | null = null

export function isConnected() {
  return connected
}

function setConnected(v: boolean) {
  if (connected === v) return
  connected = v
  for (const h of statusHandlers) h(v)
}

export function onConnectionChange(fn: (connected: boolean) => void): Fn {
  statusHandlers.add(fn)
  return () => statusHandlers.delete(fn)
}

/** Called on every PB_CONNECT after the first one (a reconnect). */
export function onReconnect(fn: Fn): Fn {
  reconnectHandlers.add(fn)
  return () => reconnectHandlers.delete(fn)
}

/** Called on every PB_CONNECT, the first one included. */
export function onConnect(fn: Fn): Fn {
  connectHandlers.add(fn)
  return () => connectHandlers.delete(fn)
}

/**
 * The SDK retries a dropped connection by itself, but gives up when the very
 * first connect fails (server restarting, network down at load). Nudge it.
 */
function watchdog() {
  const rt = pb.realtime as unknown as {
    isConnected: boolean
    reconnectAttempts: number
    subscriptions: Record<string, unknown[]>
    connect(): Promise<void>
  }
  if (rt.isConnected || rt.reconnectAttempts > 0) return
  if (!Object.values(rt.subscriptions ?? {}).some((l) => l.length > 0)) return
  void rt.connect().catch(() => {})
}

export async function sendPresence() {
  const clientId = pb.realtime.clientId
  if (!clientId || !pb.authStore.isValid) return
  try {
    await pb.send('/api/campfire/presence', {
      method: 'POST',
      body: { clientId, visible: document.visibilityState === 'visible' },
    })
  } catch {
    // presence is best effort
  }
}

function onVisibility() {
  void sendPresence()
}

export async function startLive(): Promise<void> {
  if (stopConnect) return
  connectedOnce = false
  pb.realtime.onDisconnect = () => setConnected(false)
  stopConnect = await pb.realtime.subscribe('PB_CONNECT', () => {
    setConnected(true)
    void sendPresence()
    for (const h of Array.from(connectHandlers)) h()
    if (connectedOnce) for (const h of Array.from(reconnectHandlers)) h()
    connectedOnce = true
  }).catch((err) => {
    console.warn('realtime connect failed; retrying', err)
    return null
  })
  document.addEventListener('visibilitychange', onVisibility)
  heartbeatTimer = window.setInterval(() => void sendPresence(), 50_000)
  watchdogTimer = window.setInterval(watchdog, 5_000)
}

export async function stopLive(): Promise<void> {
  document.removeEventListener('visibilitychange', onVisibility)
  window.clearInterval(heartbeatTimer)
  window.clearInterval(watchdogTimer)
  const stop = stopConnect
  stopConnect = null
  connectedOnce = false
  setConnected(false)
  try {
    if (stop) await stop()
    await pb.realtime.unsubscribe()
  } catch {
    // already gone
  }
}

/** Subscribes to a topic; resolves to an unsubscribe function (never throws). */
export async function subscribeTopic<T>(topic: string, cb: (data: T) => void): Promise<() => void> {
  try {
    const unsub = await pb.realtime.subscribe(topic, (data) => cb(data as T))
    return () => void unsub().catch(() => {})
  } catch (err) {
    console.warn('subscribe failed', topic, err)
    // Forbidden: drop the topic. Anything else (network): keep it, the
    // reconnect sends it again.
    const status = (err as { status?: number })?.status ?? 0
    if (status === 403 || status === 404 || status === 401) {
      void pb.realtime.unsubscribe(topic).catch(() => {})
      return () => {}
    }
    return () => void pb.realtime.unsubscribe(topic).catch(() => {})
  }
}

/**
 * Makes the realtime stream fail as a network error would (the SDK then
 * reconnects with its back-off). Used by the browser tests together with
 * offline emulation, which by itself leaves an open stream untouched.
 */
export function simulateNetworkDrop() {
  const es = (pb.realtime as unknown as { eventSource: EventSource | null }).eventSource
  es?.onerror?.(new Event('error'))
}
