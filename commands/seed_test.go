package commands_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/pocketcampfire/campfire/commands"
	"github.com/pocketcampfire/campfire/testkit"
)

func TestSeed(t *testing.T) {
	w := testkit.Setup(t)
	app := w.App
	var usersBefore int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM users").Row(&usersBefore)

	res, err := commands.Seed(context.Background(), app, commands.SeedOptions{
		Users: 30, Rooms: 6, Directs: 5, Messages: 3000, Batch: 700, Password: "campfire-demo", Seed: 42,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Users != 30 || res.Rooms != 6 || res.Directs != 5 || res.Messages != 3000 {
		t.Fatalf("result %+v", res)
	}
	count := func(q string, params ...dbx.Params) int {
		t.Helper()
		var n int
		query := app.DB().NewQuery(q)
		if len(params) > 0 {
			query.Bind(params[0])
		}
		if err := query.Row(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	if n := count("SELECT COUNT(*) FROM users"); n != usersBefore+30 {
		t.Fatalf("%d users, want %d", n, usersBefore+30)
	}
	if n := count("SELECT COUNT(*) FROM messages"); n != 3000 {
		t.Fatalf("%d messages", n)
	}
	// counters moved with the messages: numbers and seqs are unique and the next post continues them
	if n := count("SELECT COUNT(DISTINCT number) FROM messages"); n != 3000 {
		t.Fatalf("%d distinct numbers", n)
	}
	if count("SELECT value FROM campfire_counters WHERE name = 'number'") != count("SELECT MAX(number) FROM messages") ||
		count("SELECT value FROM campfire_counters WHERE name = 'seq'") < count("SELECT MAX(seq) FROM messages") {
		t.Fatal("counters behind the seeded messages")
	}
	// numbers follow time
	if n := count(`SELECT COUNT(*) FROM messages a JOIN messages b ON b.number = a.number + 1 WHERE b.created < a.created`); n != 0 {
		t.Fatalf("%d messages numbered out of time order", n)
	}
	// every open room has every active user; every message's author is a member of its room
	if n := count(`SELECT COUNT(*) FROM rooms r, users u WHERE r.kind = 'open' AND u.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room = r.id AND m.user = u.id)`); n != 0 {
		t.Fatalf("%d missing open-room memberships", n)
	}
	if n := count(`SELECT COUNT(*) FROM messages m WHERE NOT EXISTS
		(SELECT 1 FROM memberships ms WHERE ms.room = m.room AND ms.user = m.creator)`); n != 0 {
		t.Fatalf("%d messages by non-members", n)
	}
	if n := count("SELECT COUNT(*) FROM rooms WHERE last_message_at = '' AND id IN (SELECT room FROM messages)"); n != 0 {
		t.Fatalf("%d rooms with messages but no last_message_at", n)
	}
	// the search index holds every message, and its trigger is back for new posts
	if _, err := app.DB().NewQuery("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").Execute(); err != nil {
		t.Fatalf("search index: %v", err)
	}
	if n := count("SELECT COUNT(*) FROM messages_fts_docsize"); n != 3000 {
		t.Fatalf("%d indexed messages", n)
	}
	if n := count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'messages_fts_ai'"); n != 1 {
		t.Fatal("the search index trigger was not restored")
	}

	base := testkit.Serve(t, app)
	// a seeded user signs in with the shared password and reads and searches history
	var email string
	if err := app.DB().NewQuery("SELECT email FROM users WHERE email LIKE '%.%.%@example.com' LIMIT 1").Row(&email); err != nil {
		t.Fatal(err)
	}
	r := testkit.Client{Base: base}.Do(t, http.MethodPost, "/api/collections/users/auth-with-password",
		map[string]string{"identity": email, "password": "campfire-demo"})
	if r.Status != http.StatusOK {
		t.Fatalf("seeded user sign-in: %d %s", r.Status, r.Body)
	}
	user := testkit.Client{Base: base, Token: r.JSON(t)["token"].(string)}
	if r := user.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/messages?limit=50", nil); r.Status != http.StatusOK ||
		len(r.JSON(t)["items"].([]any)) == 0 {
		t.Fatalf("history: %d %s", r.Status, r.Body)
	}
	if r := user.Do(t, http.MethodGet, "/api/campfire/search?q=release", nil); r.Status != http.StatusOK ||
		len(r.JSON(t)["items"].([]any)) == 0 {
		t.Fatalf("search: %d %s", r.Status, r.Body)
	}
	// a message posted after the seed is numbered after it and searchable at once
	p := user.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]string{"room": w.AllTalk.Id, "body": "postseedxyzzy"})
	if p.Status != http.StatusOK || int(p.JSON(t)["number"].(float64)) != 3001 {
		t.Fatalf("post after seed: %d %s", p.Status, p.Body)
	}
	if s := user.Do(t, http.MethodGet, "/api/campfire/search?q=postseedxyzzy", nil); !strings.Contains(string(s.Body), "postseedxyzzy") {
		t.Fatalf("new post not searchable: %s", s.Body)
	}
}

// On a fresh install the seed sets the account up first.
func TestSeedFreshInstall(t *testing.T) {
	app := testkit.NewApp(t)
	res, err := commands.Seed(context.Background(), app, commands.SeedOptions{Users: 3, Rooms: 2, Messages: 50, Password: "campfire-demo"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 50 {
		t.Fatalf("%+v", res)
	}
	if _, err := app.FindAuthRecordByEmail("users", "admin@example.com"); err != nil {
		t.Fatalf("no administrator: %v", err)
	}
}
