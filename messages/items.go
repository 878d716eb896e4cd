package messages

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/attachments"
)

// Page limits of history.
const (
	DefaultPageSize = 40
	MaxPageSize     = 200
	MaxChanges      = 500
)

// Decorate turns message records into the history item shape: the record plus `expand.creator`
// ({id, name, avatar, role}), `boosts` ([{id, message, content, booster {id, name}}]) and the file
// URLs `attachment_url`, `thumb_url`, `preview_image_url` without a token (see attachments.SignURLs).
// Creators and boosts are loaded with one query each, whatever the number of messages.
func Decorate(app core.App, msgs []*core.Record) error {
	if len(msgs) == 0 {
		return nil
	}
	ids := make([]string, 0, len(msgs))
	creatorSet := map[string]bool{}
	for _, m := range msgs {
		ids = append(ids, m.Id)
		creatorSet[m.GetString("creator")] = true
	}
	boosts, err := loadBoosts(app, ids)
	if err != nil {
		return err
	}
	byMessage := map[string][]map[string]any{}
	for _, b := range boosts {
		byMessage[b.Message] = append(byMessage[b.Message], map[string]any{
			"id": b.ID, "message": b.Message, "content": b.Content, "created": b.Created,
			"booster": map[string]any{"id": b.Booster.ID, "name": b.Booster.Name},
		})
	}

	creators, err := Creators(app, keys(creatorSet))
	if err != nil {
		return err
	}
	for _, m := range msgs {
		m.WithCustomData(true)
		list := byMessage[m.Id]
		if list == nil {
			list = []map[string]any{}
		}
		m.Set("boosts", list)
		if c, ok := creators[m.GetString("creator")]; ok {
			m.MergeExpand(map[string]any{"creator": c})
		}
		attachments.SetURLs(m, "") // file URLs without a token; per-viewer answers sign them
	}
	return nil
}

// DecorateNew gives a message that was just posted the history item shape without a query: it has
// no boosts yet and its creator is known.
func DecorateNew(msg, creator *core.Record) {
	msg.WithCustomData(true)
	msg.Set("boosts", []map[string]any{})
	attachments.SetURLs(msg, "")
	if creator != nil {
		msg.MergeExpand(map[string]any{"creator": CreatorOf(creator)})
	}
}

// CreatorOf is the public face of a user record, as Creators returns it.
func CreatorOf(u *core.Record) map[string]any {
	return map[string]any{"id": u.Id, "collectionId": u.Collection().Id, "collectionName": u.Collection().Name,
		"name": u.GetString("name"), "avatar": u.GetString("avatar"), "role": u.GetString("role")}
}

// Creators loads the public face of users by id: {id, collectionId, collectionName, name, avatar, role}.
func Creators(app core.App, ids []string) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	if len(ids) == 0 {
		return out, nil
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	users, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, fmt.Errorf("users collection: %w", err)
	}
	rows := []struct {
		ID     string `db:"id"`
		Name   string `db:"name"`
		Avatar string `db:"avatar"`
		Role   string `db:"role"`
	}{}
	if err := app.DB().Select("id", "name", "avatar", "role").From("users").Where(dbx.In("id", in...)).All(&rows); err != nil {
		return nil, fmt.Errorf("load creators: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = map[string]any{"id": r.ID, "collectionId": users.Id, "collectionName": users.Name,
			"name": r.Name, "avatar": r.Avatar, "role": r.Role}
	}
	return out, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	return out
}

// Page is one page of history, oldest first.
type Page struct {
	Items   []*core.Record `json:"items"`
	HasMore bool           `json:"has_more"`
}

// History pages through a room's live messages by number: before a number (older), after a number
// (newer), or the newest when both are 0.
func History(app core.App, roomID string, before, after int64, limit int) (*Page, error) {
	limit = pageLimit(limit)
	q := app.RecordQuery("messages").
		AndWhere(dbx.HashExp{"room": roomID}).
		AndWhere(dbx.NewExp("deleted_at = ''")).
		Limit(int64(limit + 1))
	newestFirst := after == 0
	switch {
	case before > 0:
		q = q.AndWhere(dbx.NewExp("number < {:n}", dbx.Params{"n": before})).OrderBy("number DESC")
	case after > 0:
		q = q.AndWhere(dbx.NewExp("number > {:n}", dbx.Params{"n": after})).OrderBy("number ASC")
	default:
		q = q.OrderBy("number DESC")
	}
	var msgs []*core.Record
	if err := q.All(&msgs); err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	page := &Page{HasMore: len(msgs) > limit}
	if page.HasMore {
		msgs = msgs[:limit]
	}
	if newestFirst {
		for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
			msgs[i], msgs[j] = msgs[j], msgs[i]
		}
	}
	if err := Decorate(app, msgs); err != nil {
		return nil, err
	}
	if msgs == nil {
		msgs = []*core.Record{}
	}
	page.Items = msgs
	return page, nil
}

// ChangeSet is everything in a room with a seq above a client's: new or changed messages (with their
// boosts) and the ids of deleted ones, in seq order.
type ChangeSet struct {
	Messages []*HistoryItem `json:"messages"`
	Deleted  []string       `json:"deleted"`
	Seq      int64          `json:"seq"`
	HasMore  bool           `json:"has_more"`
}

const changesQuery = itemSelect + `WHERE m.room = {:room} AND m.seq > {:since}
	ORDER BY m.seq ASC LIMIT {:limit}`

// Changes returns a room's changes after since, at most MaxChanges at a time, file URLs unsigned
// (see SignItems).
func Changes(app core.App, roomID string, since int64) (*ChangeSet, error) {
	msgsCol, users, fits, err := itemCollections(app)
	if err != nil {
		return nil, err
	}
	var rows []*HistoryItem
	if fits {
		params := dbx.Params{"room": roomID, "since": since, "limit": MaxChanges + 1}
		rows, err = loadItems(app, msgsCol, users, changesQuery, params)
	} else {
		var recs []*core.Record
		err = app.RecordQuery("messages").
			AndWhere(dbx.HashExp{"room": roomID}).
			AndWhere(dbx.NewExp("seq > {:since}", dbx.Params{"since": since})).
			OrderBy("seq ASC").Limit(MaxChanges + 1).All(&recs)
		rows = wrapRecords(recs)
	}
	if err != nil {
		return nil, fmt.Errorf("load changes: %w", err)
	}
	cs := &ChangeSet{Messages: []*HistoryItem{}, Deleted: []string{}, Seq: since, HasMore: len(rows) > MaxChanges}
	if cs.HasMore {
		rows = rows[:MaxChanges]
	}
	var live []*core.Record
	for _, it := range rows {
		if it.IsDeleted() {
			cs.Deleted = append(cs.Deleted, it.ID)
		} else {
			cs.Messages = append(cs.Messages, it)
			if it.rec != nil {
				live = append(live, it.rec)
			}
		}
		if s := it.seq(); s > cs.Seq {
			cs.Seq = s
		}
	}
	if fits {
		err = addBoosts(app, cs.Messages)
		signItems(app, cs.Messages, func() string { return "" })
	} else {
		err = Decorate(app, live)
	}
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// Item loads one message in the history item shape.
func Item(app core.App, id string) (*core.Record, error) {
	m, err := app.FindRecordById("messages", id)
	if err != nil {
		return nil, fmt.Errorf("find message: %w", err)
	}
	if err := Decorate(app, []*core.Record{m}); err != nil {
		return nil, err
	}
	return m, nil
}
