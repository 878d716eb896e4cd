// The realtime connection: PB_CONNECT bookkeeping, reconnect notifications
// and the presence heartbeat. Room and user topics are subscribed by their owners.
import { pb } from '../pb'

type Fn = () => void

const reconnectHandlers = new Set<Fn>()
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
    if (connectedOnce) for (const h of Array.from(reconnectHandlers)) h()
    connectedOnce = true
  })
  document.addEventListener('visibilitychange', onVisibility)
  heartbeatTimer = window.setInterval(() => void sendPresence(), 50_000)
}

export async function stopLive(): Promise<void> {
  document.removeEventListener('visibilitychange', onVisibility)
  window.clearInterval(heartbeatTimer)
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
    void pb.realtime.unsubscribe(topic).catch(() => {})
    return () => {}
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
