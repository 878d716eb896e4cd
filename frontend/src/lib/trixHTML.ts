import Trix from 'trix'

const dropAttributes = ['contenteditable', 'data-trix-id', 'data-trix-store-key', 'data-trix-mutable', 'data-trix-placeholder', 'tabindex']

/**
 * The editor's document as HTML, right now. (The editor's form value is only
 * updated after Trix renders, a frame later, so a fast Enter would lose the
 * last keystroke.)
 */
export function documentHTML(doc: unknown): string {
  const views = (Trix as unknown as { views: { DocumentView: { render(d: unknown): HTMLElement } } }).views
  const el = views.DocumentView.render(doc)
  for (const n of Array.from(el.querySelectorAll('[data-trix-serialize=false]'))) n.remove()
  for (const name of dropAttributes) for (const n of Array.from(el.querySelectorAll(`[${name}]`))) n.removeAttribute(name)
  for (const n of Array.from(el.querySelectorAll('[data-trix-serialized-attributes]'))) {
    try {
      const attrs = JSON.parse(n.getAttribute('data-trix-serialized-attributes') ?? '{}') as Record<string, string>
      n.removeAttribute('data-trix-serialized-attributes')
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v)
    } catch {
      // keep the element as rendered
    }
  }
  return el.innerHTML.replace(/<!--block-->/g, '')
}
