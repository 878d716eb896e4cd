package rooms

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// MarkUnread marks roomID unread for its members who are not the author, not invisible, not among
// present and not already unread, with one statement whatever the room's size. It returns the user
// ids it marked, for their live sidebar update.
func MarkUnread(app core.App, roomID, authorID string, at types.DateTime, present []string) ([]string, error) {
	skip := make([]any, 0, len(present)+1)
	skip = append(skip, authorID)
	for _, id := range present {
		skip = append(skip, id)
	}
	var marked []string
	q := app.DB().NewQuery(`UPDATE memberships SET unread_at = {:at}
		WHERE room = {:room} AND unread_at = '' AND involvement != 'invisible' AND user NOT IN (` + placeholders(len(skip)) + `)
		RETURNING user`)
	params := dbx.Params{"at": at.String(), "room": roomID}
	for i, id := range skip {
		params[fmt.Sprintf("p%d", i)] = id
	}
	if err := q.Bind(params).Column(&marked); err != nil {
		return nil, fmt.Errorf("mark unread: %w", err)
	}
	return marked, nil
}

func placeholders(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "{:p%d}", i)
	}
	return sb.String()
}

// MarkRead clears userID's unread mark on roomID; it reports whether there was one.
func MarkRead(app core.App, roomID, userID string) (bool, error) {
	res, err := app.DB().NewQuery(`UPDATE memberships SET unread_at = '' WHERE room = {:room} AND user = {:user} AND unread_at != ''`).
		Bind(dbx.Params{"room": roomID, "user": userID}).Execute()
	if err != nil {
		return false, fmt.Errorf("mark read: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
