// Package hooks binds Campfire's behaviour to PocketBase's record events, one file per collection.
// Hooks overwrite every server-owned field, so the record API can be used directly by clients
// (POST /api/collections/messages/records) without trusting anything they send beyond their input.
package hooks

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/groupcommit"
	"github.com/pocketcampfire/campfire/ratelimit"
)

// Register binds every collection's hooks.
func Register(app core.App) {
	bindMessages(app)
	bindBoosts(app)
	bindUsers(app)
	bindAccount(app)
	bindMemberships(app)
	bindBans(app)
	bindSessionTransfers(app)
	ratelimit.Register(app) // the per-user posting limit on message creates
	bindAttachments(app)
}

// isSuperuser reports whether a request is made by a PocketBase superuser (the dashboard).
func isSuperuser(auth *core.Record) bool {
	return auth != nil && auth.IsSuperuser()
}

// keepOriginal resets fields of an updated record to their stored values.
func keepOriginal(record *core.Record, fields ...string) {
	original := record.Original()
	for _, f := range fields {
		record.SetRaw(f, original.GetRaw(f))
	}
}

// writeError turns the writer's refusal under overload into a 503 (the routes' guard adds
// Retry-After); other errors pass unchanged.
func writeError(err error) error {
	if errors.Is(err, groupcommit.ErrBusy) {
		return apis.NewApiError(http.StatusServiceUnavailable, "The server is busy. Try again in a moment.", nil)
	}
	return err
}
