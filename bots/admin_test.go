package bots_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

func TestAdminRoutes(t *testing.T) {
	e := setup(t)
	bob := e.User(t, "Bob")
	member := testkit.Client{Base: e.Base, Token: testkit.Token(t, bob)}
	anon := testkit.Client{Base: e.Base}
	srv := newBotServer(t, nil)

	// who may
	for _, c := range []struct {
		client testkit.Client
		want   int
	}{{anon, 401}, {member, 403}} {
		if got := c.client.Do(t, http.MethodGet, "/api/campfire/bots", nil).Status; got != c.want {
			t.Errorf("list: %d, want %d", got, c.want)
		}
		if got := c.client.Do(t, http.MethodPost, "/api/campfire/bots", map[string]any{"name": "X"}).Status; got != c.want {
			t.Errorf("create: %d, want %d", got, c.want)
		}
	}

	// create
	res := e.API.Do(t, http.MethodPost, "/api/campfire/bots", map[string]any{"name": "  Deploy Bot ", "webhook_url": srv.URL + "/hook"})
	if res.Status != http.StatusOK {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	created := res.JSON(t)
	id, key, secret := str(created["id"]), str(created["key"]), str(created["webhook_secret"])
	if created["name"] != "Deploy Bot" || created["status"] != "active" || created["webhook_url"] != srv.URL+"/hook" ||
		!strings.HasPrefix(key, id+"-") || len(key) < len(id)+1+12 || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("created %v", created)
	}
	for _, secretField := range []string{"bot_token_hash", "bot_token_encrypted", "password", "tokenKey", "email"} {
		if strings.Contains(string(res.Body), secretField) {
			t.Errorf("the answer shows %s: %s", secretField, res.Body)
		}
	}
	bot, err := e.App.FindRecordById("users", id)
	if err != nil {
		t.Fatal(err)
	}
	if bot.GetString("role") != "bot" || bot.Email() != "" || bot.GetString("bot_token_hash") == "" ||
		strings.Contains(bot.GetString("bot_token_hash"), strings.TrimPrefix(key, id+"-")) ||
		strings.Contains(bot.GetString("bot_token_encrypted"), strings.TrimPrefix(key, id+"-")) {
		t.Fatalf("stored bot: role %q email %q", bot.GetString("role"), bot.Email())
	}
	if !rooms.IsMember(e.App, e.AllTalk.Id, id) {
		t.Error("a new bot did not join the open room")
	}
	if k, err := bots.Key(e.App, bot); err != nil || k != key {
		t.Errorf("the encrypted token does not rebuild the key: %v", err)
	}

	// list and view: no key
	res = e.API.Do(t, http.MethodGet, "/api/campfire/bots", nil)
	items, _ := res.JSON(t)["items"].([]any)
	if res.Status != http.StatusOK || len(items) != 1 || strings.Contains(string(res.Body), key) || !strings.Contains(string(res.Body), secret) {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	res = e.API.Do(t, http.MethodGet, "/api/campfire/bots/"+id, nil)
	if res.Status != http.StatusOK || strings.Contains(string(res.Body), key) || res.JSON(t)["webhook_secret"] != secret {
		t.Fatalf("view: %d %s", res.Status, res.Body)
	}
	if got := e.API.Do(t, http.MethodGet, "/api/campfire/bots/"+bob.Id, nil).Status; got != 404 {
		t.Errorf("view a member as a bot: %d, want 404", got)
	}

	// the users API shows a bot like any user, without its secrets
	res = member.Do(t, http.MethodGet, "/api/collections/users/records/"+id, nil)
	if res.Status != http.StatusOK || res.JSON(t)["role"] != "bot" {
		t.Fatalf("users API: %d %s", res.Status, res.Body)
	}
	for _, f := range []string{"bot_token_hash", "bot_token_encrypted", "webhook_secret", "webhook_url"} {
		if _, ok := res.JSON(t)[f]; ok {
			t.Errorf("users API shows %s", f)
		}
	}

	// update
	for name, body := range map[string]map[string]any{
		"blank name":        {"name": "  "},
		"long name":         {"name": strings.Repeat("n", 101)},
		"relative url":      {"webhook_url": "/hook"},
		"ftp url":           {"webhook_url": "ftp://example.com/x"},
		"user info":         {"webhook_url": "https://user:pw@example.com/x"},
		"private address":   {"webhook_url": "http://10.0.0.1/hook"},
		"link-local":        {"webhook_url": "http://169.254.169.254/latest"},
		"loopback ipv6":     {"webhook_url": "http://[::1]:8080/"},
		"create without nm": nil,
	} {
		if body == nil {
			if got := e.API.Do(t, http.MethodPost, "/api/campfire/bots", map[string]any{}).Status; got != 400 {
				t.Errorf("%s: %d, want 400", name, got)
			}
			continue
		}
		if got := e.API.Do(t, http.MethodPatch, "/api/campfire/bots/"+id, body).Status; got != 400 {
			t.Errorf("%s: %d, want 400", name, got)
		}
	}
	res = e.API.Do(t, http.MethodPatch, "/api/campfire/bots/"+id, map[string]any{"name": "Deployer", "webhook_url": "https://bots.example.com/campfire"})
	if res.Status != http.StatusOK || res.JSON(t)["name"] != "Deployer" || res.JSON(t)["webhook_url"] != "https://bots.example.com/campfire" {
		t.Fatalf("update: %d %s", res.Status, res.Body)
	}
	res = e.API.Do(t, http.MethodPatch, "/api/campfire/bots/"+id, map[string]any{"webhook_url": ""})
	if res.Status != http.StatusOK || res.JSON(t)["webhook_url"] != "" || res.JSON(t)["name"] != "Deployer" {
		t.Fatalf("remove webhook: %d %s", res.Status, res.Body)
	}

	// deliveries of a bot with none
	res = e.API.Do(t, http.MethodGet, "/api/campfire/bots/"+id+"/deliveries", nil)
	if items, _ := res.JSON(t)["items"].([]any); res.Status != http.StatusOK || items == nil || len(items) != 0 {
		t.Errorf("deliveries: %d %s", res.Status, res.Body)
	}
	if got := member.Do(t, http.MethodGet, "/api/campfire/bots/"+id+"/deliveries", nil).Status; got != 403 {
		t.Errorf("a member reads deliveries: %d, want 403", got)
	}

	// a closed room and a DM keep the bot across deactivation as any user's would: shared rooms go, DMs stay
	closed := e.Room(t, "closed", "Ops", e.World.Admin, bot)
	dm := e.Direct(t, bob, bot)
	if got := e.API.Do(t, http.MethodDelete, "/api/campfire/bots/"+id, nil).Status; got != 204 {
		t.Fatalf("delete: %d", got)
	}
	deactivated, _ := e.App.FindRecordById("users", id)
	if deactivated.GetString("status") != "deactivated" || deactivated.GetString("bot_token_hash") != "" || deactivated.GetString("bot_token_encrypted") != "" {
		t.Errorf("deactivated bot keeps its key")
	}
	if rooms.IsMember(e.App, e.AllTalk.Id, id) || rooms.IsMember(e.App, closed.Id, id) || !rooms.IsMember(e.App, dm.Id, id) {
		t.Error("deactivation: shared rooms should go, the DM should stay")
	}
	res = e.API.Do(t, http.MethodGet, "/api/campfire/bots", nil)
	if items, _ := res.JSON(t)["items"].([]any); len(items) != 0 {
		t.Errorf("a deactivated bot is listed: %s", res.Body)
	}
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/api/campfire/bots/" + id},
		{http.MethodPatch, "/api/campfire/bots/" + id},
		{http.MethodDelete, "/api/campfire/bots/" + id},
		{http.MethodPost, "/api/campfire/bots/" + id + "/key"},
	} {
		if got := e.API.Do(t, c.method, c.path, map[string]any{}).Status; got != 404 {
			t.Errorf("%s %s on a deactivated bot: %d, want 404", c.method, c.path, got)
		}
	}
	if got := e.API.Do(t, http.MethodGet, "/api/campfire/bots/"+id+"/deliveries", nil).Status; got != 200 {
		t.Errorf("a deactivated bot's deliveries: %d, want 200", got)
	}
}

func TestKeyringNeverInAnswers(t *testing.T) {
	e := setup(t)
	bot := e.createBot(t, "Robo", "")
	var key string
	if err := e.App.DB().NewQuery("SELECT key FROM bot_keyring").Row(&key); err != nil || len(key) != 32 {
		t.Fatalf("keyring: %q %v", key, err)
	}
	su, err := e.App.FindAuthRecordByEmail(core.CollectionNameSuperusers, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	super := testkit.Client{Base: e.Base, Token: testkit.Token(t, su)}
	for _, path := range []string{"/api/collections/bot_keyring/records", "/api/collections/users/records/" + bot.ID} {
		res := super.Do(t, http.MethodGet, path, nil)
		if res.Status != http.StatusOK || strings.Contains(string(res.Body), key) {
			t.Errorf("%s as superuser: %d %s", path, res.Status, res.Body)
		}
	}
	// members cannot read the keyring at all
	res := e.API.Do(t, http.MethodGet, "/api/collections/bot_keyring/records", nil)
	if res.Status == http.StatusOK && strings.Contains(string(res.Body), key) {
		t.Errorf("an administrator read the keyring: %s", res.Body)
	}
	// superusers may manage bots too
	if got := super.Do(t, http.MethodGet, "/api/campfire/bots", nil).Status; got != 200 {
		t.Errorf("superuser list: %d", got)
	}
}

func TestCheckWebhookURL(t *testing.T) {
	if _, err := bots.CheckWebhookURL("http://127.0.0.1:9/x", false); err == nil {
		t.Error("127.0.0.1 accepted without the loopback allowance")
	}
	if _, err := bots.CheckWebhookURL("http://127.0.0.1:9/x", true); err != nil {
		t.Errorf("loopback with the allowance: %v", err)
	}
	if _, err := bots.CheckWebhookURL("http://127.0.0.2:9/x", true); err == nil {
		t.Error("the allowance is for exactly 127.0.0.1")
	}
	if u, err := bots.CheckWebhookURL(" https://bots.example.com/h?x=1 ", false); err != nil || u != "https://bots.example.com/h?x=1" {
		t.Errorf("public URL: %q %v", u, err)
	}
}

func TestProductionRefusesLoopbackDelivery(t *testing.T) {
	// without the allowance the guarded client refuses 127.0.0.1 at connect time, even when the URL
	// got in (an operator editing the record): a permanent failure, not retried
	e := setup(t, func(o *bots.Options) { o.AllowLoopback = false })
	srv := newBotServer(t, nil)
	bot := e.createBot(t, "Sneaky", "")
	u, _ := e.App.FindRecordById("users", bot.ID)
	u.Set("webhook_url", srv.URL)
	if err := e.App.Save(u); err != nil {
		t.Fatal(err)
	}
	e.Post(t, e.AllTalk, e.World.Admin, "@Sneaky hi")
	waitFor(t, "the refused attempt", func() bool { return len(deliveries(t, e.App, bot.ID)) == 1 })
	rows := deliveries(t, e.App, bot.ID)
	if !rows[0].Final || rows[0].Status != 0 || !strings.Contains(rows[0].Error, "refused") {
		t.Errorf("delivery %+v", rows[0])
	}
	if srv.count() != 0 {
		t.Error("the guard let a delivery reach 127.0.0.1")
	}
	waitFor(t, "the queue to empty", func() bool {
		return countRows(t, e.App, "SELECT COUNT(*) FROM outbox", dbx.Params{}) == 0
	})
}
