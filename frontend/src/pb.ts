import PocketBase, { ClientResponseError } from 'pocketbase'
import type { User } from './types'

export const pb = new PocketBase('/')
pb.autoCancellation(false)

// A 401 on a request that carried my token means the token is dead (signed out everywhere,
// deactivated, password changed elsewhere): sign out here too.
pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.token && !response.url.includes('/auth-with-password')) {
    pb.authStore.clear()
  }
  return data
}

export function me(): User | null {
  return (pb.authStore.record as unknown as User | null) ?? null
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; query?: Record<string, unknown> } = {}): Promise<T> {
  return pb.send<T>(path, { method: init.method ?? 'GET', body: init.body as never, query: init.query })
}

/** A user-facing message out of an SDK error. */
export function errorText(err: unknown, fallback = 'Something went wrong.'): string {
  if (err instanceof ClientResponseError) {
    const data = err.response?.data as Record<string, { message?: string }> | undefined
    if (data && typeof data === 'object') {
      const first = Object.entries(data).find(([, v]) => v && typeof v === 'object' && v.message)
      if (first) return `${first[0]}: ${first[1].message}`
    }
    if (err.status === 0) return 'Cannot reach the server.'
    return err.response?.message || err.message || fallback
  }
  if (err instanceof Error) return err.message
  return fallback
}

export function fileURL(collection: string | undefined, id: string, file: string | undefined, thumb?: string): string {
  if (!file || !collection) return ''
  const base = `/api/files/${encodeURIComponent(collection)}/${encodeURIComponent(id)}/${encodeURIComponent(file)}`
  return thumb ? `${base}?thumb=${thumb}` : base
}
