package routes

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

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
		page, err := messages.HistoryItems(e.App, roomID, before, after, int(limit))
		if err != nil {
			return e.BadRequestError("Failed to load messages.", err)
		}
		messages.SignItems(e.App, page.Items, e.Auth)
		return writeAppended(e, page)
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
		messages.SignItems(e.App, cs.Messages, e.Auth)
		return writeAppended(e, cs)
	})
}

// appender is a value that writes its own JSON (messages.ItemPage, messages.ChangeSet).
type appender interface {
	AppendJSON([]byte) []byte
}

// jsonBuffers hold answers while they are written: a page of history is 40-60 KB.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// writeAppended answers 200 with v's JSON in one write with its length, instead of e.JSON's reflection
// and streamed chunks; e.JSON still serves ?fields= (PocketBase's field picker).
func writeAppended(e *core.RequestEvent, v appender) error {
	if e.Request.URL.Query().Has("fields") {
		return e.JSON(http.StatusOK, v)
	}
	bp := jsonBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 1<<20 { // do not keep a huge changes answer around
			jsonBuffers.Put(bp)
		}
	}()
	*bp = v.AppendJSON((*bp)[:0])
	h := e.Response.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(*bp)))
	e.Response.WriteHeader(http.StatusOK)
	_, err := e.Response.Write(*bp)
	return err
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
