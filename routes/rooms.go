package routes

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
)

type roomForm struct {
	Kind    *string   `json:"kind"`
	Name    *string   `json:"name"`
	Members *[]string `json:"members"`
}

func bindRooms(g *router.RouterGroup[*core.RequestEvent]) {
	g.POST("/rooms", createRoom)
	g.POST("/rooms/direct", createDirectRoom)
	g.PATCH("/rooms/{id}", updateRoom)
	g.DELETE("/rooms/{id}", deleteRoom)
	g.GET("/rooms/{id}/members", listMembers)
}

func createRoom(e *core.RequestEvent) error {
	var f roomForm
	if err := e.BindBody(&f); err != nil {
		return e.BadRequestError("Invalid body.", err)
	}
	kind, name := deref(f.Kind), strings.TrimSpace(deref(f.Name))
	if !rooms.IsShared(kind) {
		return e.BadRequestError("A room is open or closed.", nil)
	}
	if name == "" || len([]rune(name)) > 100 {
		return e.BadRequestError("A room needs a name of 1 to 100 characters.", nil)
	}
	if acc, err := accounts.Find(e.App); err == nil && acc.GetBool("restrict_room_creation") && !isAdmin(e) {
		return e.ForbiddenError("Only administrators can create rooms.", nil)
	}
	members, err := activeUsers(e.App, derefSlice(f.Members))
	if err != nil {
		return e.BadRequestError("Unknown members.", err)
	}
	var room *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		room, err = rooms.Create(tx, kind, name, e.Auth.Id, members)
		return err
	})
	if err != nil {
		return e.BadRequestError("Failed to create the room.", err)
	}
	triggerRoomCreated(e.App, room)
	return e.JSON(http.StatusOK, room)
}

func createDirectRoom(e *core.RequestEvent) error {
	var f struct {
		Users []string `json:"users"`
	}
	if err := e.BindBody(&f); err != nil {
		return e.BadRequestError("Invalid body.", err)
	}
	users, err := activeUsers(e.App, f.Users)
	if err != nil {
		return e.BadRequestError("Unknown users.", err)
	}
	room, created, err := rooms.FindOrCreateDirect(e.App, e.Auth.Id, users)
	if err != nil {
		return e.BadRequestError("Failed to open the direct room.", err)
	}
	if created {
		triggerRoomCreated(e.App, room)
	}
	return e.JSON(http.StatusOK, room)
}

// canManage: the room's creator or an administrator; direct rooms are managed by nobody (but any
// member may delete one).
func canManage(e *core.RequestEvent, room *core.Record) bool {
	return isAdmin(e) || room.GetString("creator") == e.Auth.Id
}

func updateRoom(e *core.RequestEvent) error {
	room, err := e.App.FindRecordById("rooms", e.Request.PathValue("id"))
	if err != nil || (!rooms.IsMember(e.App, room.Id, e.Auth.Id) && !isAdmin(e)) {
		return e.NotFoundError("", nil)
	}
	if room.GetString("kind") == rooms.Direct {
		return e.BadRequestError("Direct rooms cannot be changed.", nil)
	}
	if !canManage(e, room) {
		return e.ForbiddenError("Only the room's creator or an administrator can change it.", nil)
	}
	var f roomForm
	if err := e.BindBody(&f); err != nil {
		return e.BadRequestError("Invalid body.", err)
	}
	var members []string
	if f.Members != nil {
		if members, err = activeUsers(e.App, *f.Members); err != nil {
			return e.BadRequestError("Unknown members.", err)
		}
	}
	if f.Kind != nil && !rooms.IsShared(*f.Kind) {
		return e.BadRequestError("A room is open or closed.", nil)
	}
	if f.Name != nil {
		name := strings.TrimSpace(*f.Name)
		if name == "" || len([]rune(name)) > 100 {
			return e.BadRequestError("A room needs a name of 1 to 100 characters.", nil)
		}
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		return rooms.Update(tx, room, rooms.Change{Kind: f.Kind, Name: f.Name, Members: members, SetMembers: f.Members != nil})
	})
	if err != nil {
		return e.BadRequestError("Failed to change the room.", err)
	}
	publishRoomUpdated(e.App, room)
	return e.JSON(http.StatusOK, room)
}

func deleteRoom(e *core.RequestEvent) error {
	room, err := e.App.FindRecordById("rooms", e.Request.PathValue("id"))
	if err != nil || (!rooms.IsMember(e.App, room.Id, e.Auth.Id) && !isAdmin(e)) {
		return e.NotFoundError("", nil)
	}
	direct := room.GetString("kind") == rooms.Direct
	if !(direct && rooms.IsMember(e.App, room.Id, e.Auth.Id)) && !canManage(e, room) {
		return e.ForbiddenError("Only the room's creator or an administrator can delete it.", nil)
	}
	if err := e.App.Delete(room); err != nil { // memberships and messages cascade
		return e.BadRequestError("Failed to delete the room.", err)
	}
	realtime.HubFor(e.App).EndRoom(room.Id)
	return e.NoContent(http.StatusNoContent)
}

func listMembers(e *core.RequestEvent) error {
	roomID := e.Request.PathValue("id")
	if !rooms.IsMember(e.App, roomID, e.Auth.Id) {
		return e.NotFoundError("", nil)
	}
	rows := []struct {
		ID     string `db:"id" json:"id"`
		Name   string `db:"name" json:"name"`
		Avatar string `db:"avatar" json:"avatar"`
		Role   string `db:"role" json:"role"`
	}{}
	err := e.App.DB().NewQuery(`SELECT u.id AS id, u.name AS name, u.avatar AS avatar, u.role AS role
		FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.room = {:room} AND u.status = 'active' ORDER BY u.name COLLATE NOCASE`).
		Bind(map[string]any{"room": roomID}).All(&rows)
	if err != nil {
		return e.BadRequestError("Failed to list members.", err)
	}
	hub := realtime.HubFor(e.App)
	users, _ := e.App.FindCachedCollectionByNameOrId("users")
	items := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		item := map[string]any{"id": r.ID, "name": r.Name, "avatar": r.Avatar, "role": r.Role, "present": hub.Present(roomID, r.ID)}
		if users != nil {
			item["collectionId"] = users.Id
		}
		items = append(items, item)
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// activeUsers checks that every id names an active user and returns them deduplicated.
func activeUsers(app core.App, ids []string) ([]string, error) {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, err := app.FindRecordById("users", id)
		if err != nil || u.GetString("status") != "active" {
			return nil, errUnknownUser
		}
		out = append(out, id)
	}
	return out, nil
}

func triggerRoomCreated(app core.App, room *core.Record) {
	ev := &events.RoomEvent{App: app, Room: room}
	if err := events.For(app).RoomCreated.Trigger(ev, func(*events.RoomEvent) error { return nil }); err != nil {
		app.Logger().Error("campfire room hook", "error", err)
	}
}

func publishRoomUpdated(app core.App, room *core.Record) {
	ids, err := rooms.MemberIDs(app, room.Id)
	if err != nil {
		return
	}
	hub := realtime.HubFor(app)
	payload := map[string]any{"type": "room.updated", "room": rooms.Summary(room)}
	for _, id := range ids {
		_ = hub.PublishUser(id, payload)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefSlice(s *[]string) []string {
	if s == nil {
		return nil
	}
	return *s
}
