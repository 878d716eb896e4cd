package hooks_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

func post(t *testing.T, c testkit.Client, roomID string, body map[string]any) testkit.Response {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	body["room"] = roomID
	return c.Do(t, http.MethodPost, "/api/collections/messages/records", body)
}

func TestPostSetsServerOwnedFields(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, bob)}

	res := post(t, c, w.AllTalk.Id, map[string]any{
		"body": "<div>Hi <b>all</b><script>alert(1)</script></div>", "creator": w.Admin.Id,
		"number": 999, "seq": 999, "kind": "attachment", "plain": "forged", "mentions": []string{w.Admin.Id},
		"deleted_at": "2020-01-01 00:00:00.000Z",
	})
	if res.Status != http.StatusOK {
		t.Fatalf("post: %d %s", res.Status, res.Body)
	}
	m := res.JSON(t)
	if m["creator"] != bob.Id {
		t.Errorf("creator = %v, want the poster %s", m["creator"], bob.Id)
	}
	if m["number"].(float64) == 999 || m["seq"].(float64) == 999 {
		t.Errorf("client set number/seq: %v/%v", m["number"], m["seq"])
	}
	if m["kind"] != "text" || m["plain"] != "Hi all" || m["deleted_at"] != "" {
		t.Errorf("derived fields wrong: kind=%v plain=%q deleted_at=%v", m["kind"], m["plain"], m["deleted_at"])
	}
	if strings.Contains(m["body"].(string), "script") {
		t.Errorf("body not sanitized: %s", m["body"])
	}
	if ms, _ := m["mentions"].([]any); len(ms) != 0 {
		t.Errorf("client set mentions: %v", ms)
	}
	if cmid, _ := m["client_message_id"].(string); len(cmid) != 36 {
		t.Errorf("client_message_id not filled with a UUID: %q", cmid)
	}
}

func TestPostRejectsOversizedAndBlankBodies(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}

	huge := strings.Repeat("a", 100001)
	if res := post(t, c, w.AllTalk.Id, map[string]any{"body": huge}); res.Status != http.StatusBadRequest {
		t.Errorf("100,001-byte body: %d, want 400", res.Status)
	}
	if res := post(t, c, w.AllTalk.Id, map[string]any{"body": strings.Repeat("a", 100000)}); res.Status != http.StatusOK {
		t.Errorf("100,000-byte body: %d %s, want 200", res.Status, res.Body)
	}
	for _, blank := range []string{"", "   ", "<div><br></div>", "<script>alert(1)</script>", "<div>&nbsp;</div>"} {
		res := post(t, c, w.AllTalk.Id, map[string]any{"body": blank})
		if res.Status != http.StatusBadRequest {
			t.Errorf("blank body %q: %d, want 400", blank, res.Status)
		}
	}
	var count int
	_ = w.App.DB().NewQuery("SELECT COUNT(*) FROM messages").Row(&count)
	if count != 1 {
		t.Errorf("%d messages stored, want only the valid one (no partial writes)", count)
	}
}

func TestRetryWithSameClientMessageIDReturnsOriginal(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	other := w.Room(t, rooms.Open, "Other", w.Admin)

	first := post(t, c, w.AllTalk.Id, map[string]any{"body": "original", "client_message_id": "retry-1"}).JSON(t)
	again := post(t, c, other.Id, map[string]any{"body": "changed", "client_message_id": "retry-1"})
	if again.Status != http.StatusOK {
		t.Fatalf("retry: %d %s", again.Status, again.Body)
	}
	m := again.JSON(t)
	if m["id"] != first["id"] || m["plain"] != "original" || m["room"] != w.AllTalk.Id {
		t.Errorf("retry did not return the original: %v", m)
	}
	// another user may use the same client id
	bob := w.User(t, "Bob")
	res := post(t, testkit.Client{Base: base, Token: testkit.Token(t, bob)}, w.AllTalk.Id, map[string]any{"body": "bob's", "client_message_id": "retry-1"})
	if res.Status != http.StatusOK || res.JSON(t)["id"] == first["id"] {
		t.Errorf("another creator's same client id: %d %s", res.Status, res.Body)
	}
}

func TestConcurrentRetriesCreateOneMessage(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}

	const n = 16
	ids := make([]string, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res := post(t, c, w.AllTalk.Id, map[string]any{"body": fmt.Sprintf("attempt %d", i), "client_message_id": "race"})
			statuses[i] = res.Status
			if res.Status == http.StatusOK {
				ids[i], _ = res.JSON(t)["id"].(string)
			}
		}(i)
	}
	wg.Wait()
	for i := range n {
		if statuses[i] != http.StatusOK || ids[i] != ids[0] {
			t.Fatalf("request %d: status %d id %q, want 200 and the single winner %q", i, statuses[i], ids[i], ids[0])
		}
	}
	var count int
	_ = w.App.DB().NewQuery("SELECT COUNT(*) FROM messages WHERE client_message_id = 'race'").Row(&count)
	if count != 1 {
		t.Fatalf("%d messages for one client id", count)
	}
}

func TestNumbersAndSeqsIncrease(t *testing.T) {
	w := testkit.Setup(t)
	a := w.Post(t, w.AllTalk, w.Admin, "one")
	b := w.Post(t, w.AllTalk, w.Admin, "two")
	if !(b.GetInt64("number") > a.GetInt64("number") && b.GetInt64("seq") > a.GetInt64("seq")) {
		t.Fatalf("number/seq not increasing: %d/%d then %d/%d", a.GetInt64("number"), a.GetInt64("seq"), b.GetInt64("number"), b.GetInt64("seq"))
	}
	// deleting a room (and its messages) never lets a number be reused
	tmp := w.Room(t, rooms.Open, "Temp", w.Admin)
	last := w.Post(t, tmp, w.Admin, "three")
	if err := w.App.Delete(tmp); err != nil {
		t.Fatal(err)
	}
	next := w.Post(t, w.AllTalk, w.Admin, "four")
	if next.GetInt64("number") <= last.GetInt64("number") {
		t.Fatalf("number reused after deletion: %d <= %d", next.GetInt64("number"), last.GetInt64("number"))
	}
}

func TestNonMembersCannotPostOrRead(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	closed := w.Room(t, rooms.Closed, "Secret", w.Admin, bob)
	direct := w.Direct(t, w.Admin, bob)
	base := testkit.Serve(t, w.App)
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	anon := testkit.Client{Base: base}

	for _, room := range []string{closed.Id, direct.Id} {
		w.Post(t, mustRoom(t, w, room), bob, "private words")
		if res := post(t, carolC, room, map[string]any{"body": "let me in"}); res.Status != http.StatusBadRequest {
			t.Errorf("non-member post to %s: %d, want 400 (failed create rule)", room, res.Status)
		}
		if res := post(t, anon, room, map[string]any{"body": "hi"}); res.Status != http.StatusBadRequest && res.Status != http.StatusUnauthorized {
			t.Errorf("signed-out post: %d", res.Status)
		}
		if res := post(t, bobC, room, map[string]any{"body": "member"}); res.Status != http.StatusOK {
			t.Errorf("member post: %d %s", res.Status, res.Body)
		}
		list := carolC.Do(t, http.MethodGet, "/api/collections/messages/records?filter="+urlq("room='"+room+"'"), nil)
		if list.Status != http.StatusOK || list.JSON(t)["totalItems"].(float64) != 0 {
			t.Errorf("non-member lists messages: %d %s", list.Status, list.Body)
		}
		if res := carolC.Do(t, http.MethodGet, "/api/collections/rooms/records/"+room, nil); res.Status != http.StatusNotFound {
			t.Errorf("non-member views room: %d", res.Status)
		}
		if res := carolC.Do(t, http.MethodGet, "/api/campfire/rooms/"+room+"/messages", nil); res.Status != http.StatusNotFound {
			t.Errorf("non-member history: %d", res.Status)
		}
		if res := carolC.Do(t, http.MethodGet, "/api/campfire/rooms/"+room+"/changes?since=0", nil); res.Status != http.StatusNotFound {
			t.Errorf("non-member changes: %d", res.Status)
		}
		if res := bobC.Do(t, http.MethodGet, "/api/campfire/rooms/"+room+"/messages", nil); res.Status != http.StatusOK {
			t.Errorf("member history: %d", res.Status)
		}
	}
	// memberships: only one's own
	list := carolC.Do(t, http.MethodGet, "/api/collections/memberships/records", nil).JSON(t)
	for _, it := range list["items"].([]any) {
		if it.(map[string]any)["user"] != carol.Id {
			t.Errorf("carol sees another's membership: %v", it)
		}
	}
	// nobody writes memberships or rooms through the record API
	if res := carolC.Do(t, http.MethodPost, "/api/collections/memberships/records", map[string]any{"room": closed.Id, "user": carol.Id, "involvement": "everything"}); res.Status != http.StatusForbidden {
		t.Errorf("self-add to a closed room: %d, want 403", res.Status)
	}
	if res := bobC.Do(t, http.MethodPatch, "/api/collections/rooms/records/"+closed.Id, map[string]any{"name": "mine"}); res.Status != http.StatusForbidden {
		t.Errorf("room update through the record API: %d, want 403", res.Status)
	}
	if rooms.IsMember(w.App, closed.Id, carol.Id) {
		t.Fatal("carol became a member")
	}
}

func TestOpenRoomsIncludeEveryoneAndLaterUsers(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	open := w.Room(t, rooms.Open, "Lobby", bob)
	later := w.User(t, "Later")
	for _, u := range []string{w.Admin.Id, bob.Id, later.Id} {
		if !rooms.IsMember(w.App, open.Id, u) || !rooms.IsMember(w.App, w.AllTalk.Id, u) {
			t.Errorf("user %s is not in every open room", u)
		}
	}
}

func TestEditRules(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	other := w.Room(t, rooms.Open, "Elsewhere", w.Admin)

	m := w.Post(t, w.AllTalk, bob, "first draft")
	path := "/api/collections/messages/records/" + m.Id
	if res := carolC.Do(t, http.MethodPatch, path, map[string]any{"body": "hijack"}); res.Status != http.StatusNotFound {
		t.Errorf("another member edits: %d, want 404", res.Status)
	}
	res := bobC.Do(t, http.MethodPatch, path, map[string]any{"body": "<b>second</b> draft", "room": other.Id, "creator": carol.Id, "number": 5, "seq": 1})
	if res.Status != http.StatusOK {
		t.Fatalf("author edits: %d %s", res.Status, res.Body)
	}
	got := res.JSON(t)
	if got["room"] != w.AllTalk.Id || got["creator"] != bob.Id || got["number"].(float64) != float64(m.GetInt64("number")) {
		t.Errorf("edit moved the message or changed server fields: %v", got)
	}
	if got["plain"] != "second draft" || got["seq"].(float64) <= float64(m.GetInt64("seq")) {
		t.Errorf("edit not applied or seq not bumped: plain=%v seq=%v", got["plain"], got["seq"])
	}
	if res := adminC.Do(t, http.MethodPatch, path, map[string]any{"body": "moderated"}); res.Status != http.StatusOK {
		t.Errorf("admin edits: %d %s", res.Status, res.Body)
	}
	if res := carolC.Do(t, http.MethodDelete, path, nil); res.Status != http.StatusNotFound {
		t.Errorf("another member deletes: %d, want 404", res.Status)
	}
	if res := bobC.Do(t, http.MethodDelete, path, nil); res.Status != http.StatusNoContent {
		t.Errorf("author deletes: %d %s", res.Status, res.Body)
	}
	// the tombstone stays, invisible
	stored, err := w.App.FindRecordById("messages", m.Id)
	if err != nil || stored.GetString("deleted_at") == "" || stored.GetString("body") != "" || stored.GetString("plain") != "" {
		t.Fatalf("no tombstone: %v %v", stored, err)
	}
	if res := bobC.Do(t, http.MethodGet, path, nil); res.Status != http.StatusNotFound {
		t.Errorf("tombstone visible: %d", res.Status)
	}
	if res := bobC.Do(t, http.MethodPatch, path, map[string]any{"body": "revive"}); res.Status != http.StatusNotFound {
		t.Errorf("tombstone editable: %d", res.Status)
	}
}

func mustRoom(t *testing.T, w *testkit.World, id string) *core.Record {
	t.Helper()
	r, err := w.App.FindRecordById("rooms", id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func urlq(s string) string { return url.QueryEscape(s) }
