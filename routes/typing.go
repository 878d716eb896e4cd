package routes

import (
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
)

// typingThrottle drops repeated "typing" notices from one user in one room within this interval;
// clients expire the indicator 5 s after the last notice.
const typingThrottle = time.Second

var lastTyping sync.Map // user id + room id -> time.Time

func bindTyping(g *router.RouterGroup[*core.RequestEvent]) {
	g.POST("/rooms/{id}/typing", func(e *core.RequestEvent) error {
		roomID := e.Request.PathValue("id")
		if !rooms.IsMember(e.App, roomID, e.Auth.Id) {
			return e.NotFoundError("", nil)
		}
		var f struct {
			Typing bool `json:"typing"`
		}
		if err := e.BindBody(&f); err != nil {
			return e.BadRequestError("Invalid body.", err)
		}
		key := e.Auth.Id + "/" + roomID
		now := time.Now()
		if f.Typing {
			if last, ok := lastTyping.Load(key); ok && now.Sub(last.(time.Time)) < typingThrottle {
				return e.NoContent(http.StatusNoContent)
			}
			lastTyping.Store(key, now)
		} else {
			lastTyping.Delete(key)
		}
		_ = realtime.HubFor(e.App).PublishRoom(roomID, map[string]any{
			"type": "typing", "room": roomID, "typing": f.Typing,
			"user": map[string]any{"id": e.Auth.Id, "name": e.Auth.GetString("name")},
		}, e.Auth.Id) // never shown to the typist
		return e.NoContent(http.StatusNoContent)
	})
}
