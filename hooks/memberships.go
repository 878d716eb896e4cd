package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
)

func bindMemberships(app core.App) {
	// Losing a membership ends that room's realtime topic for the user at once, from any path (route,
	// room deletion cascade, deactivation).
	app.OnRecordAfterDeleteSuccess("memberships").BindFunc(func(e *core.RecordEvent) error {
		userID, roomID := e.Record.GetString("user"), e.Record.GetString("room")
		hub := realtime.HubFor(e.App)
		hub.EndRoomAccess(userID, roomID)
		_ = hub.PublishUser(userID, map[string]any{"type": "room.deleted", "room": map[string]any{"id": roomID}})
		triggerMembership(e.App, roomID, userID, nil)
		return e.Next()
	})
	app.OnRecordAfterCreateSuccess("memberships").BindFunc(func(e *core.RecordEvent) error {
		userID, roomID := e.Record.GetString("user"), e.Record.GetString("room")
		if room, err := e.App.FindRecordById("rooms", roomID); err == nil {
			_ = realtime.HubFor(e.App).PublishUser(userID, map[string]any{"type": "room.created", "room": rooms.Summary(room)})
		}
		triggerMembership(e.App, roomID, userID, e.Record)
		return e.Next()
	})
	app.OnRecordAfterUpdateSuccess("memberships").BindFunc(func(e *core.RecordEvent) error {
		triggerMembership(e.App, e.Record.GetString("room"), e.Record.GetString("user"), e.Record)
		return e.Next()
	})
}

func triggerMembership(app core.App, roomID, userID string, m *core.Record) {
	ev := &events.MembershipEvent{App: app, RoomID: roomID, UserID: userID, Membership: m, Removed: m == nil}
	if err := events.For(app).MembershipChanged.Trigger(ev, func(*events.MembershipEvent) error { return nil }); err != nil {
		app.Logger().Error("campfire membership hook", "error", err)
	}
}
