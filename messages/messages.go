// Package messages is the message domain: how a message is prepared for saving (sanitized, its plain
// text, kind, sound and mentions derived), numbered, shown (the history item shape shared by history,
// changes, search, realtime and the record API), paged, caught up on and deleted as a tombstone.
package messages

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/richtext"
	"github.com/pocketcampfire/campfire/sounds"
)

// Kinds of message.
const (
	KindText       = "text"
	KindSound      = "sound"
	KindAttachment = "attachment"
)

// MaxRawBodyBytes bounds the body as received, checked before any parsing.
const MaxRawBodyBytes = richtext.MaxRawBodyBytes

// ErrBodyTooLarge and ErrBlank are the two ways a body is refused.
var (
	ErrBodyTooLarge = validation.NewError("validation_body_too_large", fmt.Sprintf("The message is longer than %d bytes.", MaxRawBodyBytes))
	ErrBlank        = validation.NewError("validation_blank_message", "The message is blank.")
)

// Counter names in campfire_counters.
const (
	counterNumber = "number"
	counterSeq    = "seq"
)

// nextCounter draws the next value of a counter. Inside a write transaction SQLite serializes writers,
// so values are strictly increasing and never reused, even after rooms and their messages are deleted.
func nextCounter(app core.App, name string) (int64, error) {
	var v int64
	err := app.DB().NewQuery("UPDATE campfire_counters SET value = value + 1 WHERE name = {:name} RETURNING value").
		Bind(dbx.Params{"name": name}).Row(&v)
	if err != nil {
		return 0, fmt.Errorf("next %s: %w", name, err)
	}
	return v, nil
}

// NextSeq draws the next change number (shared by inserts, edits, boosts and deletions).
func NextSeq(app core.App) (int64, error) { return nextCounter(app, counterSeq) }

// NextNumber draws the next message number.
func NextNumber(app core.App) (int64, error) { return nextCounter(app, counterNumber) }

// BumpSeq gives a message a new seq without firing record hooks (boost changes) and returns it.
func BumpSeq(app core.App, messageID string) (int64, error) {
	seq, err := NextSeq(app)
	if err != nil {
		return 0, err
	}
	_, err = app.DB().NewQuery("UPDATE messages SET seq = {:seq} WHERE id = {:id}").
		Bind(dbx.Params{"seq": seq, "id": messageID}).Execute()
	if err != nil {
		return 0, fmt.Errorf("bump seq: %w", err)
	}
	return seq, nil
}

// CheckRawBody refuses a body over the raw limit before anything parses it.
func CheckRawBody(body string) error {
	if len(body) > MaxRawBodyBytes {
		return validation.Errors{"body": ErrBodyTooLarge}
	}
	return nil
}

// Prepare derives every server-owned field of a message from its body: the sanitized HTML with
// mentions resolved against the room's members (non-members lose their mention), plain text, kind,
// sound and mentions; and a client_message_id when the client gave none. It refuses a blank message.
func Prepare(app core.App, msg *core.Record) error {
	raw := msg.GetString("body")
	if err := CheckRawBody(raw); err != nil {
		return err
	}
	if msg.GetString("client_message_id") == "" {
		msg.Set("client_message_id", uuid.NewString())
	}

	var members []richtext.Member
	if strings.Contains(raw, "@") { // only mentions need the member list
		var err error
		if members, err = roomMembers(app, msg.GetString("room")); err != nil {
			return err
		}
	}
	body := richtext.Prepare(raw, members)
	html, plain, mentions := body.HTML, body.Plain, body.Mentions
	if mentions == nil {
		mentions = []string{}
	}

	files := msg.GetUnsavedFiles("attachment")
	hasAttachment := len(files) > 0 || (!msg.IsNew() && msg.GetString("attachment") != "")
	if hasAttachment {
		msg.Set("kind", KindAttachment)
		msg.Set("sound", "")
		if len(files) > 0 && plain == "" {
			plain = files[0].OriginalName // search finds files by name
		}
	} else {
		if body.Blank {
			return validation.Errors{"body": ErrBlank}
		}
		msg.Set("kind", KindText)
		msg.Set("sound", "")
		if name, isCmd := richtext.SoundCommand(plain); isCmd && name != "" {
			if _, ok := sounds.Lookup(name); ok {
				msg.Set("kind", KindSound)
				msg.Set("sound", name)
			}
		}
	}
	msg.Set("body", html)
	msg.Set("plain", plain)
	msg.Set("mentions", mentions)
	return nil
}

// roomMembers lists the members of a room with their names, for mention resolution.
func roomMembers(app core.App, roomID string) ([]richtext.Member, error) {
	rows := []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}{}
	err := app.DB().NewQuery(`SELECT u.id AS id, u.name AS name FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.room = {:room} AND u.status = 'active'`).Bind(dbx.Params{"room": roomID}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("list room members: %w", err)
	}
	out := make([]richtext.Member, len(rows))
	for i, r := range rows {
		out[i] = richtext.Member{ID: r.ID, Name: r.Name}
	}
	return out, nil
}

// Number assigns a new message its number and seq.
func Number(app core.App, msg *core.Record) error {
	n, err := NextNumber(app)
	if err != nil {
		return err
	}
	s, err := NextSeq(app)
	if err != nil {
		return err
	}
	msg.Set("number", n)
	msg.Set("seq", s)
	return nil
}

// MarkDeleted turns a message into a tombstone: body, plain text, attachment and mentions go, the row
// stays so that catch-up can report the deletion. The caller saves it.
func MarkDeleted(msg *core.Record) {
	msg.Set("deleted_at", types.NowDateTime())
	msg.Set("body", "")
	msg.Set("plain", "")
	msg.Set("mentions", []string{})
	msg.Set("attachment", nil)
}

// IsDeleted reports whether a message is a tombstone.
func IsDeleted(msg *core.Record) bool { return !msg.GetDateTime("deleted_at").IsZero() }

// FindByClientID returns the message a creator posted with a client_message_id.
func FindByClientID(app core.App, creatorID, clientID string) (*core.Record, error) {
	if creatorID == "" || clientID == "" {
		return nil, errors.New("find by client id: empty key")
	}
	// a plain indexed lookup (UNIQUE(creator, client_message_id)): it runs before every post, so no
	// filter parsing
	msg := &core.Record{}
	err := app.RecordQuery("messages").
		AndWhere(dbx.HashExp{"creator": creatorID, "client_message_id": clientID}).
		Limit(1).One(msg)
	if err != nil {
		return nil, err
	}
	return msg, nil
}
