// Protected files: every file URL needs a fresh file token of mine (they live 3 minutes).
import { useEffect, useState } from 'react'
import { pb } from '../pb'

const RENEW_MS = 120_000
let token = ''
let fetchedAt = 0
let inflight: Promise<string> | null = null
const listeners = new Set<(t: string) => void>()

export async function fileToken(force = false): Promise<string> {
  if (!force && token && Date.now() - fetchedAt < RENEW_MS) return token
  if (!inflight) {
    inflight = pb.files
      .getToken()
      .then((t) => {
        token = t
        fetchedAt = Date.now()
        for (const l of listeners) l(t)
        return t
      })
      .finally(() => {
        inflight = null
      })
  }
  return inflight
}

/** The current file token, renewed every 2 minutes while mounted. */
export function useFileToken(): string {
  const [t, setT] = useState(token)
  useEffect(() => {
    listeners.add(setT)
    void fileToken().catch(() => {})
    const id = window.setInterval(() => void fileToken(true).catch(() => {}), RENEW_MS)
    return () => {
      listeners.delete(setT)
      window.clearInterval(id)
    }
  }, [])
  return t
}

/** The URL with my token (any token already in it is replaced). */
export function withToken(url: string | undefined, t: string, extra: Record<string, string> = {}): string {
  if (!url) return ''
  const u = new URL(url, location.origin)
  if (t) u.searchParams.set('token', t)
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v)
  return u.origin === location.origin ? u.pathname + u.search : u.toString()
}

export function humanSize(bytes: number | undefined): string {
  const b = bytes ?? 0
  if (b < 1024) return `${b} B`
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(b < 10 * 1024 ? 1 : 0)} KB`
  if (b < 1024 * 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MB`
  return `${(b / 1024 / 1024 / 1024).toFixed(1)} GB`
}

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']
export const VIDEO_TYPES = ['video/mp4', 'video/webm', 'video/quicktime', 'video/ogg']
