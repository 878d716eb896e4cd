// Mentions travel in message bodies as
//   <span class="mention" data-user-id="ID">@Name</span>
// In the Trix editor they are content attachments (so they move as one unit).
// These helpers convert between the two.

export const MENTION_CONTENT_TYPE = 'application/vnd.campfire.mention'

export function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

export function mentionHTML(id: string, name: string): string {
  return `<span class="mention" data-user-id="${escapeHTML(id)}">@${escapeHTML(name)}</span>`
}

function parse(html: string): HTMLTemplateElement {
  const tpl = document.createElement('template')
  tpl.innerHTML = html
  return tpl
}

interface AttachmentJSON {
  contentType?: string
  content?: string
  userId?: string
  name?: string
}

function readAttachment(el: Element): AttachmentJSON | null {
  const raw = el.getAttribute('data-trix-attachment')
  if (!raw) return null
  try {
    return JSON.parse(raw) as AttachmentJSON
  } catch {
    return null
  }
}

/** Pulls the user id and name out of a mention attachment. */
function mentionOf(a: AttachmentJSON): { id: string; name: string } | null {
  if (a.contentType !== MENTION_CONTENT_TYPE) return null
  if (a.userId && a.name) return { id: a.userId, name: a.name }
  if (a.content) {
    const span = parse(a.content).content.querySelector('span.mention[data-user-id]')
    if (span) {
      const id = span.getAttribute('data-user-id') ?? ''
      const name = (span.textContent ?? '').replace(/^@/, '')
      if (id) return { id, name }
    }
  }
  return null
}

/** Editor HTML (Trix serialization) → message body HTML with mention spans. */
export function trixToBody(html: string): string {
  const tpl = parse(html)
  const nodes = Array.from(tpl.content.querySelectorAll('[data-trix-attachment]'))
  for (const el of nodes) {
    const a = readAttachment(el)
    const mention = a && mentionOf(a)
    if (!mention) continue
    const span = document.createElement('span')
    span.className = 'mention'
    span.setAttribute('data-user-id', mention.id)
    span.textContent = `@${mention.name}`
    el.replaceWith(span)
  }
  return tpl.innerHTML
}

/** The attachment attributes Trix needs to show a mention. */
export function mentionAttachment(id: string, name: string): { content: string; contentType: string; userId: string; name: string } {
  return { content: mentionHTML(id, name), contentType: MENTION_CONTENT_TYPE, userId: id, name }
}

/** Message body HTML → HTML Trix loads, mention spans turned into attachments. */
export function bodyToTrix(html: string): string {
  const tpl = parse(html)
  const spans = Array.from(tpl.content.querySelectorAll('span.mention[data-user-id]'))
  for (const span of spans) {
    const id = span.getAttribute('data-user-id') ?? ''
    const name = (span.textContent ?? '').replace(/^@/, '')
    const fig = document.createElement('figure')
    const attrs = mentionAttachment(id, name)
    fig.setAttribute('data-trix-attachment', JSON.stringify(attrs))
    fig.setAttribute('data-trix-content-type', MENTION_CONTENT_TYPE)
    fig.className = 'attachment attachment--content'
    fig.innerHTML = attrs.content
    span.replaceWith(fig)
  }
  return tpl.innerHTML
}

/** The @query being typed right before the caret, if any ("@an" → "an"). */
export function mentionQuery(textBeforeCaret: string): string | null {
  const m = /(?:^|[\s(])@([\p{L}\p{N}_.-]{0,30})$/u.exec(textBeforeCaret)
  return m ? m[1] : null
}
