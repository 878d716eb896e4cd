package realtime_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

const wait = 5 * time.Second

func TestSubscribeRefusesForbiddenTopics(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	closed := w.Room(t, rooms.Closed, "Secret", w.Admin, carol)
	base := testkit.Serve(t, w.App)
	bobTok := testkit.Token(t, bob)

	s := testkit.Connect(t, base)
	if res := s.Subscribe(t, bobTok, realtime.RoomTopic(closed.Id)); res.Status != http.StatusForbidden {
		t.Errorf("only a forbidden room: %d, want 403", res.Status)
	}
	if res := s.Subscribe(t, bobTok, realtime.UserTopic(carol.Id)); res.Status != http.StatusForbidden {
		t.Errorf("another user's topic: %d, want 403", res.Status)
	}
	if res := s.Subscribe(t, "", realtime.RoomTopic(w.AllTalk.Id)); res.Status != http.StatusForbidden {
		t.Errorf("signed-out room topic: %d, want 403", res.Status)
	}
	if res := s.Subscribe(t, bobTok, "campfire/anything"); res.Status != http.StatusForbidden {
		t.Errorf("unknown campfire topic: %d, want 403", res.Status)
	}
	// mixed: the forbidden topic is dropped, the allowed one kept
	if res := s.Subscribe(t, bobTok, realtime.RoomTopic(closed.Id), realtime.RoomTopic(w.AllTalk.Id)); res.Status != http.StatusNoContent {
		t.Fatalf("mixed subscribe: %d %s", res.Status, res.Body)
	}
	hub := realtime.HubFor(w.App)
	if hub.Subscribers(realtime.RoomTopic(closed.Id)) != 0 || hub.Subscribers(realtime.RoomTopic(w.AllTalk.Id)) != 1 {
		t.Fatalf("index: closed=%d allTalk=%d", hub.Subscribers(realtime.RoomTopic(closed.Id)), hub.Subscribers(realtime.RoomTopic(w.AllTalk.Id)))
	}
	w.Post(t, closed, carol, "private")
	w.Post(t, w.AllTalk, carol, "public")
	ev := s.WaitFor(t, "message.created", wait)
	if ev.Data["room"] != w.AllTalk.Id {
		t.Fatalf("received another room's message: %v", ev.Data)
	}
	s.Quiet(t, "message.created", 300*time.Millisecond)
}

func TestMessageEventsCarrySeq(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	s := testkit.Connect(t, base)
	if res := s.Subscribe(t, testkit.Token(t, bob), realtime.RoomTopic(w.AllTalk.Id), realtime.UserTopic(bob.Id)); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	res := admin.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]any{"room": w.AllTalk.Id, "body": "hello @Bob"})
	msg := res.JSON(t)
	created := s.WaitFor(t, "message.created", wait)
	m := created.Data["message"].(map[string]any)
	if m["id"] != msg["id"] || created.Data["seq"].(float64) != msg["seq"].(float64) || m["expand"].(map[string]any)["creator"].(map[string]any)["name"] != "Ada Admin" {
		t.Errorf("message.created: %v", created.Data)
	}
	if created.Name != realtime.RoomTopic(w.AllTalk.Id) {
		t.Errorf("event name %q", created.Name)
	}
	unread := s.WaitFor(t, "room.unread", wait)
	if unread.Data["room"].(map[string]any)["id"] != w.AllTalk.Id {
		t.Errorf("room.unread: %v", unread.Data)
	}
	admin.Do(t, http.MethodPatch, "/api/collections/messages/records/"+msg["id"].(string), map[string]any{"body": "edited"})
	updated := s.WaitFor(t, "message.updated", wait)
	if updated.Data["seq"].(float64) <= created.Data["seq"].(float64) || updated.Data["message"].(map[string]any)["plain"] != "edited" {
		t.Errorf("message.updated: %v", updated.Data)
	}
	boost := testkit.Client{Base: base, Token: testkit.Token(t, bob)}.Do(t, http.MethodPost, "/api/collections/boosts/records", map[string]any{"message": msg["id"], "content": "🎉"})
	if boost.Status != http.StatusOK {
		t.Fatalf("boost: %d %s", boost.Status, boost.Body)
	}
	be := s.WaitFor(t, "boost.created", wait)
	if be.Data["seq"].(float64) <= updated.Data["seq"].(float64) || be.Data["boost"].(map[string]any)["booster"].(map[string]any)["name"] != "Bob" {
		t.Errorf("boost.created: %v", be.Data)
	}
	admin.Do(t, http.MethodDelete, "/api/collections/messages/records/"+msg["id"].(string), nil)
	del := s.WaitFor(t, "message.deleted", wait)
	if del.Data["message"].(map[string]any)["id"] != msg["id"] || del.Data["seq"].(float64) <= be.Data["seq"].(float64) {
		t.Errorf("message.deleted: %v", del.Data)
	}
}

func TestRemovedMemberStopsReceivingRoom(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	closed := w.Room(t, rooms.Closed, "Team", w.Admin, bob)
	base := testkit.Serve(t, w.App)
	s := testkit.Connect(t, base)
	if res := s.Subscribe(t, testkit.Token(t, bob), realtime.RoomTopic(closed.Id), realtime.UserTopic(bob.Id)); res.Status != http.StatusNoContent {
		t.Fatal(res.Status)
	}
	w.Post(t, closed, w.Admin, "before")
	s.WaitFor(t, "message.created", wait)

	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	if res := admin.Do(t, http.MethodPatch, "/api/campfire/rooms/"+closed.Id, map[string]any{"members": []string{}}); res.Status != http.StatusOK {
		t.Fatalf("remove member: %d %s", res.Status, res.Body)
	}
	gone := s.WaitFor(t, "room.deleted", wait)
	if gone.Data["room"].(map[string]any)["id"] != closed.Id {
		t.Errorf("room.deleted: %v", gone.Data)
	}
	w.Post(t, closed, w.Admin, "after")
	s.Quiet(t, "message.created", 400*time.Millisecond)
}

func TestTypingReachesMembersButNotTheTypist(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	closed := w.Room(t, rooms.Closed, "Pair", w.Admin, bob)
	base := testkit.Serve(t, w.App)

	bobS := testkit.Connect(t, base)
	bobS.Subscribe(t, testkit.Token(t, bob), realtime.RoomTopic(closed.Id))
	adminS := testkit.Connect(t, base)
	adminS.Subscribe(t, testkit.Token(t, w.Admin), realtime.RoomTopic(closed.Id))

	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	if res := admin.Do(t, http.MethodPost, "/api/campfire/rooms/"+closed.Id+"/typing", map[string]any{"typing": true}); res.Status != http.StatusNoContent {
		t.Fatalf("typing: %d", res.Status)
	}
	ev := bobS.WaitFor(t, "typing", wait)
	if ev.Data["user"].(map[string]any)["id"] != w.Admin.Id || ev.Data["typing"] != true {
		t.Errorf("typing event: %v", ev.Data)
	}
	adminS.Quiet(t, "typing", 300*time.Millisecond)
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}
	if res := carolC.Do(t, http.MethodPost, "/api/campfire/rooms/"+closed.Id+"/typing", map[string]any{"typing": true}); res.Status != http.StatusNotFound {
		t.Errorf("non-member typing: %d, want 404", res.Status)
	}
}

func TestPresenceSuppressesUnread(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	bobTok := testkit.Token(t, bob)
	bobC := testkit.Client{Base: base, Token: bobTok}
	s := testkit.Connect(t, base)
	s.Subscribe(t, bobTok, realtime.RoomTopic(w.AllTalk.Id), realtime.UserTopic(bob.Id))

	unreadOf := func() string {
		m, err := rooms.FindMembership(w.App, w.AllTalk.Id, bob.Id)
		if err != nil {
			t.Fatal(err)
		}
		return m.GetString("unread_at")
	}
	// visible: present, no unread mark
	if res := bobC.Do(t, http.MethodPost, "/api/campfire/presence", map[string]any{"clientId": s.ClientID, "visible": true}); res.Status != http.StatusNoContent {
		t.Fatalf("presence: %d %s", res.Status, res.Body)
	}
	w.Post(t, w.AllTalk, w.Admin, "while you watch")
	if unreadOf() != "" {
		t.Errorf("present user marked unread")
	}
	// hidden tab: not present, marked unread
	bobC.Do(t, http.MethodPost, "/api/campfire/presence", map[string]any{"clientId": s.ClientID, "visible": false})
	w.Post(t, w.AllTalk, w.Admin, "while away")
	if unreadOf() == "" {
		t.Errorf("hidden tab kept the user present")
	}
	// reading clears it and tells all my tabs
	if res := bobC.Do(t, http.MethodPost, "/api/campfire/rooms/"+w.AllTalk.Id+"/read", nil); res.Status != http.StatusNoContent {
		t.Fatalf("read: %d", res.Status)
	}
	s.WaitFor(t, "room.read", wait)
	if unreadOf() != "" {
		t.Errorf("read did not clear unread")
	}
	// someone else's client id is refused
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/presence", map[string]any{"clientId": s.ClientID, "visible": true}); res.Status != http.StatusNotFound {
		t.Errorf("presence for another's client: %d, want 404", res.Status)
	}
}

func TestPresenceEvents(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	watcher := testkit.Connect(t, base)
	watcher.Subscribe(t, testkit.Token(t, w.Admin), realtime.RoomTopic(w.AllTalk.Id))

	bobTok := testkit.Token(t, bob)
	s := testkit.Connect(t, base)
	s.Subscribe(t, bobTok, realtime.RoomTopic(w.AllTalk.Id))
	bobC := testkit.Client{Base: base, Token: bobTok}
	bobC.Do(t, http.MethodPost, "/api/campfire/presence", map[string]any{"clientId": s.ClientID, "visible": true})
	ev := watcher.WaitFor(t, "presence", wait)
	if ev.Data["present"] != true || ev.Data["user"].(map[string]any)["id"] != bob.Id {
		t.Fatalf("presence: %v", ev.Data)
	}
	members := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/members", nil).JSON(t)
	for _, m := range members["items"].([]any) {
		mm := m.(map[string]any)
		if (mm["id"] == bob.Id) != (mm["present"] == true) {
			t.Errorf("members present flags: %v", mm)
		}
	}
	bobC.Do(t, http.MethodPost, "/api/campfire/presence", map[string]any{"clientId": s.ClientID, "visible": false})
	ev = watcher.WaitFor(t, "presence", wait)
	if ev.Data["present"] != false {
		t.Fatalf("hidden tab still present: %v", ev.Data)
	}
}

// TestBurstsStillPassEveryEventThroughTheSendHooks: queued events go out in bursts, but every other
// OnRealtimeMessageSend handler still sees each event, and the internal wake-up never reaches a client.
func TestBurstsStillPassEveryEventThroughTheSendHooks(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	var mu sync.Mutex
	seen := map[string]int{}
	w.App.OnRealtimeMessageSend().BindFunc(func(e *core.RealtimeMessageEvent) error {
		mu.Lock()
		seen[e.Message.Name]++
		mu.Unlock()
		return e.Next()
	})
	base := testkit.Serve(t, w.App)
	s := testkit.Connect(t, base)
	topic := realtime.RoomTopic(w.AllTalk.Id)
	if res := s.Subscribe(t, testkit.Token(t, bob), topic); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}
	const n = 30
	for i := 0; i < n; i++ {
		if err := realtime.HubFor(w.App).PublishRoom(w.AllTalk.Id, map[string]any{"type": "test.event", "i": i}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		ev := s.Next(t, wait)
		if ev.Name != topic || ev.Data["i"] != float64(i) {
			t.Fatalf("event %d: %s %v", i, ev.Name, ev.Data)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if seen[topic] != n {
		t.Errorf("send hooks saw %d of the %d events", seen[topic], n)
	}
	for name := range seen {
		if strings.HasPrefix(name, "campfire/wake") {
			t.Errorf("a send hook saw the internal wake-up %q", name)
		}
	}
}

// TestRecordSubscriptionsStillWork: PocketBase's own record subscriptions keep working on a connection
// that also holds Campfire topics (the wrapped client answers PocketBase's prefix checks).
func TestRecordSubscriptionsStillWork(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	s := testkit.Connect(t, base)
	if res := s.Subscribe(t, testkit.Token(t, bob), realtime.RoomTopic(w.AllTalk.Id), "messages/*"); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}
	w.Post(t, w.AllTalk, w.Admin, "both ways")
	got := map[string]bool{}
	for len(got) < 2 {
		ev := s.Next(t, wait)
		got[ev.Name] = true
	}
	if !got["messages/*"] || !got[realtime.RoomTopic(w.AllTalk.Id)] {
		t.Fatalf("events %v, want the record event and the room event", got)
	}
}
