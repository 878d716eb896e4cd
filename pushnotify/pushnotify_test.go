package pushnotify_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/push"
	"github.com/pocketcampfire/campfire/pushnotify"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

func statusKey(t *testing.T, base string) string {
	t.Helper()
	res := testkit.Client{Base: base}.Do(t, http.MethodGet, "/api/campfire/status", nil)
	key, _ := res.JSON(t)["vapid_public_key"].(string)
	if key == "" {
		t.Fatalf("status has no vapid_public_key: %s", res.Body)
	}
	return key
}

func TestNotificationArrivesEncryptedWithTitleBodyPathAndBadge(t *testing.T) {
	pw := setupPush(t)
	bob := pw.User(t, "Bob Builder")
	pw.subscribe(t, bob, "/bob/laptop")
	pw.subscribe(t, bob, "/bob/phone")
	pw.involvement(t, bob, pw.AllTalk, rooms.Everything)

	// another room of Bob's goes unread without a push (mentions only, not mentioned)
	side := pw.Room(t, rooms.Closed, "Side", pw.Admin, bob)
	pw.post(t, pw.Admin, side, "not for a push")

	msg := pw.post(t, pw.Admin, pw.AllTalk, "Deploy is <b>green</b>\n\n  again")
	number := int64(msg["number"].(float64))
	for _, path := range []string{"/bob/laptop", "/bob/phone"} {
		got := pw.ps.waitFor(t, path, 1)
		n := got[0].n
		want := push.Notification{
			Title: "All Talk", Body: "Ada Admin: Deploy is green again",
			Path: fmt.Sprintf("/rooms/%s/@%d", pw.AllTalk.Id, number), Number: number, Badge: 2, Tag: "room-" + pw.AllTalk.Id,
		}
		if n != want {
			t.Errorf("%s: got %+v\nwant %+v", path, n, want)
		}
		if err := checkVAPID(got[0].authorization, statusKey(t, pw.base), pw.ps.srv.URL, testSubject); err != nil {
			t.Errorf("%s: VAPID: %v", path, err)
		}
		if got[0].topic != pw.AllTalk.Id {
			t.Errorf("%s: Topic %q", path, got[0].topic)
		}
	}

	// a direct message: the title is the author, the body the text alone
	dm := pw.Direct(t, pw.Admin, bob)
	msg = pw.post(t, pw.Admin, dm, "psst")
	got := pw.ps.waitFor(t, "/bob/phone", 2)[1].n
	if got.Title != "Ada Admin" || got.Body != "psst" || got.Badge != 3 ||
		got.Path != fmt.Sprintf("/rooms/%s/@%d", dm.Id, int64(msg["number"].(float64))) {
		t.Errorf("direct: %+v", got)
	}

	pw.idle(t)
	pw.ps.check(t)
	// the author never gets their own; Side sent none
	if n := pw.ps.reached(); n["/bob/laptop"] != 2 || n["/bob/phone"] != 2 || len(n) != 2 {
		t.Errorf("deliveries: %v", n)
	}
}

// TestRecipientRules runs every involvement × presence × mention case through the real post path:
// one member per case, all in All Talk with a subscription, one message mentioning half of them.
func TestRecipientRules(t *testing.T) {
	pw := setupPush(t)
	type kase struct {
		involvement string
		presence    string // "away", "present" (visible tab), "hidden" (connected, tab hidden)
		mentioned   bool
		user        *core.Record
		path        string
	}
	var cases []*kase
	for _, inv := range rooms.Involvements {
		for _, pres := range []string{"away", "present", "hidden"} {
			for _, m := range []bool{false, true} {
				cases = append(cases, &kase{involvement: inv, presence: pres, mentioned: m})
			}
		}
	}
	// the author has everything and a subscription too
	pw.involvement(t, pw.Admin, pw.AllTalk, rooms.Everything)
	pw.subscribe(t, pw.Admin, "/author")

	var body strings.Builder
	body.WriteString("Heads up")
	for i, c := range cases {
		c.user = pw.User(t, fmt.Sprintf("Member %02d", i))
		c.path = fmt.Sprintf("/case/%02d", i)
		pw.subscribe(t, c.user, c.path)
		pw.involvement(t, c.user, pw.AllTalk, c.involvement)
		if c.presence != "away" {
			tok := testkit.Token(t, c.user)
			sse := testkit.Connect(t, pw.base)
			if res := sse.Subscribe(t, tok, "campfire/rooms/"+pw.AllTalk.Id); res.Status != http.StatusNoContent {
				t.Fatalf("subscribe: %d %s", res.Status, res.Body)
			}
			res := testkit.Client{Base: pw.base, Token: tok}.Do(t, http.MethodPost, "/api/campfire/presence",
				map[string]any{"clientId": sse.ClientID, "visible": c.presence == "present"})
			if res.Status != http.StatusNoContent {
				t.Fatalf("heartbeat: %d %s", res.Status, res.Body)
			}
		}
		if c.mentioned {
			body.WriteString(" " + mention(c.user))
		}
	}
	// someone with everything but no browser subscribed is not queued at all
	quiet := pw.User(t, "No Browser")
	pw.involvement(t, quiet, pw.AllTalk, rooms.Everything)

	msg := pw.post(t, pw.Admin, pw.AllTalk, body.String())
	mentions, _ := msg["mentions"].([]any)
	var want []string
	for _, c := range cases {
		if c.mentioned != slices.Contains(mentions, any(c.user.Id)) {
			t.Fatalf("case %+v: mention not resolved (%v)", *c, mentions)
		}
		if c.involvement == rooms.Everything && c.presence != "present" ||
			c.involvement == rooms.Mentions && c.presence != "present" && c.mentioned {
			want = append(want, c.path)
		}
	}
	// the rule, as the push package states it, agrees with the table above
	for _, c := range cases {
		r := push.Recipient{Involvement: c.involvement, Present: c.presence == "present", Mentioned: c.mentioned}
		if push.ShouldNotify(r) != slices.Contains(want, c.path) {
			t.Fatalf("case %+v: expectation disagrees with push.ShouldNotify", *c)
		}
	}
	if n := outbox.Pending(pw.App); n > len(want) {
		t.Errorf("%d deliveries queued, want at most %d", n, len(want))
	}

	pw.idle(t) // every queued delivery has been handled: what arrived is all that will arrive
	pw.ps.check(t)
	got := pw.ps.reached()
	var gotPaths []string
	for p, n := range got {
		gotPaths = append(gotPaths, p)
		if n != 1 {
			t.Errorf("%s received %d notifications", p, n)
		}
	}
	slices.Sort(gotPaths)
	slices.Sort(want)
	if !slices.Equal(gotPaths, want) {
		for _, c := range cases {
			if slices.Contains(gotPaths, c.path) != slices.Contains(want, c.path) {
				t.Errorf("%s %s mentioned=%v: got a push = %v", c.involvement, c.presence, c.mentioned, slices.Contains(gotPaths, c.path))
			}
		}
	}
	if len(want) != 6 { // everything × (away, hidden) × (mentioned or not) + mentions × (away, hidden) × mentioned
		t.Errorf("%d expected recipients, want 6: %v", len(want), want)
	}
}

func TestGoneSubscriptionsAreDeleted(t *testing.T) {
	pw := setupPush(t)
	bob := pw.User(t, "Bob")
	pw.involvement(t, bob, pw.AllTalk, rooms.Everything)
	pw.subscribe(t, bob, "/bob/old")
	pw.subscribe(t, bob, "/bob/uninstalled")
	pw.subscribe(t, bob, "/bob/current")
	pw.ps.answer("/bob/old", http.StatusGone)
	pw.ps.answer("/bob/uninstalled", http.StatusNotFound)

	pw.post(t, pw.Admin, pw.AllTalk, "hello")
	pw.ps.waitFor(t, "/bob/current", 1)
	pw.idle(t)
	pw.ps.check(t)

	var endpoints []string
	if err := pw.App.DB().NewQuery("SELECT endpoint FROM push_subscriptions WHERE user = {:u}").
		Bind(map[string]any{"u": bob.Id}).Column(&endpoints); err != nil {
		t.Fatal(err)
	}
	if len(endpoints) != 1 || !strings.HasSuffix(endpoints[0], "/bob/current") {
		t.Fatalf("subscriptions left: %v", endpoints)
	}
}

func TestTransientFailuresAreRetriedWithoutDuplicates(t *testing.T) {
	pw := setupPush(t)
	bob := pw.User(t, "Bob")
	pw.involvement(t, bob, pw.AllTalk, rooms.Everything)
	pw.subscribe(t, bob, "/bob/flaky")
	pw.subscribe(t, bob, "/bob/steady")
	pw.ps.answer("/bob/flaky", http.StatusServiceUnavailable, http.StatusInternalServerError)

	pw.post(t, pw.Admin, pw.AllTalk, "third time lucky")
	pw.ps.waitFor(t, "/bob/flaky", 1)
	pw.idle(t)
	pw.ps.check(t)
	if n := pw.ps.reached(); n["/bob/flaky"] != 1 || n["/bob/steady"] != 1 {
		t.Fatalf("deliveries %v: the retry must reach the flaky browser once and not repeat the steady one", n)
	}

	// a browser that keeps failing is given up on after MaxAttempts tries, and kept
	pw.ps.answer("/bob/flaky", http.StatusBadGateway, http.StatusBadGateway, http.StatusBadGateway,
		http.StatusBadGateway, http.StatusBadGateway, http.StatusBadGateway)
	pw.post(t, pw.Admin, pw.AllTalk, "never lucky")
	pw.ps.waitFor(t, "/bob/steady", 2)
	pw.idle(t)
	if n := pw.ps.reached(); n["/bob/flaky"] != 1 {
		t.Fatalf("deliveries %v", n)
	}
	if pw.subscriptionCount(t, bob.Id) != 2 {
		t.Fatal("a failing (not gone) subscription was deleted")
	}
}

func TestSubscriptionRoutes(t *testing.T) {
	pw := setupPush(t)
	bob := pw.User(t, "Bob")
	carol := pw.User(t, "Carol")
	cb := pw.client(t, bob)
	path := "/api/campfire/push/subscriptions"

	// not signed in
	d := pw.ps.device(t, "/bob/1")
	if res := (testkit.Client{Base: pw.base}).Do(t, http.MethodPost, path, d.body()); res.Status != http.StatusUnauthorized {
		t.Errorf("signed out: %d", res.Status)
	}

	// refused endpoints and bodies: 400, nothing stored
	refused := []string{
		strings.Replace(pw.ps.srv.URL, "https://", "http://", 1) + "/plain-http", // http, even to the allowed address
		"https://10.0.0.7/push",
		"https://192.168.1.2:8443/push",
		"https://169.254.169.254/latest/meta-data",
		"https://[::1]/push",
		"https://0x7f000002/push", // 127.0.0.2 in hex: only exactly 127.0.0.1 is allowed here
		"https://user:pw@127.0.0.1/push",
		"ftp://push.pocketcampfire.org/x",
		"not a url",
		"",
	}
	for _, ep := range refused {
		b := d.body()
		b["endpoint"] = ep
		res := cb.Do(t, http.MethodPost, path, b)
		if res.Status != http.StatusBadRequest {
			t.Errorf("%q: %d %s", ep, res.Status, res.Body)
		}
	}
	for name, b := range map[string]any{
		"short auth":  map[string]any{"endpoint": d.sub.Endpoint, "keys": map[string]any{"p256dh": d.sub.P256dh, "auth": "c2hvcnQ"}},
		"no keys":     map[string]any{"endpoint": d.sub.Endpoint},
		"not a point": map[string]any{"endpoint": d.sub.Endpoint, "keys": map[string]any{"p256dh": strings.Repeat("A", 87), "auth": d.sub.Auth}},
		"not json":    "{",
	} {
		if res := cb.Do(t, http.MethodPost, path, b); res.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
	if n := pw.subscriptionCount(t, bob.Id); n != 0 {
		t.Fatalf("%d subscriptions stored from refused requests", n)
	}

	// upsert by endpoint
	for range 2 {
		if res := cb.Do(t, http.MethodPost, path, d.body()); res.Status != http.StatusNoContent {
			t.Fatalf("subscribe: %d %s", res.Status, res.Body)
		}
	}
	if n := pw.subscriptionCount(t, bob.Id); n != 1 {
		t.Fatalf("%d subscriptions after two identical posts", n)
	}
	// my own subscriptions are readable through the record API, nobody else's
	list := cb.Do(t, http.MethodGet, "/api/collections/push_subscriptions/records", nil).JSON(t)
	if list["totalItems"].(float64) != 1 {
		t.Errorf("bob lists %v", list["totalItems"])
	}
	if other := pw.client(t, carol).Do(t, http.MethodGet, "/api/collections/push_subscriptions/records", nil).JSON(t); other["totalItems"].(float64) != 0 {
		t.Errorf("carol lists %v", other["totalItems"])
	}

	// Carol cannot delete Bob's subscription; Bob can, by endpoint alone
	if res := pw.client(t, carol).Do(t, http.MethodDelete, path, map[string]any{"endpoint": d.sub.Endpoint}); res.Status != http.StatusNoContent {
		t.Errorf("carol delete: %d", res.Status)
	}
	if n := pw.subscriptionCount(t, bob.Id); n != 1 {
		t.Fatal("carol deleted bob's subscription")
	}
	if res := cb.Do(t, http.MethodDelete, path, map[string]any{}); res.Status != http.StatusBadRequest {
		t.Errorf("delete without endpoint: %d", res.Status)
	}
	if res := cb.Do(t, http.MethodDelete, path, d.body()); res.Status != http.StatusNoContent {
		t.Errorf("delete: %d %s", res.Status, res.Body)
	}
	if n := pw.subscriptionCount(t, bob.Id); n != 0 {
		t.Fatal("subscription not deleted")
	}

	// the same browser signing in as Carol moves the subscription to her
	cb.Do(t, http.MethodPost, path, d.body())
	if res := pw.client(t, carol).Do(t, http.MethodPost, path, d.body()); res.Status != http.StatusNoContent {
		t.Fatalf("carol subscribe: %d", res.Status)
	}
	if pw.subscriptionCount(t, bob.Id) != 0 || pw.subscriptionCount(t, carol.Id) != 1 {
		t.Fatal("the endpoint did not move to the user now signed in")
	}

	// a user keeps at most MaxSubscriptionsPerUser browsers
	for i := range pushnotify.MaxSubscriptionsPerUser + 3 {
		pw.subscribe(t, bob, fmt.Sprintf("/bob/many/%d", i))
	}
	if n := pw.subscriptionCount(t, bob.Id); n != pushnotify.MaxSubscriptionsPerUser {
		t.Fatalf("%d subscriptions kept", n)
	}
}

func TestPrivateAddressesNeedTheExplicitAllowance(t *testing.T) {
	t.Setenv(pushnotify.EnvSubject, testSubject)
	w := testkit.Setup(t) // no pushnotify.Configure: production settings
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	d := newDevice(t, "https://127.0.0.1:8443/push/abc")
	for _, ep := range []string{"https://127.0.0.1:8443/push/abc", "https://localhost/push", "https://10.1.2.3/x"} {
		b := d.body()
		b["endpoint"] = ep
		res := testkit.Client{Base: base, Token: testkit.Token(t, bob)}.Do(t, http.MethodPost, "/api/campfire/push/subscriptions", b)
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "public address") {
			t.Errorf("%s: %d %s", ep, res.Status, res.Body)
		}
	}
}

func TestTestNotificationAndSubject(t *testing.T) {
	pw := setupPush(t)
	bob := pw.User(t, "Bob")
	cb := pw.client(t, bob)

	// nothing subscribed: nothing to do
	if res := cb.Do(t, http.MethodPost, "/api/campfire/push/test", nil); res.Status != http.StatusNoContent {
		t.Fatalf("test without subscriptions: %d %s", res.Status, res.Body)
	}
	pw.subscribe(t, bob, "/bob/1")
	pw.ps.answer("/bob/gone", http.StatusGone)
	pw.subscribe(t, bob, "/bob/gone")
	if res := cb.Do(t, http.MethodPost, "/api/campfire/push/test", nil); res.Status != http.StatusNoContent {
		t.Fatalf("test: %d %s", res.Status, res.Body)
	}
	got := pw.ps.deliveries("/bob/1") // the answer came after the send
	if len(got) != 1 || got[0].n.Title != "Campfire" || got[0].n.Path != "/" || !strings.Contains(got[0].n.Body, "Notifications are on") {
		t.Fatalf("test notification %+v", got)
	}
	if pw.subscriptionCount(t, bob.Id) != 1 {
		t.Fatal("the gone subscription survived the test notification")
	}

	// the default subject is the first administrator's email, refused while it is a placeholder
	t.Setenv(pushnotify.EnvSubject, "")
	res := cb.Do(t, http.MethodPost, "/api/campfire/push/test", nil)
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), pushnotify.EnvSubject) {
		t.Fatalf("placeholder subject: %d %s", res.Status, res.Body)
	}
	pw.Admin.SetEmail("ada@pocketcampfire.org")
	if err := pw.App.Save(pw.Admin); err != nil {
		t.Fatal(err)
	}
	if res := cb.Do(t, http.MethodPost, "/api/campfire/push/test", nil); res.Status != http.StatusNoContent {
		t.Fatalf("admin subject: %d %s", res.Status, res.Body)
	}
	got = pw.ps.deliveries("/bob/1")
	if err := checkVAPID(got[len(got)-1].authorization, statusKey(t, pw.base), pw.ps.srv.URL, "mailto:ada@pocketcampfire.org"); err != nil {
		t.Fatal(err)
	}
	pw.ps.check(t)
}

func TestVAPIDKeysAreKeptServerSideAndNeverAnswered(t *testing.T) {
	pw := setupPush(t)
	bob := pw.User(t, "Bob")
	pw.subscribe(t, bob, "/bob/1")

	keys, err := pushnotify.Keys(pw.App)
	if err != nil || !keys.Valid() {
		t.Fatalf("keys: %v", err)
	}
	if again, _ := pushnotify.Keys(pw.App); again != keys {
		t.Fatal("keys changed between calls")
	}
	var stored string
	if err := pw.App.DB().NewQuery("SELECT value FROM secrets WHERE name = 'vapid'").Row(&stored); err != nil {
		t.Fatalf("keys not stored in secrets: %v", err)
	}
	if !strings.Contains(stored, keys.PrivateKey) {
		t.Fatal("stored pair is not the one in use")
	}

	admin := pw.client(t, pw.Admin)
	cb := pw.client(t, bob)
	anon := testkit.Client{Base: pw.base}
	d := pw.ps.device(t, "/bob/2")
	answers := []testkit.Response{
		anon.Do(t, http.MethodGet, "/api/campfire/status", nil),
		cb.Do(t, http.MethodGet, "/api/campfire/status", nil),
		cb.Do(t, http.MethodPost, "/api/campfire/push/subscriptions", d.body()),
		cb.Do(t, http.MethodPost, "/api/campfire/push/test", nil),
		cb.Do(t, http.MethodDelete, "/api/campfire/push/subscriptions", d.body()),
		cb.Do(t, http.MethodGet, "/api/collections/push_subscriptions/records", nil),
		cb.Do(t, http.MethodGet, "/api/collections/account/records", nil),
		admin.Do(t, http.MethodGet, "/api/collections/account/records", nil),
		admin.Do(t, http.MethodGet, "/api/collections/secrets/records", nil),
		admin.Do(t, http.MethodGet, "/api/collections/secrets/records?fields=value", nil),
		anon.Do(t, http.MethodGet, "/api/collections/secrets/records", nil),
		admin.Do(t, http.MethodGet, "/api/collections/secrets", nil),
		admin.Do(t, http.MethodGet, "/api/collections/users/records", nil),
	}
	pub := statusKey(t, pw.base)
	if pub != keys.PublicKey {
		t.Fatalf("status key %q, want %q", pub, keys.PublicKey)
	}
	for i, res := range answers {
		if strings.Contains(string(res.Body), keys.PrivateKey) || strings.Contains(res.Header.Get("Link"), keys.PrivateKey) {
			t.Errorf("answer %d leaks the VAPID private key: %s", i, res.Body)
		}
	}
	if answers[8].Status == http.StatusOK && strings.Contains(string(answers[8].Body), "vapid") {
		t.Errorf("an administrator (not a superuser) lists secrets: %s", answers[8].Body)
	}
}

func TestVAPIDKeysFromEnvironment(t *testing.T) {
	k, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(push.EnvPublicKey, k.PublicKey)
	t.Setenv(push.EnvPrivateKey, k.PrivateKey)
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	if got := statusKey(t, base); got != k.PublicKey {
		t.Fatalf("status key %q, want the env key", got)
	}
	var n int
	_ = w.App.DB().NewQuery("SELECT COUNT(*) FROM secrets").Row(&n)
	if n != 0 {
		t.Fatal("env keys were stored")
	}

	// a broken pair is an error, not a silent new key
	t.Setenv(push.EnvPrivateKey, "")
	w2 := testkit.Setup(t)
	if _, err := pushnotify.Keys(w2.App); err == nil {
		t.Fatal("a half-set pair was accepted")
	}
}

func TestOnPushSendingChangesOrSkipsAPush(t *testing.T) {
	pw := setupPush(t)
	bob := pw.User(t, "Bob")
	noise := pw.Room(t, rooms.Open, "Noise", pw.Admin)
	pw.involvement(t, bob, pw.AllTalk, rooms.Everything)
	pw.involvement(t, bob, noise, rooms.Everything)
	pw.subscribe(t, bob, "/bob/1")

	var tests int
	events.For(pw.App).PushSending.BindFunc(func(e *events.PushSendingEvent) error {
		if e.Message == nil { // a test notification
			tests++
			return e.Next()
		}
		if e.Recipient.Id != bob.Id || len(e.Subscriptions) != 1 {
			t.Errorf("event for %s with %d subscriptions", e.Recipient.Id, len(e.Subscriptions))
		}
		if e.Room.GetString("name") == "Noise" {
			return nil // skipped
		}
		e.Notification.Title = "[team] " + e.Notification.Title
		return e.Next()
	})

	pw.post(t, pw.Admin, noise, "la la la")
	pw.post(t, pw.Admin, pw.AllTalk, "signal")
	got := pw.ps.waitFor(t, "/bob/1", 1)
	pw.idle(t)
	if got = pw.ps.deliveries("/bob/1"); len(got) != 1 || got[0].n.Title != "[team] All Talk" || got[0].n.Body != "Ada Admin: signal" {
		t.Fatalf("deliveries %+v", got)
	}
	if res := pw.client(t, bob).Do(t, http.MethodPost, "/api/campfire/push/test", nil); res.Status != http.StatusNoContent || tests != 1 {
		t.Fatalf("test notification: %d, hook saw %d", res.Status, tests)
	}
	pw.ps.check(t)
}
