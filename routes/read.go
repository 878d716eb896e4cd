package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
)

func bindRead(g *router.RouterGroup[*core.RequestEvent]) {
	// Reading a room clears its unread mark on all my tabs and devices (room.read on my user topic).
	g.POST("/rooms/{id}/read", func(e *core.RequestEvent) error {
		roomID := e.Request.PathValue("id")
		room, err := rooms.FindVisible(e.App, roomID, e.Auth)
		if err != nil {
			return e.NotFoundError("", nil)
		}
		cleared, err := rooms.MarkRead(e.App, roomID, e.Auth.Id)
		if err != nil {
			return e.BadRequestError("Failed to mark the room read.", err)
		}
		if cleared {
			_ = realtime.HubFor(e.App).PublishUser(e.Auth.Id, map[string]any{"type": "room.read", "room": rooms.Summary(room)})
		}
		return e.NoContent(http.StatusNoContent)
	})
}
