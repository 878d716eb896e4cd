package webhooks

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// StripBotMention removes every "@BotName" mention of the bot from a
// message's plain text, as Campfire does before sending it to the bot, and
// trims leading and trailing whitespace (Unicode spaces included).
//
// Beyond Campfire's plain substitution: the name matches case-insensitively
// (Unicode simple folding; any horizontal space in the name matches any
// horizontal space in the text), a mention must stand alone ("a@bot.com" or
// "@BotBuilder" are left alone for a bot named "bot"), and the space around a
// removed mention is tidied so "hi @Bot there" gives "hi there", not
// "hi  there". Punctuation next to a mention is kept ("@Bot, hi" gives
// ", hi"), as in Campfire. A leading '@' on botName is ignored.
func StripBotMention(plain, botName string) string {
	name := strings.TrimPrefix(strings.TrimSpace(botName), "@")
	if name == "" {
		return strings.TrimSpace(plain)
	}
	var out []byte
	i := 0
	for i < len(plain) {
		if plain[i] == '@' && wordBoundaryBefore(plain, i) {
			if end, ok := matchName(plain, i+1, name); ok && wordBoundaryAfter(plain, end) {
				// Drop the space before the mention; if there was none, or the
				// mention starts the text or a line, drop the space after it.
				trimmed := trimRightHSpace(out)
				hadSpace := len(trimmed) < len(out)
				out = trimmed
				i = end
				if !hadSpace || len(out) == 0 || out[len(out)-1] == '\n' || out[len(out)-1] == '\r' {
					i = skipHSpace(plain, i)
				}
				continue
			}
		}
		out = append(out, plain[i])
		i++
	}
	return strings.TrimSpace(string(out))
}

// matchName reports whether s[at:] starts with name, folding case, and
// returns the index just past the match.
func matchName(s string, at int, name string) (int, bool) {
	j := at
	for _, want := range name {
		if j >= len(s) {
			return 0, false
		}
		got, size := utf8.DecodeRuneInString(s[j:])
		if !(isHSpace(want) && isHSpace(got)) && !foldEqual(want, got) {
			return 0, false
		}
		j += size
	}
	return j, true
}

func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func wordBoundaryBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWordRune(r)
}

func wordBoundaryAfter(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isWordRune(r)
}

// isHSpace reports horizontal space: tab and the Unicode space separators
// (which include the no-break space rich-text editors put after mentions).
func isHSpace(r rune) bool {
	return r == '\t' || unicode.Is(unicode.Zs, r)
}

func trimRightHSpace(b []byte) []byte {
	for len(b) > 0 {
		r, size := utf8.DecodeLastRune(b)
		if !isHSpace(r) {
			break
		}
		b = b[:len(b)-size]
	}
	return b
}

func skipHSpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isHSpace(r) {
			break
		}
		i += size
	}
	return i
}
