import { describe, expect, it } from 'vitest'
import { colorFor, hueFor, initials } from '../lib/avatar'
import { isEmojiOnly } from '../lib/emoji'
import { bodyToTrix, mentionAttachment, mentionQuery, MENTION_CONTENT_TYPE, trixToBody } from '../lib/mentions'

describe('initials and colour', () => {
  it('takes first and last initials', () => {
    expect(initials('Ada Lovelace')).toBe('AL')
    expect(initials('plato')).toBe('P')
    expect(initials('  jean  paul  sartre ')).toBe('JS')
    expect(initials('')).toBe('?')
    expect(initials('élodie durand')).toBe('ÉD')
  })
  it('derives a stable colour from the id', () => {
    expect(hueFor('abc')).toBe(hueFor('abc'))
    expect(hueFor('abc')).not.toBe(hueFor('abd'))
    expect(colorFor('abc')).toMatch(/^hsl\(\d+ 55% 42%\)$/)
  })
})

describe('emoji-only', () => {
  it('detects emoji-only text', () => {
    expect(isEmojiOnly('🎉')).toBe(true)
    expect(isEmojiOnly(' 👍🏽 🔥 ')).toBe(true)
    expect(isEmojiOnly('👨‍👩‍👧')).toBe(true)
    expect(isEmojiOnly('nice 🎉')).toBe(false)
    expect(isEmojiOnly('123')).toBe(false)
    expect(isEmojiOnly('')).toBe(false)
  })
})

describe('mention conversion', () => {
  const trixHTML = (id: string, name: string) => {
    const a = mentionAttachment(id, name)
    const json = JSON.stringify(a).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    return `<figure data-trix-attachment="${json}" data-trix-content-type="${MENTION_CONTENT_TYPE}" class="attachment attachment--content">${a.content}<figcaption class="attachment__caption"></figcaption></figure>`
  }

  it('turns Trix mention attachments into mention spans', () => {
    const html = `<div>hi ${trixHTML('u123', 'Ada Lovelace')} and ${trixHTML('u9', 'Bo <b>')}!</div>`
    const body = trixToBody(html)
    expect(body).toBe(
      '<div>hi <span class="mention" data-user-id="u123">@Ada Lovelace</span> and <span class="mention" data-user-id="u9">@Bo &lt;b&gt;</span>!</div>',
    )
  })

  it('leaves other attachments and plain HTML alone', () => {
    const other = '<div><strong>bold</strong> <figure data-trix-attachment="{&quot;contentType&quot;:&quot;image/png&quot;}"></figure></div>'
    expect(trixToBody(other)).toBe(other)
  })

  it('round-trips body → Trix → body', () => {
    const body = '<div>ping <span class="mention" data-user-id="u1">@Ann</span> now</div>'
    const trix = bodyToTrix(body)
    expect(trix).toContain('data-trix-attachment')
    expect(trix).not.toContain('<span class="mention" data-user-id="u1">@Ann</span> now')
    expect(trixToBody(trix)).toBe(body)
  })

  it('finds the @query before the caret', () => {
    expect(mentionQuery('hello @an')).toBe('an')
    expect(mentionQuery('@')).toBe('')
    expect(mentionQuery('mail me@host')).toBeNull()
    expect(mentionQuery('hello')).toBeNull()
  })
})
