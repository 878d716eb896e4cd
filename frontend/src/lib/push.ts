// Web push and the service worker: registration, permission helpers, and the browser's push
// subscription kept in step with the server (POST/DELETE /api/campfire/push/subscriptions).
//
// The UI (a bell that asks for permission, "Install app") lives in components; see
// docs/api-contract.md "Push and PWA".
import { api, pb } from '../pb'
import { navigate } from '../router'

const SW_URL = '/sw.js'
const SHELL_BANNER_ID = 'campfire-offline-banner'

export type PushState = 'unsupported' | 'denied' | 'default' | 'granted'

/** Whether this browser can do web push at all (service workers, PushManager, notifications). */
export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window
}

/** The notification permission, or "unsupported". */
export function pushPermission(): PushState {
  if (!pushSupported()) return 'unsupported'
  return Notification.permission as PushState
}

/**
 * Registers the service worker (offline shell, notifications). Called once at startup; also keeps an
 * existing push subscription known to the server and removes the offline banner of the cached shell
 * when the connection is back.
 */
export function registerServiceWorker(): void {
  watchOnline()
  if (!('serviceWorker' in navigator)) return
  navigator.serviceWorker
    .register(SW_URL, { scope: '/' })
    .then(() => {
      if (pb.authStore.isValid && pushPermission() === 'granted') void syncPushSubscription()
    })
    .catch((err) => console.warn('service worker not registered:', err))
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as { type?: string; path?: unknown } | null
    if (data?.type === 'campfire.navigate' && typeof data.path === 'string' && data.path.startsWith('/')) {
      navigate(data.path) // a notification was clicked: show its message
    } else if (data?.type === 'campfire.pushsubscriptionchange' && pb.authStore.isValid) {
      void syncPushSubscription()
    }
  })
}

/** The offline banner drawn by the service worker's cached shell goes when the network is back. */
function watchOnline() {
  const update = () => {
    const banner = document.getElementById(SHELL_BANNER_ID)
    if (banner && navigator.onLine) banner.remove()
  }
  window.addEventListener('online', update)
}

async function vapidKey(): Promise<string> {
  const status = await api<{ vapid_public_key?: string }>('/api/campfire/status')
  if (!status.vapid_public_key) throw new Error('This server does not offer notifications.')
  return status.vapid_public_key
}

function keyBytes(b64url: string): Uint8Array<ArrayBuffer> {
  const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64url.length % 4)) % 4)
  const raw = atob(b64)
  const out = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
}

function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false
  const x = new Uint8Array(a)
  return x.length === b.length && x.every((v, i) => v === b[i])
}

async function registration(): Promise<ServiceWorkerRegistration> {
  return (await navigator.serviceWorker.getRegistration(SW_URL)) ?? navigator.serviceWorker.register(SW_URL, { scope: '/' })
}

async function postSubscription(sub: PushSubscription) {
  await api('/api/campfire/push/subscriptions', { method: 'POST', body: sub.toJSON() })
}

/**
 * Turns notifications on for this browser: asks for permission (call it from a click), subscribes
 * with the server's VAPID key and registers the subscription. Returns the resulting permission.
 */
export async function enablePush(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported'
  const permission = await Notification.requestPermission()
  if (permission !== 'granted') return permission as PushState
  await syncPushSubscription()
  return 'granted'
}

/**
 * Makes sure this browser is subscribed with the server's current key and that the server knows the
 * subscription (a changed key means a new subscription). Needs the permission already granted.
 */
export async function syncPushSubscription(): Promise<void> {
  if (pushPermission() !== 'granted') return
  const key = keyBytes(await vapidKey())
  const reg = await registration()
  let sub = await reg.pushManager.getSubscription()
  if (sub && !sameKey(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe().catch(() => {})
    sub = null
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  await postSubscription(sub)
}

/**
 * Turns notifications off for this browser (and for the signed-in user on the server). Call it before
 * signing out, while the auth token is still valid.
 */
export async function disablePush(): Promise<void> {
  if (!('serviceWorker' in navigator)) return
  const reg = await navigator.serviceWorker.getRegistration(SW_URL)
  const sub = await reg?.pushManager.getSubscription()
  if (!sub) return
  if (pb.authStore.isValid) {
    await api('/api/campfire/push/subscriptions', { method: 'DELETE', body: { endpoint: sub.endpoint } }).catch(() => {})
  }
  await sub.unsubscribe().catch(() => {})
}

/** Whether this browser currently holds a push subscription. */
export async function pushSubscribed(): Promise<boolean> {
  if (!pushSupported()) return false
  const reg = await navigator.serviceWorker.getRegistration(SW_URL)
  return Boolean(await reg?.pushManager.getSubscription())
}

/** Asks the server for a test notification to each of my browsers. */
export async function sendTestPush(): Promise<void> {
  await api('/api/campfire/push/test', { method: 'POST' })
}

/** Sets (or clears with 0) the app badge from the page, e.g. to the unread room count. */
export function setAppBadge(count: number): void {
  const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> }
  const p = count > 0 ? nav.setAppBadge?.(count) : nav.clearAppBadge?.()
  p?.catch(() => {})
}
