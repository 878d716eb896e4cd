package push

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Size limits of a notification.
const (
	// MaxPayloadSize is the most Encode ever returns. RFC 8291 allows 3,993
	// bytes of plaintext in the single 4,096-byte record (4,096 - 86 bytes
	// of header - 16 bytes of GCM tag - 1 padding delimiter); staying well
	// below leaves room for push services that are stricter than the RFC.
	MaxPayloadSize = 3000
	// MaxEncryptedPlaintext is the RFC 8291 plaintext limit; Send refuses
	// anything larger without contacting the push service.
	MaxEncryptedPlaintext = 3993
	// MaxBodyRunes and MaxTitleRunes bound BuildNotification's texts.
	MaxBodyRunes  = 200
	MaxTitleRunes = 100
)

// Room kinds.
const (
	RoomOpen   = "open"
	RoomClosed = "closed"
	RoomDirect = "direct"
)

// ErrPayloadTooLarge is returned by Encode when a notification cannot be
// brought under MaxPayloadSize by trimming its body and title, and by Send
// for payloads over MaxEncryptedPlaintext.
var ErrPayloadTooLarge = errors.New("push: payload too large")

// Notification is the JSON the service worker receives:
//
//	{"title":"…","body":"…","path":"/rooms/<id>/@<n>","number":42,"badge":3,"tag":"room-<id>"}
//
// Path is the in-app location to open on click, Number the message number,
// Badge the app badge count (e.g. the number of unread rooms), Tag the
// notification tag (one notification per room; a newer one replaces it).
type Notification struct {
	Title  string `json:"title"`
	Body   string `json:"body"`
	Path   string `json:"path"`
	Number int64  `json:"number"`
	Badge  int    `json:"badge"`
	Tag    string `json:"tag"`
}

// BuildNotification builds the notification for a new message.
//
// Shared rooms (open, closed): title = room name, body = "Author: text".
// Direct rooms: title = author name, body = text. Whitespace runs (new lines
// included) collapse to one space and control characters are dropped; the
// title is cut to MaxTitleRunes and the body to MaxBodyRunes on a rune
// boundary, ending with "…" when cut. Path is /rooms/<roomID>/@<number>.
func BuildNotification(roomKind, roomName, authorName, plain, roomID string, number int64, badge int) Notification {
	author := clean(authorName)
	text := clean(plain)
	room := clean(roomName)

	var title, body string
	if roomKind == RoomDirect {
		title = author
		body = text
	} else {
		title = room
		if title == "" {
			title = author
		}
		switch {
		case author == "":
			body = text
		case text == "":
			body = author
		default:
			body = author + ": " + text
		}
	}
	return Notification{
		Title:  trimRunes(title, MaxTitleRunes),
		Body:   trimRunes(body, MaxBodyRunes),
		Path:   "/rooms/" + url.PathEscape(roomID) + "/@" + strconv.FormatInt(number, 10),
		Number: number,
		Badge:  badge,
		Tag:    "room-" + roomID,
	}
}

// Encode returns n as JSON, never longer than MaxPayloadSize bytes: the
// title is cut to MaxTitleRunes and, when still needed, the body (then the
// title) is trimmed on a rune boundary with "…". HTML characters are not
// escaped (the service worker shows plain text). It fails only when the
// other fields alone are too large.
func Encode(n Notification) ([]byte, error) {
	n.Title = strings.ToValidUTF8(n.Title, "\uFFFD")
	n.Body = strings.ToValidUTF8(n.Body, "\uFFFD")
	// The title never needs more than MaxTitleRunes. A rune is at least one
	// byte, so a longer body can never fit: cut it first so the search below
	// stays cheap for huge inputs.
	n.Title = trimRunes(n.Title, MaxTitleRunes)
	n.Body = trimRunes(n.Body, MaxPayloadSize)

	b, err := marshal(n)
	if err != nil || len(b) <= MaxPayloadSize {
		return b, err
	}
	if b, ok := fitField(&n, &n.Body); ok {
		return b, nil
	}
	if b, ok := fitField(&n, &n.Title); ok {
		return b, nil
	}
	return nil, ErrPayloadTooLarge
}

// fitField finds by binary search the longest rune prefix of *field for which
// n encodes within MaxPayloadSize. It leaves *field trimmed (possibly empty).
func fitField(n *Notification, field *string) ([]byte, bool) {
	full := *field
	total := utf8.RuneCountInString(full)
	lo, hi := 0, total // invariant: the best fit lies in [lo, hi]
	var best []byte
	for lo <= hi {
		mid := (lo + hi) / 2
		*field = trimRunes(full, mid)
		b, err := marshal(*n)
		if err == nil && len(b) <= MaxPayloadSize {
			best = b
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	*field = trimRunes(full, hi) // "" when nothing fits
	return best, best != nil
}

func marshal(n Notification) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// clean makes text fit for a one-line notification: valid UTF-8, control
// characters dropped, whitespace runs collapsed to one space, trimmed.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(min(len(s), 4*MaxPayloadSize))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		// Enough for any trimming done later: stop reading huge texts.
		if b.Len() > 4*MaxPayloadSize {
			break
		}
	}
	return b.String()
}

// trimRunes cuts s to at most n runes; when cut, the last kept rune is "…".
func trimRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
}
