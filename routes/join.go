package routes

import (
	"errors"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
)

func bindJoin(g *router.RouterGroup[*core.RequestEvent]) {
	g.POST("/join/{code}", func(e *core.RequestEvent) error {
		var p accounts.Person
		if err := e.BindBody(&p); err != nil {
			return e.BadRequestError("Invalid body.", err)
		}
		user, err := accounts.Join(e.App, e.Request.PathValue("code"), p)
		if errors.Is(err, accounts.ErrWrongCode) {
			return e.NotFoundError("This invite link is not valid any more.", nil)
		}
		if err != nil {
			return e.BadRequestError("Failed to join.", err)
		}
		return apis.RecordAuthResponse(e, user, "password", nil)
	})
}
