package realtime

import (
	"net/http"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/rooms"
)

// Register binds the hub to PocketBase's realtime connect and subscribe requests.
func Register(app core.App) {
	hub := HubFor(app)

	app.OnRealtimeConnectRequest().Bind(&hook.Handler[*core.RealtimeConnectRequestEvent]{
		Id: "campfireRealtimeConnect",
		Func: func(e *core.RealtimeConnectRequestEvent) error {
			e.Client = wrapClient(e.Client)
			hub.open(e.Client)
			defer hub.close(e.Client.Id())
			return e.Next() // blocks for the life of the connection
		},
	})

	// the queued events of a connection go out in one burst when its loop takes the wake-up (first, so
	// that other send hooks see the events themselves, never the wake-up)
	app.OnRealtimeMessageSend().Bind(&hook.Handler[*core.RealtimeMessageEvent]{
		Id:       "campfireRealtimeQueued",
		Priority: -1000,
		Func: func(e *core.RealtimeMessageEvent) error {
			if e.Message == nil || e.Message.Name != wakeName {
				return e.Next()
			}
			return hub.writeQueued(e)
		},
	})

	// departures nobody reports (stale heartbeats, ended grace periods) are announced by a sweep
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.App.Cron().MustAdd("campfirePresenceSweep", "* * * * *", hub.SweepPresence)
		return se.Next()
	})

	app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{
		Id: "campfireRealtimeSubscribe",
		Func: func(e *core.RealtimeSubscribeRequestEvent) error {
			allowed, ours, refused := authorize(e.App, e.Auth, e.Subscriptions)
			if refused > 0 && len(allowed) == 0 {
				return e.ForbiddenError("You may not subscribe to these topics.", nil)
			}
			e.Subscriptions = allowed
			userID := ""
			if e.Auth != nil {
				userID = e.Auth.Id
			}
			// index before PocketBase answers: a client that catches up with changes?since= right after
			// the 204 must not miss an event published in between
			previousUser, previous := hub.subscriptionsOf(e.Client.Id())
			hub.setSubscriptions(e.Client, userID, ours)
			if err := e.Next(); err != nil {
				hub.setSubscriptions(e.Client, previousUser, previous)
				return err
			}
			return nil
		},
	})
}

// writeQueued writes every event queued for the connection, each through the whole send hook chain
// (Go and JS OnRealtimeMessageSend handlers still see every event), and flushes once at the end.
func (h *Hub) writeQueued(e *core.RealtimeMessageEvent) error {
	c := h.conn(e.Client.Id())
	if c == nil {
		return nil
	}
	batch := c.take()
	if len(batch) == 0 {
		return nil
	}
	// the burst is gathered in memory and written at once: through the response's 4 KB buffer, events
	// of a kilobyte or more would cost a write every few events. The loop of a connection is one
	// goroutine, so swapping its writer for the burst is safe.
	real := e.Response
	buf := burstPool.Get().(*burst)
	defer burstPool.Put(buf)
	buf.ResponseWriter, buf.data = real, buf.data[:0]
	e.Response = buf
	defer func() { e.Response = real }()
	for i := range batch {
		ev := &core.RealtimeMessageEvent{RequestEvent: e.RequestEvent, Client: e.Client, Message: &batch[i]}
		if err := e.App.OnRealtimeMessageSend().Trigger(ev, writeSSE); err != nil {
			return err // the loop ends the connection; the client reconnects and catches up
		}
	}
	e.Response = real
	buf.ResponseWriter = nil
	if _, err := real.Write(buf.data); err != nil {
		return err
	}
	if cap(buf.data) > 1<<20 {
		buf.data = nil // do not keep a rare huge burst's memory
	}
	return e.Flush()
}

// burst collects the events of a burst; its flushes are deferred to the end of the burst
// (http.ResponseController calls FlushError first).
type burst struct {
	http.ResponseWriter
	data []byte
}

func (b *burst) Write(p []byte) (int, error) {
	b.data = append(b.data, p...)
	return len(p), nil
}

func (b *burst) FlushError() error { return nil }

var burstPool = sync.Pool{New: func() any { return &burst{data: make([]byte, 0, 16<<10)} }}

// writeSSE is PocketBase's own last step of sending a message (its flush is deferred in a burst).
func writeSSE(e *core.RealtimeMessageEvent) error {
	if err := e.Message.WriteSSE(e.Response, e.Client.Id()); err != nil {
		return err
	}
	return e.Flush()
}

// authorize keeps the subscriptions the caller may have: PocketBase's own topics pass through (its
// rules judge them per event), Campfire topics need an active user who is a member of the room or
// the owner of the user topic. It returns the kept subscriptions, the kept Campfire topics (bare
// topic -> names) and how many subscriptions it dropped.
func authorize(app core.App, auth *core.Record, subs []string) ([]string, map[string][]string, int) {
	allowed := make([]string, 0, len(subs))
	ours := map[string][]string{}
	refused := 0
	active := auth != nil && auth.Collection().Name == "users" && auth.GetString("status") == "active"
	for _, sub := range subs {
		topic := bareTopic(sub)
		ok := true
		switch {
		case strings.HasPrefix(topic, RoomTopicPrefix):
			roomID := strings.TrimPrefix(topic, RoomTopicPrefix)
			ok = active && rooms.IsMember(app, roomID, auth.Id)
		case strings.HasPrefix(topic, UserTopicPrefix):
			ok = active && strings.TrimPrefix(topic, UserTopicPrefix) == auth.Id
		case strings.HasPrefix(topic, "campfire/"):
			ok = false // no other Campfire topics exist
		}
		if !ok {
			refused++
			continue
		}
		allowed = append(allowed, sub)
		if strings.HasPrefix(topic, "campfire/") {
			ours[topic] = append(ours[topic], sub)
		}
	}
	return allowed, ours, refused
}

// userName looks up a user's display name for presence and typing events.
func (h *Hub) userName(userID string) string {
	u, err := h.app.FindRecordById("users", userID)
	if err != nil {
		return ""
	}
	return u.GetString("name")
}
