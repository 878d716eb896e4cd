package webhooks

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorded is what a test endpoint received.
type recorded struct {
	method string
	header http.Header
	body   []byte
}

// endpoint starts a 127.0.0.1 server that records each request and answers
// with respond.
func endpoint(t *testing.T, respond func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, func() []recorded) {
	t.Helper()
	var mu sync.Mutex
	var got []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, recorded{r.Method, r.Header.Clone(), body})
		mu.Unlock()
		respond(w, r)
	}))
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", srv.URL)
	}
	t.Cleanup(srv.Close)
	return srv, func() []recorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]recorded(nil), got...)
	}
}

func answer(status int, contentType, body string, extra ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(extra); i += 2 {
			w.Header().Set(extra[i], extra[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func testSecret(t *testing.T) string {
	t.Helper()
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var testBody = []byte(`{"user":{"id":"u1","name":"Ann"},"room":{"id":"r1","name":"General","path":"/p"},"message":{"id":"m1","body":{"html":"<p>hi</p>","plain":"hi"},"path":"/m"}}`)

func TestDeliverSignsAndPosts(t *testing.T) {
	srv, requests := endpoint(t, answer(http.StatusNoContent, "", ""))
	secret := testSecret(t)
	d := &Deliverer{UserAgent: "test-agent/1"}
	before := time.Now()
	o := d.Deliver(context.Background(), srv.URL+"/hook?x=1", secret, "msg_abc", testBody)
	if o.Err != nil || !o.OK() || o.Status != 204 || o.Reply != nil || o.Retryable || o.Disable || o.TimedOut {
		t.Fatalf("outcome %+v", o)
	}
	if o.Duration <= 0 || o.Duration > time.Since(before) {
		t.Errorf("Duration %v", o.Duration)
	}
	reqs := requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost {
		t.Errorf("method %s", r.method)
	}
	if !bytes.Equal(r.body, testBody) {
		t.Errorf("body %s", r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if ua := r.header.Get("User-Agent"); ua != "test-agent/1" {
		t.Errorf("User-Agent %q", ua)
	}
	if id := r.header.Get("webhook-id"); id != "msg_abc" {
		t.Errorf("webhook-id %q", id)
	}
	if err := verifyStandardWebhook(secret, r.header, r.body, time.Now(), 5*time.Minute); err != nil {
		t.Fatalf("independent verifier: %v", err)
	}
	tampered := append([]byte(nil), r.body...)
	tampered[len(tampered)-2] = 'X'
	if err := verifyStandardWebhook(secret, r.header, tampered, time.Now(), 5*time.Minute); err == nil {
		t.Fatal("verifier accepted a tampered body")
	}
	if err := verifyStandardWebhook(secret, r.header, r.body, time.Now().Add(10*time.Minute), 5*time.Minute); err == nil {
		t.Fatal("verifier accepted an old timestamp")
	}
}

func TestDeliverRetryKeepsID(t *testing.T) {
	srv, requests := endpoint(t, answer(http.StatusServiceUnavailable, "text/plain", "busy"))
	secret := testSecret(t)
	d := &Deliverer{}
	for attempt := 1; ; attempt++ {
		o := d.Deliver(context.Background(), srv.URL, secret, "msg_same", testBody)
		if !o.Retryable || o.Status != 503 || !errors.Is(o.Err, ErrStatus) || o.Reply != nil {
			t.Fatalf("outcome %+v", o)
		}
		if !ShouldRetry(o, attempt) {
			break
		}
	}
	reqs := requests()
	if len(reqs) != MaxAttempts {
		t.Fatalf("%d attempts, want %d", len(reqs), MaxAttempts)
	}
	for _, r := range reqs {
		if r.header.Get("webhook-id") != "msg_same" {
			t.Fatalf("webhook-id changed: %q", r.header.Get("webhook-id"))
		}
		if err := verifyStandardWebhook(secret, r.header, r.body, time.Now(), 5*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDeliverReplies(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	tests := []struct {
		name    string
		respond func(http.ResponseWriter, *http.Request)
		want    *Reply // nil: no reply
	}{
		{"text", answer(200, "text/plain; charset=utf-8", "Hello, room!"),
			&Reply{ContentType: "text/plain", Body: []byte("Hello, room!")}},
		{"text upper-case type", answer(200, "Text/Plain", "hi"),
			&Reply{ContentType: "text/plain", Body: []byte("hi")}},
		{"html", answer(200, "text/html; charset=UTF-8", "<b>bold</b> move"),
			&Reply{ContentType: "text/html", Body: []byte("<b>bold</b> move")}},
		{"latin-1 text", answer(200, "text/plain; charset=ISO-8859-1", "caf\xe9"),
			&Reply{ContentType: "text/plain", Body: []byte("café")}},
		{"invalid utf-8 text", answer(200, "text/plain", "a\xffb"),
			&Reply{ContentType: "text/plain", Body: []byte("a\uFFFDb")}},
		{"attachment", answer(200, "image/png", png),
			&Reply{ContentType: "image/png", Body: []byte(png), Filename: "reply.png"}},
		{"attachment with type params", answer(200, "application/json; charset=utf-8", `{"a":1}`),
			&Reply{ContentType: "application/json", Body: []byte(`{"a":1}`), Filename: "reply.json"}},
		{"attachment named", answer(200, "application/pdf", "%PDF-1.7", "Content-Disposition", `attachment; filename="Q3 report.pdf"`),
			&Reply{ContentType: "application/pdf", Body: []byte("%PDF-1.7"), Filename: "Q3 report.pdf"}},
		{"attachment RFC 2231 name", answer(200, "application/pdf", "%PDF", "Content-Disposition", `attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`),
			&Reply{ContentType: "application/pdf", Body: []byte("%PDF"), Filename: "résumé.pdf"}},
		{"attachment unsafe name", answer(200, "image/png", png, "Content-Disposition", `attachment; filename="../../etc/passwd"`),
			&Reply{ContentType: "image/png", Body: []byte(png), Filename: "reply.png"}},
		{"attachment unknown type", answer(200, "application/x-campfire-test", "data"),
			&Reply{ContentType: "application/x-campfire-test", Body: []byte("data"), Filename: "reply"}},
		{"empty 200", answer(200, "text/plain", ""), nil},
		{"204", answer(204, "text/plain", ""), nil},
		{"202 with body", answer(202, "text/plain", "queued"), nil},
		{"200 without content type", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil // stop net/http from sniffing one
			io.WriteString(w, "ok")
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := endpoint(t, tt.respond)
			o := (&Deliverer{}).Deliver(context.Background(), srv.URL, testSecret(t), "msg_1", testBody)
			if o.Err != nil || o.Retryable || o.Disable || o.TimedOut {
				t.Fatalf("outcome %+v", o)
			}
			if tt.want == nil {
				if o.Reply != nil {
					t.Fatalf("unexpected reply %+v", o.Reply)
				}
				return
			}
			r := o.Reply
			if r == nil || r.ContentType != tt.want.ContentType || !bytes.Equal(r.Body, tt.want.Body) || r.Filename != tt.want.Filename {
				t.Fatalf("reply %+v, want %+v", r, tt.want)
			}
			if r.IsText() != (tt.want.Filename == "") {
				t.Fatalf("IsText = %v", r.IsText())
			}
		})
	}
}

func TestDeliverOversizeReply(t *testing.T) {
	const limit = 16
	exact := strings.Repeat("a", limit)
	over := exact + "b"
	chunked := func(body string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			for i := range body {
				io.WriteString(w, body[i:i+1])
				w.(http.Flusher).Flush() // no Content-Length
			}
		}
	}
	tests := []struct {
		name    string
		respond func(http.ResponseWriter, *http.Request)
		ok      bool
	}{
		{"at the limit", answer(200, "text/plain", exact), true},
		{"at the limit, chunked", chunked(exact), true},
		{"over, announced", answer(200, "text/plain", over), false},
		{"over, chunked", chunked(over), false},
		{"attachment over", answer(200, "image/png", over), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := endpoint(t, tt.respond)
			o := (&Deliverer{MaxReplyBytes: limit}).Deliver(context.Background(), srv.URL, testSecret(t), "msg_1", testBody)
			if tt.ok {
				if o.Err != nil || o.Reply == nil || string(o.Reply.Body) != exact {
					t.Fatalf("outcome %+v", o)
				}
				return
			}
			if !errors.Is(o.Err, ErrReplyTooLarge) || o.Reply != nil || o.Retryable || o.TimedOut || o.Status != 200 {
				t.Fatalf("outcome %+v", o)
			}
		})
	}
	if (&Deliverer{}).maxReply() != 50<<20 {
		t.Fatal("default reply limit is not 50 MB")
	}
}

func TestDeliverDoesNotFollowRedirects(t *testing.T) {
	var followed atomic.Int32
	target, _ := endpoint(t, func(w http.ResponseWriter, r *http.Request) {
		followed.Add(1)
		answer(200, "text/plain", "redirected")(w, r)
	})
	for _, code := range []int{301, 302, 303, 307, 308} {
		srv, _ := endpoint(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL, code)
		})
		// Also with a client of our own that would follow redirects.
		for _, client := range []*http.Client{nil, {}, {CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}} {
			o := (&Deliverer{Client: client}).Deliver(context.Background(), srv.URL, testSecret(t), "msg_1", testBody)
			if o.Status != code || !errors.Is(o.Err, ErrRedirect) || o.Retryable || o.Reply != nil || o.Disable {
				t.Fatalf("%d: outcome %+v", code, o)
			}
		}
	}
	if n := followed.Load(); n != 0 {
		t.Fatalf("redirect followed %d times", n)
	}
}

// blockUntilGone answers only when the client goes away (or the test ends).
func blockUntilGone(t *testing.T, writeHeaderFirst bool) func(http.ResponseWriter, *http.Request) {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	return func(w http.ResponseWriter, r *http.Request) {
		if writeHeaderFirst {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "partial ")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}
}

func TestDeliverTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	for _, headerFirst := range []bool{false, true} {
		srv, _ := endpoint(t, blockUntilGone(t, headerFirst))
		d := &Deliverer{Timeout: timeout}
		o := d.Deliver(context.Background(), srv.URL, testSecret(t), "msg_1", testBody)
		if !o.TimedOut || !errors.Is(o.Err, ErrTimeout) || o.Retryable || o.Reply != nil || ShouldRetry(o, 1) {
			t.Fatalf("headerFirst=%v: outcome %+v", headerFirst, o)
		}
		if o.Duration < timeout || o.Duration > timeout+3*time.Second {
			t.Fatalf("Duration %v for a %v timeout", o.Duration, timeout)
		}
		if got := d.TimeoutText(); got != "Failed to respond within 0.2 seconds" {
			t.Fatalf("TimeoutText = %q", got)
		}
	}
}

func TestDeliverClientTimeoutCountsAsTimeout(t *testing.T) {
	srv, _ := endpoint(t, blockUntilGone(t, false))
	d := &Deliverer{Client: &http.Client{Timeout: 100 * time.Millisecond}, Timeout: 5 * time.Second}
	o := d.Deliver(context.Background(), srv.URL, testSecret(t), "msg_1", testBody)
	if !o.TimedOut || o.Retryable {
		t.Fatalf("outcome %+v", o)
	}
}

func TestTimeoutText(t *testing.T) {
	if TimeoutText(DefaultTimeout) != TimeoutReplyText || TimeoutReplyText != "Failed to respond within 7 seconds" {
		t.Fatalf("TimeoutReplyText %q, TimeoutText(DefaultTimeout) %q", TimeoutReplyText, TimeoutText(DefaultTimeout))
	}
	if got := (&Deliverer{}).TimeoutText(); got != TimeoutReplyText {
		t.Fatalf("zero Deliverer TimeoutText = %q", got)
	}
	if got := TimeoutText(time.Second); got != "Failed to respond within 1 second" {
		t.Fatalf("TimeoutText(1s) = %q", got)
	}
	if DefaultTimeout != 7*time.Second {
		t.Fatal("SPEC §7 says 7 s")
	}
}

func TestDeliverStatuses(t *testing.T) {
	tests := []struct {
		status                      int
		retryable, disable, success bool
		err                         error
	}{
		{200, false, false, true, nil},
		{201, false, false, true, nil},
		{400, false, false, false, ErrStatus},
		{401, false, false, false, ErrStatus},
		{404, false, false, false, ErrStatus},
		{410, false, true, false, ErrGone},
		{429, false, false, false, ErrStatus},
		{500, true, false, false, ErrStatus},
		{502, true, false, false, ErrStatus},
		{503, true, false, false, ErrStatus},
	}
	for _, tt := range tests {
		srv, _ := endpoint(t, answer(tt.status, "text/plain", ""))
		o := (&Deliverer{}).Deliver(context.Background(), srv.URL, testSecret(t), "msg_1", testBody)
		if o.Status != tt.status || o.Retryable != tt.retryable || o.Disable != tt.disable || o.OK() != tt.success || o.TimedOut {
			t.Errorf("%d: outcome %+v", tt.status, o)
		}
		if tt.err != nil && !errors.Is(o.Err, tt.err) {
			t.Errorf("%d: err %v, want %v", tt.status, o.Err, tt.err)
		}
		if ShouldRetry(o, 1) != tt.retryable {
			t.Errorf("%d: ShouldRetry = %v", tt.status, !tt.retryable)
		}
	}
}

func TestDeliverConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	o := (&Deliverer{Timeout: 2 * time.Second}).Deliver(context.Background(), "http://"+addr+"/hook", testSecret(t), "msg_1", testBody)
	if !o.Retryable || o.TimedOut || o.Status != 0 || o.Err == nil || !ShouldRetry(o, 1) {
		t.Fatalf("outcome %+v", o)
	}
}

func TestDeliverPermanentTransportError(t *testing.T) {
	refused := errors.New("destination not allowed")
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) { return nil, refused },
	}}
	d := &Deliverer{Client: client, Permanent: func(err error) bool { return errors.Is(err, refused) }}
	o := d.Deliver(context.Background(), "http://127.0.0.1:1/hook", testSecret(t), "msg_1", testBody)
	if o.Retryable || o.TimedOut || !errors.Is(o.Err, refused) || ShouldRetry(o, 1) {
		t.Fatalf("outcome %+v", o)
	}
	d.Permanent = nil
	if o := d.Deliver(context.Background(), "http://127.0.0.1:1/hook", testSecret(t), "msg_1", testBody); !o.Retryable {
		t.Fatalf("without Permanent: outcome %+v", o)
	}
}

func TestDeliverConnectionDroppedMidReply(t *testing.T) {
	srv, _ := endpoint(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "short")
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	o := (&Deliverer{}).Deliver(context.Background(), srv.URL, testSecret(t), "msg_1", testBody)
	if !o.Retryable || o.TimedOut || o.Reply != nil || o.Err == nil {
		t.Fatalf("outcome %+v", o)
	}
}

func TestDeliverCallerCancels(t *testing.T) {
	srv, _ := endpoint(t, blockUntilGone(t, false))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	o := (&Deliverer{Timeout: 5 * time.Second}).Deliver(ctx, srv.URL, testSecret(t), "msg_1", testBody)
	if !errors.Is(o.Err, context.Canceled) || o.TimedOut || !o.Retryable {
		t.Fatalf("outcome %+v", o)
	}
}

func TestDeliverBadInput(t *testing.T) {
	srv, requests := endpoint(t, answer(200, "text/plain", "no"))
	secret := testSecret(t)
	for _, u := range []string{"", "not a url", "ftp://127.0.0.1/x", "/relative", "http://", "http://[::1"} {
		o := (&Deliverer{}).Deliver(context.Background(), u, secret, "msg_1", testBody)
		if !errors.Is(o.Err, ErrBadURL) || o.Retryable {
			t.Errorf("%q: outcome %+v", u, o)
		}
	}
	if o := (&Deliverer{}).Deliver(context.Background(), srv.URL, "whsec_short", "msg_1", testBody); !errors.Is(o.Err, ErrBadSecret) || o.Retryable {
		t.Errorf("bad secret: outcome %+v", o)
	}
	if o := (&Deliverer{}).Deliver(context.Background(), srv.URL, secret, "bad id", testBody); o.Err == nil || o.Retryable {
		t.Errorf("bad id: outcome %+v", o)
	}
	if n := len(requests()); n != 0 {
		t.Fatalf("%d requests sent for bad input", n)
	}
}

func TestDispositionFilename(t *testing.T) {
	tests := []struct {
		header, want string
		ok           bool
	}{
		{`attachment; filename="a.png"`, "a.png", true},
		{`inline; filename=plain.txt`, "plain.txt", true},
		{`attachment; filename*=UTF-8''%E2%9C%93.txt`, "✓.txt", true},
		{``, "", false},
		{`attachment`, "", false},
		{`attachment; filename=""`, "", false},
		{`attachment; filename="../x.png"`, "", false},
		{`attachment; filename="a\\b.png"`, "", false},
		{`attachment; filename="C:x.png"`, "", false},
		{`attachment; filename=".htaccess"`, "", false},
		{`attachment; filename=".."`, "", false},
		{`attachment; filename=" padded.png"`, "", false},
		{`attachment; filename*=UTF-8''a%0Ab.png`, "", false},
		{`attachment; filename*=UTF-8''evil%E2%80%AEgnp.exe`, "", false},
		{`attachment; filename*=UTF-8''bad%FF.png`, "", false},
		{`attachment; filename="` + strings.Repeat("a", 256) + `"`, "", false},
		{`attachment; filename="a.png"; filename="b.png"`, "", false},
	}
	for _, tt := range tests {
		got, ok := dispositionFilename(tt.header)
		if ok != tt.ok || got != tt.want {
			t.Errorf("dispositionFilename(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}
