package routes_test

import (
	"net/http"
	"testing"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

func TestCreateRooms(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}

	res := bobC.Do(t, http.MethodPost, "/api/campfire/rooms", map[string]any{"kind": "closed", "name": "Plans", "members": []string{carol.Id}})
	if res.Status != http.StatusOK {
		t.Fatalf("create closed: %d %s", res.Status, res.Body)
	}
	closed := res.JSON(t)
	id := closed["id"].(string)
	if closed["creator"] != bob.Id || closed["kind"] != "closed" {
		t.Errorf("closed room: %v", closed)
	}
	if !rooms.IsMember(w.App, id, bob.Id) || !rooms.IsMember(w.App, id, carol.Id) || rooms.IsMember(w.App, id, w.Admin.Id) {
		t.Errorf("closed room members wrong")
	}
	m, _ := rooms.FindMembership(w.App, id, carol.Id)
	if m.GetString("involvement") != rooms.Mentions {
		t.Errorf("shared room default involvement %q", m.GetString("involvement"))
	}

	for _, bad := range []map[string]any{
		{"kind": "direct", "name": "x"}, {"kind": "open", "name": ""}, {"kind": "weird", "name": "x"},
		{"kind": "closed", "name": "x", "members": []string{"nosuchuser12345"}},
	} {
		if res := bobC.Do(t, http.MethodPost, "/api/campfire/rooms", bad); res.Status != http.StatusBadRequest {
			t.Errorf("create %v: %d, want 400", bad, res.Status)
		}
	}

	// direct: found or created, one per exact set of users
	d1 := bobC.Do(t, http.MethodPost, "/api/campfire/rooms/direct", map[string]any{"users": []string{carol.Id}}).JSON(t)
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}
	d2 := carolC.Do(t, http.MethodPost, "/api/campfire/rooms/direct", map[string]any{"users": []string{bob.Id, carol.Id}}).JSON(t)
	if d1["id"] != d2["id"] || d1["kind"] != "direct" {
		t.Fatalf("direct rooms differ: %v vs %v", d1, d2)
	}
	dm, _ := rooms.FindMembership(w.App, d1["id"].(string), carol.Id)
	if dm.GetString("involvement") != rooms.Everything {
		t.Errorf("direct room default involvement %q", dm.GetString("involvement"))
	}
	group := bobC.Do(t, http.MethodPost, "/api/campfire/rooms/direct", map[string]any{"users": []string{carol.Id, w.Admin.Id}}).JSON(t)
	if group["id"] == d1["id"] {
		t.Errorf("a different set of users reused a direct room")
	}
	// direct rooms are never converted
	if res := bobC.Do(t, http.MethodPatch, "/api/campfire/rooms/"+d1["id"].(string), map[string]any{"kind": "open"}); res.Status != http.StatusBadRequest {
		t.Errorf("convert direct: %d, want 400", res.Status)
	}
	// any member deletes a DM
	if res := carolC.Do(t, http.MethodDelete, "/api/campfire/rooms/"+d1["id"].(string), nil); res.Status != http.StatusNoContent {
		t.Errorf("member deletes DM: %d %s", res.Status, res.Body)
	}
}

func TestManageRooms(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	room := w.Room(t, rooms.Closed, "Bob's", bob, carol)
	path := "/api/campfire/rooms/" + room.Id

	if res := carolC.Do(t, http.MethodPatch, path, map[string]any{"name": "Carol's now"}); res.Status != http.StatusForbidden {
		t.Errorf("non-creator renames: %d, want 403", res.Status)
	}
	if res := carolC.Do(t, http.MethodDelete, path, nil); res.Status != http.StatusForbidden {
		t.Errorf("non-creator deletes: %d, want 403", res.Status)
	}
	if res := bobC.Do(t, http.MethodPatch, path, map[string]any{"name": "Renamed", "kind": "open"}); res.Status != http.StatusOK {
		t.Fatalf("creator converts to open: %d %s", res.Status, res.Body)
	}
	if !rooms.IsMember(w.App, room.Id, w.Admin.Id) {
		t.Errorf("open room misses a user")
	}
	if res := adminC.Do(t, http.MethodPatch, path, map[string]any{"kind": "closed", "members": []string{carol.Id}}); res.Status != http.StatusOK {
		t.Fatalf("admin closes: %d %s", res.Status, res.Body)
	}
	if rooms.IsMember(w.App, room.Id, w.Admin.Id) || !rooms.IsMember(w.App, room.Id, bob.Id) || !rooms.IsMember(w.App, room.Id, carol.Id) {
		t.Errorf("closed member list wrong (creator always stays)")
	}
	outsider := w.User(t, "Dan")
	danC := testkit.Client{Base: base, Token: testkit.Token(t, outsider)}
	if res := danC.Do(t, http.MethodPatch, path, map[string]any{"name": "x"}); res.Status != http.StatusNotFound {
		t.Errorf("outsider patches closed room: %d, want 404", res.Status)
	}
	if res := danC.Do(t, http.MethodGet, path+"/members", nil); res.Status != http.StatusNotFound {
		t.Errorf("outsider lists members: %d, want 404", res.Status)
	}
	members := bobC.Do(t, http.MethodGet, path+"/members", nil).JSON(t)["items"].([]any)
	if len(members) != 2 {
		t.Errorf("members: %v", members)
	}
	if res := adminC.Do(t, http.MethodDelete, path, nil); res.Status != http.StatusNoContent {
		t.Errorf("admin deletes: %d", res.Status)
	}
	if _, err := w.App.FindRecordById("rooms", room.Id); err == nil {
		t.Errorf("room survived deletion")
	}
}

func TestOnlyAdminsCreateRoomsWhenRestricted(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	acc, _ := accounts.Find(w.App)
	acc.Set("restrict_room_creation", true)
	if err := w.App.Save(acc); err != nil {
		t.Fatal(err)
	}
	base := testkit.Serve(t, w.App)
	if res := (testkit.Client{Base: base, Token: testkit.Token(t, bob)}).Do(t, http.MethodPost, "/api/campfire/rooms", map[string]any{"kind": "open", "name": "Mine"}); res.Status != http.StatusForbidden {
		t.Errorf("member creates while restricted: %d, want 403", res.Status)
	}
	if res := (testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}).Do(t, http.MethodPost, "/api/campfire/rooms", map[string]any{"kind": "open", "name": "Admin's"}); res.Status != http.StatusOK {
		t.Errorf("admin creates while restricted: %d", res.Status)
	}
}

func TestInvolvement(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	path := "/api/campfire/rooms/" + w.AllTalk.Id + "/involvement"
	if res := c.Do(t, http.MethodPut, path, map[string]any{"involvement": "loud"}); res.Status != http.StatusBadRequest {
		t.Errorf("unknown involvement: %d, want 400", res.Status)
	}
	res := c.Do(t, http.MethodPut, path, map[string]any{"involvement": "invisible"})
	if res.Status != http.StatusOK || res.JSON(t)["involvement"] != "invisible" {
		t.Fatalf("set involvement: %d %s", res.Status, res.Body)
	}
	// an invisible member gets no unread mark
	w.Post(t, w.AllTalk, w.Admin, "hello")
	m, _ := rooms.FindMembership(w.App, w.AllTalk.Id, bob.Id)
	if m.GetString("unread_at") != "" {
		t.Errorf("invisible member marked unread")
	}
	c.Do(t, http.MethodPut, path, map[string]any{"involvement": "nothing"})
	w.Post(t, w.AllTalk, w.Admin, "hello again")
	m, _ = rooms.FindMembership(w.App, w.AllTalk.Id, bob.Id)
	if m.GetString("unread_at") == "" {
		t.Errorf("'nothing' member not marked unread")
	}
	// authors never mark their own message unread
	a, _ := rooms.FindMembership(w.App, w.AllTalk.Id, w.Admin.Id)
	if a.GetString("unread_at") != "" {
		t.Errorf("author marked unread")
	}
}
