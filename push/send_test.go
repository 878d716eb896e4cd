package push

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketcampfire/campfire/push/pushtest"
)

const testSubject = "mailto:push-ops@pocketcampfire.org"

// device is a browser's side of a subscription: a P-256 key pair and a
// 16-byte auth secret, able to decrypt what the push service receives.
type device struct {
	priv *ecdh.PrivateKey
	auth []byte
	sub  Subscription
}

func newDevice(t testing.TB, endpoint string) device {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	if _, err := rand.Read(auth); err != nil {
		t.Fatal(err)
	}
	return device{priv: priv, auth: auth, sub: Subscription{
		Endpoint: endpoint,
		P256dh:   base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		Auth:     base64.RawURLEncoding.EncodeToString(auth),
	}}
}

// decrypt is the user agent side of RFC 8291, from package pushtest.
func (d device) decrypt(body []byte) ([]byte, error) {
	return pushtest.Decrypt(d.priv, d.auth, body)
}

// verifyVAPID checks "vapid t=<JWT>, k=<pub>": k is the sender's public key,
// the JWT is ES256 signed by it, aud is the endpoint origin, sub the subject.
func verifyVAPID(t testing.TB, header string, keys Keys, aud, sub string) {
	t.Helper()
	if err := checkVAPID(header, keys.PublicKey, aud, sub); err != nil {
		t.Fatal(err)
	}
}

func checkVAPID(header, wantKey, aud, sub string) error {
	return pushtest.CheckVAPID(header, wantKey, aud, sub)
}

// allowLocal is the test's CheckEndpoint: plain http, but only to 127.0.0.1.
func allowLocal(_ context.Context, endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" {
		return errors.New("test: only http://127.0.0.1")
	}
	return nil
}

func testSender(t testing.TB) *Sender {
	t.Helper()
	keys, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	return &Sender{Keys: keys, Subject: testSubject, CheckEndpoint: allowLocal, Timeout: 5 * time.Second}
}

type request struct {
	path   string
	header http.Header
	body   []byte
}

// pushService is a local push service recording what it receives.
type pushService struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	status   atomic.Int32
}

func newPushService(t testing.TB) *pushService {
	t.Helper()
	ps := &pushService{}
	ps.status.Store(http.StatusCreated)
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ps.mu.Lock()
		ps.requests = append(ps.requests, request{r.URL.Path, r.Header.Clone(), body})
		ps.mu.Unlock()
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		status := int(ps.status.Load())
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "7")
		}
		w.WriteHeader(status)
		fmt.Fprint(w, `{"error":"for the test"}`)
	}))
	t.Cleanup(ps.Close)
	return ps
}

func (ps *pushService) received() []request {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]request(nil), ps.requests...)
}

func TestSendDeliversEncryptedNotification(t *testing.T) {
	ps := newPushService(t)
	s := testSender(t)
	d := newDevice(t, ps.URL+"/wpush/v2/secret-token")
	roomID := "k3x9q2w8e7r6t5y"

	payload, err := Encode(BuildNotification(RoomOpen, "Ops", "Alice", "the build is green 🎉", roomID, 1234, 5))
	if err != nil {
		t.Fatal(err)
	}
	res := s.Send(t.Context(), d.sub, payload, roomID)
	if res.Err != nil || res.Status != http.StatusCreated || res.Gone {
		t.Fatalf("result %+v", res)
	}

	reqs := ps.received()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	req := reqs[0]
	if req.path != "/wpush/v2/secret-token" {
		t.Errorf("path %q", req.path)
	}
	h := req.header
	for name, want := range map[string]string{
		"TTL":              "86400",
		"Urgency":          "high",
		"Topic":            roomID,
		"Content-Encoding": "aes128gcm",
		"Content-Type":     "application/octet-stream",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	verifyVAPID(t, h.Get("Authorization"), s.Keys, ps.URL, testSubject)
	// The verifier has teeth: another key or another audience fails.
	other, _ := GenerateKeys()
	if checkVAPID(h.Get("Authorization"), other.PublicKey, ps.URL, testSubject) == nil {
		t.Fatal("JWT accepted for another key")
	}
	if checkVAPID(h.Get("Authorization"), s.Keys.PublicKey, "https://fcm.googleapis.com", testSubject) == nil {
		t.Fatal("JWT accepted for another audience")
	}

	pt, err := d.decrypt(req.body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pt, payload) {
		t.Fatalf("decrypted %q, sent %q", pt, payload)
	}
	var n Notification
	if err := json.Unmarshal(pt, &n); err != nil {
		t.Fatal(err)
	}
	if n.Title != "Ops" || n.Body != "Alice: the build is green 🎉" || n.Path != "/rooms/"+roomID+"/@1234" || n.Badge != 5 || n.Number != 1234 {
		t.Fatalf("notification %+v", n)
	}
	// Another device cannot read it.
	if _, err := newDevice(t, "x").decrypt(req.body); err == nil {
		t.Fatal("decrypted with the wrong key")
	}
}

func TestSendHTTPSSubjectAndLongTopic(t *testing.T) {
	ps := newPushService(t)
	s := testSender(t)
	s.Subject = "https://chat.pocketcampfire.org/"
	s.TTL = time.Hour
	d := newDevice(t, ps.URL+"/p")
	res := s.Send(t.Context(), d.sub, []byte(`{}`), "a room id that is not a topic, and is long")
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	h := ps.received()[0].header
	verifyVAPID(t, h.Get("Authorization"), s.Keys, ps.URL, "https://chat.pocketcampfire.org/")
	if got := h.Get("TTL"); got != "3600" {
		t.Errorf("TTL %q", got)
	}
	if topic := h.Get("Topic"); len(topic) != 32 || !validTopic(topic) {
		t.Errorf("Topic %q", topic)
	}
	// No topic: no header.
	s.Send(t.Context(), d.sub, []byte(`{}`), "")
	if _, ok := ps.received()[1].header["Topic"]; ok {
		t.Error("empty topic sent a Topic header")
	}
}

func TestSendMaxPayloads(t *testing.T) {
	ps := newPushService(t)
	s := testSender(t)
	d := newDevice(t, ps.URL+"/p")

	// A huge message, encoded, fits and round-trips.
	huge := strings.Repeat("fire 🔥 \"<&>\" ", 200_000)
	payload, err := Encode(BuildNotification(RoomDirect, "", "Bob", huge, "r1", 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Encode(Notification{Title: "t", Body: huge, Path: "/rooms/r1/@1"})
	if err != nil || len(raw) > MaxPayloadSize {
		t.Fatalf("raw huge: %d bytes, %v", len(raw), err)
	}
	// The RFC 8291 limit itself goes through too.
	limit := bytes.Repeat([]byte("z"), MaxEncryptedPlaintext)
	for _, p := range [][]byte{payload, raw, limit} {
		res := s.Send(t.Context(), d.sub, p, "r1")
		if res.Err != nil {
			t.Fatalf("%d bytes: %v", len(p), res.Err)
		}
		reqs := ps.received()
		pt, err := d.decrypt(reqs[len(reqs)-1].body)
		if err != nil || !bytes.Equal(pt, p) {
			t.Fatalf("%d bytes: round trip failed: %v", len(p), err)
		}
	}
	// One byte more is refused before any request.
	before := len(ps.received())
	res := s.Send(t.Context(), d.sub, append(limit, 'z'), "r1")
	if !errors.Is(res.Err, ErrPayloadTooLarge) || len(ps.received()) != before {
		t.Fatalf("oversized payload: %+v", res)
	}
}

func TestSendStatuses(t *testing.T) {
	ps := newPushService(t)
	s := testSender(t)
	d := newDevice(t, ps.URL+"/wpush/secret-token")
	cases := []struct {
		status int
		gone   bool
		ok     bool
	}{
		{http.StatusCreated, false, true},
		{http.StatusOK, false, true},
		{http.StatusGone, true, false},
		{http.StatusNotFound, true, false},
		{http.StatusInternalServerError, false, false},
		{http.StatusBadRequest, false, false},
		{http.StatusForbidden, false, false},
		{http.StatusTooManyRequests, false, false},
		{http.StatusFound, false, false}, // redirects are not followed
	}
	for _, c := range cases {
		ps.status.Store(int32(c.status))
		res := s.Send(t.Context(), d.sub, []byte(`{"title":"x"}`), "r")
		if res.Status != c.status || res.Gone != c.gone || (res.Err == nil) != c.ok {
			t.Errorf("%d: %+v", c.status, res)
			continue
		}
		if c.gone && !errors.Is(res.Err, ErrGone) {
			t.Errorf("%d: err %v is not ErrGone", c.status, res.Err)
		}
		if !c.ok && !c.gone {
			var se *StatusError
			if !errors.As(res.Err, &se) || se.Status != c.status || !strings.Contains(se.Body, "for the test") {
				t.Errorf("%d: err %#v", c.status, res.Err)
			}
		}
		if res.Err != nil && strings.Contains(res.Err.Error(), "secret-token") {
			t.Errorf("%d: error leaks the endpoint: %v", c.status, res.Err)
		}
		if c.status == http.StatusTooManyRequests && res.RetryAfter != 7*time.Second {
			t.Errorf("Retry-After: %v", res.RetryAfter)
		}
	}
}

func TestSendTimeouts(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees the handlers

	s := testSender(t)
	d := newDevice(t, srv.URL+"/slow/secret-token")

	// Sender.Timeout bounds the call.
	s.Timeout = 200 * time.Millisecond
	start := time.Now()
	res := s.Send(t.Context(), d.sub, []byte(`{}`), "r")
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("took %v", el)
	}
	if !errors.Is(res.Err, context.DeadlineExceeded) || res.Gone || res.Status != 0 {
		t.Fatalf("result %+v", res)
	}
	if strings.Contains(res.Err.Error(), "secret-token") {
		t.Fatalf("error leaks the endpoint: %v", res.Err)
	}

	// The caller's context is honoured too.
	s.Timeout = time.Minute
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	start = time.Now()
	res = s.Send(ctx, d.sub, []byte(`{}`), "r")
	if el := time.Since(start); el > 3*time.Second || !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Fatalf("took %v, result %+v", el, res)
	}

	// The endpoint check gets the bounded context as well.
	s.Timeout = 100 * time.Millisecond
	s.CheckEndpoint = func(ctx context.Context, _ string) error {
		if _, ok := ctx.Deadline(); !ok {
			return errors.New("no deadline")
		}
		<-ctx.Done()
		return ctx.Err()
	}
	res = s.Send(t.Context(), d.sub, []byte(`{}`), "r")
	if !errors.Is(res.Err, ErrEndpointRefused) || !strings.Contains(res.Err.Error(), "deadline") {
		t.Fatalf("slow check: %+v", res)
	}
}

func TestSendRefusals(t *testing.T) {
	ps := newPushService(t)
	d := newDevice(t, ps.URL+"/p")

	// Default CheckEndpoint: https only, so the local http service is refused.
	s := testSender(t)
	s.CheckEndpoint = nil
	if res := s.Send(t.Context(), d.sub, []byte(`{}`), "r"); !errors.Is(res.Err, ErrEndpointRefused) {
		t.Fatalf("http endpoint: %+v", res)
	}

	s = testSender(t)
	s.Subject = "mailto:admin@example.com"
	if res := s.Send(t.Context(), d.sub, []byte(`{}`), "r"); !errors.Is(res.Err, ErrInvalidSender) {
		t.Fatalf("placeholder subject: %+v", res)
	}

	s = testSender(t)
	other, _ := GenerateKeys()
	s.Keys.PrivateKey = other.PrivateKey
	if res := s.Send(t.Context(), d.sub, []byte(`{}`), "r"); !errors.Is(res.Err, ErrInvalidSender) {
		t.Fatalf("mismatched keys: %+v", res)
	}

	s = testSender(t)
	bad := d.sub
	bad.Auth = "short"
	if res := s.Send(t.Context(), bad, []byte(`{}`), "r"); !errors.Is(res.Err, ErrInvalidSubscription) {
		t.Fatalf("bad auth: %+v", res)
	}

	if n := len(ps.received()); n != 0 {
		t.Fatalf("%d requests reached the push service", n)
	}
}

// TestSendAllSharedPayload shares one payload slice, with spare capacity
// (what makes webpush-go v1.4.0 write into it), between concurrent sends;
// under -race it fails if Send stops copying the payload.
func TestSendAllSharedPayload(t *testing.T) {
	const n = 12
	var (
		mu      sync.Mutex
		devices = map[string]device{}
		got     = map[string][]byte{}
	)
	var inflight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond) // let sends overlap
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		d := devices[r.URL.Path]
		mu.Unlock()
		pt, err := d.decrypt(body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		got[r.URL.Path] = pt
		mu.Unlock()
		if r.URL.Path == "/dev/3" {
			w.WriteHeader(http.StatusGone)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(srv.Close)

	subs := make([]Subscription, n)
	for i := range subs {
		path := fmt.Sprintf("/dev/%d", i)
		d := newDevice(t, srv.URL+path)
		devices[path] = d
		subs[i] = d.sub
	}
	enc, err := Encode(BuildNotification(RoomClosed, "Secret", "Eve", "shared payload", "room1", 77, 2))
	if err != nil {
		t.Fatal(err)
	}
	payload := make([]byte, len(enc), 8192)
	copy(payload, enc)

	s := testSender(t)
	s.Concurrency = 4
	results := s.SendAll(t.Context(), subs, payload, "room1")
	if len(results) != n {
		t.Fatalf("%d results", len(results))
	}
	for i, res := range results {
		if i == 3 {
			if !res.Gone || res.Status != http.StatusGone {
				t.Errorf("sub 3: %+v", res)
			}
			continue
		}
		if res.Err != nil || res.Status != http.StatusCreated {
			t.Errorf("sub %d: %+v", i, res)
		}
	}
	if len(got) != n {
		t.Fatalf("%d decrypted deliveries", len(got))
	}
	for path, pt := range got {
		if !bytes.Equal(pt, enc) {
			t.Errorf("%s: decrypted %q", path, pt)
		}
	}
	if !bytes.Equal(payload, enc) || !bytes.Equal(payload[:cap(payload)][len(enc):], make([]byte, cap(payload)-len(enc))) {
		t.Error("the caller's payload buffer was written to")
	}
	if p := peak.Load(); p > 4 || p < 2 {
		t.Errorf("peak concurrency %d, want 2..4", p)
	}
	if s.SendAll(t.Context(), nil, payload, "r") == nil {
		t.Error("SendAll(nil) should return an empty slice")
	}
}
