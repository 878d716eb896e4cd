package richtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// autolinkTree turns bare URLs in text nodes into links. Text inside links,
// code, pre and mention spans is left alone: a URL there is either already a
// link or meant literally. depth is n's element depth; text at maxDepth is
// not wrapped.
func autolinkTree(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.TextNode:
			if depth < maxDepth {
				linkifyText(c)
			}
		case html.ElementNode:
			if !skipsAutolink(c) {
				autolinkTree(c, depth+1)
			}
		}
		c = next
	}
}

func skipsAutolink(n *html.Node) bool {
	switch n.Data {
	case "a", "code", "pre":
		return true
	}
	_, isMention := mentionID(n)
	return isMention
}

// linkifyText replaces text node t by text and <a> nodes when it holds URLs.
func linkifyText(t *html.Node) {
	links := findLinks(t.Data)
	if len(links) == 0 {
		return
	}
	parent := t.Parent
	pos := 0
	for _, l := range links {
		if l.start > pos {
			parent.InsertBefore(&html.Node{Type: html.TextNode, Data: t.Data[pos:l.start]}, t)
		}
		a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: linkAttrs(l.href)}
		a.AppendChild(&html.Node{Type: html.TextNode, Data: t.Data[l.start:l.end]})
		parent.InsertBefore(a, t)
		pos = l.end
	}
	if pos < len(t.Data) {
		parent.InsertBefore(&html.Node{Type: html.TextNode, Data: t.Data[pos:]}, t)
	}
	parent.RemoveChild(t)
}

type foundLink struct {
	start, end int // byte offsets into the text
	href       string
}

// findLinks scans plain text for http://, https:// and www. URLs.
//
// A candidate starts at one of those prefixes when the character before it
// does not make it the middle of a word, an e-mail address or another URL. It
// runs until whitespace or a character that cannot be part of a URL, then
// loses trailing punctuation (".", ",", ")" without a matching "(", ...).
// When a candidate turns out not to be a valid URL, its whole run is skipped:
// that keeps the result the same when the text is scanned again in pieces,
// which is what makes Sanitize idempotent.
func findLinks(text string) []foundLink {
	var out []foundLink
	i := 0
	for i < len(text) {
		c := text[i]
		if c != 'h' && c != 'H' && c != 'w' && c != 'W' {
			i++
			continue
		}
		www := hasPrefixFold(text[i:], "www.")
		if !www && !hasPrefixFold(text[i:], "http://") && !hasPrefixFold(text[i:], "https://") {
			i++
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			if !linkMayFollow(prev, www) {
				i++
				continue
			}
		}
		runEnd := i
		for runEnd < len(text) {
			r, size := utf8.DecodeRuneInString(text[runEnd:])
			if !isURLRune(r) {
				break
			}
			runEnd += size
		}
		end := i + trimURL(text[i:runEnd])
		if href, ok := candidateHref(text[i:end], www); ok {
			out = append(out, foundLink{start: i, end: end, href: href})
			i = end
			continue
		}
		i = runEnd
	}
	return out
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// linkMayFollow reports whether a URL may start right after r.
func linkMayFollow(r rune, www bool) bool {
	if isWordRune(r) {
		return false
	}
	switch r {
	case '.', '/', '@', '-', '+', '~', '\\':
		return false
	case ':', '=', '?', '&', '#', '%':
		return !www
	}
	return true
}

// isURLRune reports whether r can be inside an autolinked URL: printable
// ASCII except space and the characters that delimit URLs in prose, and
// non-ASCII letters, digits and marks (internationalised paths and hosts).
func isURLRune(r rune) bool {
	if r < utf8.RuneSelf {
		if r <= ' ' || r == 0x7f {
			return false
		}
		switch r {
		case '<', '>', '"', '`', '{', '}', '|', '\\', '^':
			return false
		}
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// trimURL returns the length of s without trailing punctuation that belongs
// to the sentence rather than the URL.
func trimURL(s string) int {
	end := len(s)
	for end > 0 {
		c := s[end-1]
		switch c {
		case '.', ',', ':', ';', '!', '?', '\'', '*', '_', '~', '&':
			end--
			continue
		case ')', ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			if strings.Count(s[:end], string(open)) < strings.Count(s[:end], string(c)) {
				end--
				continue
			}
		}
		break
	}
	return end
}

// candidateHref validates a trimmed candidate and returns the link target.
func candidateHref(s string, www bool) (string, bool) {
	raw := s
	if www {
		if len(s) <= len("www.") {
			return "", false
		}
		host := s
		if i := strings.IndexAny(host, "/?#"); i >= 0 {
			host = host[:i]
		}
		if strings.ContainsAny(host, "@:") {
			return "", false
		}
		rest := host[len("www."):]
		dot := strings.LastIndexByte(rest, '.')
		if dot <= 0 || dot == len(rest)-1 || strings.Contains(rest, "..") {
			return "", false
		}
		raw = "https://" + s
	} else {
		after := s[strings.Index(s, "://")+3:]
		if after == "" || !isWordRuneStart(after) {
			return "", false
		}
	}
	return normalizeURL(raw)
}

func isWordRuneStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isWordRune reports whether r continues a word: the characters around a
// mention or a URL that would make it part of something longer.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}
