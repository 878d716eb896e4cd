package routes

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/rooms"
)

func bindHistory(g *router.RouterGroup[*core.RequestEvent]) {
	g.GET("/rooms/{id}/messages", func(e *core.RequestEvent) error {
		roomID := e.Request.PathValue("id")
		if !rooms.IsMember(e.App, roomID, e.Auth.Id) {
			return e.NotFoundError("", nil)
		}
		q := e.Request.URL.Query()
		before, okB := cursor(q.Get("before"))
		after, okA := cursor(q.Get("after"))
		limit, okL := cursor(q.Get("limit"))
		if !okB || !okA || !okL {
			return e.BadRequestError("before, after and limit are positive integers.", nil)
		}
		if before > 0 && after > 0 {
			return e.BadRequestError("Use before or after, not both.", nil)
		}
		page, err := messages.History(e.App, roomID, before, after, int(limit))
		if err != nil {
			return e.BadRequestError("Failed to load messages.", err)
		}
		attachments.SignURLs(page.Items, e.Auth)
		return e.JSON(http.StatusOK, page)
	})

	g.GET("/rooms/{id}/changes", func(e *core.RequestEvent) error {
		roomID := e.Request.PathValue("id")
		if !rooms.IsMember(e.App, roomID, e.Auth.Id) {
			return e.NotFoundError("", nil)
		}
		since, ok := cursor(e.Request.URL.Query().Get("since"))
		if !ok {
			return e.BadRequestError("since is a non-negative integer.", nil)
		}
		cs, err := messages.Changes(e.App, roomID, since)
		if err != nil {
			return e.BadRequestError("Failed to load changes.", err)
		}
		attachments.SignURLs(cs.Messages, e.Auth)
		return e.JSON(http.StatusOK, cs)
	})
}

// cursor parses an optional non-negative integer query value ("" is 0).
func cursor(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
