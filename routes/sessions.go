package routes

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
)

// bindSessions binds sign-in transfer links (made by a signed-in user, redeemed signed out) and
// "sign out everywhere".
func bindSessions(public, g *router.RouterGroup[*core.RequestEvent]) {
	g.POST("/sessions/transfer", createTransfer)
	g.POST("/sessions/revoke-all", revokeAllSessions)
	public.POST("/sessions/transfer/{token}", redeemTransfer)
}

// createTransfer makes a single-use sign-in link valid 4 hours: for the caller, or, for an
// administrator, for any user who can sign in.
func createTransfer(e *core.RequestEvent) error {
	var body struct {
		User string `json:"user"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("Invalid body.", err)
	}
	user := e.Auth
	if body.User != "" && body.User != e.Auth.Id {
		if !isAdmin(e) {
			return e.ForbiddenError("Only administrators can make sign-in links for others.", nil)
		}
		u, err := e.App.FindRecordById("users", body.User)
		if err != nil {
			return e.NotFoundError("User not found.", nil)
		}
		user = u
	}
	if !accounts.CanSignIn(user) {
		return e.BadRequestError("This user cannot sign in.", nil)
	}
	t, err := accounts.NewTransfer(e.App, user)
	if err != nil {
		return e.BadRequestError("Failed to make a sign-in link.", err)
	}
	return e.JSON(http.StatusOK, map[string]any{
		"url":     origin(e) + t.Path(),
		"path":    t.Path(),
		"expires": t.Expires,
	})
}

// redeemTransfer spends a sign-in link and signs its user in.
func redeemTransfer(e *core.RequestEvent) error {
	user, err := accounts.RedeemTransfer(e.App, e.Request.PathValue("token"))
	switch {
	case errors.Is(err, accounts.ErrTransferUsed):
		return e.BadRequestError("This sign-in link was already used. Make a new one.", nil)
	case errors.Is(err, accounts.ErrTransferExpired):
		return e.BadRequestError("This sign-in link has expired. Make a new one.", nil)
	case errors.Is(err, accounts.ErrTransferInvalid):
		return e.BadRequestError("This sign-in link is not valid.", nil)
	case err != nil:
		return e.BadRequestError("Failed to sign in with this link.", err)
	}
	return apis.RecordAuthResponse(e, user, "transfer", nil)
}

// revokeAllSessions signs the caller out everywhere: every token dies, realtime connections end.
func revokeAllSessions(e *core.RequestEvent) error {
	if err := accounts.RevokeSessions(e.App, e.Auth); err != nil {
		return e.BadRequestError("Failed to sign out everywhere.", err)
	}
	return e.NoContent(http.StatusNoContent)
}

// origin is the scheme and host the request came to (behind a trusted proxy, its forwarded scheme).
func origin(e *core.RequestEvent) string {
	scheme := "http"
	if e.IsTLS() || (len(e.App.Settings().TrustedProxy.Headers) > 0 && e.Request.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + e.Request.Host
}
