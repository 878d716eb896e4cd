package routes_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

// TestAccessMatrix checks every role against every room kind and action from outside, against the
// answers SPEC §3 and §5 expect. Each cell is one request; a failing cell names role, kind and action.
func TestAccessMatrix(t *testing.T) {
	w := testkit.Setup(t)
	owner := w.User(t, "Owner")
	member := w.User(t, "Member")
	outsider := w.User(t, "Outsider")
	deactivated := w.User(t, "Gone")
	base := testkit.Serve(t, w.App)

	roomsByKind := map[string]*core.Record{
		"open":   w.Room(t, rooms.Open, "Open", owner),
		"closed": w.Room(t, rooms.Closed, "Closed", owner, member),
		"direct": w.Direct(t, owner, member),
	}
	// the deactivated user was a member everywhere before leaving
	for _, r := range roomsByKind {
		if _, _, err := rooms.AddMember(w.App, r, deactivated.Id); err != nil {
			t.Fatal(err)
		}
	}
	tokens := map[string]string{
		"signed out": "",
		"member":     testkit.Token(t, member),
		"non-member": testkit.Token(t, outsider),
		"admin":      testkit.Token(t, w.Admin),
	}
	deactivatedToken := testkit.Token(t, deactivated)
	deactivated.Set("status", "deactivated")
	if err := w.App.Save(deactivated); err != nil {
		t.Fatal(err)
	}
	tokens["deactivated"] = deactivatedToken

	type cell struct {
		allowed    bool
		denyStatus []int
	}
	// who can see a room: its members; the admin is a member of open rooms only (not of the closed
	// room or the DM between owner and member)
	isMember := func(role, kind string) bool {
		switch role {
		case "member":
			return true
		case "admin":
			return kind == "open"
		case "non-member":
			return kind == "open"
		}
		return false
	}

	for kind, room := range roomsByKind {
		for role, tok := range tokens {
			c := testkit.Client{Base: base, Token: tok}
			msg := w.Post(t, room, owner, fmt.Sprintf("owner's words in %s", kind))
			sees := isMember(role, kind)
			name := fmt.Sprintf("%s/%s", role, kind)

			check := func(action string, res testkit.Response, allowed bool, okStatus int, deny ...int) {
				t.Helper()
				if allowed {
					if res.Status != okStatus {
						t.Errorf("%s %s: %d %s, want %d", name, action, res.Status, res.Body, okStatus)
					}
					return
				}
				for _, d := range deny {
					if res.Status == d {
						return
					}
				}
				t.Errorf("%s %s: %d, want one of %v", name, action, res.Status, deny)
			}

			// search finds the owner's words only where the caller is a member
			s := c.Do(t, http.MethodGet, "/api/campfire/search?q=owner", nil)
			if tok == "" || role == "deactivated" {
				check("search", s, false, 200, 401)
			} else if s.Status != 200 {
				t.Errorf("%s search: %d", name, s.Status)
			} else {
				found := false
				for _, it := range s.JSON(t)["items"].([]any) {
					if it.(map[string]any)["room"] == room.Id {
						found = true
					}
				}
				if found != sees { // this cell's message is still unedited here
					t.Errorf("%s search found=%v, want %v", name, found, sees)
				}
			}
			// view the room through the record API
			check("view room", c.Do(t, http.MethodGet, "/api/collections/rooms/records/"+room.Id, nil), sees, 200, 404)
			// history and changes
			check("history", c.Do(t, http.MethodGet, "/api/campfire/rooms/"+room.Id+"/messages", nil), sees, 200, 401, 404)
			check("changes", c.Do(t, http.MethodGet, "/api/campfire/rooms/"+room.Id+"/changes?since=0", nil), sees, 200, 401, 404)
			check("members", c.Do(t, http.MethodGet, "/api/campfire/rooms/"+room.Id+"/members", nil), sees, 200, 401, 404)
			// view one message
			check("view message", c.Do(t, http.MethodGet, "/api/collections/messages/records/"+msg.Id, nil), sees, 200, 404)
			// post
			post := c.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]any{"room": room.Id, "body": "hi from " + role})
			check("post", post, sees, 200, 400, 401, 403)
			// edit and delete someone else's message: only admins (any message), never members
			canModerate := role == "admin"
			check("edit other's", c.Do(t, http.MethodPatch, "/api/collections/messages/records/"+msg.Id, map[string]any{"body": "changed"}), canModerate, 200, 404, 403)
			// boost
			check("boost", c.Do(t, http.MethodPost, "/api/collections/boosts/records", map[string]any{"message": msg.Id, "content": "👍"}), sees, 200, 400, 401, 403)
			// typing
			check("typing", c.Do(t, http.MethodPost, "/api/campfire/rooms/"+room.Id+"/typing", map[string]any{"typing": true}), sees, 204, 401, 404)
			check("read", c.Do(t, http.MethodPost, "/api/campfire/rooms/"+room.Id+"/read", nil), sees, 204, 401, 404)
			check("delete other's", c.Do(t, http.MethodDelete, "/api/collections/messages/records/"+msg.Id, nil), canModerate, 204, 404, 403)
			// subscribe to the room topic
			sse := testkit.Connect(t, base)
			res := sse.Subscribe(t, tok, realtime.RoomTopic(room.Id))
			check("subscribe", res, sees, 204, 403)
			sse.Close()
		}
	}
}
