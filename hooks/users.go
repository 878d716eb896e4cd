package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/bans"
	"github.com/pocketcampfire/campfire/realtime"
)

// Roles.
const (
	RoleMember        = "member"
	RoleAdministrator = "administrator"
	RoleBot           = "bot"
)

func bindUsers(app core.App) {
	// Who may change what on a user through the record API (SPEC §3): oneself name, avatar, bio and
	// password (with the old one, which PocketBase requires of non-managers); an administrator only the
	// role of others, never their own, and never to or from bot. Everything else is route-only.
	app.OnRecordUpdateRequest("users").BindFunc(func(e *core.RecordRequestEvent) error {
		if isSuperuser(e.Auth) {
			return e.Next()
		}
		self := e.Auth != nil && e.Auth.Id == e.Record.Id
		routeOnly := []string{"email", "emailVisibility", "verified", "status", "bot_token_hash", "webhook_url", "webhook_secret"}
		keepOriginal(e.Record, routeOnly...)
		if self {
			keepOriginal(e.Record, "role")
			return e.Next()
		}
		// an administrator editing someone else: the role, and nothing else
		keepOriginal(e.Record, "name", "avatar", "bio", "password", "tokenKey")
		original := e.Record.Original()
		newRole := e.Record.GetString("role")
		if original.GetString("role") == RoleBot || (newRole != RoleMember && newRole != RoleAdministrator) {
			keepOriginal(e.Record, "role")
		}
		return e.Next()
	})

	// Administrators see everyone's email; PocketBase already shows it to its owner.
	app.OnRecordEnrich("users").BindFunc(func(e *core.RecordEnrichEvent) error {
		if e.RequestInfo != nil && e.RequestInfo.Auth != nil && e.RequestInfo.Auth.GetString("role") == RoleAdministrator &&
			e.RequestInfo.Auth.Collection().Name == "users" {
			e.Record.IgnoreEmailVisibility(true)
		}
		return e.Next()
	})

	// Defaults for users made by any path (routes, CLI, dashboard).
	app.OnRecordCreate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("role") == "" {
			e.Record.Set("role", RoleMember)
		}
		if e.Record.GetString("status") == "" {
			e.Record.Set("status", "active")
		}
		return e.Next()
	})

	// A change of role, status or tokenKey (role changes, deactivation, bans, sign-out everywhere,
	// password and email changes) ends the user's realtime connections once committed: they reconnect
	// and subscribe again with fresh auth, or not at all when their tokens died.
	app.OnRecordUpdate("users").BindFunc(func(e *core.RecordEvent) error {
		original := e.Record.Original()
		before := [3]string{original.GetString("role"), original.GetString("status"), original.TokenKey()}
		if err := e.Next(); err != nil {
			return err
		}
		after := [3]string{e.Record.GetString("role"), e.Record.GetString("status"), e.Record.TokenKey()}
		if before == after {
			return nil
		}
		userID, hub := e.Record.Id, realtime.HubFor(e.App)
		if e.App.IsTransactional() {
			e.App.TxInfo().OnComplete(func(txErr error) error {
				if txErr == nil {
					hub.EndUser(userID)
				}
				return nil
			})
			return nil
		}
		hub.EndUser(userID)
		return nil
	})

	// Sign-ins note the address a user comes from (for IP bans; public addresses only).
	app.OnRecordAuthRequest("users").BindFunc(func(e *core.RecordAuthRequestEvent) error {
		bans.Seen(e.App, e.Record.Id, e.RealIP())
		return e.Next()
	})
}
