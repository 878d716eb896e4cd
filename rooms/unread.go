package rooms

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// MarkUnread marks roomID unread for its members who are not the author, not invisible, not present
// (isPresent) and not already unread. It returns the user ids it marked, for their live sidebar update.
func MarkUnread(app core.App, roomID, authorID string, at types.DateTime, isPresent func(userID string) bool) ([]string, error) {
	var candidates []string
	err := app.DB().NewQuery(`SELECT user FROM memberships
		WHERE room = {:room} AND user != {:author} AND involvement != 'invisible' AND unread_at = ''`).
		Bind(dbx.Params{"room": roomID, "author": authorID}).Column(&candidates)
	if err != nil {
		return nil, fmt.Errorf("find unread candidates: %w", err)
	}
	marked := candidates[:0]
	for _, id := range candidates {
		if isPresent != nil && isPresent(id) {
			continue
		}
		marked = append(marked, id)
	}
	if len(marked) == 0 {
		return nil, nil
	}
	in := make([]any, len(marked))
	for i, id := range marked {
		in[i] = id
	}
	_, err = app.DB().Update("memberships", dbx.Params{"unread_at": at.String()},
		dbx.And(dbx.HashExp{"room": roomID}, dbx.In("user", in...))).Execute()
	if err != nil {
		return nil, fmt.Errorf("mark unread: %w", err)
	}
	return marked, nil
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
