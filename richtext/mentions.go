package richtext

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Member is a user who can be mentioned in a room: the server passes the
// room's members to ResolvePlainMentions so that "@Name" typed by an API
// client becomes a real mention, and only members can be mentioned.
type Member struct {
	ID   string // PocketBase record id (15 of [a-z0-9]); members with other ids are ignored
	Name string // display name, matched case-insensitively after "@"
}

// MentionIDs returns the user ids of the mention spans in a sanitized body,
// each once, in the order they first appear. The server stores them as the
// message's `mentions` (after ResolvePlainMentions or FilterMentions has
// removed non-members) to decide who is notified.
func MentionIDs(sanitizedHTML string) []string {
	root, ok := parseBody(sanitizedHTML)
	if !ok {
		return nil
	}
	return mentionIDsTree(root)
}

func mentionIDsTree(root *html.Node) []string {
	var ids []string
	seen := map[string]bool{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if id, ok := mentionID(c); ok && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
			walk(c)
		}
	}
	walk(root)
	return ids
}

// FilterMentions turns every mention span whose user is not a member (per
// isMember; nil means nobody is) into the plain text "@Name" it displayed.
// It exists because a client may put any id in a span, and the server must
// neither notify nor link users outside the room (SPEC §4: mentions of
// non-members are ignored). The input must be sanitized HTML.
func FilterMentions(sanitizedHTML string, isMember func(id string) bool) string {
	root, ok := parseBody(sanitizedHTML)
	if !ok {
		return ""
	}
	filterMentionsTree(root, isMember)
	return renderChildren(root)
}

func filterMentionsTree(n *html.Node, isMember func(id string) bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if id, ok := mentionID(c); ok && (isMember == nil || !isMember(id)) {
			n.InsertBefore(&html.Node{Type: html.TextNode, Data: mentionText(c)}, c)
			n.RemoveChild(c)
		} else if c.Type == html.ElementNode {
			filterMentionsTree(c, isMember)
		}
		c = next
	}
}

// mentionText is how a mention span reads as text: "@Name".
func mentionText(span *html.Node) string {
	name := collapseSpaces(textContent(span))
	if !strings.HasPrefix(name, "@") {
		name = "@" + name
	}
	return name
}

func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// collapseSpaces trims s and replaces each run of whitespace by one space.
func collapseSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ResolvePlainMentions makes mentions out of "@Name" written as plain text,
// for API clients and bots that cannot produce mention spans, and returns the
// new body with the ids of all the members it mentions (unique, in order).
//
// A match needs "@" at the start of a word, then a member's name compared
// case-insensitively (any whitespace matches any whitespace), then a word
// boundary. The longest name that matches wins, so "@Ann Lee" mentions Ann Lee
// rather than Ann; when that name belongs to more than one member the text is
// ambiguous and stays text. Text inside links, code, pre and existing
// mention spans is never touched. Existing spans whose id is not a member's
// are first turned into their text (see FilterMentions), which is then
// resolved like any typed "@Name", so the returned ids are always members.
// The input must be sanitized HTML; the result stays sanitized and resolving
// it again changes nothing.
func ResolvePlainMentions(sanitizedHTML string, members []Member) (string, []string) {
	root, ok := parseBody(sanitizedHTML)
	if !ok {
		return "", nil
	}
	ids := resolveTree(root, members)
	return renderChildren(root), ids
}

// resolveTree resolves plain mentions, drops non-member spans and returns the
// ids left in the tree.
func resolveTree(root *html.Node, members []Member) []string {
	idx := newNameIndex(members)
	// Non-member spans become text first, so that their "@Name" is treated
	// like any other typed text; resolving again then changes nothing.
	filterMentionsTree(root, func(id string) bool { return idx.ids[id] })
	if len(idx.byFirst) > 0 {
		mergeText(root)
		resolvePlainTree(root, idx)
	}
	return mentionIDsTree(root)
}

// nameGroup is every member answering to one (case-folded) name.
type nameGroup struct {
	key  []rune // folded name, whitespace runs folded to one ' '
	ids  []string
	name string // the name as the first member spells it
}

type nameIndex struct {
	byFirst map[rune][]*nameGroup // by first folded rune, longest key first
	ids     map[string]bool
}

func newNameIndex(members []Member) *nameIndex {
	idx := &nameIndex{byFirst: map[rune][]*nameGroup{}, ids: map[string]bool{}}
	groups := map[string]*nameGroup{}
	for _, m := range members {
		if !userIDPattern.MatchString(m.ID) {
			continue
		}
		idx.ids[m.ID] = true
		name := collapseSpaces(m.Name)
		if name == "" {
			continue
		}
		key := foldKey(name)
		g := groups[string(key)]
		if g == nil {
			g = &nameGroup{key: key, name: name}
			groups[string(key)] = g
			idx.byFirst[key[0]] = append(idx.byFirst[key[0]], g)
		}
		if !slices.Contains(g.ids, m.ID) {
			g.ids = append(g.ids, m.ID)
		}
	}
	for _, gs := range idx.byFirst {
		slices.SortFunc(gs, func(a, b *nameGroup) int {
			if c := cmp.Compare(len(b.key), len(a.key)); c != 0 {
				return c
			}
			return slices.Compare(a.key, b.key)
		})
	}
	return idx
}

func foldKey(name string) []rune {
	key := make([]rune, 0, len(name))
	for _, r := range name {
		key = append(key, foldRune(r))
	}
	return key
}

// foldRune maps r to a canonical member of its case-folding orbit, and every
// whitespace rune to ' ', so that comparing folded runes is EqualFold.
func foldRune(r rune) rune {
	if unicode.IsSpace(r) {
		return ' '
	}
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return min
}

// textRef is a text node in document order, or a line break (node nil) that
// separates words the way a block boundary or <br> does.
type textRef struct {
	node     *html.Node
	eligible bool
}

// collectText lists the text below n (at element depth depth); text is
// eligible for mentions unless it is in a link, code, pre or a mention, or
// too deep to be wrapped in a span (see maxDepth).
func collectText(n *html.Node, depth int, eligible bool, out *[]textRef) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			*out = append(*out, textRef{node: c, eligible: eligible && depth < maxDepth})
		case html.ElementNode:
			if c.Data == "br" {
				*out = append(*out, textRef{})
				continue
			}
			block := isBlock(c.Data)
			if block {
				*out = append(*out, textRef{})
			}
			_, isMention := mentionID(c)
			childEligible := eligible && !isMention && c.Data != "a" && c.Data != "code" && c.Data != "pre"
			collectText(c, depth+1, childEligible, out)
			if block {
				*out = append(*out, textRef{})
			}
		}
	}
}

const noRune = rune(-1)

// neighbour returns the rune just before (dir -1) or after (dir +1) the text
// node at refs[i], looking through inline elements but not past a break.
func neighbour(refs []textRef, i, dir int) rune {
	for j := i + dir; j >= 0 && j < len(refs); j += dir {
		n := refs[j].node
		if n == nil {
			return noRune
		}
		if n.Data == "" {
			continue
		}
		if dir < 0 {
			r, _ := utf8.DecodeLastRuneInString(n.Data)
			return r
		}
		r, _ := utf8.DecodeRuneInString(n.Data)
		return r
	}
	return noRune
}

type mentionMatch struct {
	start, end int
	id, name   string
}

func resolvePlainTree(root *html.Node, idx *nameIndex) {
	var refs []textRef
	collectText(root, 0, true, &refs)
	type edit struct {
		node    *html.Node
		matches []mentionMatch
	}
	var edits []edit
	for i, ref := range refs {
		if ref.node == nil || !ref.eligible || !strings.Contains(ref.node.Data, "@") {
			continue
		}
		ms := findMentions(ref.node.Data, neighbour(refs, i, -1), neighbour(refs, i, +1), idx)
		if len(ms) > 0 {
			edits = append(edits, edit{ref.node, ms})
		}
	}
	for _, e := range edits {
		replaceWithMentions(e.node, e.matches)
	}
}

func replaceWithMentions(t *html.Node, ms []mentionMatch) {
	parent := t.Parent
	pos := 0
	for _, m := range ms {
		if m.start > pos {
			parent.InsertBefore(&html.Node{Type: html.TextNode, Data: t.Data[pos:m.start]}, t)
		}
		span := &html.Node{Type: html.ElementNode, Data: "span", DataAtom: atom.Span, Attr: mentionAttrs(m.id)}
		span.AppendChild(&html.Node{Type: html.TextNode, Data: "@" + m.name})
		parent.InsertBefore(span, t)
		pos = m.end
	}
	if pos < len(t.Data) {
		parent.InsertBefore(&html.Node{Type: html.TextNode, Data: t.Data[pos:]}, t)
	}
	parent.RemoveChild(t)
}

// mentionMayFollow reports whether "@" right after r can start a mention:
// not inside a word, an e-mail address, a URL or a path.
func mentionMayFollow(r rune) bool {
	if r == noRune {
		return true
	}
	if isWordRune(r) {
		return false
	}
	return !strings.ContainsRune(".@/:+-=&?#%~\\", r)
}

// findMentions finds "@Name" matches in s; before and after are the runes
// around s in its line (noRune at a line edge).
func findMentions(s string, before, after rune, idx *nameIndex) []mentionMatch {
	var out []mentionMatch
	for p := 0; p < len(s); {
		at := strings.IndexByte(s[p:], '@')
		if at < 0 {
			break
		}
		p += at
		prev := before
		if p > 0 {
			prev, _ = utf8.DecodeLastRuneInString(s[:p])
		}
		if !mentionMayFollow(prev) {
			p++
			continue
		}
		if m, ok := matchName(s, p, after, idx); ok {
			out = append(out, m)
			p = m.end
			continue
		}
		p++
	}
	return out
}

// matchName tries the member names at s[at] == '@', longest first.
func matchName(s string, at int, after rune, idx *nameIndex) (mentionMatch, bool) {
	first, _ := utf8.DecodeRuneInString(s[at+1:])
	for _, g := range idx.byFirst[foldRune(first)] {
		n, ok := prefixFold(s[at+1:], g.key)
		if !ok {
			continue
		}
		end := at + 1 + n
		next := after
		if end < len(s) {
			next, _ = utf8.DecodeRuneInString(s[end:])
		}
		if isWordRune(g.key[len(g.key)-1]) && next != noRune && isWordRune(next) {
			continue // "@Ann" inside "@Anna": not this name
		}
		if len(g.ids) != 1 {
			return mentionMatch{}, false // the longest name that fits is ambiguous
		}
		return mentionMatch{start: at, end: end, id: g.ids[0], name: g.name}, true
	}
	return mentionMatch{}, false
}

// prefixFold reports whether s starts with key (folded runes; a ' ' in key
// matches a run of whitespace) and how many bytes of s that took.
func prefixFold(s string, key []rune) (int, bool) {
	i := 0
	for _, k := range key {
		if i >= len(s) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if k == ' ' {
			if !unicode.IsSpace(r) {
				return 0, false
			}
			for i < len(s) {
				r, size = utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r) {
					break
				}
				i += size
			}
			continue
		}
		if foldRune(r) != k {
			return 0, false
		}
		i += size
	}
	return i, true
}
