package routes

import (
	"encoding/json/v2"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

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
		res, err := search.Run(e.App, e.Auth, q)
		if err != nil {
			return e.BadRequestError("Search failed.", err)
		}
		// noted in memory, written in a batch (search.FlushDelay)
		if err := search.Remember(e.App, e.Auth.Id, q); err != nil {
			e.App.Logger().Warn("remember search", "error", err)
		}
		if e.Request.URL.Query().Has("fields") { // PocketBase's field picking works on the value
			var v any
			if err := json.Unmarshal(res.JSON, &v); err != nil {
				return e.InternalServerError("Search failed.", err)
			}
			return e.JSON(http.StatusOK, v)
		}
		return e.Blob(http.StatusOK, "application/json", res.JSON)
	})

	g.DELETE("/searches", func(e *core.RequestEvent) error {
		if err := search.Forget(e.App, e.Auth.Id); err != nil {
			return e.BadRequestError("Failed to clear searches.", err)
		}
		return e.NoContent(http.StatusNoContent)
	})
}
