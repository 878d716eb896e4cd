// Package search is message search: an FTS5 query builder that quotes every user word (no FTS syntax
// from users ever reaches SQLite), scoped queries over the rooms a user can see, and recent searches.
package search

import (
	"bytes"
	"database/sql"
	"encoding/json/jsontext"
	"encoding/json/v2"
	"fmt"
	"html"
	"math"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/attachments"
)

// Limits.
const (
	MaxResults  = 100
	MaxTerms    = 16
	MaxTermLen  = 100
	MaxQueryLen = 500
	KeepRecent  = 10
)

// snippet markers: control characters that sanitized plain text cannot usefully carry, swapped for
// <mark> after the snippet is HTML-escaped.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

// BuildQuery turns user input into an FTS5 MATCH expression: each word becomes a quoted phrase
// (double quotes doubled), the phrases joined by spaces (AND). Words without a letter or digit are
// dropped. It returns "" when nothing searchable is left.
func BuildQuery(input string) string {
	var terms []string
	for _, word := range strings.Fields(input) {
		if len(terms) == MaxTerms {
			break
		}
		if !strings.ContainsFunc(word, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		word = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, word)
		if len(word) > MaxTermLen {
			word = trimToRuneBoundary(word, MaxTermLen)
		}
		terms = append(terms, `"`+strings.ReplaceAll(word, `"`, `""`)+`"`)
	}
	return strings.Join(terms, " ")
}

func trimToRuneBoundary(s string, n int) string {
	for n > 0 && n < len(s) && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Results is the answer of one search, encoded once: JSON is `{"items":[...]}`, each item in the
// history item shape (messages.Decorate: the record's public fields, `expand.creator`, `boosts`,
// the file URLs signed for the viewer) plus `snippet`.
type Results struct {
	Count int
	JSON  []byte
}

// Run searches the messages of rooms where viewer is a member with a non-invisible involvement,
// newest first, at most MaxResults, each in the history item shape plus `snippet` (HTML-escaped text
// with <mark> around the hits), file URLs carrying a file token of viewer.
//
// It is one statement over the FTS5 index, walked newest first (ORDER BY rowid DESC on the FTS5
// table), each hit joined to its message by number and kept when its room is one of the viewer's,
// so the walk stops at the MaxResults-th hit in scope; snippets and creators are read only for
// those. The cost grows with the hits walked: a common word searched by a member of only a few
// quiet rooms reads much of its doclist.
//
// Rows are encoded straight to JSON from their columns, without PocketBase record decoding; values
// go through each field's PrepareValue as a record load does, so the answer is the records' JSON
// (TestSearchItemsAreHistoryItems compares them with messages.Decorate's items).
func Run(app core.App, viewer *core.Record, input string) (*Results, error) {
	match := BuildQuery(input)
	if match == "" || viewer == nil {
		return emptyResults(), nil
	}
	// no visible room, no search: the walk below would read the term's whole doclist for nothing
	var inRooms int
	err := app.DB().NewQuery(`SELECT COUNT(*) FROM (SELECT 1 FROM memberships
		WHERE user = {:user} AND involvement != 'invisible' LIMIT 1)`).Bind(dbx.Params{"user": viewer.Id}).Row(&inRooms)
	if err != nil {
		return nil, fmt.Errorf("search: rooms: %w", err)
	}
	if inRooms == 0 {
		return emptyResults(), nil
	}
	msgs, err := app.FindCachedCollectionByNameOrId("messages")
	if err != nil {
		return nil, fmt.Errorf("search: messages collection: %w", err)
	}
	users, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, fmt.Errorf("search: users collection: %w", err)
	}

	// the message's public fields, as PublicExport lists them (hidden fields are left out)
	var fields []core.Field
	var sel strings.Builder
	for _, f := range msgs.Fields {
		if f.GetHidden() {
			continue
		}
		fields = append(fields, f)
		sel.WriteString("m.[[" + f.GetName() + "]], ")
	}
	// `+m.room IN (subquery)`: the viewer's rooms are read once into a temporary index and checked
	// on the message row found by number; the room never picks an index (an IN over
	// idx_messages_room_number would probe every room for every hit).
	rows, err := app.DB().NewQuery(`
		SELECT m.id, ` + sel.String() + `snippet(messages_fts, 0, {:open}, {:close}, '…', 16),
			u.id, u.name, u.avatar, u.role
		FROM messages_fts
		JOIN messages m ON m.number = messages_fts.rowid
		LEFT JOIN users u ON u.id = m.creator
		WHERE messages_fts MATCH {:match} AND m.deleted_at = ''
			AND +m.room IN (SELECT room FROM memberships WHERE user = {:user} AND involvement != 'invisible')
		ORDER BY messages_fts.rowid DESC
		LIMIT {:limit}`).
		Bind(dbx.Params{"open": markOpen, "close": markClose, "match": match, "user": viewer.Id, "limit": MaxResults}).
		Rows()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()

	scratch := core.NewRecord(msgs)
	type hit struct {
		id      string
		values  []any
		snippet string
		creator [4]sql.NullString
	}
	var hits []hit
	cols := make([]sql.NullString, len(fields))
	dest := make([]any, 0, len(fields)+6)
	for rows.Next() {
		var h hit
		dest = dest[:0]
		dest = append(dest, &h.id)
		for i := range fields {
			cols[i] = sql.NullString{}
			dest = append(dest, &cols[i])
		}
		dest = append(dest, &h.snippet, &h.creator[0], &h.creator[1], &h.creator[2], &h.creator[3])
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("search: scan: %w", err)
		}
		h.values = make([]any, len(fields))
		for i, f := range fields {
			var raw any
			if cols[i].Valid {
				raw = cols[i].String
			}
			v, err := f.PrepareValue(scratch, raw)
			if err != nil {
				return nil, fmt.Errorf("search: field %s: %w", f.GetName(), err)
			}
			h.values[i] = v
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	rows.Close()
	if len(hits) == 0 {
		return emptyResults(), nil
	}

	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	boosts, err := loadBoosts(app, ids)
	if err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	buf.Grow(len(hits) * 1500)
	enc := jsontext.NewEncoder(&buf, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	w := writer{enc: enc}
	w.tok(jsontext.BeginObject)
	w.str("items")
	w.tok(jsontext.BeginArray)
	token, tokenMade := "", false
	for _, h := range hits {
		w.tok(jsontext.BeginObject)
		var attachment, attachmentType, previewImage string
		for i, f := range fields {
			name := f.GetName()
			w.str(name)
			w.value(h.values[i])
			switch name {
			case "attachment":
				attachment, _ = h.values[i].(string)
			case "attachment_type":
				attachmentType, _ = h.values[i].(string)
			case "preview_image":
				previewImage, _ = h.values[i].(string)
			}
		}
		// custom data, as messages.Decorate and attachments.SignURLs set it
		w.str("boosts")
		w.tok(jsontext.BeginArray)
		for _, b := range boosts[h.id] {
			w.tok(jsontext.BeginObject)
			w.str("id")
			w.str(b.ID)
			w.str("message")
			w.str(b.Message)
			w.str("content")
			w.str(b.Content)
			w.str("created")
			w.str(b.Created)
			w.str("booster")
			w.tok(jsontext.BeginObject)
			w.str("id")
			w.str(b.Booster)
			w.str("name")
			w.str(b.BoosterName)
			w.tok(jsontext.EndObject)
			w.tok(jsontext.EndObject)
		}
		w.tok(jsontext.EndArray)
		var aURL, tURL, pURL string
		if attachment != "" || previewImage != "" {
			if !tokenMade {
				token, tokenMade = attachments.FileToken(viewer), true
			}
			rec := core.NewRecord(msgs)
			rec.Id = h.id
			rec.SetRaw("attachment", attachment)
			rec.SetRaw("attachment_type", attachmentType)
			rec.SetRaw("preview_image", previewImage)
			aURL, tURL, pURL = attachments.URLs(rec, token)
		}
		w.str(attachments.FieldAttachmentURL)
		w.str(aURL)
		w.str(attachments.FieldThumbURL)
		w.str(tURL)
		w.str(attachments.FieldPreviewImageURL)
		w.str(pURL)
		w.str("snippet")
		w.str(Highlight(h.snippet))
		w.str(core.FieldNameCollectionId)
		w.str(msgs.Id)
		w.str(core.FieldNameCollectionName)
		w.str(msgs.Name)
		if h.creator[0].Valid { // messages.Creators: the creator's public face
			w.str(core.FieldNameExpand)
			w.tok(jsontext.BeginObject)
			w.str("creator")
			w.tok(jsontext.BeginObject)
			w.str("id")
			w.str(h.creator[0].String)
			w.str("collectionId")
			w.str(users.Id)
			w.str("collectionName")
			w.str(users.Name)
			w.str("name")
			w.str(h.creator[1].String)
			w.str("avatar")
			w.str(h.creator[2].String)
			w.str("role")
			w.str(h.creator[3].String)
			w.tok(jsontext.EndObject)
			w.tok(jsontext.EndObject)
		}
		w.tok(jsontext.EndObject)
	}
	w.tok(jsontext.EndArray)
	w.tok(jsontext.EndObject)
	if w.err != nil {
		return nil, fmt.Errorf("search: encode: %w", w.err)
	}
	return &Results{Count: len(hits), JSON: bytes.TrimRight(buf.Bytes(), "\n")}, nil
}

func emptyResults() *Results { return &Results{JSON: []byte(`{"items":[]}`)} }

type boostRow struct {
	ID          string `db:"id"`
	Message     string `db:"message"`
	Content     string `db:"content"`
	Booster     string `db:"booster"`
	BoosterName string `db:"booster_name"`
	Created     string `db:"created"`
}

// loadBoosts loads the boosts of messages as messages.Decorate does: oldest first, with the booster's
// name.
func loadBoosts(app core.App, ids []string) (map[string][]boostRow, error) {
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	var rows []boostRow
	err := app.DB().Select("b.id AS id", "b.message AS message", "b.content AS content", "b.booster AS booster",
		"COALESCE(u.name, '') AS booster_name", "b.created AS created").
		From("boosts b").LeftJoin("users u", dbx.NewExp("u.id = b.booster")).
		Where(dbx.In("b.message", in...)).OrderBy("b.created ASC", "b.id ASC").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("search: boosts: %w", err)
	}
	out := make(map[string][]boostRow, len(rows))
	for _, b := range rows {
		out[b.Message] = append(out[b.Message], b)
	}
	return out, nil
}

// writer writes JSON tokens, keeping the first error.
type writer struct {
	enc *jsontext.Encoder
	err error
}

func (w *writer) tok(t jsontext.Token) {
	if w.err == nil {
		w.err = w.enc.WriteToken(t)
	}
}

func (w *writer) str(s string) { w.tok(jsontext.String(s)) }

// value writes a field value as encoding/json/v2 marshals it (the way router.Event.JSON writes
// records), with fast paths for the types PocketBase fields hold.
func (w *writer) value(v any) {
	if w.err != nil {
		return
	}
	switch x := v.(type) {
	case nil:
		w.tok(jsontext.Null)
	case string:
		w.str(x)
	case bool:
		w.tok(jsontext.Bool(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			w.err = json.MarshalEncode(w.enc, v) // the same error a record's JSON gives
			return
		}
		w.tok(jsontext.Float(x))
	case types.DateTime:
		w.str(x.String())
	case []string:
		w.tok(jsontext.BeginArray)
		for _, s := range x {
			w.str(s)
		}
		w.tok(jsontext.EndArray)
	default:
		w.err = json.MarshalEncode(w.enc, v)
	}
}

// Highlight HTML-escapes a raw snippet and turns its markers into <mark> elements.
func Highlight(raw string) string {
	escaped := html.EscapeString(raw)
	escaped = strings.ReplaceAll(escaped, markOpen, "<mark>")
	return strings.ReplaceAll(escaped, markClose, "</mark>")
}
