package richtext

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// linkRel is the rel every stored link carries: the target page gets no
// window.opener, no referrer, and no SEO credit from chat content.
const linkRel = "noopener noreferrer nofollow"

var (
	userIDPattern  = regexp.MustCompile(`^[a-z0-9]{15}$`)
	mentionPattern = regexp.MustCompile(`^mention$`)
)

// allowedElements is the fixed allow-list of the stored body: what Trix
// produces (div, br, strong, em, del, a, h1, blockquote, pre, lists), a few
// equivalents API clients commonly send (p, b, i, s, strike, code, figure) and
// the mention span. Nothing here has raw-text content or loads a resource.
var allowedElements = map[string]bool{
	"div": true, "br": true, "p": true,
	"strong": true, "b": true, "em": true, "i": true,
	"del": true, "s": true, "strike": true,
	"a": true, "h1": true, "blockquote": true, "pre": true, "code": true,
	"ul": true, "ol": true, "li": true,
	"figure": true, "figcaption": true, "span": true,
}

// policy is built once at package initialisation and never modified
// afterwards, which is what makes concurrent use of bluemonday safe.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	for el := range allowedElements {
		if el != "a" { // an <a> without a usable href is dropped, its text kept
			p.AllowElements(el)
		}
	}
	p.AllowAttrs("href").OnElements("a")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemeWithCustomPolicy("http", hasHost)
	p.AllowURLSchemeWithCustomPolicy("https", hasHost)
	p.AllowURLSchemeWithCustomPolicy("mailto", isOpaque)
	p.AllowAttrs("class").Matching(mentionPattern).OnElements("span")
	p.AllowAttrs("data-user-id").Matching(userIDPattern).OnElements("span")
	p.SkipElementsContent(skipContent...)
	return p
}

func hasHost(u *url.URL) bool  { return u.Host != "" && u.Opaque == "" }
func isOpaque(u *url.URL) bool { return u.Opaque != "" }

// Sanitize turns untrusted message HTML into the body the server stores.
//
// It exists so that stored XSS is impossible whatever a client sends: the
// bluemonday policy above removes every element, attribute and URL that is
// not on the fixed allow-list, then the result is parsed into a tree (the way
// a browser would parse it) and checked a second time node by node, so that
// tokenizer/parser disagreements cannot smuggle markup through. On that tree
// links get rel="noopener noreferrer nofollow" target="_blank", mention spans
// keep their two attributes only when both are valid, and bare http(s):// and
// www. URLs in ordinary text are turned into links.
//
// The output is well-formed, stable (Sanitize(Sanitize(x)) == Sanitize(x)),
// and safe to insert into a page as HTML. The caller checks MaxRawBodyBytes
// first. Safe for concurrent use.
func Sanitize(raw string) string {
	root, ok := sanitizeTree(raw)
	if !ok {
		return ""
	}
	return renderChildren(root)
}

// maxDepth bounds element nesting in a stored body. Nothing a person writes
// comes near it; the HTML parser refuses more than 512 open elements, so a
// much deeper body could not be parsed again by the functions that read it.
// Autolinking and mention resolution never wrap text beyond this depth, so
// their output stays within it and sanitizing it again keeps it.
const maxDepth = 64

// textOnly keeps nothing but text; it is the fallback for bodies nested too
// deeply to keep their formatting.
var textOnly = newTextOnlyPolicy()

func newTextOnlyPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.SkipElementsContent(skipContent...)
	return p
}

// skipContent are containers whose content is dropped with them rather than
// shown as text: it is never something a person typed into the composer.
var skipContent = []string{"svg", "math", "template", "textarea", "select",
	"xmp", "noembed", "noframes", "head", "applet"}

// sanitizeTree is Sanitize before rendering.
func sanitizeTree(raw string) (*html.Node, bool) {
	root, ok := parseBody(policy.Sanitize(raw))
	if !ok || treeDepth(root) > maxDepth {
		// Absurd nesting: keep the words, drop the formatting.
		root, ok = parseBody(textOnly.Sanitize(raw))
		if !ok {
			return nil, false
		}
	}
	cleanTree(root)
	mergeText(root)
	autolinkTree(root, 0)
	return root, true
}

// treeDepth is how deeply elements nest below n.
func treeDepth(n *html.Node) int {
	depth := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			depth = max(depth, 1+treeDepth(c))
		}
	}
	return depth
}

// bodyContext is the element the fragment is parsed in: message bodies live
// inside a <div> in the page, which parses like <body> content.
func bodyContext() *html.Node {
	return &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
}

// parseBody parses an HTML fragment and returns a detached container node
// whose children are the fragment's top-level nodes.
func parseBody(s string) (*html.Node, bool) {
	nodes, err := html.ParseFragment(strings.NewReader(s), bodyContext())
	if err != nil {
		return nil, false
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
		root.AppendChild(n)
	}
	return root, true
}

func renderChildren(root *html.Node) string {
	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return ""
		}
	}
	return b.String()
}

// cleanTree is the second, structural line of defence: only allowed HTML
// elements and text survive, and attributes are rebuilt from scratch.
func cleanTree(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.TextNode:
		case html.ElementNode:
			if c.Namespace != "" || !allowedElements[c.Data] {
				n.RemoveChild(c)
				break
			}
			cleanTree(c)
			switch c.Data {
			case "a":
				href, ok := linkHref(c)
				if !ok {
					unwrap(c)
					break
				}
				c.Attr = linkAttrs(href)
			case "span":
				if id, ok := mentionID(c); ok {
					c.Attr = mentionAttrs(id)
				} else {
					c.Attr = nil
				}
			default:
				c.Attr = nil
			}
		default: // comments, doctypes, anything else
			n.RemoveChild(c)
		}
		c = next
	}
}

// mergeText joins adjacent text nodes and drops empty ones, so the tree is
// the one a parser would build from its rendering: autolinking then sees the
// same text whether it runs on this tree or on a re-parsed one.
func mergeText(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.TextNode && c.Data == "":
			n.RemoveChild(c)
		case c.Type == html.TextNode && next != nil && next.Type == html.TextNode:
			next.Data = c.Data + next.Data
			n.RemoveChild(c)
		case c.Type == html.ElementNode:
			mergeText(c)
		}
		c = next
	}
}

// unwrap replaces n by its children.
func unwrap(n *html.Node) {
	p := n.Parent
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		p.InsertBefore(c, n)
		c = next
	}
	p.RemoveChild(n)
}

func linkHref(n *html.Node) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == "href" {
			return normalizeURL(a.Val)
		}
	}
	return "", false
}

func linkAttrs(href string) []html.Attribute {
	return []html.Attribute{
		{Key: "href", Val: href},
		{Key: "rel", Val: linkRel},
		{Key: "target", Val: "_blank"},
	}
}

func mentionAttrs(id string) []html.Attribute {
	return []html.Attribute{
		{Key: "class", Val: "mention"},
		{Key: "data-user-id", Val: id},
	}
}

// mentionID reports the user id of a valid mention span: a span whose class
// is exactly "mention" and whose data-user-id looks like a PocketBase id.
func mentionID(n *html.Node) (string, bool) {
	if n.Type != html.ElementNode || n.Data != "span" || n.Namespace != "" {
		return "", false
	}
	var class, id string
	var hasClass, hasID bool
	for _, a := range n.Attr {
		if a.Namespace != "" {
			continue
		}
		switch a.Key {
		case "class":
			class, hasClass = a.Val, true
		case "data-user-id":
			id, hasID = a.Val, true
		}
	}
	if !hasClass || !hasID || class != "mention" || !userIDPattern.MatchString(id) {
		return "", false
	}
	return id, true
}

// normalizeURL accepts only absolute http(s) URLs with a host and mailto:
// URLs, and returns them in the canonical form net/url prints. The form is
// iterated to a fixed point so that sanitizing twice never changes a link.
func normalizeURL(raw string) (string, bool) {
	s := raw
	for range 4 {
		// The same whitespace rules bluemonday applies, so that a link it kept
		// is kept here too and a second pass agrees with the first.
		s = strings.TrimSpace(s)
		if s == "" || strings.IndexFunc(s, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || unicode.IsControl(r)
		}) >= 0 {
			return "", false
		}
		u, err := url.Parse(s)
		if err != nil {
			return "", false
		}
		switch u.Scheme {
		case "http", "https":
			if !hasHost(u) {
				return "", false
			}
		case "mailto":
			if !isOpaque(u) {
				return "", false
			}
		default:
			return "", false
		}
		next := u.String()
		if next == s {
			return s, true
		}
		s = next
	}
	return "", false
}
