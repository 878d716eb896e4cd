// Package routes holds Campfire's HTTP endpoints under /api/campfire, one file per resource, in
// PocketBase's JSON and error shapes: 200 with JSON, 204 without a body, 400 invalid input, 401 not
// signed in, 403 not allowed, 404 unknown or invisible, 429 too many. Handlers stay thin: the domain
// packages (accounts, rooms, messages, search, realtime) do the work.
package routes

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Version is reported by /api/campfire/status; the binary sets it at build time.
var Version = "dev"

// Register binds every route when the server starts.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfireRoutes",
		Func: func(se *core.ServeEvent) error {
			// the first run makes the first superuser; PocketBase's own installer link is not needed
			se.InstallerFunc = nil
			bind(se.Router)
			return se.Next()
		},
	})
}

func bind(r *router.Router[*core.RequestEvent]) {
	public := r.Group("/api/campfire")
	bindStatus(public)
	bindFirstRun(public)
	bindJoin(public)
	bindAccountStyles(public)

	g := r.Group("/api/campfire")
	g.Bind(apis.RequireAuth("users"), requireActive())
	bindAccount(g)
	bindRooms(g)
	bindHistory(g)
	bindInvolvement(g)
	bindRead(g)
	bindTyping(g)
	bindPresence(g)
	bindSearch(g)
	bindUnfurl(g)
	bindSounds(public)
	bindGuards(r)
	bindUsers(g)
	bindSessions(public, g)
}

// requireActive refuses users who are no longer active (their tokens are revoked too; this is the
// belt to those braces).
func requireActive() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "campfireRequireActive",
		Func: func(e *core.RequestEvent) error {
			if e.Auth == nil || e.Auth.GetString("status") != "active" {
				return e.UnauthorizedError("The request requires a signed-in, active user.", nil)
			}
			return e.Next()
		},
	}
}

// isAdmin reports whether the caller is a Campfire administrator.
func isAdmin(e *core.RequestEvent) bool {
	return e.Auth != nil && e.Auth.GetString("role") == "administrator"
}
