package richtext

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file holds the tests' own idea of a safe body, written independently
// of the implementation (it shares no tables with it) so that a mistake in
// the sanitizer's allow-list cannot also hide in the check.

var testAllowedTags = map[string]bool{
	"div": true, "br": true, "p": true, "strong": true, "b": true, "em": true,
	"i": true, "del": true, "s": true, "strike": true, "a": true, "h1": true,
	"blockquote": true, "pre": true, "code": true, "ul": true, "ol": true,
	"li": true, "figure": true, "figcaption": true, "span": true,
}

var testIDPattern = regexp.MustCompile(`^[a-z0-9]{15}$`)

// forbiddenRaw are byte sequences that can never appear in a safe body: text
// is always escaped, so "<" followed by these is markup.
var forbiddenRaw = []string{
	"<script", "<img", "<svg", "<math", "<iframe", "<style", "<object",
	"<embed", "<form", "<input", "<button", "<meta", "<link", "<base",
	"<body", "<html", "<textarea", "<template", "<!--", "<![cdata", "<?",
	"<video", "<audio", "<details", "<marquee", "<frame", "<noscript",
}

// checkSafe parses a body the way a browser would and reports the first
// element, attribute or URL that is not on the allow-list.
func checkSafe(body string) error {
	lower := strings.ToLower(body)
	for _, f := range forbiddenRaw {
		if strings.Contains(lower, f) {
			return fmt.Errorf("raw %q in output", f)
		}
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(body), ctx)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if err := checkNode(n); err != nil {
			return err
		}
	}
	return nil
}

func checkNode(n *html.Node) error {
	switch n.Type {
	case html.TextNode:
		return nil
	case html.ElementNode:
	default:
		return fmt.Errorf("node of type %d (%q) in output", n.Type, n.Data)
	}
	if n.Namespace != "" {
		return fmt.Errorf("element %s:%s in a foreign namespace", n.Namespace, n.Data)
	}
	if !testAllowedTags[n.Data] {
		return fmt.Errorf("element <%s> not allowed", n.Data)
	}
	attrs := map[string]string{}
	for _, a := range n.Attr {
		if a.Namespace != "" {
			return fmt.Errorf("namespaced attribute %s:%s", a.Namespace, a.Key)
		}
		if _, dup := attrs[a.Key]; dup {
			return fmt.Errorf("duplicate attribute %s", a.Key)
		}
		attrs[a.Key] = a.Val
	}
	switch n.Data {
	case "a":
		if len(attrs) != 3 || attrs["rel"] != "noopener noreferrer nofollow" || attrs["target"] != "_blank" {
			return fmt.Errorf("link attributes %v", attrs)
		}
		if err := checkHref(attrs["href"]); err != nil {
			return err
		}
	case "span":
		if len(attrs) != 0 && (len(attrs) != 2 || attrs["class"] != "mention" || !testIDPattern.MatchString(attrs["data-user-id"])) {
			return fmt.Errorf("span attributes %v", attrs)
		}
	default:
		if len(attrs) != 0 {
			return fmt.Errorf("<%s> has attributes %v", n.Data, attrs)
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := checkNode(c); err != nil {
			return err
		}
	}
	return nil
}

func checkHref(href string) error {
	squeezed := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(href))
	for _, bad := range []string{"javascript:", "vbscript:", "data:", "file:", "blob:"} {
		if strings.HasPrefix(squeezed, bad) {
			return fmt.Errorf("href %q", href)
		}
	}
	u, err := url.Parse(href)
	if err != nil {
		return fmt.Errorf("href %q: %v", href, err)
	}
	switch {
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
	case u.Scheme == "mailto" && u.Opaque != "":
	default:
		return fmt.Errorf("href %q not http(s)/mailto", href)
	}
	return nil
}

func TestCheckSafeRejectsUnsafe(t *testing.T) {
	// The checker itself must catch what it is meant to catch.
	for _, bad := range []string{
		`<script>alert(1)</script>`,
		`<div onclick="x">a</div>`,
		`<a href="javascript:alert(1)" rel="noopener noreferrer nofollow" target="_blank">x</a>`,
		`<a href="http://x.com">x</a>`,
		`<span class="mention" data-user-id="abc">x</span>`,
		`<span class="mention" data-user-id="abcdefghijklmno" id="x">x</span>`,
		`<div style="color:red">x</div>`,
		`<!-- x -->`,
		`<u>x</u>`,
		`<svg></svg>`,
		`<a href="/rel" rel="noopener noreferrer nofollow" target="_blank">x</a>`,
	} {
		if checkSafe(bad) == nil {
			t.Errorf("checkSafe accepted %q", bad)
		}
	}
	for _, good := range []string{
		``, `plain &lt;script&gt;`, `<div>a<br/>b</div>`,
		`<a href="https://x.com/" rel="noopener noreferrer nofollow" target="_blank">x</a>`,
		`<span class="mention" data-user-id="abcdefghijklmno">@A</span><span>x</span>`,
	} {
		if err := checkSafe(good); err != nil {
			t.Errorf("checkSafe(%q): %v", good, err)
		}
	}
}
