package rooms

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Change is an edit of a shared room: a new name, a new kind (open ↔ closed) and, for a closed room,
// the complete member list (SetMembers distinguishes "no change" from "nobody but the creator").
type Change struct {
	Kind       *string
	Name       *string
	Members    []string
	SetMembers bool
}

// Update applies a change to a shared room. Converting to open gives every active user a membership;
// a closed room's member list is replaced when SetMembers is true (the creator always stays). Run it
// inside a transaction; membership hooks end the realtime topics of removed members.
func Update(app core.App, room *core.Record, c Change) error {
	if !IsShared(room.GetString("kind")) {
		return fmt.Errorf("update room: %s rooms cannot be changed", room.GetString("kind"))
	}
	if c.Name != nil {
		room.Set("name", strings.TrimSpace(*c.Name))
	}
	if c.Kind != nil {
		if !IsShared(*c.Kind) {
			return fmt.Errorf("update room: kind %q", *c.Kind)
		}
		room.Set("kind", *c.Kind)
	}
	if err := app.Save(room); err != nil {
		return fmt.Errorf("save room: %w", err)
	}

	if room.GetString("kind") == Open {
		ids, err := ActiveUserIDs(app)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, _, err := AddMember(app, room, id); err != nil {
				return err
			}
		}
		return nil
	}
	if !c.SetMembers {
		return nil
	}
	want := map[string]bool{room.GetString("creator"): true}
	for _, id := range c.Members {
		want[id] = true
	}
	current, err := MemberIDs(app, room.Id)
	if err != nil {
		return err
	}
	for _, id := range current {
		if !want[id] {
			if _, err := RemoveMember(app, room.Id, id); err != nil {
				return err
			}
		}
	}
	for id := range want {
		if id == "" {
			continue
		}
		if _, _, err := AddMember(app, room, id); err != nil {
			return err
		}
	}
	return nil
}
