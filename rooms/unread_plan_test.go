package rooms_test

import (
	"strings"
	"testing"

	"github.com/pocketcampfire/campfire/testkit"
)

// TestMarkUnreadVisitsOnlyReadMemberships: marking a room unread runs in every post's write
// transaction; its UPDATE (the form of rooms.MarkUnread's) must use the index of read memberships,
// not walk all of a big room's members.
func TestMarkUnreadVisitsOnlyReadMemberships(t *testing.T) {
	w := testkit.Setup(t)
	plan := testkit.QueryPlan(t, w.App, `UPDATE memberships SET unread_at = 'x'
		WHERE room = 'r' AND unread_at = '' AND involvement != 'invisible' AND user NOT IN ('a') RETURNING user`, nil)
	if len(plan) == 0 || !strings.Contains(plan[0], "idx_memberships_room_read") {
		t.Fatalf("mark unread does not use the read-memberships index: %q", plan)
	}
}
