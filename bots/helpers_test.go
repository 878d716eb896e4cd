package bots_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/testkit"
)

// env is a served test world: an account, an admin client, and fast bot options (a short webhook
// timeout, tiny backoff, the loopback allowance for the local HTTP bot).
type env struct {
	*testkit.World
	Base string
	API  testkit.Client // the administrator's client
}

const testTimeout = 300 * time.Millisecond

func setup(t *testing.T, opts ...func(*bots.Options)) *env {
	t.Helper()
	w := testkit.Setup(t)
	o := bots.Options{AllowLoopback: true, WebhookTimeout: testTimeout, Backoff: func(int) time.Duration { return 5 * time.Millisecond }}
	for _, f := range opts {
		f(&o)
	}
	bots.Configure(w.App, o)
	outbox.Configure(w.App, outbox.Options{PollInterval: 20 * time.Millisecond})
	base := testkit.Serve(t, w.App) // starts the outbox worker
	t.Cleanup(func() { outbox.Stop(w.App) })
	return &env{World: w, Base: base, API: testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}}
}

// createdBot is the admin API's answer to a creation.
type createdBot struct {
	ID, Name, Key, Secret, WebhookURL string
}

func (e *env) createBot(t *testing.T, name, webhookURL string) createdBot {
	t.Helper()
	body := map[string]any{"name": name}
	if webhookURL != "" {
		body["webhook_url"] = webhookURL
	}
	res := e.API.Do(t, http.MethodPost, "/api/campfire/bots", body)
	if res.Status != http.StatusOK {
		t.Fatalf("create bot: %d %s", res.Status, res.Body)
	}
	m := res.JSON(t)
	return createdBot{ID: str(m["id"]), Name: str(m["name"]), Key: str(m["key"]), Secret: str(m["webhook_secret"]), WebhookURL: str(m["webhook_url"])}
}

func str(v any) string { s, _ := v.(string); return s }

// raw sends a bot API request with a raw body.
func raw(t *testing.T, method, url, contentType, body string, header ...string) testkit.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) testkit.Response {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return testkit.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// multipartBody builds a multipart body with an "attachment" file and optional fields.
func multipartBody(t *testing.T, filename string, content []byte, fields map[string]string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if filename != "" {
		fw, err := mw.CreateFormFile("attachment", filename)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), buf.String()
}

func (e *env) messagesURL(roomID, key string) string {
	return e.Base + "/rooms/" + roomID + "/" + key + "/messages"
}

// hit is one request the local HTTP bot received.
type hit struct {
	Path   string
	Header http.Header
	Body   []byte
}

// botServer is a real HTTP bot on 127.0.0.1: it records every request and answers with respond.
type botServer struct {
	*httptest.Server
	mu      sync.Mutex
	hits    []hit
	respond func(w http.ResponseWriter, r *http.Request, n int)
	arrived chan hit
}

func newBotServer(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *botServer {
	t.Helper()
	b := &botServer{respond: respond, arrived: make(chan hit, 100)}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h := hit{Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
		b.mu.Lock()
		b.hits = append(b.hits, h)
		n := len(b.hits)
		b.mu.Unlock()
		b.arrived <- h
		if b.respond != nil {
			b.respond(w, r, n)
		}
	}))
	t.Cleanup(func() {
		b.CloseClientConnections()
		b.Close()
	})
	return b
}

func (b *botServer) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.hits)
}

func (b *botServer) next(t *testing.T) hit {
	t.Helper()
	select {
	case h := <-b.arrived:
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("the bot received no webhook")
	}
	return hit{}
}

// waitFor polls cond until it holds (a deadline, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// botMessages lists the messages a user posted in a room, oldest first.
func botMessages(t *testing.T, app core.App, roomID, creatorID string) []*core.Record {
	t.Helper()
	var out []*core.Record
	err := app.RecordQuery("messages").AndWhere(dbx.HashExp{"room": roomID, "creator": creatorID}).
		AndWhere(dbx.NewExp("deleted_at = ''")).OrderBy("number ASC").All(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type deliveryRow struct {
	WebhookID string `db:"webhook_id"`
	Message   string `db:"message"`
	Attempt   int    `db:"attempt"`
	Status    int    `db:"status"`
	Error     string `db:"error"`
	Final     bool   `db:"final"`
}

func deliveries(t *testing.T, app core.App, botID string) []deliveryRow {
	t.Helper()
	var rows []deliveryRow
	err := app.DB().Select("webhook_id", "message", "attempt", "status", "error", "final").From("webhook_deliveries").
		Where(dbx.HashExp{"bot": botID}).OrderBy("attempt ASC", "created ASC").All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func countRows(t *testing.T, app core.App, query string, params dbx.Params) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery(query).Bind(params).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// verifyStandardWebhook checks a delivery the way a bot would, written from the Standard Webhooks
// specification (https://www.standardwebhooks.com), independently of package webhooks: the signed
// content is "<webhook-id>.<webhook-timestamp>.<body>", the key is the base64 after "whsec_", the
// signature HMAC-SHA256 in base64 after "v1,", among space-separated signatures; the timestamp must
// be within 5 minutes.
func verifyStandardWebhook(secret string, h http.Header, body []byte) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return errors.New("missing webhook-id, webhook-timestamp or webhook-signature")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad timestamp")
	}
	if d := time.Since(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("timestamp out of tolerance")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return errors.New("bad secret")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		v, b64, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		if got, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("no valid v1 signature")
}
