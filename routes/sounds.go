package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/sounds"
)

func bindSounds(g *router.RouterGroup[*core.RequestEvent]) {
	g.GET("/sounds", func(e *core.RequestEvent) error {
		all := sounds.All()
		items := make([]map[string]any, 0, len(all))
		for _, s := range all {
			items = append(items, map[string]any{"name": s.Name, "text": s.Text, "url": "/api/campfire/sounds/" + s.Name})
		}
		return e.JSON(http.StatusOK, map[string]any{"items": items})
	})
	g.GET("/sounds/{name}", func(e *core.RequestEvent) error {
		data, ok := sounds.Bytes(e.Request.PathValue("name"))
		if !ok {
			return e.NotFoundError("", nil)
		}
		e.Response.Header().Set("Cache-Control", "public, max-age=86400")
		return e.Blob(http.StatusOK, "audio/mpeg", data)
	})
}
