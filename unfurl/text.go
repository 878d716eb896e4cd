package unfurl

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Length limits, in runes.
const (
	MaxTitleRunes       = 300
	MaxDescriptionRunes = 1000
	maxURLLen           = 2048
)

// PlainText turns third-party text (which may contain markup, entities,
// control characters, bidi overrides...) into a single line of plain text of
// at most max runes: entities are decoded, tags and their script/style
// content removed (repeatedly, so double-escaped markup is removed too),
// control and bidi-override characters dropped, whitespace collapsed. The
// result contains no HTML tag; renderers must still escape it as text.
func PlainText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	for i := 0; i < 6; i++ {
		t := stripTags(s)
		if t == s {
			break
		}
		s = t
	}
	if hasTag(s) {
		// Pathologically nested escaping: drop the angle brackets.
		s = strings.NewReplacer("<", "", ">", "").Replace(s)
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v':
			return ' '
		case unicode.IsControl(r), isBidiControl(r), r == '\uFEFF', r == '\u00AD':
			return -1
		case r == '\u2028' || r == '\u2029':
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return truncateRunes(s, max)
}

func isBidiControl(r rune) bool {
	return r == '\u200E' || r == '\u200F' || r == '\u061C' ||
		(r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// truncateRunes cuts s to at most max runes, ending with an ellipsis when cut.
func truncateRunes(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}

// skipContent are elements whose text is not human-readable content.
var skipContent = map[string]bool{"script": true, "style": true, "template": true, "noscript": true,
	"iframe": true, "noembed": true, "noframes": true, "xmp": true, "svg": true, "math": true}

// blockish elements become a space so words on both sides stay apart.
var blockish = map[string]bool{"br": true, "p": true, "div": true, "li": true, "tr": true, "td": true,
	"th": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true,
	"title": true, "blockquote": true, "pre": true, "section": true, "article": true}

// stripTags keeps the (entity-decoded) text of s and drops every tag,
// comment and doctype, plus the content of non-content elements.
func stripTags(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			n := string(name)
			if skipContent[n] {
				skip++
			} else if blockish[n] {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			if skipContent[n] && skip > 0 {
				skip--
			} else if blockish[n] {
				b.WriteByte(' ')
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if blockish[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
}

// hasTag reports whether s still contains something an HTML parser would
// treat as markup: "<" followed by a letter, "/", "!" or "?".
func hasTag(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		c := s[i+1]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?' {
			return true
		}
	}
	return false
}
