import { describe, expect, it } from 'vitest'
import { matchRoute } from '../router'

const m = (href: string) => {
  const u = new URL(href, 'http://x')
  return matchRoute(u.pathname, u.searchParams)
}

describe('routes', () => {
  it('matches rooms, permalinks, search and join', () => {
    expect(m('/')).toEqual({ name: 'home' })
    expect(m('/rooms/abc123')).toEqual({ name: 'room', id: 'abc123' })
    expect(m('/rooms/abc123/@42')).toEqual({ name: 'room', id: 'abc123', number: 42 })
    expect(m('/search?q=hello%20world')).toEqual({ name: 'search', q: 'hello world' })
    expect(m('/join/AbCd-1234-wxyz')).toEqual({ name: 'join', code: 'AbCd-1234-wxyz' })
    expect(m('/signin')).toEqual({ name: 'signin' })
    expect(m('/session/transfer/tok_123')).toEqual({ name: 'transfer', token: 'tok_123' })
    expect(m('/rooms/abc/@x')).toEqual({ name: 'notfound' })
    expect(m('/rooms/abc/@k3j2h1g0f9a8b7c')).toEqual({ name: 'room', id: 'abc', messageId: 'k3j2h1g0f9a8b7c' })
    expect(m('/settings')).toEqual({ name: 'settings', tab: 'account' })
    expect(m('/settings/bots')).toEqual({ name: 'settings', tab: 'bots' })
    expect(m('/users/u1b2c3')).toEqual({ name: 'user', id: 'u1b2c3' })
    expect(m('/nope')).toEqual({ name: 'notfound' })
  })
})
