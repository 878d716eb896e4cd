package pushnotify_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/push"
	"github.com/pocketcampfire/campfire/pushnotify"
	"github.com/pocketcampfire/campfire/testkit"

	"github.com/pocketcampfire/campfire/push/pushtest"
)

const testSubject = "mailto:push-ops@pocketcampfire.org"

// device is a browser's side of a subscription: a P-256 key pair and a 16-byte auth secret, able to
// decrypt what the push service receives (copied from push/send_test.go).
type device struct {
	priv *ecdh.PrivateKey
	auth []byte
	sub  push.Subscription
}

func newDevice(t testing.TB, endpoint string) *device {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	if _, err := rand.Read(auth); err != nil {
		t.Fatal(err)
	}
	return &device{priv: priv, auth: auth, sub: push.Subscription{
		Endpoint: endpoint,
		P256dh:   base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		Auth:     base64.RawURLEncoding.EncodeToString(auth),
	}}
}

// body is the JSON a browser posts: PushSubscription.toJSON().
func (d *device) body() map[string]any {
	return map[string]any{"endpoint": d.sub.Endpoint, "keys": map[string]any{"p256dh": d.sub.P256dh, "auth": d.sub.Auth}}
}

// decrypt is the user agent side of RFC 8291, from package pushtest.
func (d *device) decrypt(body []byte) ([]byte, error) {
	return pushtest.Decrypt(d.priv, d.auth, body)
}

// checkVAPID verifies "vapid t=<JWT>, k=<pub>": k is wantKey, the JWT is ES256 signed by it, aud is
// the endpoint origin and sub the subject (copied from push/send_test.go).
func checkVAPID(header, wantKey, aud, sub string) error {
	return pushtest.CheckVAPID(header, wantKey, aud, sub)
}

// delivery is one decrypted notification the local push service received.
type delivery struct {
	n             push.Notification
	authorization string
	topic         string
}

// pushService is a local https push service on 127.0.0.1: it decrypts what each device receives and
// answers with scripted statuses.
type pushService struct {
	srv *httptest.Server

	mu      sync.Mutex
	devices map[string]*device    // path -> device
	got     map[string][]delivery // path -> deliveries, in order
	script  map[string][]int      // path -> statuses to answer next (then 201)
	errs    []string
}

func newPushService(t testing.TB) *pushService {
	t.Helper()
	ps := &pushService{devices: map[string]*device{}, got: map[string][]delivery{}, script: map[string][]int{}}
	ps.srv = httptest.NewUnstartedServer(http.HandlerFunc(ps.serve))
	ps.srv.StartTLS()
	t.Cleanup(ps.srv.Close)
	return ps
}

func (ps *pushService) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	status := http.StatusCreated
	if s := ps.script[r.URL.Path]; len(s) > 0 {
		status, ps.script[r.URL.Path] = s[0], s[1:]
	}
	if status == http.StatusCreated {
		d := ps.devices[r.URL.Path]
		if d == nil {
			ps.errs = append(ps.errs, "unknown device "+r.URL.Path)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		pt, err := d.decrypt(body)
		var n push.Notification
		if err == nil {
			err = json.Unmarshal(pt, &n)
		}
		if err != nil {
			ps.errs = append(ps.errs, fmt.Sprintf("%s: %v", r.URL.Path, err))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		ps.got[r.URL.Path] = append(ps.got[r.URL.Path], delivery{n: n, authorization: r.Header.Get("Authorization"), topic: r.Header.Get("Topic")})
	}
	w.WriteHeader(status)
}

// device registers a new device at path.
func (ps *pushService) device(t testing.TB, path string) *device {
	d := newDevice(t, ps.srv.URL+path)
	ps.mu.Lock()
	ps.devices[path] = d
	ps.mu.Unlock()
	return d
}

func (ps *pushService) answer(path string, statuses ...int) {
	ps.mu.Lock()
	ps.script[path] = append(ps.script[path], statuses...)
	ps.mu.Unlock()
}

func (ps *pushService) deliveries(path string) []delivery {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]delivery(nil), ps.got[path]...)
}

func (ps *pushService) reached() map[string]int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	out := map[string]int{}
	for p, ds := range ps.got {
		out[p] = len(ds)
	}
	return out
}

func (ps *pushService) check(t testing.TB) {
	t.Helper()
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, e := range ps.errs {
		t.Error("push service:", e)
	}
}

// waitFor waits until path has received n deliveries and returns them.
func (ps *pushService) waitFor(t testing.TB, path string, n int) []delivery {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := ps.deliveries(path); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			ps.check(t)
			t.Fatalf("%s: %d deliveries, want %d", path, len(ps.deliveries(path)), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pushWorld is a set-up account served on 127.0.0.1 with push aimed at a local push service.
type pushWorld struct {
	*testkit.World
	base string
	ps   *pushService
}

func only127(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }

func setupPush(t *testing.T) *pushWorld {
	t.Helper()
	t.Setenv(pushnotify.EnvSubject, testSubject)
	t.Setenv(push.EnvPublicKey, "")
	t.Setenv(push.EnvPrivateKey, "")
	w := testkit.Setup(t)
	ps := newPushService(t)
	pool := x509.NewCertPool()
	pool.AddCert(ps.srv.Certificate())
	// the test-only allowance: exactly 127.0.0.1, still https with a verified certificate
	pushnotify.Configure(w.App, pushnotify.Options{
		AllowPrivate: only127,
		TLSConfig:    &tls.Config{RootCAs: pool},
		Timeout:      5 * time.Second,
		RetryBackoff: 5 * time.Millisecond,
	})
	outbox.Configure(w.App, outbox.Options{PollInterval: 10 * time.Millisecond})
	base := testkit.Serve(t, w.App)
	return &pushWorld{World: w, base: base, ps: ps}
}

func (pw *pushWorld) client(t testing.TB, u *core.Record) testkit.Client {
	return testkit.Client{Base: pw.base, Token: testkit.Token(t, u)}
}

// subscribe registers a new device at path for u through the route.
func (pw *pushWorld) subscribe(t testing.TB, u *core.Record, path string) *device {
	t.Helper()
	d := pw.ps.device(t, path)
	if res := pw.client(t, u).Do(t, http.MethodPost, "/api/campfire/push/subscriptions", d.body()); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe %s: %d %s", path, res.Status, res.Body)
	}
	return d
}

// post posts a message through the record API, as a browser does.
func (pw *pushWorld) post(t testing.TB, u *core.Record, room *core.Record, body string) map[string]any {
	t.Helper()
	res := pw.client(t, u).Do(t, http.MethodPost, "/api/collections/messages/records", map[string]any{"room": room.Id, "body": body})
	if res.Status != http.StatusOK {
		t.Fatalf("post: %d %s", res.Status, res.Body)
	}
	return res.JSON(t)
}

func (pw *pushWorld) involvement(t testing.TB, u *core.Record, room *core.Record, inv string) {
	t.Helper()
	res := pw.client(t, u).Do(t, http.MethodPut, "/api/campfire/rooms/"+room.Id+"/involvement", map[string]any{"involvement": inv})
	if res.Status != http.StatusOK {
		t.Fatalf("involvement %s: %d %s", inv, res.Status, res.Body)
	}
}

// idle waits until every queued delivery has been handled (delivered, dropped or given up on).
func (pw *pushWorld) idle(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for outbox.Pending(pw.App) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still queued", outbox.Pending(pw.App))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (pw *pushWorld) subscriptionCount(t testing.TB, userID string) int {
	t.Helper()
	var n int
	if err := pw.App.DB().NewQuery("SELECT COUNT(*) FROM push_subscriptions WHERE user = {:u}").
		Bind(map[string]any{"u": userID}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mention(u *core.Record) string {
	return fmt.Sprintf(`<span class="mention" data-user-id="%s">@%s</span>`, u.Id, u.GetString("name"))
}
