package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
)

func bindAccount(g *router.RouterGroup[*core.RequestEvent]) {
	g.POST("/account/join-code", func(e *core.RequestEvent) error {
		if !isAdmin(e) {
			return e.ForbiddenError("Only administrators can change the join link.", nil)
		}
		code, err := accounts.RegenerateJoinCode(e.App)
		if err != nil {
			return e.BadRequestError("Failed to change the join link.", err)
		}
		return e.JSON(http.StatusOK, map[string]any{"join_code": code})
	})
}

// bindAccountStyles serves the custom CSS as its own resource: text/css with nosniff, never inlined
// into HTML, under the app's strict Content-Security-Policy.
func bindAccountStyles(g *router.RouterGroup[*core.RequestEvent]) {
	g.GET("/account/styles.css", func(e *core.RequestEvent) error {
		css := ""
		if acc, err := accounts.Find(e.App); err == nil {
			css = acc.GetString("custom_styles")
		}
		h := e.Response.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		return e.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(css))
	})
}
