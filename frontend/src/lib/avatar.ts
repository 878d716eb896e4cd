/** Up to two initials from a name: "Ada Lovelace" → "AL", "plato" → "P". */
export function initials(name: string | undefined): string {
  const words = (name ?? '').trim().split(/\s+/u).filter(Boolean)
  if (words.length === 0) return '?'
  const first = Array.from(words[0])[0] ?? ''
  const last = words.length > 1 ? (Array.from(words[words.length - 1])[0] ?? '') : ''
  return (first + last).toLocaleUpperCase()
}

/** A stable hue in [0, 360) from an id (FNV-1a). */
export function hueFor(id: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h % 360
}

/** A background colour for initials avatars, readable with white text. */
export function colorFor(id: string): string {
  return `hsl(${hueFor(id)} 55% 42%)`
}
