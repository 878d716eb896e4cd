package routes_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/ratelimit"
	"github.com/pocketcampfire/campfire/testkit"
)

const transferPrefix = "/api/campfire/sessions/transfer/"

func makeTransfer(t *testing.T, c testkit.Client, body any) (token string, answer map[string]any) {
	t.Helper()
	res := c.Do(t, http.MethodPost, "/api/campfire/sessions/transfer", body)
	if res.Status != http.StatusOK {
		t.Fatalf("make transfer link: %d %s", res.Status, res.Body)
	}
	answer = res.JSON(t)
	url, _ := answer["url"].(string)
	i := strings.LastIndex(url, accounts.TransferPath)
	if i < 0 {
		t.Fatalf("transfer url %q", url)
	}
	return url[i+len(accounts.TransferPath):], answer
}

func TestTransferLink(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	anon := testkit.Client{Base: base}
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}

	token, answer := makeTransfer(t, bobC, nil)
	if !strings.HasPrefix(answer["url"].(string), base+accounts.TransferPath) || answer["path"] != accounts.TransferPath+token {
		t.Errorf("transfer answer: %v (base %s)", answer, base)
	}
	expires, err := types.ParseDateTime(answer["expires"])
	if err != nil || expires.Time().Before(time.Now().Add(3*time.Hour)) || expires.Time().After(time.Now().Add(5*time.Hour)) {
		t.Errorf("expires %v (%v), want about 4 hours from now", answer["expires"], err)
	}
	// only a hash is stored
	if n := countRows(t, w.App, "SELECT COUNT(*) FROM session_transfers WHERE token_hash = {:h} AND user = {:u}",
		dbx.Params{"h": accounts.HashTransferToken(token), "u": bob.Id}); n != 1 {
		t.Errorf("%d stored transfers with the token's hash", n)
	}
	var raw string
	_ = w.App.DB().NewQuery("SELECT group_concat(token_hash || user || expires, '') FROM session_transfers").Row(&raw)
	if strings.Contains(raw, token) {
		t.Errorf("the token itself is stored")
	}
	// nobody reads the collection through the record API
	if res := bobC.Do(t, http.MethodGet, "/api/collections/session_transfers/records", nil); res.Status == http.StatusOK {
		t.Errorf("session_transfers readable by a user: %s", res.Body)
	}

	// tampered
	tampered := []byte(token)
	tampered[5] ^= 1
	for _, bad := range []string{string(tampered), token[:20], token + "x", "not-a-token"} {
		res := anon.Do(t, http.MethodPost, transferPrefix+bad, nil)
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "not valid") {
			t.Errorf("tampered token %q: %d %s", bad, res.Status, res.Body)
		}
	}
	// works once
	res := anon.Do(t, http.MethodPost, transferPrefix+token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("redeem: %d %s", res.Status, res.Body)
	}
	auth := res.JSON(t)
	if auth["record"].(map[string]any)["id"] != bob.Id || auth["token"] == "" {
		t.Fatalf("redeem answer: %v", auth)
	}
	newDevice := testkit.Client{Base: base, Token: auth["token"].(string)}
	if r := newDevice.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/messages", nil); r.Status != http.StatusOK {
		t.Errorf("the new device's token: %d", r.Status)
	}
	res = anon.Do(t, http.MethodPost, transferPrefix+token, nil)
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "already used") {
		t.Errorf("second redemption: %d %s", res.Status, res.Body)
	}

	// expired: move the link's clock into the past
	token2, _ := makeTransfer(t, bobC, map[string]any{})
	rec, err := w.App.FindFirstRecordByData("session_transfers", "token_hash", accounts.HashTransferToken(token2))
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("expires", types.NowDateTime().Add(-time.Minute))
	if err := w.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	res = anon.Do(t, http.MethodPost, transferPrefix+token2, nil)
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "expired") {
		t.Errorf("expired link: %d %s", res.Status, res.Body)
	}
	// just inside the 4 hours it still works
	token3, _ := makeTransfer(t, bobC, map[string]any{"user": bob.Id})
	rec, _ = w.App.FindFirstRecordByData("session_transfers", "token_hash", accounts.HashTransferToken(token3))
	rec.Set("expires", types.NowDateTime().Add(time.Minute))
	if err := w.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	if res := anon.Do(t, http.MethodPost, transferPrefix+token3, nil); res.Status != http.StatusOK {
		t.Errorf("a link a minute before expiry: %d %s", res.Status, res.Body)
	}

	// administrators make links for others; not for bots or retired users
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	forCarol, _ := makeTransfer(t, adminC, map[string]any{"user": carol.Id})
	if res := anon.Do(t, http.MethodPost, transferPrefix+forCarol, nil); res.Status != http.StatusOK || res.JSON(t)["record"].(map[string]any)["id"] != carol.Id {
		t.Errorf("admin-made link for carol: %d %s", res.Status, res.Body)
	}
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/sessions/transfer", map[string]any{"user": "nosuchuser12345"}); res.Status != http.StatusNotFound {
		t.Errorf("link for an unknown user: %d", res.Status)
	}
	pending, _ := makeTransfer(t, adminC, map[string]any{"user": carol.Id})
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/users/"+carol.Id+"/deactivate", nil); res.Status != http.StatusNoContent {
		t.Fatal(res.Status)
	}
	if res := anon.Do(t, http.MethodPost, transferPrefix+pending, nil); res.Status != http.StatusBadRequest {
		t.Errorf("a deactivated user's pending link: %d", res.Status)
	}
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/sessions/transfer", map[string]any{"user": carol.Id}); res.Status != http.StatusBadRequest {
		t.Errorf("link for a deactivated user: %d", res.Status)
	}
}

func TestTransferLinkWorksOnceUnderRace(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	token, _ := makeTransfer(t, testkit.Client{Base: base, Token: testkit.Token(t, bob)}, nil)
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i] = testkit.Client{Base: base}.Do(t, http.MethodPost, transferPrefix+token, nil).Status
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusBadRequest:
		default:
			t.Errorf("status %d", s)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent redemptions succeeded, want 1 (%v)", ok, statuses)
	}
}

func TestRevokeAll(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	tok1, tok2 := testkit.Token(t, bob), testkit.Token(t, bob)
	phone := testkit.Client{Base: base, Token: tok1}
	laptop := testkit.Client{Base: base, Token: tok2}
	pending, _ := makeTransfer(t, phone, nil)
	sse := subscribed(t, base, tok2, bob, w.AllTalk.Id)

	if res := phone.Do(t, http.MethodPost, "/api/campfire/sessions/revoke-all", nil); res.Status != http.StatusNoContent {
		t.Fatalf("revoke-all: %d %s", res.Status, res.Body)
	}
	if !sse.Closed(5 * time.Second) {
		t.Errorf("realtime connection survived sign out everywhere")
	}
	for i, c := range []testkit.Client{phone, laptop} {
		if res := c.Do(t, http.MethodGet, "/api/campfire/search?q=x", nil); res.Status != http.StatusUnauthorized {
			t.Errorf("token %d after revoke-all: %d", i, res.Status)
		}
	}
	if res := (testkit.Client{Base: base}).Do(t, http.MethodPost, transferPrefix+pending, nil); res.Status != http.StatusBadRequest {
		t.Errorf("pending transfer link after revoke-all: %d", res.Status)
	}
	// signing in again works
	if res := signIn(t, base, "bob@example.com", testkit.Password); res.Status != http.StatusOK {
		t.Errorf("sign-in after revoke-all: %d", res.Status)
	}
	if res := (testkit.Client{Base: base}).Do(t, http.MethodPost, "/api/campfire/sessions/revoke-all", nil); res.Status != http.StatusUnauthorized {
		t.Errorf("signed-out revoke-all: %d", res.Status)
	}
}

func TestTransferTokensStayOutOfTheLogs(t *testing.T) {
	w := testkit.Setup(t)
	w.App.Settings().Logs.MaxDays = 7 // the test app turns request logs off
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	token, _ := makeTransfer(t, testkit.Client{Base: base, Token: testkit.Token(t, bob)}, nil)
	page := map[string]string{"Referer": base + accounts.TransferPath + token}

	anon := testkit.Client{Base: base}
	if res := doFrom(t, anon, http.MethodGet, "/api/campfire/status", nil, page); res.Status != http.StatusOK {
		t.Fatalf("status: %d", res.Status)
	}
	if res := doFrom(t, anon, http.MethodPost, transferPrefix+token, nil, page); res.Status != http.StatusOK {
		t.Fatalf("redeem: %d %s", res.Status, res.Body)
	}
	if res := doFrom(t, anon, http.MethodPost, transferPrefix+token, nil, page); res.Status != http.StatusBadRequest {
		t.Fatalf("second redeem: %d", res.Status) // a failed request is logged as an error, with details
	}

	// the logger writes in batches: wait until both redemptions are in _logs
	type row struct {
		Message string `db:"message"`
		Data    string `db:"data"`
	}
	var rows []row
	deadline := time.Now().Add(20 * time.Second)
	for {
		rows = nil
		if err := w.App.AuxDB().NewQuery("SELECT message, data FROM _logs").All(&rows); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rows {
			if strings.Contains(r.Message, "/api/campfire/sessions/transfer/") {
				n++
			}
		}
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the redemptions never reached the logs (%d rows)", len(rows))
		}
		time.Sleep(200 * time.Millisecond)
	}
	sawRedacted, sawReferer := false, false
	for _, r := range rows {
		if strings.Contains(r.Message, token) || strings.Contains(r.Data, token) {
			t.Errorf("a log entry holds the transfer token: %s %s", r.Message, r.Data)
		}
		if strings.Contains(r.Message, "/api/campfire/sessions/transfer/REDACTED") {
			sawRedacted = true
		}
		if strings.Contains(r.Data, accounts.TransferPath+"REDACTED") {
			sawReferer = true
		}
	}
	if !sawRedacted || !sawReferer {
		t.Errorf("redacted path logged: %v, redacted referer logged: %v", sawRedacted, sawReferer)
	}
}

func TestRateLimitsAreOnByDefault(t *testing.T) {
	w := testkit.Setup(t)
	rl := w.App.Settings().RateLimits
	if !rl.Enabled {
		t.Fatalf("rate limits are off in a new install")
	}
	if r, ok := rl.FindRateLimitRule([]string{"users:authWithPassword", "users:auth", "*:authWithPassword", "*:auth"}); !ok || r.MaxRequests != 10 || r.Duration != 180 {
		t.Errorf("sign-in rule: %+v %v", r, ok)
	}
	if got := ratelimit.Posting(w.App).Rule(); got != ratelimit.DefaultPosting || got.Max != 20 || got.Window != 10*time.Second {
		t.Errorf("posting rule: %+v", got)
	}
}

func TestSignInAndSignUpRateLimits(t *testing.T) {
	w := testkit.Setup(t)
	w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	anon := testkit.Client{Base: base}
	acc, _ := accounts.Find(w.App)

	cases := []struct {
		name, path string
		body       map[string]any
		first      int // the answer before the limit
	}{
		{"sign-in", "/api/collections/users/auth-with-password", map[string]any{"identity": "bob@example.com", "password": "wrong-password"}, http.StatusBadRequest},
		{"join", "/api/campfire/join/WRONG-CODE-0000", map[string]any{"name": "Eve", "email": "eve@example.com", "password": testkit.Password}, http.StatusNotFound},
		{"first run", "/api/campfire/first-run", map[string]any{"name": "Eve", "email": "eve@example.com", "password": testkit.Password}, http.StatusForbidden},
		{"transfer", transferPrefix + strings.Repeat("a", 43), nil, http.StatusBadRequest},
	}
	for _, c := range cases {
		for i := 1; i <= ratelimit.SignInMax; i++ {
			if res := anon.Do(t, http.MethodPost, c.path, c.body); res.Status != c.first {
				t.Fatalf("%s attempt %d: %d %s, want %d", c.name, i, res.Status, res.Body, c.first)
			}
		}
		if res := anon.Do(t, http.MethodPost, c.path, c.body); res.Status != http.StatusTooManyRequests {
			t.Errorf("%s attempt %d: %d, want 429", c.name, ratelimit.SignInMax+1, res.Status)
		}
	}
	// the right password is refused too once the address is over the limit
	if res := signIn(t, base, "bob@example.com", testkit.Password); res.Status != http.StatusTooManyRequests {
		t.Errorf("sign-in over the limit: %d", res.Status)
	}
	// a valid join code from the same address too
	if res := anon.Do(t, http.MethodPost, "/api/campfire/join/"+acc.GetString("join_code"), map[string]any{"name": "Eve", "email": "eve@example.com", "password": testkit.Password}); res.Status != http.StatusTooManyRequests {
		t.Errorf("join over the limit: %d", res.Status)
	}
}

func TestPostingRateLimit(t *testing.T) {
	w := testkit.Setup(t)
	ratelimit.SetPosting(w.App, ratelimit.Rule{Max: 3, Window: time.Hour})
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}

	for i := 1; i <= 3; i++ {
		if res := postMessage(t, bobC, w.AllTalk.Id, "message", nil); res.Status != http.StatusOK {
			t.Fatalf("post %d: %d %s", i, res.Status, res.Body)
		}
	}
	res := postMessage(t, bobC, w.AllTalk.Id, "one too many", nil)
	if res.Status != http.StatusTooManyRequests || !strings.Contains(string(res.Body), "posting too fast") {
		t.Errorf("post over the limit: %d %s", res.Status, res.Body)
	}
	if n := countRows(t, w.App, "SELECT COUNT(*) FROM messages WHERE creator = {:u}", dbx.Params{"u": bob.Id}); n != 3 {
		t.Errorf("%d messages stored, want 3", n)
	}
	// per user: someone else at the same address posts
	if res := postMessage(t, adminC, w.AllTalk.Id, "admin", nil); res.Status != http.StatusOK {
		t.Errorf("another user's post: %d %s", res.Status, res.Body)
	}
	// a retry of a stored message is not a new post
	var firstID, firstCMID string
	_ = w.App.DB().NewQuery("SELECT id, client_message_id FROM messages WHERE creator = {:u} LIMIT 1").
		Bind(dbx.Params{"u": bob.Id}).Row(&firstID, &firstCMID)
	retry := bobC.Do(t, http.MethodPost, "/api/collections/messages/records",
		map[string]any{"room": w.AllTalk.Id, "body": "message", "client_message_id": firstCMID})
	if retry.Status != http.StatusOK || retry.JSON(t)["id"] != firstID {
		t.Errorf("retry over the limit: %d %s", retry.Status, retry.Body)
	}
}
