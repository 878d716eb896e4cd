/** PocketBase dates look like "2024-05-01 12:34:56.789Z". */
export function parseDate(value: string | undefined): Date {
  if (!value) return new Date(NaN)
  return new Date(value.includes('T') ? value : value.replace(' ', 'T'))
}

export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`
}

export function dayLabel(d: Date, now: Date = new Date()): string {
  const today = dayKey(now)
  const y = new Date(now)
  y.setDate(now.getDate() - 1)
  if (dayKey(d) === today) return 'Today'
  if (dayKey(d) === dayKey(y)) return 'Yesterday'
  const opts: Intl.DateTimeFormatOptions = { weekday: 'long', month: 'long', day: 'numeric' }
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric'
  return d.toLocaleDateString(undefined, opts)
}

export function timeLabel(d: Date): string {
  return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' })
}

export function fullLabel(d: Date): string {
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
