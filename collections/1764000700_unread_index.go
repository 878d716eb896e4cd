package collections

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Every post marks the room unread for its members who have read it (rooms.MarkUnread, inside the
// shared write transaction). Indexing only the read memberships of each room lets that UPDATE visit
// just those: in a busy room most members are already unread, and the full scan of a 1,000-member
// room's memberships cost each post about half a millisecond of the single writer's time.
func init() {
	m.Register(upUnreadIndex, downUnreadIndex, "1764000700_unread_index.go")
}

func upUnreadIndex(app core.App) error {
	c, err := app.FindCollectionByNameOrId("memberships")
	if err != nil {
		return fmt.Errorf("find memberships: %w", err)
	}
	c.AddIndex("idx_memberships_room_read", false, "room", "unread_at = ''")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("index read memberships: %w", err)
	}
	return nil
}

func downUnreadIndex(app core.App) error {
	c, err := app.FindCollectionByNameOrId("memberships")
	if err != nil {
		return nil
	}
	c.RemoveIndex("idx_memberships_room_read")
	return app.Save(c)
}
