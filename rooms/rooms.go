// Package rooms is the room domain: kinds, memberships, involvement, unread marks and direct-room keys.
// Hooks, routes, realtime and push all ask this package; none of them re-implements a membership check.
//
// Open rooms hold a membership for every active user (bots and later users included), so "who may see
// this room" is always one indexed lookup in memberships.
package rooms

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Room kinds.
const (
	Open   = "open"
	Closed = "closed"
	Direct = "direct"
)

// Involvement levels, from least to most notified.
const (
	Invisible  = "invisible"
	Nothing    = "nothing"
	Mentions   = "mentions"
	Everything = "everything"
)

// Involvements lists the valid involvement values.
var Involvements = []string{Invisible, Nothing, Mentions, Everything}

// ErrNotFound is returned for a room that does not exist or that the caller may not see.
var ErrNotFound = errors.New("room not found")

// DefaultInvolvement is the involvement a new member gets: direct rooms notify everything.
func DefaultInvolvement(kind string) string {
	if kind == Direct {
		return Everything
	}
	return Mentions
}

// IsShared reports whether a room kind is a shared (named) room.
func IsShared(kind string) bool { return kind == Open || kind == Closed }

// IsMember reports whether userID holds a membership of roomID.
func IsMember(app core.App, roomID, userID string) bool {
	if roomID == "" || userID == "" {
		return false
	}
	var one int
	err := app.DB().NewQuery("SELECT 1 FROM memberships WHERE room = {:room} AND user = {:user} LIMIT 1").
		Bind(dbx.Params{"room": roomID, "user": userID}).Row(&one)
	return err == nil && one == 1
}

// FindMembership returns the membership of userID in roomID.
func FindMembership(app core.App, roomID, userID string) (*core.Record, error) {
	m, err := app.FindFirstRecordByFilter("memberships", "room = {:room} && user = {:user}",
		dbx.Params{"room": roomID, "user": userID})
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("find membership: %w", err)
	}
	return m, nil
}

// FindVisible returns the room when user is one of its members, else ErrNotFound.
func FindVisible(app core.App, roomID string, user *core.Record) (*core.Record, error) {
	room, err := app.FindRecordById("rooms", roomID)
	if err != nil {
		return nil, ErrNotFound
	}
	if IsMember(app, roomID, user.Id) {
		return room, nil
	}
	return nil, ErrNotFound
}

// MemberIDs lists the user ids of a room's members.
func MemberIDs(app core.App, roomID string) ([]string, error) {
	var ids []string
	err := app.DB().NewQuery("SELECT user FROM memberships WHERE room = {:room}").
		Bind(dbx.Params{"room": roomID}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return ids, nil
}

// DirectKey is the identity of a direct room: its member ids, unique, sorted, comma-joined.
func DirectKey(userIDs []string) string {
	ids := slices.Clone(userIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return strings.Join(ids, ",")
}

// AddMember gives userID a membership of room (no-op when present) and returns it.
func AddMember(app core.App, room *core.Record, userID string) (*core.Record, bool, error) {
	if m, err := FindMembership(app, room.Id, userID); err == nil {
		return m, false, nil
	}
	col, err := app.FindCachedCollectionByNameOrId("memberships")
	if err != nil {
		return nil, false, fmt.Errorf("memberships collection: %w", err)
	}
	m := core.NewRecord(col)
	m.Set("room", room.Id)
	m.Set("user", userID)
	m.Set("involvement", DefaultInvolvement(room.GetString("kind")))
	if err := app.Save(m); err != nil {
		return nil, false, fmt.Errorf("add member: %w", err)
	}
	return m, true, nil
}

// RemoveMember deletes userID's membership of roomID; it reports whether there was one.
func RemoveMember(app core.App, roomID, userID string) (bool, error) {
	m, err := FindMembership(app, roomID, userID)
	if err != nil {
		return false, nil
	}
	if err := app.Delete(m); err != nil {
		return false, fmt.Errorf("remove member: %w", err)
	}
	return true, nil
}

// ActiveUserIDs lists every active user (members, administrators and bots).
func ActiveUserIDs(app core.App) ([]string, error) {
	var ids []string
	err := app.DB().NewQuery("SELECT id FROM users WHERE status = 'active'").Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("list active users: %w", err)
	}
	return ids, nil
}

// OpenRoomIDs lists every open room.
func OpenRoomIDs(app core.App) ([]string, error) {
	var ids []string
	err := app.DB().NewQuery("SELECT id FROM rooms WHERE kind = 'open'").Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("list open rooms: %w", err)
	}
	return ids, nil
}

// JoinOpenRooms makes a new (or reactivated) user a member of every open room.
func JoinOpenRooms(app core.App, userID string) ([]*core.Record, error) {
	ids, err := OpenRoomIDs(app)
	if err != nil {
		return nil, err
	}
	var added []*core.Record
	for _, id := range ids {
		room, err := app.FindRecordById("rooms", id)
		if err != nil {
			return nil, fmt.Errorf("find open room: %w", err)
		}
		m, isNew, err := AddMember(app, room, userID)
		if err != nil {
			return nil, err
		}
		if isNew {
			added = append(added, m)
		}
	}
	return added, nil
}

// New builds an unsaved room record.
func New(app core.App, kind, name, creatorID string) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId("rooms")
	if err != nil {
		return nil, fmt.Errorf("rooms collection: %w", err)
	}
	room := core.NewRecord(col)
	room.Set("kind", kind)
	room.Set("name", strings.TrimSpace(name))
	room.Set("creator", creatorID)
	return room, nil
}

// Create saves a shared room with its members: everyone active for an open room, the creator plus
// memberIDs for a closed one. Run it inside a transaction.
func Create(app core.App, kind, name, creatorID string, memberIDs []string) (*core.Record, error) {
	if !IsShared(kind) {
		return nil, fmt.Errorf("create room: kind %q is not a shared kind", kind)
	}
	room, err := New(app, kind, name, creatorID)
	if err != nil {
		return nil, err
	}
	if err := app.Save(room); err != nil {
		return nil, fmt.Errorf("save room: %w", err)
	}
	ids := []string{creatorID}
	if kind == Open {
		if ids, err = ActiveUserIDs(app); err != nil {
			return nil, err
		}
	} else {
		ids = append(ids, memberIDs...)
	}
	for _, id := range uniqueNonEmpty(ids) {
		if _, _, err := AddMember(app, room, id); err != nil {
			return nil, err
		}
	}
	return room, nil
}

// FindOrCreateDirect returns the direct room of exactly userIDs, creating it when missing. The UNIQUE
// index on direct_key makes concurrent creations converge on one room.
func FindOrCreateDirect(app core.App, creatorID string, userIDs []string) (*core.Record, bool, error) {
	ids := uniqueNonEmpty(append([]string{creatorID}, userIDs...))
	key := DirectKey(ids)
	if room, err := app.FindFirstRecordByFilter("rooms", "kind = 'direct' && direct_key = {:key}", dbx.Params{"key": key}); err == nil {
		return room, false, nil
	}
	var room *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := New(tx, Direct, "", creatorID)
		if err != nil {
			return err
		}
		r.Set("direct_key", key)
		if err := tx.Save(r); err != nil {
			return err
		}
		for _, id := range ids {
			if _, _, err := AddMember(tx, r, id); err != nil {
				return err
			}
		}
		room = r
		return nil
	})
	if err != nil {
		// lost a race: the other transaction's room wins
		if existing, findErr := app.FindFirstRecordByFilter("rooms", "kind = 'direct' && direct_key = {:key}", dbx.Params{"key": key}); findErr == nil {
			return existing, false, nil
		}
		return nil, false, fmt.Errorf("create direct room: %w", err)
	}
	return room, true, nil
}

// Summary is the short room shape carried by room.* events.
func Summary(room *core.Record) map[string]any {
	return map[string]any{
		"id":              room.Id,
		"name":            room.GetString("name"),
		"kind":            room.GetString("kind"),
		"last_message_at": room.GetDateTime("last_message_at"),
		"direct_key":      room.GetString("direct_key"),
	}
}

// Touch records a room's latest activity without firing record hooks (the post hot path).
func Touch(app core.App, roomID string, at types.DateTime) error {
	_, err := app.DB().NewQuery("UPDATE rooms SET last_message_at = {:at} WHERE id = {:id}").
		Bind(dbx.Params{"at": at.String(), "id": roomID}).Execute()
	if err != nil {
		return fmt.Errorf("touch room: %w", err)
	}
	return nil
}

func uniqueNonEmpty(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
