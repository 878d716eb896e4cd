package richtext

import "unicode"

// EmojiOnly reports whether a message's plain text is one or more emoji and
// nothing else but whitespace. The web app shows such messages with bigger
// emoji; the server can flag them the same way.
//
// An emoji is a pictograph with default emoji presentation (optionally with a
// variation selector and a skin tone), a text-style symbol such as ❤ or ☺
// made emoji by U+FE0F, a keycap (1️⃣), a flag (a pair of regional
// indicators, or a black flag with tag characters such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿), and any
// zero-width-joiner sequence of those (👩‍👩‍👧, 🏳️‍🌈). There is no upper
// limit on the count.
func EmojiOnly(plain string) bool {
	rs := []rune(plain)
	count := 0
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		next, ok := emojiCluster(rs, i)
		if !ok {
			return false
		}
		count++
		i = next
	}
	return count > 0
}

const (
	zwj         = '\u200d'
	vs15        = '\ufe0e' // text presentation selector
	vs16        = '\ufe0f' // emoji presentation selector
	keycapMark  = '\u20e3'
	tagFirst    = 0xe0020
	tagLast     = 0xe007e
	tagCancel   = 0xe007f
	regionFirst = 0x1f1e6
	regionLast  = 0x1f1ff
)

// emojiCluster parses one emoji starting at rs[i] and returns the index after it.
func emojiCluster(rs []rune, i int) (int, bool) {
	r := rs[i]
	switch {
	case isRegional(r):
		if i+1 < len(rs) && isRegional(rs[i+1]) {
			return i + 2, true
		}
		return i + 1, true
	case r >= '0' && r <= '9' || r == '#' || r == '*':
		j := i + 1
		if j < len(rs) && rs[j] == vs16 {
			j++
		}
		if j < len(rs) && rs[j] == keycapMark {
			return j + 1, true
		}
		return 0, false
	}
	j, ok := emojiElement(rs, i, false)
	if !ok {
		return 0, false
	}
	for j+1 < len(rs) && rs[j] == zwj {
		k, ok := emojiElement(rs, j+1, true)
		if !ok {
			break
		}
		j = k
	}
	return j, true
}

// emojiElement parses a pictograph with its modifiers: variation selector,
// skin tone, tag sequence.
func emojiElement(rs []rune, i int, afterZWJ bool) (int, bool) {
	r := rs[i]
	j := i + 1
	switch {
	case isEmojiPresentation(r):
	case isTextPresentation(r):
		// needs to be made an emoji, unless it is part of a ZWJ sequence
		if !afterZWJ && (j >= len(rs) || (rs[j] != vs16 && !isSkinTone(rs[j]))) {
			return 0, false
		}
	default:
		return 0, false
	}
	if j < len(rs) && (rs[j] == vs16 || rs[j] == vs15) {
		j++
	}
	if j < len(rs) && isSkinTone(rs[j]) {
		j++
		if j < len(rs) && rs[j] == vs16 {
			j++
		}
	}
	if j < len(rs) && rs[j] >= tagFirst && rs[j] <= tagLast {
		for j < len(rs) && rs[j] >= tagFirst && rs[j] <= tagLast {
			j++
		}
		if j >= len(rs) || rs[j] != tagCancel {
			return 0, false
		}
		j++
	}
	return j, true
}

func isRegional(r rune) bool { return r >= regionFirst && r <= regionLast }
func isSkinTone(r rune) bool { return r >= 0x1f3fb && r <= 0x1f3ff }

// emojiPresentation lists the characters shown as emoji by default: the
// pictograph blocks of the supplementary planes and the Basic Multilingual
// Plane symbols with Emoji_Presentation=Yes.
var emojiPresentation = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x231a, 0x231b, 1}, {0x23e9, 0x23ec, 1}, {0x23f0, 0x23f0, 1}, {0x23f3, 0x23f3, 1},
		{0x25fd, 0x25fe, 1}, {0x2614, 0x2615, 1}, {0x2648, 0x2653, 1}, {0x267f, 0x267f, 1},
		{0x2693, 0x2693, 1}, {0x26a1, 0x26a1, 1}, {0x26aa, 0x26ab, 1}, {0x26bd, 0x26be, 1},
		{0x26c4, 0x26c5, 1}, {0x26ce, 0x26ce, 1}, {0x26d4, 0x26d4, 1}, {0x26ea, 0x26ea, 1},
		{0x26f2, 0x26f3, 1}, {0x26f5, 0x26f5, 1}, {0x26fa, 0x26fa, 1}, {0x26fd, 0x26fd, 1},
		{0x2705, 0x2705, 1}, {0x270a, 0x270b, 1}, {0x2728, 0x2728, 1}, {0x274c, 0x274c, 1},
		{0x274e, 0x274e, 1}, {0x2753, 0x2755, 1}, {0x2757, 0x2757, 1}, {0x2795, 0x2797, 1},
		{0x27b0, 0x27b0, 1}, {0x27bf, 0x27bf, 1}, {0x2b1b, 0x2b1c, 1}, {0x2b50, 0x2b50, 1},
		{0x2b55, 0x2b55, 1},
	},
	R32: []unicode.Range32{
		{0x1f004, 0x1f004, 1}, {0x1f0cf, 0x1f0cf, 1}, {0x1f170, 0x1f171, 1},
		{0x1f17e, 0x1f17f, 1}, {0x1f18e, 0x1f18e, 1}, {0x1f191, 0x1f19a, 1},
		{0x1f201, 0x1f202, 1}, {0x1f21a, 0x1f21a, 1}, {0x1f22f, 0x1f22f, 1},
		{0x1f232, 0x1f23a, 1}, {0x1f250, 0x1f251, 1}, {0x1f300, 0x1f64f, 1},
		{0x1f680, 0x1f6ff, 1}, {0x1f7e0, 0x1f7ff, 1}, {0x1f90c, 0x1f9ff, 1},
		{0x1fa70, 0x1faff, 1},
	},
}

// textPresentation lists symbols that are emoji only with U+FE0F (or in a
// ZWJ sequence): ©, ®, ‼, ™, arrows, ☺, ❤, ♀, ⚕ and friends.
var textPresentation = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00a9, 0x00ae, 5}, {0x203c, 0x203c, 1}, {0x2049, 0x2049, 1}, {0x2122, 0x2122, 1},
		{0x2139, 0x2139, 1}, {0x2194, 0x2199, 1}, {0x21a9, 0x21aa, 1}, {0x2328, 0x2328, 1},
		{0x23cf, 0x23cf, 1}, {0x23ed, 0x23ef, 1}, {0x23f1, 0x23f2, 1}, {0x23f8, 0x23fa, 1},
		{0x24c2, 0x24c2, 1}, {0x25aa, 0x25ab, 1}, {0x25b6, 0x25b6, 1}, {0x25c0, 0x25c0, 1},
		{0x25fb, 0x25fc, 1}, {0x2600, 0x27bf, 1}, {0x2934, 0x2935, 1}, {0x2b05, 0x2b07, 1},
		{0x3030, 0x3030, 1}, {0x303d, 0x303d, 1}, {0x3297, 0x3297, 1}, {0x3299, 0x3299, 1},
	},
	LatinOffset: 1,
}

func isEmojiPresentation(r rune) bool { return unicode.Is(emojiPresentation, r) }
func isTextPresentation(r rune) bool  { return unicode.Is(textPresentation, r) }
