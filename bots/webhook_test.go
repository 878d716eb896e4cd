package bots_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	pngenc "image/png"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/pocketcampfire/campfire"
	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/testkit"
	"github.com/pocketcampfire/campfire/webhooks"
)

func textReply(contentType, body string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", contentType)
		_, _ = io.WriteString(w, body)
	}
}

func decodePayload(t *testing.T, body []byte) webhooks.Payload {
	t.Helper()
	var p webhooks.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("payload %s: %v", body, err)
	}
	return p
}

func TestWebhookPayloadSignatureAndTextReply(t *testing.T) {
	e := setup(t)
	srv := newBotServer(t, textReply("text/plain; charset=utf-8", "pong <b>not bold</b>"))
	bot := e.createBot(t, "Echo", srv.URL+"/campfire")

	msg := e.Post(t, e.AllTalk, e.Admin, "@Echo deploy <em>the</em> thing")
	h := srv.next(t)

	if err := verifyStandardWebhook(bot.Secret, h.Header, h.Body); err != nil {
		t.Fatalf("signature: %v", err)
	}
	if h.Path != "/campfire" || !strings.HasPrefix(h.Header.Get("Content-Type"), "application/json") {
		t.Errorf("path %q, content type %q", h.Path, h.Header.Get("Content-Type"))
	}
	// exactly Campfire's fields
	var generic map[string]any
	_ = json.Unmarshal(h.Body, &generic)
	if len(generic) != 3 || generic["user"] == nil || generic["room"] == nil || generic["message"] == nil {
		t.Errorf("payload keys: %s", h.Body)
	}
	p := decodePayload(t, h.Body)
	if p.User.ID != e.Admin.Id || p.User.Name != "Ada Admin" {
		t.Errorf("user %+v", p.User)
	}
	wantPath := "/rooms/" + e.AllTalk.Id + "/" + bot.Key + "/messages"
	if p.Room.ID != e.AllTalk.Id || p.Room.Name != "All Talk" || p.Room.Path != wantPath {
		t.Errorf("room %+v, want path %s", p.Room, wantPath)
	}
	if p.Message.ID != msg.Id || p.Message.Path != "/rooms/"+e.AllTalk.Id+"/@"+msg.Id {
		t.Errorf("message id/path %+v", p.Message)
	}
	if p.Message.Body.Plain != "deploy the thing" {
		t.Errorf("plain %q, want the bot's @name removed", p.Message.Body.Plain)
	}
	if !strings.Contains(p.Message.Body.HTML, "<em>the</em>") || !strings.Contains(p.Message.Body.HTML, `data-user-id="`+bot.ID+`"`) {
		t.Errorf("html %q", p.Message.Body.HTML)
	}

	// the answer is the bot's reply, as plain text
	waitFor(t, "the bot's reply", func() bool { return len(botMessages(t, e.App, e.AllTalk.Id, bot.ID)) == 1 })
	reply := botMessages(t, e.App, e.AllTalk.Id, bot.ID)[0]
	if reply.GetString("plain") != "pong <b>not bold</b>" || strings.Contains(reply.GetString("body"), "<b>") {
		t.Errorf("reply body %q plain %q", reply.GetString("body"), reply.GetString("plain"))
	}

	waitFor(t, "the delivery record", func() bool { return len(deliveries(t, e.App, bot.ID)) == 1 })
	d := deliveries(t, e.App, bot.ID)[0]
	if d.WebhookID != h.Header.Get("webhook-id") || d.Message != msg.Id || d.Attempt != 1 || d.Status != 200 || !d.Final || d.Error != "" {
		t.Errorf("delivery %+v (webhook-id %s)", d, h.Header.Get("webhook-id"))
	}

	// room.path works as is for posting back
	if res := raw(t, http.MethodPost, e.Base+p.Room.Path, "text/plain", "posted via room.path"); res.Status != http.StatusCreated {
		t.Errorf("post to room.path: %d %s", res.Status, res.Body)
	}
	// the admin sees the attempts
	res := e.API.Do(t, http.MethodGet, "/api/campfire/bots/"+bot.ID+"/deliveries", nil)
	items, _ := res.JSON(t)["items"].([]any)
	if res.Status != http.StatusOK || len(items) != 1 {
		t.Fatalf("deliveries route: %d %s", res.Status, res.Body)
	}
	item := items[0].(map[string]any)
	if item["status"] != float64(200) || item["final"] != true || item["webhook_id"] != d.WebhookID || item["message"] != msg.Id {
		t.Errorf("delivery item %v", item)
	}
}

func TestWebhookHTMLAndFileReplies(t *testing.T) {
	e := setup(t)
	png := tinyPNG(t)
	srv := newBotServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, `<p>Hi <strong>there</strong></p><script>alert(1)</script>`)
		case 2:
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Content-Disposition", `attachment; filename="chart.png"`)
			_, _ = w.Write(png)
		default:
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write([]byte{1, 2, 3})
		}
	})
	bot := e.createBot(t, "Painter", srv.URL)

	e.Post(t, e.AllTalk, e.Admin, "@Painter say hi")
	waitFor(t, "the HTML reply", func() bool { return len(botMessages(t, e.App, e.AllTalk.Id, bot.ID)) == 1 })
	html := botMessages(t, e.App, e.AllTalk.Id, bot.ID)[0]
	if body := html.GetString("body"); !strings.Contains(body, "<strong>there</strong>") || strings.Contains(body, "script") {
		t.Errorf("html reply %q", body)
	}

	e.Post(t, e.AllTalk, e.Admin, "@Painter draw a chart")
	waitFor(t, "the file reply", func() bool { return len(botMessages(t, e.App, e.AllTalk.Id, bot.ID)) == 2 })
	file := botMessages(t, e.App, e.AllTalk.Id, bot.ID)[1]
	if file.GetString("kind") != "attachment" || !strings.HasPrefix(file.GetString("attachment"), "chart") ||
		!strings.HasSuffix(file.GetString("attachment"), ".png") {
		t.Errorf("file reply kind %q attachment %q", file.GetString("kind"), file.GetString("attachment"))
	}

	e.Post(t, e.AllTalk, e.Admin, "@Painter bytes please")
	waitFor(t, "the binary reply", func() bool { return len(botMessages(t, e.App, e.AllTalk.Id, bot.ID)) == 3 })
	bin := botMessages(t, e.App, e.AllTalk.Id, bot.ID)[2]
	if bin.GetString("kind") != "attachment" || !strings.HasPrefix(bin.GetString("attachment"), "reply") {
		t.Errorf("binary reply attachment %q", bin.GetString("attachment"))
	}
	if srv.count() != 3 {
		t.Errorf("%d webhooks for 3 mentions (a bot's replies must not call it again)", srv.count())
	}
}

func TestWebhookTimeout(t *testing.T) {
	e := setup(t)
	srv := newBotServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select { // answer only after Campfire gave up
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	bot := e.createBot(t, "Sloth", srv.URL)
	e.Post(t, e.AllTalk, e.Admin, "@Sloth hurry up")

	waitFor(t, "the timeout notice", func() bool { return len(botMessages(t, e.App, e.AllTalk.Id, bot.ID)) == 1 })
	notice := botMessages(t, e.App, e.AllTalk.Id, bot.ID)[0]
	if want := webhooks.TimeoutText(testTimeout); notice.GetString("plain") != want {
		t.Errorf("notice %q, want %q", notice.GetString("plain"), want)
	}
	if webhooks.TimeoutText(webhooks.DefaultTimeout) != "Failed to respond within 7 seconds" {
		t.Error("the default notice is not Campfire's")
	}
	waitFor(t, "the queue to empty", func() bool { return outbox.Pending(e.App) == 0 })
	rows := deliveries(t, e.App, bot.ID)
	if len(rows) != 1 || !rows[0].Final || rows[0].Status != 0 || !strings.Contains(rows[0].Error, "did not answer in time") {
		t.Errorf("deliveries %+v", rows)
	}
	if srv.count() != 1 {
		t.Errorf("a timeout was retried: %d requests", srv.count())
	}
}

func TestWebhookRetriesUnderOneID(t *testing.T) {
	e := setup(t)
	srv := newBotServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= 2 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	bot := e.createBot(t, "Flaky", srv.URL)
	e.Post(t, e.AllTalk, e.Admin, "@Flaky ping")

	var ids []string
	for i := 0; i < 3; i++ {
		h := srv.next(t)
		if err := verifyStandardWebhook(bot.Secret, h.Header, h.Body); err != nil {
			t.Fatalf("attempt %d signature: %v", i+1, err)
		}
		ids = append(ids, h.Header.Get("webhook-id"))
	}
	if ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("webhook-ids %v, want one id for every retry", ids)
	}
	waitFor(t, "three delivery records", func() bool { return len(deliveries(t, e.App, bot.ID)) == 3 })
	rows := deliveries(t, e.App, bot.ID)
	for i, r := range rows {
		wantStatus, wantFinal := 503, false
		if i == 2 {
			wantStatus, wantFinal = 204, true
		}
		if r.Attempt != i+1 || r.Status != wantStatus || r.Final != wantFinal || r.WebhookID != ids[0] {
			t.Errorf("attempt %d: %+v", i+1, r)
		}
	}
	waitFor(t, "the queue to empty", func() bool { return outbox.Pending(e.App) == 0 })
	if srv.count() != 3 {
		t.Errorf("%d requests, want 3", srv.count())
	}
}

func TestWebhookGivesUpAfterFiveTries(t *testing.T) {
	e := setup(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/hook"
	ln.Close() // nothing listens: every attempt is a connection error
	bot := e.createBot(t, "Ghost", dead)
	e.Post(t, e.AllTalk, e.Admin, "@Ghost anyone?")

	waitFor(t, "five attempts", func() bool {
		rows := deliveries(t, e.App, bot.ID)
		return len(rows) == 5 && rows[4].Final
	})
	rows := deliveries(t, e.App, bot.ID)
	for i, r := range rows {
		if r.Attempt != i+1 || r.Status != 0 || r.Error == "" || r.Final != (i == 4) || r.WebhookID != rows[0].WebhookID {
			t.Errorf("attempt %d: %+v", i+1, r)
		}
	}
	waitFor(t, "the queue to empty", func() bool { return outbox.Pending(e.App) == 0 })
	if len(deliveries(t, e.App, bot.ID)) != 5 || len(botMessages(t, e.App, e.AllTalk.Id, bot.ID)) != 0 {
		t.Error("more than five tries, or a message posted for a failed delivery")
	}
}

func TestWebhookGoneDisables(t *testing.T) {
	e := setup(t)
	srv := newBotServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusGone) })
	bot := e.createBot(t, "Retired", srv.URL)
	e.Post(t, e.AllTalk, e.Admin, "@Retired still there?")

	waitFor(t, "the webhook to be disabled", func() bool {
		u, err := e.App.FindRecordById("users", bot.ID)
		return err == nil && u.GetString("webhook_url") == ""
	})
	rows := deliveries(t, e.App, bot.ID)
	if len(rows) != 1 || rows[0].Status != 410 || !rows[0].Final {
		t.Errorf("deliveries %+v", rows)
	}
	e.Post(t, e.AllTalk, e.Admin, "@Retired again?")
	if n := countRows(t, e.App, "SELECT COUNT(*) FROM outbox WHERE recipient = {:b}", dbx.Params{"b": bot.ID}); n != 0 {
		t.Errorf("%d webhooks queued for a disabled webhook", n)
	}
	if srv.count() != 1 {
		t.Errorf("%d requests after a 410", srv.count())
	}
	// the bot itself keeps working through the API
	if got := raw(t, http.MethodPost, e.messagesURL(e.AllTalk.Id, bot.Key), "text/plain", "still here").Status; got != 201 {
		t.Errorf("bot API after 410: %d", got)
	}
}

func TestWhoGetsWebhooks(t *testing.T) {
	e := setup(t)
	bob := e.User(t, "Bob")
	srv := newBotServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/b" { // B answers by mentioning A: a webhook reply never calls anyone
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "@Alpha thanks")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	a := e.createBot(t, "Alpha", srv.URL+"/a")
	b := e.createBot(t, "Beta", srv.URL+"/b")
	queuedFor := func(botID string) int {
		return countRows(t, e.App, "SELECT COUNT(*) FROM outbox WHERE recipient = {:b}", dbx.Params{"b": botID}) +
			countRows(t, e.App, "SELECT COUNT(*) FROM webhook_deliveries WHERE bot = {:b}", dbx.Params{"b": botID})
	}

	// a bot never triggers its own webhook, even naming itself
	if got := raw(t, http.MethodPost, e.messagesURL(e.AllTalk.Id, a.Key), "text/plain", "@Alpha note to self").Status; got != 201 {
		t.Fatalf("self mention: %d", got)
	}
	if n := queuedFor(a.ID); n != 0 {
		t.Fatalf("a bot's own post queued %d webhooks to itself", n)
	}
	// a message without a mention in a shared room calls nobody
	e.Post(t, e.AllTalk, bob, "Alpha and Beta are quiet today")
	if queuedFor(a.ID)+queuedFor(b.ID) != 0 {
		t.Fatal("an unmentioned bot was called")
	}

	// a bot's API post reaches another bot like anyone's; B's webhook reply mentions A, which is not called
	if got := raw(t, http.MethodPost, e.messagesURL(e.AllTalk.Id, a.Key), "text/plain", "@Beta hello").Status; got != 201 {
		t.Fatalf("post: %d", got)
	}
	h := srv.next(t)
	if p := decodePayload(t, h.Body); h.Path != "/b" || p.User.ID != a.ID || p.Message.Body.Plain != "hello" {
		t.Fatalf("B's webhook: path %s payload %s", h.Path, h.Body)
	}
	waitFor(t, "B's reply", func() bool { return len(botMessages(t, e.App, e.AllTalk.Id, b.ID)) == 1 })
	reply := botMessages(t, e.App, e.AllTalk.Id, b.ID)[0]
	if ids := reply.GetStringSlice("mentions"); len(ids) != 1 || ids[0] != a.ID {
		t.Fatalf("B's reply mentions %v, want A", ids)
	}
	if n := queuedFor(a.ID); n != 0 {
		t.Errorf("a webhook reply called A (%d)", n)
	}

	// in a direct room every message reaches the bot, mention or not
	res := (testkit.Client{Base: e.Base, Token: testkit.Token(t, bob)}).Do(t, http.MethodPost, "/api/campfire/rooms/direct", map[string]any{"users": []string{a.ID}})
	dm := str(res.JSON(t)["id"])
	room, err := e.App.FindRecordById("rooms", dm)
	if err != nil {
		t.Fatal(err)
	}
	e.Post(t, room, bob, "status?")
	h = srv.next(t)
	if p := decodePayload(t, h.Body); h.Path != "/a" || p.Room.ID != dm || p.Message.Body.Plain != "status?" || p.User.ID != bob.Id {
		t.Fatalf("DM webhook: path %s payload %s", h.Path, h.Body)
	}
	waitFor(t, "the queue to empty", func() bool { return outbox.Pending(e.App) == 0 })
	before := queuedFor(a.ID)
	// the bot's own post in its DM does not call it
	if got := raw(t, http.MethodPost, e.messagesURL(dm, a.Key), "text/plain", "all good").Status; got != 201 {
		t.Fatalf("bot post in DM: %d", got)
	}
	if queuedFor(a.ID) != before {
		t.Error("the bot's post in its DM called the bot")
	}
	// edits do not call bots
	msg := e.Post(t, room, bob, "typo")
	waitFor(t, "the queue to empty", func() bool { return outbox.Pending(e.App) == 0 })
	before = queuedFor(a.ID)
	msg.Set("body", "fixed")
	if err := e.App.Save(msg); err != nil {
		t.Fatal(err)
	}
	if queuedFor(a.ID) != before {
		t.Error("an edit called the bot")
	}
}

func TestDeliveryAfterRestart(t *testing.T) {
	srv := newBotServer(t, textReply("text/plain", "back online"))
	opts := bots.Options{AllowLoopback: true, WebhookTimeout: testTimeout, Backoff: func(int) time.Duration { return 5 * time.Millisecond }}

	// the first process queues the webhook with the message and dies before any worker ran
	w := testkit.Setup(t)
	bots.Configure(w.App, opts)
	bot, key, err := bots.Create(w.App, "Phoenix", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	msg := w.Post(t, w.AllTalk, w.Admin, "@Phoenix are you there?")
	var rowID string
	if err := w.App.DB().NewQuery("SELECT id FROM outbox WHERE recipient = {:b} AND message = {:m}").
		Bind(dbx.Params{"b": bot.Id, "m": msg.Id}).Row(&rowID); err != nil {
		t.Fatalf("no queued webhook: %v", err)
	}
	if srv.count() != 0 {
		t.Fatal("delivered without a worker")
	}
	dataDir := w.App.DataDir()
	if err := w.App.ClearBootstrap(); err != nil { // closes the databases
		t.Fatal(err)
	}

	// a new process on the same data delivers it
	app2, err := tests.NewTestApp(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app2.Cleanup)
	campfire.Register(app2)
	bots.Configure(app2, opts)
	outbox.Configure(app2, outbox.Options{PollInterval: 20 * time.Millisecond})
	testkit.Serve(t, app2)

	h := srv.next(t)
	if h.Header.Get("webhook-id") != rowID {
		t.Errorf("webhook-id %q, want the outbox row %q", h.Header.Get("webhook-id"), rowID)
	}
	if err := verifyStandardWebhook(bot.GetString("webhook_secret"), h.Header, h.Body); err != nil {
		t.Errorf("signature: %v", err)
	}
	if p := decodePayload(t, h.Body); p.Message.ID != msg.Id || !strings.Contains(p.Room.Path, "/"+key+"/") {
		t.Errorf("payload after restart: %s", h.Body)
	}
	waitFor(t, "the reply", func() bool { return len(botMessages(t, app2, msg.GetString("room"), bot.Id)) == 1 })
	waitFor(t, "the queue to empty", func() bool { return outbox.Pending(app2) == 0 })
	if srv.count() != 1 {
		t.Errorf("%d deliveries, want 1", srv.count())
	}
}

func TestWebhookDeliveringHook(t *testing.T) {
	e := setup(t)
	srv := newBotServer(t, nil)
	bot := e.createBot(t, "Hooked", srv.URL+"/original")
	// a Go hook changes the payload and the URL
	events.For(e.App).WebhookDelivering.BindFunc(func(ev *events.WebhookDeliveringEvent) error {
		if ev.Bot.Id != bot.ID || ev.Attempt != 1 {
			t.Errorf("event bot %s attempt %d", ev.Bot.Id, ev.Attempt)
		}
		ev.Payload.Message.Body.Plain = "rewritten"
		ev.URL = srv.URL + "/moved"
		return ev.Next()
	})
	e.Post(t, e.AllTalk, e.Admin, "@Hooked original text")
	h := srv.next(t)
	if p := decodePayload(t, h.Body); h.Path != "/moved" || p.Message.Body.Plain != "rewritten" {
		t.Errorf("hooked delivery: %s %s", h.Path, h.Body)
	}
	if err := verifyStandardWebhook(bot.Secret, h.Header, h.Body); err != nil {
		t.Errorf("the changed payload is not what was signed: %v", err)
	}
}

func TestWebhookDeliveringHookSkips(t *testing.T) {
	e := setup(t)
	srv := newBotServer(t, nil)
	bot := e.createBot(t, "Muted", srv.URL)
	events.For(e.App).WebhookDelivering.BindFunc(func(ev *events.WebhookDeliveringEvent) error {
		return nil // skip without calling Next
	})
	e.Post(t, e.AllTalk, e.Admin, "@Muted hello")
	waitFor(t, "the queue to empty", func() bool { return outbox.Pending(e.App) == 0 })
	if srv.count() != 0 || len(deliveries(t, e.App, bot.ID)) != 0 {
		t.Errorf("a skipped delivery was sent (%d) or recorded", srv.count())
	}
}

// tinyPNG is a valid 2x2 PNG.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := pngenc.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
