package importer

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ActionText content types Campfire writes into message bodies.
const (
	mentionContentType   = "application/vnd.campfire.mention"
	opengraphContentType = "application/vnd.actiontext.opengraph-embed"
	attachmentTag        = "action-text-attachment"
)

// gidPattern finds a GlobalID inside a decoded signed GlobalID: gid://<app>/<Model>/<id>.
var gidPattern = regexp.MustCompile(`gid://[^/\s"\\]+/([A-Za-z0-9_:]+)/([0-9]+)`)

// decodeSGID reads the model and id out of an ActionText attachment's sgid without checking its
// signature (we do not have Campfire's secret, and the database itself is the trusted source). A
// signed GlobalID is base64(JSON) + "--" + signature; the JSON carries the GlobalID in _rails.data
// (Rails 7.1+) or, in older databases, a base64 Marshal dump of it in _rails.message.
func decodeSGID(sgid string) (model, id string, ok bool) {
	sgid = strings.TrimSpace(sgid)
	if strings.Contains(sgid, "%") {
		if u, err := url.QueryUnescape(sgid); err == nil {
			sgid = u
		}
	}
	msg, _, _ := strings.Cut(sgid, "--")
	raw, ok := decodeBase64(msg)
	if !ok {
		return "", "", false
	}
	if m, i, ok := findGID(raw); ok {
		return m, i, true
	}
	var envelope struct {
		Rails struct {
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"_rails"`
	}
	if err := json.Unmarshal(raw, &envelope); err != nil {
		return "", "", false
	}
	for _, inner := range []string{envelope.Rails.Data, envelope.Rails.Message} {
		if inner == "" {
			continue
		}
		if m, i, ok := findGID([]byte(inner)); ok {
			return m, i, true
		}
		if b, ok := decodeBase64(inner); ok {
			if m, i, ok := findGID(b); ok {
				return m, i, true
			}
		}
	}
	return "", "", false
}

func findGID(b []byte) (model, id string, ok bool) {
	s := strings.ReplaceAll(string(b), `\/`, `/`)
	m := gidPattern.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

func decodeBase64(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// userLookup resolves a Campfire user id to our user id and name.
type userLookup func(campfireID string) (id, name string, ok bool)

// convertedBody is a Campfire rich text turned into HTML our post path accepts (it still goes through
// messages.Prepare, which sanitizes it and derives plain text, mentions, kind and sound).
type convertedBody struct {
	HTML string
	// AttachBlob is the Campfire blob id of a file embedded in the rich text, moved out of the body to
	// become the message's attachment (only when the message had no attachment of its own).
	AttachBlob string
	// Embeds are the OpenGraph cards of the body, in order (the first becomes the message's preview).
	Embeds   []embed
	Problems []string
}

// embed is an OpenGraph card Campfire stored in a body: link, title and description (plain text).
type embed struct {
	URL, Title, Description string
}

// convertBody converts an ActionText body: mention attachments become our mention spans (the sgid, or
// failing that the attachment's rendered content, names the user); OpenGraph embeds are returned as
// cards and leave a plain link in the text (nothing when the text already shows their URL, which the
// sanitizer auto-links); an embedded file becomes the message's attachment when it has none, else its
// name in brackets. Everything else is left for the sanitizer.
func convertBody(body string, hasAttachment bool, users userLookup) convertedBody {
	var out convertedBody
	if !strings.Contains(body, attachmentTag) {
		out.HTML = body
		return out
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(body), ctx)
	if err != nil {
		out.HTML = body
		return out
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	text := textOf(root)

	var attachments []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == attachmentTag {
				attachments = append(attachments, c)
				continue
			}
			walk(c)
		}
	}
	walk(root)

	for _, a := range attachments {
		contentType := attr(a, "content-type")
		model, id, hasGID := decodeSGID(attr(a, "sgid"))
		var repl []*html.Node
		switch {
		case contentType == mentionContentType || (hasGID && model == "User"):
			if ourID, name, ok := users(id); hasGID && model == "User" && ok {
				span := &html.Node{Type: html.ElementNode, Data: "span", DataAtom: atom.Span, Attr: []html.Attribute{
					{Key: "class", Val: "mention"}, {Key: "data-user-id", Val: ourID},
				}}
				span.AppendChild(&html.Node{Type: html.TextNode, Data: "@" + name})
				repl = append(repl, span)
			} else {
				name := strings.Join(strings.Fields(contentText(attr(a, "content"))), " ")
				out.Problems = append(out.Problems, "mention of an unknown user kept as text")
				if name != "" {
					repl = append(repl, &html.Node{Type: html.TextNode, Data: "@" + strings.TrimPrefix(name, "@")})
				}
			}
		case strings.HasPrefix(contentType, opengraphContentType):
			href := strings.TrimSpace(attr(a, "href"))
			title := strings.TrimSpace(attr(a, "filename"))
			if href != "" {
				out.Embeds = append(out.Embeds, embed{URL: href, Title: title,
					Description: strings.Join(strings.Fields(contentText(attr(a, "caption"))), " ")})
			}
			if href != "" && !strings.Contains(text, href) {
				link := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{{Key: "href", Val: href}}}
				if title == "" {
					title = href
				}
				link.AppendChild(&html.Node{Type: html.TextNode, Data: title})
				repl = append(repl, link)
			}
		case hasGID && model == "ActiveStorage::Blob":
			if !hasAttachment && out.AttachBlob == "" {
				out.AttachBlob = id
			} else {
				name := attr(a, "filename")
				if name == "" {
					name = "file"
				}
				repl = append(repl, &html.Node{Type: html.TextNode, Data: "[" + name + "]"})
				out.Problems = append(out.Problems, "a second embedded file was kept as its name")
			}
		default:
			// unknown attachable: keep what a reader saw of it
			label := strings.TrimSpace(attr(a, "caption"))
			if label == "" {
				label = strings.TrimSpace(attr(a, "filename"))
			}
			if label == "" {
				label = strings.Join(strings.Fields(contentText(attr(a, "content"))), " ")
			}
			if label != "" {
				repl = append(repl, &html.Node{Type: html.TextNode, Data: label})
			}
			out.Problems = append(out.Problems, "an unknown embedded attachment ("+cmpOr(contentType, "no content type")+") was kept as text")
		}
		for _, r := range repl {
			a.Parent.InsertBefore(r, a)
		}
		a.Parent.RemoveChild(a)
	}

	var sb strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		_ = html.Render(&sb, c)
	}
	out.HTML = sb.String()
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text of a tree, attachments excluded.
func textOf(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				sb.WriteString(c.Data)
			case c.Type == html.ElementNode && c.Data == attachmentTag:
			case c.Type == html.ElementNode && c.Data == "a":
				sb.WriteString(" " + attr(c, "href") + " ")
				walk(c)
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return sb.String()
}

// contentText is the text of an attachment's rendered content (an HTML string in an attribute).
func contentText(content string) string {
	if content == "" {
		return ""
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(content), ctx)
	if err != nil {
		return ""
	}
	var sb strings.Builder
	for _, n := range nodes {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			continue
		}
		sb.WriteString(textOf(n))
	}
	return sb.String()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
