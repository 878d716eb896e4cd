package bots_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/testkit"
)

func decode[T any](t *testing.T, res testkit.Response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(res.Body, &v); err != nil {
		t.Fatalf("decode %s: %v", res.Body, err)
	}
	return v
}

func TestPostMessage(t *testing.T) {
	e := setup(t)
	bob := e.User(t, "Bob")
	bot := e.createBot(t, "Deploy Bot", "")
	url := e.messagesURL(e.AllTalk.Id, bot.Key)

	// a member watches the room live: the bot's post takes the normal path (broadcast, unread)
	sse := testkit.Connect(t, e.Base)
	if res := sse.Subscribe(t, testkit.Token(t, bob), "campfire/rooms/"+e.AllTalk.Id); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}

	res := raw(t, http.MethodPost, url, "application/x-www-form-urlencoded", "Deployed <b>v2</b>, @Bob please check")
	if res.Status != http.StatusCreated {
		t.Fatalf("post: %d %s", res.Status, res.Body)
	}
	msg := decode[bots.MessageJSON](t, res)
	if msg.ID == "" || msg.Room.ID != e.AllTalk.Id || msg.Creator.ID != bot.ID || msg.Creator.Name != "Deploy Bot" ||
		msg.Creator.Role != "bot" || msg.CreatedAt == "" {
		t.Fatalf("message JSON %+v", msg)
	}
	if !strings.Contains(msg.Body.HTML, "<b>v2</b>") && !strings.Contains(msg.Body.HTML, "<strong>v2</strong>") {
		t.Errorf("html %q lost the formatting", msg.Body.HTML)
	}
	if !strings.Contains(msg.Body.PlainText, "Deployed v2") {
		t.Errorf("plain_text %q", msg.Body.PlainText)
	}
	wantURL := e.Base + "/rooms/" + e.AllTalk.Id + "/@" + msg.ID
	if msg.URL != wantURL || res.Header.Get("Location") != wantURL {
		t.Errorf("url %q, Location %q, want %q", msg.URL, res.Header.Get("Location"), wantURL)
	}
	// the keys of the JSON are Campfire's
	var generic map[string]any
	_ = json.Unmarshal(res.Body, &generic)
	for _, k := range []string{"id", "created_at", "body", "creator", "room", "url"} {
		if _, ok := generic[k]; !ok {
			t.Errorf("message JSON lacks %q: %s", k, res.Body)
		}
	}
	creator, _ := generic["creator"].(map[string]any)
	if _, ok := creator["avatar_url"]; !ok {
		t.Errorf("creator lacks avatar_url: %v", creator)
	}

	stored, err := e.App.FindRecordById("messages", msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := stored.GetStringSlice("mentions"); len(got) != 1 || got[0] != bob.Id {
		t.Errorf("mentions %v, want Bob", got)
	}
	ev := sse.WaitFor(t, "message.created", 5*time.Second)
	if m, _ := ev.Data["message"].(map[string]any); m["id"] != msg.ID {
		t.Errorf("realtime event %v", ev.Data)
	}
	if n := countRows(t, e.App, "SELECT COUNT(*) FROM memberships WHERE room = {:r} AND user = {:u} AND unread_at != ''",
		dbx.Params{"r": e.AllTalk.Id, "u": e.Admin.Id}); n != 1 {
		t.Error("the bot's post did not mark the room unread for the admin")
	}

	// text/plain is plain text: markup is shown, not interpreted
	res = raw(t, http.MethodPost, url, "text/plain; charset=utf-8", "if a <b> then\nnext")
	if res.Status != http.StatusCreated {
		t.Fatalf("plain post: %d %s", res.Status, res.Body)
	}
	plain := decode[bots.MessageJSON](t, res)
	if strings.Contains(plain.Body.HTML, "<b>") || !strings.Contains(plain.Body.HTML, "&lt;b&gt;") {
		t.Errorf("text/plain body became HTML: %q", plain.Body.HTML)
	}

	// scripts never survive
	res = raw(t, http.MethodPost, url, "text/html", `<script>alert(1)</script><p onclick="x()">hi</p>`)
	if res.Status != http.StatusCreated || strings.Contains(string(res.Body), "script") || strings.Contains(string(res.Body), "onclick") {
		t.Errorf("html post: %d %s", res.Status, res.Body)
	}
}

func TestPostMessageRefusals(t *testing.T) {
	e := setup(t)
	bot := e.createBot(t, "Robo", "")
	url := e.messagesURL(e.AllTalk.Id, bot.Key)

	for name, body := range map[string]string{"empty": "", "spaces": "  \n\t ", "blank html": "<p> </p><div></div>"} {
		if res := raw(t, http.MethodPost, url, "text/html", body); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s body: %d %s, want 422", name, res.Status, res.Body)
		}
	}
	if res := raw(t, http.MethodPost, url, "text/plain", strings.Repeat("a", 100_001)); res.Status != http.StatusBadRequest {
		t.Errorf("oversized body: %d, want 400", res.Status)
	}
	ct, body := multipartBody(t, "", nil, map[string]string{"body": " "})
	if res := raw(t, http.MethodPost, url, ct, body); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("empty multipart: %d %s, want 422", res.Status, res.Body)
	}
}

func TestPostAttachment(t *testing.T) {
	e := setup(t)
	bot := e.createBot(t, "Robo", "")
	ct, body := multipartBody(t, "report.txt", []byte("all green\n"), nil)
	res := raw(t, http.MethodPost, e.messagesURL(e.AllTalk.Id, bot.Key), ct, body)
	if res.Status != http.StatusCreated {
		t.Fatalf("attachment post: %d %s", res.Status, res.Body)
	}
	msg := decode[bots.MessageJSON](t, res)
	stored, err := e.App.FindRecordById("messages", msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.GetString("kind") != "attachment" || !strings.HasPrefix(stored.GetString("attachment"), "report") {
		t.Errorf("kind %q, attachment %q", stored.GetString("kind"), stored.GetString("attachment"))
	}
	// an attachment message can be deleted, not edited
	if res := raw(t, http.MethodPut, e.messagesURL(e.AllTalk.Id, bot.Key)+"/"+msg.ID, "text/plain", "new"); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("edit attachment: %d, want 422", res.Status)
	}
	if res := raw(t, http.MethodDelete, e.messagesURL(e.AllTalk.Id, bot.Key)+"/"+msg.ID, "", ""); res.Status != http.StatusNoContent {
		t.Errorf("delete attachment: %d %s", res.Status, res.Body)
	}
}

func TestKeysAndRooms(t *testing.T) {
	e := setup(t)
	bot := e.createBot(t, "Robo", "")
	other := e.createBot(t, "Other", "")
	bob := e.User(t, "Bob")
	closed := e.Room(t, "closed", "Secret", bob)
	id, token, _ := strings.Cut(bot.Key, "-")
	_, otherToken, _ := strings.Cut(other.Key, "-")

	post := func(path string, header ...string) int {
		return raw(t, http.MethodPost, e.Base+path, "text/plain", "hello", header...).Status
	}
	cases := []struct {
		name   string
		path   string
		header []string
		want   int
	}{
		{"good key", "/rooms/" + e.AllTalk.Id + "/" + bot.Key + "/messages", nil, 201},
		{"bearer with -", "/rooms/" + e.AllTalk.Id + "/-/messages", []string{"Authorization", "Bearer " + bot.Key}, 201},
		{"- without a header", "/rooms/" + e.AllTalk.Id + "/-/messages", nil, 401},
		{"- with a bad bearer", "/rooms/" + e.AllTalk.Id + "/-/messages", []string{"Authorization", "Bearer " + id + "-nope"}, 401},
		{"malformed key", "/rooms/" + e.AllTalk.Id + "/garbage/messages", nil, 401},
		{"wrong token", "/rooms/" + e.AllTalk.Id + "/" + id + "-" + strings.Repeat("x", len(token)) + "/messages", nil, 401},
		{"another bot's token", "/rooms/" + e.AllTalk.Id + "/" + id + "-" + otherToken + "/messages", nil, 401},
		{"a user id", "/rooms/" + e.AllTalk.Id + "/" + bob.Id + "-" + token + "/messages", nil, 401},
		{"room the bot is not in", "/rooms/" + closed.Id + "/" + bot.Key + "/messages", nil, 404},
		{"unknown room", "/rooms/nosuchroom00000/" + bot.Key + "/messages", nil, 404},
		{"bad key and unknown room", "/rooms/nosuchroom00000/garbage/messages", nil, 401},
	}
	for _, c := range cases {
		if got := post(c.path, c.header...); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}

	// added to the closed room, the bot can post there
	if res := e.API.Do(t, http.MethodPatch, "/api/campfire/rooms/"+closed.Id, map[string]any{"members": []string{bob.Id, bot.ID}}); res.Status != http.StatusOK {
		t.Fatalf("add bot to closed room: %d %s", res.Status, res.Body)
	}
	if got := post("/rooms/" + closed.Id + "/" + bot.Key + "/messages"); got != 201 {
		t.Errorf("post in the closed room after being added: %d", got)
	}

	// regenerating the key kills the old one at once
	res := e.API.Do(t, http.MethodPost, "/api/campfire/bots/"+bot.ID+"/key", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("regenerate: %d %s", res.Status, res.Body)
	}
	newKey := str(res.JSON(t)["key"])
	if newKey == "" || newKey == bot.Key || !strings.HasPrefix(newKey, bot.ID+"-") {
		t.Fatalf("new key %q", newKey)
	}
	if got := post("/rooms/" + e.AllTalk.Id + "/" + bot.Key + "/messages"); got != 401 {
		t.Errorf("old key after regeneration: %d, want 401", got)
	}
	if got := post("/rooms/" + e.AllTalk.Id + "/" + newKey + "/messages"); got != 201 {
		t.Errorf("new key: %d, want 201", got)
	}

	// a deactivated bot's key is dead
	if res := e.API.Do(t, http.MethodDelete, "/api/campfire/bots/"+bot.ID, nil); res.Status != http.StatusNoContent {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}
	if got := post("/rooms/" + e.AllTalk.Id + "/" + newKey + "/messages"); got != 401 {
		t.Errorf("deactivated bot: %d, want 401", got)
	}
}

func TestDirectRoomWithBot(t *testing.T) {
	e := setup(t)
	bot := e.createBot(t, "Robo", "")
	res := e.API.Do(t, http.MethodPost, "/api/campfire/rooms/direct", map[string]any{"users": []string{bot.ID}})
	if res.Status != http.StatusOK {
		t.Fatalf("DM a bot: %d %s", res.Status, res.Body)
	}
	dm := str(res.JSON(t)["id"])
	if got := raw(t, http.MethodPost, e.messagesURL(dm, bot.Key), "text/plain", "hi").Status; got != 201 {
		t.Errorf("bot posts in its DM: %d", got)
	}
}

func TestListMessages(t *testing.T) {
	e := setup(t)
	bot := e.createBot(t, "Robo", "")
	var ids []string
	for i := 1; i <= 45; i++ {
		ids = append(ids, e.Post(t, e.AllTalk, e.Admin, fmt.Sprintf("message %d", i)).Id)
	}
	deleted := e.Post(t, e.AllTalk, e.Admin, "to be deleted")
	if res := (testkit.Client{Base: e.Base, Token: testkit.Token(t, e.Admin)}).Do(t, http.MethodDelete, "/api/collections/messages/records/"+deleted.Id, nil); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	base := e.messagesURL(e.AllTalk.Id, bot.Key)

	res := raw(t, http.MethodGet, base, "", "")
	if res.Status != http.StatusOK {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	page := decode[[]bots.MessageJSON](t, res)
	if len(page) != 40 || page[0].ID != ids[5] || page[39].ID != ids[44] {
		t.Fatalf("newest page: %d items, first %s", len(page), page[0].ID)
	}
	if got := res.Header.Get("X-Total-Count"); got != "45" {
		t.Errorf("X-Total-Count %q, want 45", got)
	}
	link := res.Header.Get("Link")
	m := regexp.MustCompile(`^<([^>]+)>; rel="next"$`).FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("Link %q", link)
	}
	next, _ := url.Parse(m[1])
	if next.Query().Get("before") != ids[5] || !strings.HasSuffix(next.Path, "/messages") {
		t.Fatalf("next link %q", m[1])
	}

	res = raw(t, http.MethodGet, m[1], "", "")
	older := decode[[]bots.MessageJSON](t, res)
	if res.Status != http.StatusOK || len(older) != 5 || older[0].ID != ids[0] || older[4].ID != ids[4] {
		t.Fatalf("older page: %d, %d items", res.Status, len(older))
	}
	if res.Header.Get("Link") != "" {
		t.Errorf("last page has a next link: %q", res.Header.Get("Link"))
	}

	res = raw(t, http.MethodGet, base+"?after="+ids[2], "", "")
	newer := decode[[]bots.MessageJSON](t, res)
	if len(newer) != 40 || newer[0].ID != ids[3] {
		t.Fatalf("after page: %d items", len(newer))
	}
	if l := res.Header.Get("Link"); !strings.Contains(l, "after="+ids[42]) {
		t.Errorf("after page next link %q", l)
	}

	for name, q := range map[string]string{"both cursors": "?before=" + ids[3] + "&after=" + ids[1]} {
		if got := raw(t, http.MethodGet, base+q, "", "").Status; got != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, got)
		}
	}
	if got := raw(t, http.MethodGet, base+"?before=nosuchmessage00", "", "").Status; got != http.StatusNotFound {
		t.Errorf("unknown cursor: %d, want 404", got)
	}
	if got := raw(t, http.MethodGet, e.messagesURL(e.AllTalk.Id, "nope"), "", "").Status; got != http.StatusUnauthorized {
		t.Errorf("list with a bad key: %d, want 401", got)
	}
}

func TestEditDeleteBoost(t *testing.T) {
	e := setup(t)
	bot := e.createBot(t, "Robo", "")
	other := e.createBot(t, "Other", "")
	base := e.messagesURL(e.AllTalk.Id, bot.Key)
	mine := decode[bots.MessageJSON](t, raw(t, http.MethodPost, base, "text/plain", "first"))
	theirs := e.Post(t, e.AllTalk, e.Admin, "the admin's")

	for _, method := range []string{http.MethodPut, http.MethodPatch} {
		res := raw(t, method, base+"/"+mine.ID, "text/html", "<em>edited</em> by "+method)
		if res.Status != http.StatusOK {
			t.Fatalf("%s own: %d %s", method, res.Status, res.Body)
		}
		got := decode[bots.MessageJSON](t, res)
		if got.ID != mine.ID || !strings.Contains(got.Body.PlainText, "edited by "+method) {
			t.Errorf("%s answer %+v", method, got)
		}
	}
	checks := []struct {
		name, method, path, body string
		want                     int
	}{
		{"edit someone else's", http.MethodPut, base + "/" + theirs.Id, "hijack", 403},
		{"edit with another bot's key", http.MethodPut, e.messagesURL(e.AllTalk.Id, other.Key) + "/" + mine.ID, "hijack", 403},
		{"edit unknown", http.MethodPut, base + "/nosuchmessage00", "x", 404},
		{"edit empty", http.MethodPut, base + "/" + mine.ID, "  ", 422},
		{"edit with a bad key", http.MethodPut, e.messagesURL(e.AllTalk.Id, "bad") + "/" + mine.ID, "x", 401},
		{"delete someone else's", http.MethodDelete, base + "/" + theirs.Id, "", 403},
		{"boost empty", http.MethodPost, base + "/" + theirs.Id + "/boosts", " ", 422},
		{"boost too long", http.MethodPost, base + "/" + theirs.Id + "/boosts", strings.Repeat("x", 17), 422},
		{"boost unknown message", http.MethodPost, base + "/nosuchmessage00/boosts", "👍", 404},
	}
	for _, c := range checks {
		if got := raw(t, c.method, c.path, "text/plain", c.body).Status; got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}

	res := raw(t, http.MethodPost, base+"/"+theirs.Id+"/boosts", "text/plain", "🚀 shipped")
	if res.Status != http.StatusCreated {
		t.Fatalf("boost: %d %s", res.Status, res.Body)
	}
	boost := decode[bots.BoostJSON](t, res)
	if boost.ID == "" || boost.Content != "🚀 shipped" || boost.Message.ID != theirs.Id || boost.Booster.ID != bot.ID || boost.CreatedAt == "" {
		t.Fatalf("boost JSON %+v", boost)
	}
	adminBoost := decode[map[string]any](t, (testkit.Client{Base: e.Base, Token: testkit.Token(t, e.Admin)}).Do(t, http.MethodPost,
		"/api/collections/boosts/records", map[string]any{"message": theirs.Id, "content": "👍"}))
	if got := raw(t, http.MethodDelete, base+"/"+theirs.Id+"/boosts/"+str(adminBoost["id"]), "", "").Status; got != 403 {
		t.Errorf("remove someone else's boost: %d, want 403", got)
	}
	if got := raw(t, http.MethodDelete, base+"/"+mine.ID+"/boosts/"+boost.ID, "", "").Status; got != 404 {
		t.Errorf("remove a boost through the wrong message: %d, want 404", got)
	}
	if got := raw(t, http.MethodDelete, base+"/"+theirs.Id+"/boosts/"+boost.ID, "", "").Status; got != 204 {
		t.Errorf("remove own boost: %d, want 204", got)
	}
	if got := raw(t, http.MethodDelete, base+"/"+theirs.Id+"/boosts/"+boost.ID, "", "").Status; got != 404 {
		t.Errorf("remove it again: %d, want 404", got)
	}

	if got := raw(t, http.MethodDelete, base+"/"+mine.ID, "", "").Status; got != 204 {
		t.Errorf("delete own: %d, want 204", got)
	}
	stored, _ := e.App.FindRecordById("messages", mine.ID)
	if stored == nil || stored.GetString("deleted_at") == "" {
		t.Error("deletion did not leave a tombstone")
	}
	if got := raw(t, http.MethodDelete, base+"/"+mine.ID, "", "").Status; got != 404 {
		t.Errorf("delete again: %d, want 404", got)
	}
}

func TestPostRateLimit(t *testing.T) {
	e := setup(t, func(o *bots.Options) { o.PostLimit, o.PostWindow = 3, time.Hour })
	bot := e.createBot(t, "Chatty", "")
	other := e.createBot(t, "Quiet", "")
	url := e.messagesURL(e.AllTalk.Id, bot.Key)
	for i := 0; i < 3; i++ {
		if got := raw(t, http.MethodPost, url, "text/plain", "hi "+strconv.Itoa(i)).Status; got != 201 {
			t.Fatalf("post %d: %d", i, got)
		}
	}
	res := raw(t, http.MethodPost, url, "text/plain", "one too many")
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("4th post: %d (Retry-After %q), want 429", res.Status, res.Header.Get("Retry-After"))
	}
	// the limit is per bot
	if got := raw(t, http.MethodPost, e.messagesURL(e.AllTalk.Id, other.Key), "text/plain", "hi").Status; got != 201 {
		t.Errorf("another bot: %d, want 201", got)
	}
}

func TestPostIsIdempotentWithClientMessageID(t *testing.T) {
	e := setup(t)
	bot := e.createBot(t, "Robo", "")
	url := e.messagesURL(e.AllTalk.Id, bot.Key) + "?client_message_id=deploy-42"
	first := raw(t, http.MethodPost, url, "text/plain", "Deployed 42")
	if first.Status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	again := raw(t, http.MethodPost, url, "text/plain", "Deployed 42 (retry)")
	if again.Status != http.StatusOK || decode[bots.MessageJSON](t, again).ID != decode[bots.MessageJSON](t, first).ID {
		t.Fatalf("retry: %d %s", again.Status, again.Body)
	}
	if n := len(botMessages(t, e.App, e.AllTalk.Id, bot.ID)); n != 1 {
		t.Errorf("%d messages after a retry, want 1", n)
	}
	if got := raw(t, http.MethodPost, e.messagesURL(e.AllTalk.Id, bot.Key)+"?client_message_id=bad%20id", "text/plain", "x").Status; got != 400 {
		t.Errorf("bad client_message_id: %d, want 400", got)
	}
}
