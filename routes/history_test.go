package routes_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketcampfire/campfire/testkit"
)

func items(t *testing.T, m map[string]any, key string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range m[key].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestHistoryPaging(t *testing.T) {
	w := testkit.Setup(t)
	for i := 1; i <= 50; i++ {
		w.Post(t, w.AllTalk, w.Admin, fmt.Sprintf("message %d", i))
	}
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	path := "/api/campfire/rooms/" + w.AllTalk.Id + "/messages"

	page := c.Do(t, http.MethodGet, path, nil).JSON(t)
	list := items(t, page, "items")
	if len(list) != 40 || page["has_more"] != true || list[0]["plain"] != "message 11" || list[39]["plain"] != "message 50" {
		t.Fatalf("newest page: %d items, has_more=%v, first=%v", len(list), page["has_more"], list[0]["plain"])
	}
	if list[0]["boosts"] == nil || list[0]["expand"].(map[string]any)["creator"].(map[string]any)["name"] != "Ada Admin" {
		t.Errorf("item shape: %v", list[0])
	}
	before := int(list[0]["number"].(float64))
	older := c.Do(t, http.MethodGet, fmt.Sprintf("%s?before=%d", path, before), nil).JSON(t)
	ol := items(t, older, "items")
	if len(ol) != 10 || older["has_more"] != false || ol[0]["plain"] != "message 1" {
		t.Errorf("older page: %d items has_more=%v", len(ol), older["has_more"])
	}
	after := c.Do(t, http.MethodGet, fmt.Sprintf("%s?after=%d&limit=5", path, int(ol[0]["number"].(float64))), nil).JSON(t)
	al := items(t, after, "items")
	if len(al) != 5 || al[0]["plain"] != "message 2" || after["has_more"] != true {
		t.Errorf("after page: %v", after)
	}
	for _, q := range []string{"?before=1&after=2", "?before=x", "?limit=-1", "?after=1.5"} {
		if res := c.Do(t, http.MethodGet, path+q, nil); res.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, res.Status)
		}
	}
	if res := c.Do(t, http.MethodGet, path+"?limit=1000", nil); len(items(t, res.JSON(t), "items")) != 50 {
		t.Errorf("limit above max not capped sensibly")
	}
}

func TestChangesAfterEditBoostAndDelete(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	changes := func(since float64) map[string]any {
		return c.Do(t, http.MethodGet, fmt.Sprintf("/api/campfire/rooms/%s/changes?since=%d", w.AllTalk.Id, int64(since)), nil).JSON(t)
	}

	a := w.Post(t, w.AllTalk, bob, "alpha")
	b := w.Post(t, w.AllTalk, bob, "beta")
	cs := changes(0)
	if len(items(t, cs, "messages")) != 2 {
		t.Fatalf("changes since 0: %v", cs)
	}
	seen := cs["seq"].(float64)
	if cs := changes(seen); len(items(t, cs, "messages")) != 0 || cs["seq"].(float64) != seen {
		t.Errorf("no changes expected: %v", cs)
	}

	c.Do(t, http.MethodPatch, "/api/collections/messages/records/"+a.Id, map[string]any{"body": "alpha 2"})
	cs = changes(seen)
	if got := items(t, cs, "messages"); len(got) != 1 || got[0]["plain"] != "alpha 2" {
		t.Errorf("after edit: %v", cs)
	}
	seen = cs["seq"].(float64)

	boost := c.Do(t, http.MethodPost, "/api/collections/boosts/records", map[string]any{"message": b.Id, "content": "👍"}).JSON(t)
	cs = changes(seen)
	got := items(t, cs, "messages")
	if len(got) != 1 || got[0]["id"] != b.Id || len(got[0]["boosts"].([]any)) != 1 {
		t.Errorf("after boost: %v", cs)
	}
	seen = cs["seq"].(float64)
	c.Do(t, http.MethodDelete, "/api/collections/boosts/records/"+boost["id"].(string), nil)
	cs = changes(seen)
	if got := items(t, cs, "messages"); len(got) != 1 || len(got[0]["boosts"].([]any)) != 0 {
		t.Errorf("after unboost: %v", cs)
	}
	seen = cs["seq"].(float64)

	c.Do(t, http.MethodDelete, "/api/collections/messages/records/"+b.Id, nil)
	cs = changes(seen)
	if del := cs["deleted"].([]any); len(del) != 1 || del[0] != b.Id || len(items(t, cs, "messages")) != 0 {
		t.Errorf("after delete: %v", cs)
	}
	if res := c.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/changes?since=-4", nil); res.Status != http.StatusBadRequest {
		t.Errorf("negative since: %d", res.Status)
	}
}

func TestBoostRules(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}
	m := w.Post(t, w.AllTalk, w.Admin, "boost me")

	for content, want := range map[string]int{
		"👍": 200, "nice one!": 200, strings.Repeat("a", 16): 200, "👨‍👩‍👧‍👦": 200,
		strings.Repeat("a", 17): 400, "": 400, "   ": 400,
	} {
		res := bobC.Do(t, http.MethodPost, "/api/collections/boosts/records", map[string]any{"message": m.Id, "content": content, "booster": carol.Id})
		if res.Status != want {
			t.Errorf("boost %q: %d %s, want %d", content, res.Status, res.Body, want)
		}
		if res.Status == 200 && res.JSON(t)["booster"] != bob.Id {
			t.Errorf("booster forged: %s", res.Body)
		}
	}
	boost := bobC.Do(t, http.MethodPost, "/api/collections/boosts/records", map[string]any{"message": m.Id, "content": "🔥"}).JSON(t)
	if res := carolC.Do(t, http.MethodDelete, "/api/collections/boosts/records/"+boost["id"].(string), nil); res.Status != http.StatusNotFound {
		t.Errorf("another user deletes a boost: %d, want 404", res.Status)
	}
	if res := bobC.Do(t, http.MethodDelete, "/api/collections/boosts/records/"+boost["id"].(string), nil); res.Status != http.StatusNoContent {
		t.Errorf("booster deletes: %d", res.Status)
	}
}

// History and changes are written by messages' own JSON appender in one write; ?fields= still goes
// through PocketBase's picker.
func TestHistoryAnswerIsOneJSONWrite(t *testing.T) {
	w := testkit.Setup(t)
	w.Post(t, w.AllTalk, w.Admin, `<b>bold</b> "quoted" é`)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	for _, path := range []string{"/messages", "/changes?since=0"} {
		res := c.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+path, nil)
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/json" ||
			res.Header.Get("Content-Length") != fmt.Sprint(len(res.Body)) {
			t.Errorf("%s: %d %v", path, res.Status, res.Header)
		}
		res.JSON(t)
	}
	picked := c.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/messages?fields=has_more", nil).JSON(t)
	if len(picked) != 1 || picked["has_more"] != false {
		t.Errorf("?fields=has_more: %v", picked)
	}
}
