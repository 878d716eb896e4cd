package routes

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/bans"
)

func bindUsers(g *router.RouterGroup[*core.RequestEvent]) {
	g.POST("/users/me/email", changeEmail)
	g.POST("/users/{id}/deactivate", deactivateUser)
	g.POST("/users/{id}/ban", banUser)
	g.DELETE("/users/{id}/ban", unbanUser)
}

// changeEmail sets the caller's email after checking their password (no confirmation mail). The
// email change gives the user a new tokenKey (PocketBase), so the answer is an auth response with a
// fresh token; every other session of the user ends.
func changeEmail(e *core.RequestEvent) error {
	var body struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("Invalid body.", err)
	}
	user, err := accounts.ChangeEmail(e.App, e.Auth, body.Email, body.Password)
	if errors.Is(err, accounts.ErrWrongPassword) {
		return e.BadRequestError("The password is not correct.", map[string]any{
			"password": map[string]string{"code": "validation_invalid_password", "message": "The password is not correct."},
		})
	}
	if err != nil {
		return e.BadRequestError("Failed to change the email.", err)
	}
	return apis.RecordAuthResponse(e, user, "", nil)
}

// adminTarget loads the user an administrator acts on; it answers the error itself.
func adminTarget(e *core.RequestEvent, action string) (*core.Record, error) {
	if !isAdmin(e) {
		return nil, e.ForbiddenError("Only administrators can "+action+" users.", nil)
	}
	user, err := e.App.FindRecordById("users", e.Request.PathValue("id"))
	if err != nil {
		return nil, e.NotFoundError("User not found.", nil)
	}
	if user.Id == e.Auth.Id {
		return nil, e.ForbiddenError("You cannot "+action+" yourself.", nil)
	}
	return user, nil
}

func deactivateUser(e *core.RequestEvent) error {
	user, err := adminTarget(e, "deactivate")
	if err != nil {
		return err
	}
	if user.GetString("status") == accounts.StatusDeactivated {
		return e.NoContent(http.StatusNoContent)
	}
	if err := accounts.Deactivate(e.App, user); err != nil {
		return e.BadRequestError("Failed to deactivate the user.", err)
	}
	return e.NoContent(http.StatusNoContent)
}

func banUser(e *core.RequestEvent) error {
	user, err := adminTarget(e, "ban")
	if err != nil {
		return err
	}
	if _, err := accounts.Ban(e.App, user, bans.RecentIPs(e.App, user.Id)); err != nil {
		return e.BadRequestError("Failed to ban the user.", err)
	}
	bans.Forget(e.App, user.Id)
	return e.NoContent(http.StatusNoContent)
}

func unbanUser(e *core.RequestEvent) error {
	user, err := adminTarget(e, "unban")
	if err != nil {
		return err
	}
	if _, err := accounts.Unban(e.App, user); err != nil {
		return e.BadRequestError("Failed to unban the user.", err)
	}
	return e.NoContent(http.StatusNoContent)
}
