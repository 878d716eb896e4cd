package rooms_test

import (
	"strings"
	"testing"

	"github.com/pocketcampfire/campfire/testkit"
)

// TestMarkUnreadVisitsOnlyReadMemberships: marking a room unread runs in every post's write
// transaction; it must use the index of read memberships, not walk all of a big room's members.
func TestMarkUnreadVisitsOnlyReadMemberships(t *testing.T) {
	w := testkit.Setup(t)
	var plan []struct {
		Detail string `db:"detail"`
	}
	err := w.App.DB().NewQuery(`EXPLAIN QUERY PLAN UPDATE memberships SET unread_at = 'x'
		WHERE room = 'r' AND unread_at = '' AND involvement != 'invisible' AND user NOT IN ('a') RETURNING user`).All(&plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) == 0 || !strings.Contains(plan[0].Detail, "idx_memberships_room_read") {
		t.Fatalf("mark unread does not use the read-memberships index: %v", plan)
	}
}
