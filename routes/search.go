package routes

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/search"
)

func bindSearch(g *router.RouterGroup[*core.RequestEvent]) {
	g.GET("/search", func(e *core.RequestEvent) error {
		q := strings.TrimSpace(e.Request.URL.Query().Get("q"))
		if q == "" {
			return e.BadRequestError("Type something to search for.", nil)
		}
		if len(q) > search.MaxQueryLen {
			return e.BadRequestError("The search is too long.", nil)
		}
		items, err := search.Run(e.App, e.Auth.Id, q)
		if err != nil {
			return e.BadRequestError("Search failed.", err)
		}
		attachments.SignURLs(items, e.Auth)
		if err := search.Remember(e.App, e.Auth.Id, q); err != nil {
			e.App.Logger().Warn("remember search", "error", err)
		}
		return e.JSON(http.StatusOK, map[string]any{"items": items})
	})

	g.DELETE("/searches", func(e *core.RequestEvent) error {
		if err := search.Forget(e.App, e.Auth.Id); err != nil {
			return e.BadRequestError("Failed to clear searches.", err)
		}
		return e.NoContent(http.StatusNoContent)
	})
}
