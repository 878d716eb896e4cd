package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/realtime"
)

func bindPresence(g *router.RouterGroup[*core.RequestEvent]) {
	// A heartbeat from one of my realtime connections: held in memory, never written.
	g.POST("/presence", func(e *core.RequestEvent) error {
		var f struct {
			ClientID string `json:"clientId"`
			Visible  bool   `json:"visible"`
		}
		if err := e.BindBody(&f); err != nil {
			return e.BadRequestError("Invalid body.", err)
		}
		if f.ClientID == "" {
			return e.BadRequestError("clientId is required.", nil)
		}
		if !realtime.HubFor(e.App).Heartbeat(f.ClientID, e.Auth.Id, f.Visible) {
			return e.NotFoundError("Unknown realtime client.", nil)
		}
		return e.NoContent(http.StatusNoContent)
	})
}
