const pictographic = /\p{Extended_Pictographic}/u
const allowed = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Emoji_Component}|\u200d|\ufe0f|\s)+$/u

/** True for short messages made of emoji only (shown larger). */
export function isEmojiOnly(text: string | undefined): boolean {
  const t = (text ?? '').trim()
  if (!t || t.length > 40) return false
  if (!pictographic.test(t)) return false
  if (!allowed.test(t)) return false
  return !/[0-9#*]/.test(t.replace(/\p{Extended_Pictographic}/gu, ''))
}
