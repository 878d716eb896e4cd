package richtext

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// isBlock reports whether an allowed element starts its own line.
func isBlock(tag string) bool {
	switch tag {
	case "div", "p", "h1", "blockquote", "pre", "ul", "ol", "li", "figure", "figcaption":
		return true
	}
	return false
}

// PlainText derives the text of a sanitized body, as stored in `plain` and
// used for full-text search, push notifications and webhooks, where HTML
// means nothing: entities are decoded, block elements and <br> become line
// breaks, whitespace collapses the way a browser shows it (except in <pre>),
// list items get "• " or "1. ", mentions read "@Name", more than one blank
// line in a row becomes one, and the result is trimmed.
func PlainText(sanitizedHTML string) string {
	root, ok := parseBody(sanitizedHTML)
	if !ok {
		return ""
	}
	return plainTree(root)
}

type listState struct {
	ordered bool
	n       int
}

type plainWriter struct {
	b         strings.Builder
	lineStart bool // nothing but (maybe) indentation since the last '\n'
	space     bool // collapsible whitespace is pending
	newlines  int  // '\n' at the end of b
	lists     []listState
	pre       int
	// afterMarker: a list marker was just written
	afterMarker bool
}

func plainTree(root *html.Node) string {
	w := &plainWriter{lineStart: true}
	w.children(root)
	return tidyPlain(w.b.String())
}

func (w *plainWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func (w *plainWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if w.pre > 0 {
			w.preText(n.Data)
		} else {
			w.text(n.Data)
		}
		return
	case html.ElementNode:
	default:
		return
	}
	if _, ok := mentionID(n); ok {
		w.text(mentionText(n))
		return
	}
	switch n.Data {
	case "br":
		w.newline()
		return
	case "p":
		w.blankLine()
		w.children(n)
		w.blankLine()
		return
	case "ul", "ol":
		w.endLine()
		w.lists = append(w.lists, listState{ordered: n.Data == "ol"})
		w.children(n)
		w.lists = w.lists[:len(w.lists)-1]
		w.endLine()
		return
	case "li":
		w.endLine()
		w.listMarker()
		w.children(n)
		w.endLine()
		return
	case "pre":
		w.endLine()
		w.pre++
		w.children(n)
		w.pre--
		w.endLine()
		return
	}
	if isBlock(n.Data) {
		w.endLine()
		w.children(n)
		w.endLine()
		return
	}
	w.children(n)
}

func (w *plainWriter) listMarker() {
	depth := len(w.lists)
	if depth > 1 {
		w.b.WriteString(strings.Repeat("  ", depth-1))
	}
	marker := "• "
	if depth > 0 && w.lists[depth-1].ordered {
		w.lists[depth-1].n++
		marker = strconv.Itoa(w.lists[depth-1].n) + ". "
	}
	w.b.WriteString(marker)
	w.newlines = 0
	w.space = false
	w.lineStart = false
	w.afterMarker = true // the item's leading whitespace is still dropped
}

func (w *plainWriter) writeRune(r rune) {
	if r == '\u00a0' {
		r = ' '
	}
	w.b.WriteRune(r)
	w.afterMarker = false
	if r == '\n' {
		w.newlines++
		w.lineStart = true
	} else {
		w.newlines = 0
		w.lineStart = false
	}
}

// text writes ordinary (collapsing) text.
func (w *plainWriter) text(s string) {
	for _, r := range s {
		if r != '\u00a0' && unicode.IsSpace(r) {
			w.space = true
			continue
		}
		if w.space && !w.lineStart && !w.afterMarker {
			w.writeRune(' ')
		}
		w.space = false
		w.writeRune(r)
	}
}

// preText writes preformatted text as it is.
func (w *plainWriter) preText(s string) {
	if w.space && !w.lineStart && !w.afterMarker {
		w.writeRune(' ')
	}
	w.space = false
	for _, r := range s {
		w.writeRune(r)
	}
}

func (w *plainWriter) newline() {
	w.space = false
	w.writeRune('\n')
}

// endLine ends the current line unless it is empty.
func (w *plainWriter) endLine() {
	w.space = false
	if !w.lineStart {
		w.writeRune('\n')
	}
}

// blankLine makes sure a paragraph is separated by an empty line.
func (w *plainWriter) blankLine() {
	w.endLine()
	if w.b.Len() > 0 && w.newlines < 2 {
		w.writeRune('\n')
	}
}

// tidyPlain trims line ends, keeps at most one blank line in a row and trims
// the whole text.
func tidyPlain(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// IsBlank reports whether a sanitized body shows nothing: no mention and no
// visible character (whitespace, &nbsp;, zero-width and other format
// characters do not count). The server refuses blank messages, and Trix
// sends "<div><br></div>" for an empty composer.
func IsBlank(sanitizedHTML string) bool {
	root, ok := parseBody(sanitizedHTML)
	if !ok {
		return true
	}
	return blankTree(root)
}

func blankTree(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.IndexFunc(c.Data, isVisible) >= 0 {
				return false
			}
		case html.ElementNode:
			if _, ok := mentionID(c); ok {
				return false
			}
			if !blankTree(c) {
				return false
			}
		}
	}
	return true
}

// isVisible reports whether r draws something.
func isVisible(r rune) bool {
	if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r) {
		return false
	}
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800': // Hangul fillers, braille blank
		return false
	}
	return true
}
