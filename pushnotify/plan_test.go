package pushnotify_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/pocketcampfire/campfire/pushnotify"
	"github.com/pocketcampfire/campfire/testkit"
)

// TestRecipientsQueryStartsFromPushSubscriptions: the planner runs in every post's write transaction,
// so it must read the few push subscriptions first, never walk a big room's memberships.
func TestRecipientsQueryStartsFromPushSubscriptions(t *testing.T) {
	w := testkit.Setup(t)
	plan := testkit.QueryPlan(t, w.App, pushnotify.RecipientsQuery, dbx.Params{"room": w.AllTalk.Id, "author": w.Admin.Id})
	if len(plan) == 0 || !strings.Contains(plan[0], " s ") {
		t.Fatalf("the recipients query does not start from push_subscriptions: %q", plan)
	}
}
