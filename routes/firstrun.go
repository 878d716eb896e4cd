package routes

import (
	"errors"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
)

func bindFirstRun(g *router.RouterGroup[*core.RequestEvent]) {
	g.POST("/first-run", func(e *core.RequestEvent) error {
		if accounts.IsSetUp(e.App) {
			return e.ForbiddenError("The account is already set up.", nil)
		}
		var p accounts.Person
		if err := e.BindBody(&p); err != nil {
			return e.BadRequestError("Invalid body.", err)
		}
		user, err := accounts.FirstRun(e.App, p)
		if errors.Is(err, accounts.ErrAlreadySetUp) {
			return e.ForbiddenError("The account is already set up.", nil)
		}
		if err != nil {
			return e.BadRequestError("Failed to set up the account.", err)
		}
		return apis.RecordAuthResponse(e, user, "password", nil)
	})
}
