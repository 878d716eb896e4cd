package messages

import (
	"encoding/json/jsontext"
	"encoding/json/v2"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/attachments"
)

// HistoryItem is the history item shape (see Decorate) read straight from SQL into a struct: opening a
// room is the most frequent read, and a core.Record per message plus a map per JSON object were most
// of its cost. It encodes to the same JSON as a decorated, signed message record: every visible field
// of the messages collection (numbers as float64, like the record's), expand.creator when the
// creator's row exists, boosts, and the three file URLs.
type HistoryItem struct {
	ID                 string   `json:"id"`
	CollectionID       string   `json:"collectionId"`
	CollectionName     string   `json:"collectionName"`
	Room               string   `json:"room"`
	Creator            string   `json:"creator"`
	Body               string   `json:"body"`
	Plain              string   `json:"plain"`
	ClientMessageID    string   `json:"client_message_id"`
	Kind               string   `json:"kind"`
	Sound              string   `json:"sound"`
	Attachment         string   `json:"attachment"`
	Mentions           []string `json:"mentions"`
	Number             float64  `json:"number"`
	Seq                float64  `json:"seq"`
	DeletedAt          string   `json:"deleted_at"`
	Created            string   `json:"created"`
	Updated            string   `json:"updated"`
	AttachmentName     string   `json:"attachment_name"`
	AttachmentSize     float64  `json:"attachment_size"`
	AttachmentType     string   `json:"attachment_type"`
	AttachmentWidth    float64  `json:"attachment_width"`
	AttachmentHeight   float64  `json:"attachment_height"`
	PreviewURL         string   `json:"preview_url"`
	PreviewTitle       string   `json:"preview_title"`
	PreviewDescription string   `json:"preview_description"`
	PreviewImage       string   `json:"preview_image"`

	Expand *ItemExpand `json:"expand,omitempty"`
	Boosts []Boost     `json:"boosts"`

	AttachmentURL   string `json:"attachment_url"`
	ThumbURL        string `json:"thumb_url"`
	PreviewImageURL string `json:"preview_image_url"`

	// rec is set instead of the fields above when the messages collection no longer matches them (see
	// ItemShapeDiff): the decorated record is encoded then, so no field is dropped or invented.
	rec *core.Record
}

// ItemExpand is an item's expand: the creator, absent when the user row is gone.
type ItemExpand struct {
	Creator *ItemCreator `json:"creator,omitempty"`
}

// ItemCreator is the public face of a message's creator, as Creators returns it.
type ItemCreator struct {
	ID             string `json:"id"`
	CollectionID   string `json:"collectionId"`
	CollectionName string `json:"collectionName"`
	Name           string `json:"name"`
	Avatar         string `json:"avatar"`
	Role           string `json:"role"`
}

// Boost is one boost of an item, oldest first.
type Boost struct {
	ID      string       `json:"id"`
	Message string       `json:"message"`
	Content string       `json:"content"`
	Created string       `json:"created"`
	Booster BoostBooster `json:"booster"`
}

// BoostBooster is who boosted.
type BoostBooster struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// itemJSON is HistoryItem without its methods, for the default struct encoding.
type itemJSON HistoryItem

// MarshalJSONTo encodes the item, or the decorated record it stands for.
func (it *HistoryItem) MarshalJSONTo(enc *jsontext.Encoder) error {
	if it.rec != nil {
		return json.MarshalEncode(enc, it.rec)
	}
	return json.MarshalEncode(enc, (*itemJSON)(it))
}

// MarshalJSON is MarshalJSONTo for encoding/json v1 callers.
func (it *HistoryItem) MarshalJSON() ([]byte, error) {
	if it.rec != nil {
		return it.rec.MarshalJSON()
	}
	return json.Marshal((*itemJSON)(it), jsontext.AllowInvalidUTF8(true))
}

// IsDeleted reports whether the item is a tombstone.
func (it *HistoryItem) IsDeleted() bool {
	if it.rec != nil {
		return IsDeleted(it.rec)
	}
	return it.DeletedAt != ""
}

func (it *HistoryItem) seq() int64 {
	if it.rec != nil {
		return it.rec.GetInt64("seq")
	}
	return int64(it.Seq)
}

// Record is the decorated record behind an item loaded by the fallback path, else nil.
func (it *HistoryItem) Record() *core.Record { return it.rec }

// itemFields are the messages fields HistoryItem carries, with their PocketBase field type and whether
// the field holds several values. A collection whose visible fields differ is served by the records.
var itemFields = map[string]struct {
	typ   string
	multi bool
}{
	"id": {core.FieldTypeText, false}, "room": {core.FieldTypeRelation, false},
	"creator": {core.FieldTypeRelation, false}, "body": {core.FieldTypeText, false},
	"plain": {core.FieldTypeText, false}, "client_message_id": {core.FieldTypeText, false},
	"kind": {core.FieldTypeSelect, false}, "sound": {core.FieldTypeText, false},
	"attachment": {core.FieldTypeFile, false}, "mentions": {core.FieldTypeRelation, true},
	"number": {core.FieldTypeNumber, false}, "seq": {core.FieldTypeNumber, false},
	"deleted_at": {core.FieldTypeDate, false}, "created": {core.FieldTypeAutodate, false},
	"updated": {core.FieldTypeAutodate, false}, "attachment_name": {core.FieldTypeText, false},
	"attachment_size": {core.FieldTypeNumber, false}, "attachment_type": {core.FieldTypeText, false},
	"attachment_width": {core.FieldTypeNumber, false}, "attachment_height": {core.FieldTypeNumber, false},
	"preview_url": {core.FieldTypeText, false}, "preview_title": {core.FieldTypeText, false},
	"preview_description": {core.FieldTypeText, false}, "preview_image": {core.FieldTypeFile, false},
}

// ItemShapeDiff lists how the messages collection differs from what HistoryItem carries ("" when it
// does not): a visible field HistoryItem lacks, a field it carries that is gone, hidden or retyped.
func ItemShapeDiff(col *core.Collection) string {
	var diffs []string
	seen := 0
	for _, f := range col.Fields {
		want, known := itemFields[f.GetName()]
		if f.GetHidden() {
			if known {
				diffs = append(diffs, f.GetName()+" is hidden")
			}
			continue
		}
		if !known {
			diffs = append(diffs, f.GetName()+" is not in HistoryItem")
			continue
		}
		seen++
		multi := false
		if m, ok := f.(core.MultiValuer); ok {
			multi = m.IsMultiple()
		}
		if f.Type() != want.typ || multi != want.multi {
			diffs = append(diffs, fmt.Sprintf("%s is a %s (multiple %v)", f.GetName(), f.Type(), multi))
		}
	}
	if seen != len(itemFields) && len(diffs) == 0 {
		diffs = append(diffs, "a field of HistoryItem is gone")
	}
	return strings.Join(diffs, "; ")
}

// shapeVerdict caches ItemShapeDiff for one cached collection (a schema change replaces it).
type shapeVerdict struct {
	col *core.Collection
	ok  bool
}

var lastShape atomic.Pointer[shapeVerdict]

// itemCollections returns the messages and users collections, and whether HistoryItem fits messages.
func itemCollections(app core.App) (msgs, users *core.Collection, fits bool, err error) {
	if msgs, err = app.FindCachedCollectionByNameOrId("messages"); err != nil {
		return nil, nil, false, fmt.Errorf("messages collection: %w", err)
	}
	if users, err = app.FindCachedCollectionByNameOrId("users"); err != nil {
		return nil, nil, false, fmt.Errorf("users collection: %w", err)
	}
	v := lastShape.Load()
	if v == nil || v.col != msgs {
		diff := ItemShapeDiff(msgs)
		if diff != "" {
			app.Logger().Warn("messages: history items use the slower record path", "why", diff)
		}
		v = &shapeVerdict{col: msgs, ok: diff == ""}
		lastShape.Store(v)
	}
	return msgs, users, v.ok, nil
}

// itemSelect reads what a HistoryItem needs in one statement: the message columns and its creator.
const itemSelect = `SELECT m.id, m.room, m.creator, m.body, m.plain, m.client_message_id, m.kind, m.sound,
	m.attachment, m.mentions, m.number, m.seq, m.deleted_at, m.created, m.updated, m.attachment_name,
	m.attachment_size, m.attachment_type, m.attachment_width, m.attachment_height, m.preview_url,
	m.preview_title, m.preview_description, m.preview_image,
	COALESCE(u.id, ''), COALESCE(u.name, ''), COALESCE(u.avatar, ''), COALESCE(u.role, '')
	FROM messages m LEFT JOIN users u ON u.id = m.creator `

// loadItems runs an itemSelect statement.
func loadItems(app core.App, msgsCol, users *core.Collection, q string, params dbx.Params) ([]*HistoryItem, error) {
	rows, err := app.DB().NewQuery(q).Bind(params).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*HistoryItem
	var creator ItemCreator
	var mentions, created, updated, deleted string
	var number, seq, size, width, height any
	for rows.Next() {
		it := &HistoryItem{CollectionID: msgsCol.Id, CollectionName: msgsCol.Name}
		err := rows.Scan(&it.ID, &it.Room, &it.Creator, &it.Body, &it.Plain, &it.ClientMessageID, &it.Kind,
			&it.Sound, &it.Attachment, &mentions, &number, &seq, &deleted, &created, &updated,
			&it.AttachmentName, &size, &it.AttachmentType, &width, &height, &it.PreviewURL,
			&it.PreviewTitle, &it.PreviewDescription, &it.PreviewImage,
			&creator.ID, &creator.Name, &creator.Avatar, &creator.Role)
		if err != nil {
			return nil, err
		}
		// the record's field normalizations (core.*Field.PrepareValue), for rows written by any path
		it.Room, it.Creator, it.Kind = single(it.Room), single(it.Creator), single(it.Kind)
		it.Attachment, it.PreviewImage = single(it.Attachment), single(it.PreviewImage)
		it.Mentions = list.ToUniqueStringSlice(mentions)
		if it.Mentions == nil {
			it.Mentions = []string{}
		}
		it.Number, it.Seq = num(number), num(seq)
		it.AttachmentSize, it.AttachmentWidth, it.AttachmentHeight = num(size), num(width), num(height)
		it.DeletedAt, it.Created, it.Updated = date(deleted), date(created), date(updated)
		if creator.ID != "" {
			c := creator
			c.CollectionID, c.CollectionName = users.Id, users.Name
			it.Expand = &ItemExpand{Creator: &c}
		}
		it.Boosts = []Boost{}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// single is a single-value relation, select or file field's value as the record has it: the last of
// a JSON list, else the stored string.
func single(s string) string {
	if s == "" || !strings.Contains(s, "[") {
		return s
	}
	vals := list.ToUniqueStringSlice(s)
	if len(vals) == 0 {
		return ""
	}
	return vals[len(vals)-1]
}

// num is a NUMERIC column as the record's float64 (0 when unreadable, like cast.ToFloat64).
func num(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	case string:
		f, _ := strconv.ParseFloat(n, 64)
		return f
	case []byte:
		f, _ := strconv.ParseFloat(string(n), 64)
		return f
	}
	return 0
}

// date is a date column as the record exports it: PocketBase's layout, "" when empty or unreadable.
func date(s string) string {
	if s == "" {
		return ""
	}
	if _, err := time.Parse(types.DefaultDateLayout, s); err == nil {
		return s // fixed-width UTC layout: a value it reads is already in its own format
	}
	d, _ := types.ParseDateTime(s)
	return d.String()
}

// boostsQuery takes the message ids as one JSON array: one SQL text for any number of messages, so the
// driver's statement cache (package stmtcache) parses it once per connection.
const boostsQuery = `SELECT b.id, b.message, b.content, b.created, b.booster, COALESCE(u.name, '')
	FROM boosts b LEFT JOIN users u ON u.id = b.booster
	WHERE b.message IN (SELECT value FROM json_each({:ids})) ORDER BY b.created ASC, b.id ASC`

// loadBoosts loads the boosts of messages with one query, oldest first.
func loadBoosts(app core.App, messageIDs []string) ([]Boost, error) {
	idsJSON, err := json.Marshal(messageIDs)
	if err != nil {
		return nil, err
	}
	rows, err := app.DB().NewQuery(boostsQuery).Bind(dbx.Params{"ids": string(idsJSON)}).Rows()
	if err != nil {
		return nil, fmt.Errorf("load boosts: %w", err)
	}
	defer rows.Close()
	var out []Boost
	for rows.Next() {
		var b Boost
		if err := rows.Scan(&b.ID, &b.Message, &b.Content, &b.Created, &b.Booster.ID, &b.Booster.Name); err != nil {
			return nil, fmt.Errorf("load boosts: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load boosts: %w", err)
	}
	return out, nil
}

// addBoosts gives items their boosts.
func addBoosts(app core.App, items []*HistoryItem) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[string]*HistoryItem, len(items))
	ids := make([]string, len(items))
	for i, it := range items {
		byID[it.ID] = it
		ids[i] = it.ID
	}
	boosts, err := loadBoosts(app, ids)
	if err != nil {
		return err
	}
	for _, b := range boosts {
		if it := byID[b.Message]; it != nil {
			it.Boosts = append(it.Boosts, b)
		}
	}
	return nil
}

// hasFiles reports whether an item has a file (attachment or preview image), so needs URLs.
func (it *HistoryItem) hasFiles() bool { return it.Attachment != "" || it.PreviewImage != "" }

// setURLs sets the item's file URLs with token ("" for none), through attachments.URLs on scratch, a
// record of the messages collection standing in for the item.
func (it *HistoryItem) setURLs(scratch *core.Record, token string) {
	if it.rec != nil {
		attachments.SetURLs(it.rec, token)
		return
	}
	if !it.hasFiles() {
		it.AttachmentURL, it.ThumbURL, it.PreviewImageURL = "", "", ""
		return
	}
	scratch.Id = it.ID
	scratch.Set("attachment", it.Attachment)
	scratch.Set("attachment_type", it.AttachmentType)
	scratch.Set("preview_image", it.PreviewImage)
	it.AttachmentURL, it.ThumbURL, it.PreviewImageURL = attachments.URLs(scratch, token)
}

// SignItems sets the file URLs of items for one viewer, with one fresh file token of viewer, made
// only when an item has a file (see attachments.SignURLs).
func SignItems(app core.App, items []*HistoryItem, viewer *core.Record) {
	signItems(app, items, func() string { return attachments.FileToken(viewer) })
}

func signItems(app core.App, items []*HistoryItem, token func() string) {
	var scratch *core.Record
	tok, made := "", false
	for _, it := range items {
		if it.rec == nil && !it.hasFiles() {
			continue
		}
		if !made {
			tok, made = token(), true
		}
		if scratch == nil && it.rec == nil {
			col, err := app.FindCachedCollectionByNameOrId("messages")
			if err != nil {
				continue
			}
			scratch = core.NewRecord(col)
		}
		it.setURLs(scratch, tok)
	}
}

// ItemPage is one page of history in the item shape, oldest first.
type ItemPage struct {
	Items   []*HistoryItem `json:"items"`
	HasMore bool           `json:"has_more"`
}

// The history queries of the three paging modes. Their SQL never changes, so the driver's statement
// cache (package stmtcache) parses each once per connection: modernc's SQLite takes about as long to
// parse them as to run them.
const (
	historyNewest = itemSelect + `WHERE m.room = {:room} AND m.deleted_at = ''
		ORDER BY m.number DESC LIMIT {:limit}`
	historyBefore = itemSelect + `WHERE m.room = {:room} AND m.deleted_at = '' AND m.number < {:n}
		ORDER BY m.number DESC LIMIT {:limit}`
	historyAfter = itemSelect + `WHERE m.room = {:room} AND m.deleted_at = '' AND m.number > {:n}
		ORDER BY m.number ASC LIMIT {:limit}`
)

// HistoryItems is History in the item shape: the same pages (before a number, after a number, or the
// newest when both are 0), with file URLs unsigned (see SignItems).
func HistoryItems(app core.App, roomID string, before, after int64, limit int) (*ItemPage, error) {
	limit = pageLimit(limit)
	msgsCol, users, fits, err := itemCollections(app)
	if err != nil {
		return nil, err
	}
	if !fits {
		page, err := History(app, roomID, before, after, limit)
		if err != nil {
			return nil, err
		}
		return &ItemPage{Items: wrapRecords(page.Items), HasMore: page.HasMore}, nil
	}
	q, n := historyNewest, int64(0)
	switch {
	case before > 0:
		q, n = historyBefore, before
	case after > 0:
		q, n = historyAfter, after
	}
	items, err := loadItems(app, msgsCol, users, q, dbx.Params{"room": roomID, "n": n, "limit": limit + 1})
	if err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	page := &ItemPage{HasMore: len(items) > limit}
	if page.HasMore {
		items = items[:limit]
	}
	if after == 0 { // loaded newest first
		for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
			items[i], items[j] = items[j], items[i]
		}
	}
	if err := addBoosts(app, items); err != nil {
		return nil, err
	}
	signItems(app, items, func() string { return "" })
	if items == nil {
		items = []*HistoryItem{}
	}
	page.Items = items
	return page, nil
}

func wrapRecords(recs []*core.Record) []*HistoryItem {
	out := make([]*HistoryItem, len(recs))
	for i, r := range recs {
		out[i] = &HistoryItem{ID: r.Id, rec: r}
	}
	return out
}

// pageLimit applies the default and the maximum page size.
func pageLimit(limit int) int {
	if limit <= 0 {
		return DefaultPageSize
	}
	return min(limit, MaxPageSize)
}
