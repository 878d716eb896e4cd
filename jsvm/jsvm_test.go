package jsvm_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/jsvm"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

const hooks = `
onMessagePosting((e) => {
	// Campfire's hooks are bound for JS, with the event's records
	if (e.message.getString("plain") === "shout") {
		e.message.set("body", "<b>SHOUT</b><script>alert(1)</script>")
	}
	e.next()
})

onMessagePosted((e) => {
	if (e.message.getString("plain") === "ping") {
		const bot = e.app.findFirstRecordByFilter("users", "role = 'bot'")
		$campfire.postAsBot(bot.id, e.room.id, "pong")
	}
	e.next()
})

routerAdd("GET", "/api/test/member/{room}/{user}", (e) => {
	return e.json(200, {member: $campfire.isMember(e.request.pathValue("room"), e.request.pathValue("user"))})
})

routerAdd("POST", "/api/test/broadcast/{room}", (e) => {
	$campfire.broadcast(e.request.pathValue("room"), {type: "custom.hello", text: "hi"})
	return e.noContent(204)
})

routerAdd("POST", "/api/test/bot-outsider/{bot}/{room}", (e) => {
	$campfire.postAsBot(e.request.pathValue("bot"), e.request.pathValue("room"), "nope")
	return e.noContent(204)
})
`

func setup(t *testing.T) (*testkit.World, *core.Record, string) {
	t.Helper()
	w := testkit.Setup(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "test.pb.js"), []byte(hooks), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := jsvm.Register(w.App, jsvm.Config{HooksDir: dir, HooksPoolSize: 2, MigrationsDir: filepath.Join(dir, "none")}); err != nil {
		t.Fatal(err)
	}
	users, err := w.App.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	bot := core.NewRecord(users)
	bot.Set("name", "Echo Bot")
	bot.Set("role", "bot")
	bot.Set("status", "active")
	bot.SetPassword("not-used-by-bots-1234")
	if err := w.App.Save(bot); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rooms.AddMember(w.App, w.AllTalk, bot.Id); err != nil {
		t.Fatal(err)
	}
	return w, bot, testkit.Serve(t, w.App)
}

func TestJSHooksAndHelpers(t *testing.T) {
	w, bot, base := setup(t)
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}

	t.Run("a body rewritten by a hook is sanitized again", func(t *testing.T) {
		r := admin.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]string{"room": w.AllTalk.Id, "body": "shout"})
		if r.Status != http.StatusOK {
			t.Fatalf("post: %d %s", r.Status, r.Body)
		}
		m := r.JSON(t)
		if body := m["body"].(string); strings.Contains(body, "script") || !strings.Contains(body, "SHOUT") {
			t.Fatalf("body %q", body)
		}
		if m["plain"] != "SHOUT" {
			t.Fatalf("plain %q was not derived again", m["plain"])
		}
	})

	t.Run("postAsBot replies through the normal post path", func(t *testing.T) {
		sse := testkit.Connect(t, base)
		if r := sse.Subscribe(t, admin.Token, "campfire/rooms/"+w.AllTalk.Id); r.Status != http.StatusNoContent {
			t.Fatalf("subscribe: %d %s", r.Status, r.Body)
		}
		if r := admin.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]string{"room": w.AllTalk.Id, "body": "ping"}); r.Status != http.StatusOK {
			t.Fatalf("post: %d %s", r.Status, r.Body)
		}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			ev := sse.WaitFor(t, "message.created", 5*time.Second)
			msg, _ := ev.Data["message"].(map[string]any)
			if msg["plain"] == "pong" {
				if msg["creator"] != bot.Id {
					t.Fatalf("pong by %v, want the bot %s", msg["creator"], bot.Id)
				}
				if n, _ := msg["number"].(float64); n == 0 {
					t.Fatalf("the bot's message has no number: %v", msg)
				}
				return
			}
		}
		t.Fatal("no pong")
	})

	t.Run("isMember", func(t *testing.T) {
		outsider := w.Room(t, "closed", "Secret", w.Admin)
		for _, c := range []struct {
			room, user string
			want       bool
		}{{w.AllTalk.Id, bot.Id, true}, {outsider.Id, bot.Id, false}, {outsider.Id, w.Admin.Id, true}} {
			r := admin.Do(t, http.MethodGet, "/api/test/member/"+c.room+"/"+c.user, nil)
			if r.Status != http.StatusOK || r.JSON(t)["member"] != c.want {
				t.Fatalf("isMember(%s, %s): %d %s, want %v", c.room, c.user, r.Status, r.Body, c.want)
			}
		}
	})

	t.Run("postAsBot refuses a room the bot is not in", func(t *testing.T) {
		secret := w.Room(t, "closed", "Secret 2", w.Admin)
		r := admin.Do(t, http.MethodPost, "/api/test/bot-outsider/"+bot.Id+"/"+secret.Id, nil)
		if r.Status == http.StatusNoContent || r.Status >= 500 {
			t.Fatalf("posted into a room the bot is not in: %d %s", r.Status, r.Body)
		}
		if _, err := jsvm.PostAsBot(w.App, w.Admin.Id, w.AllTalk.Id, "hi"); !errors.Is(err, jsvm.ErrNotABot) {
			t.Fatalf("a member posted as a bot: %v", err)
		}
	})

	t.Run("broadcast reaches the room's subscribers", func(t *testing.T) {
		sse := testkit.Connect(t, base)
		if r := sse.Subscribe(t, admin.Token, "campfire/rooms/"+w.AllTalk.Id); r.Status != http.StatusNoContent {
			t.Fatalf("subscribe: %d %s", r.Status, r.Body)
		}
		if r := admin.Do(t, http.MethodPost, "/api/test/broadcast/"+w.AllTalk.Id, nil); r.Status != http.StatusNoContent {
			t.Fatalf("broadcast: %d %s", r.Status, r.Body)
		}
		ev := sse.WaitFor(t, "custom.hello", 5*time.Second)
		if ev.Data["text"] != "hi" {
			t.Fatalf("event %v", ev.Data)
		}
	})
}

func TestTypesFileWritten(t *testing.T) {
	dir := t.TempDir()
	w := testkit.Setup(t)
	if err := jsvm.Register(w.App, jsvm.Config{HooksDir: filepath.Join(dir, "hooks"), MigrationsDir: filepath.Join(dir, "migrations"), TypesDir: dir}); err != nil {
		t.Fatal(err)
	}
	// the test app is already bootstrapped: bootstrap again to run the types writer
	if err := w.App.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, jsvm.TypesFileName))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(jsvm.Types) {
		t.Fatal("campfire.d.ts differs from the embedded declarations")
	}
	for _, decl := range []string{"onMessagePosting", "onWebhookDelivering", "onPushSending", "postAsBot", "broadcast", "isMember"} {
		if !strings.Contains(string(data), decl) {
			t.Fatalf("campfire.d.ts does not declare %s", decl)
		}
	}
}
