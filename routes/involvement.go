package routes

import (
	"net/http"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/rooms"
)

func bindInvolvement(g *router.RouterGroup[*core.RequestEvent]) {
	g.PUT("/rooms/{id}/involvement", func(e *core.RequestEvent) error {
		m, err := rooms.FindMembership(e.App, e.Request.PathValue("id"), e.Auth.Id)
		if err != nil {
			return e.NotFoundError("", nil)
		}
		var f struct {
			Involvement string `json:"involvement"`
		}
		if err := e.BindBody(&f); err != nil {
			return e.BadRequestError("Invalid body.", err)
		}
		if !slices.Contains(rooms.Involvements, f.Involvement) {
			return e.BadRequestError("Involvement is one of invisible, nothing, mentions, everything.", nil)
		}
		m.Set("involvement", f.Involvement)
		if err := e.App.Save(m); err != nil {
			return e.BadRequestError("Failed to change the involvement.", err)
		}
		return e.JSON(http.StatusOK, m)
	})
}
