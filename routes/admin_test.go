package routes_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

// doFrom sends a request with extra headers (X-Forwarded-For, Referer...).
func doFrom(t *testing.T, c testkit.Client, method, path string, body any, headers map[string]string) testkit.Response {
	t.Helper()
	c.Headers = headers
	return c.Do(t, method, path, body)
}

func from(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }

func signIn(t *testing.T, base, email, password string) testkit.Response {
	t.Helper()
	return testkit.Client{Base: base}.Do(t, http.MethodPost, "/api/collections/users/auth-with-password",
		map[string]any{"identity": email, "password": password})
}

func postMessage(t *testing.T, c testkit.Client, roomID, body string, headers map[string]string) testkit.Response {
	t.Helper()
	return doFrom(t, c, http.MethodPost, "/api/collections/messages/records", map[string]any{"room": roomID, "body": body}, headers)
}

func countRows(t *testing.T, app core.App, query string, params dbx.Params) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery(query).Bind(params).Row(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// subscribed opens an SSE connection for a user, subscribed to their user topic and a room.
func subscribed(t *testing.T, base, token string, user *core.Record, roomID string) *testkit.SSE {
	t.Helper()
	sse := testkit.Connect(t, base)
	if res := sse.Subscribe(t, token, realtime.UserTopic(user.Id), realtime.RoomTopic(roomID)); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}
	return sse
}

func TestMembersCannotAdminister(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	acc, _ := accounts.Find(w.App)

	// roles
	res := bobC.Do(t, http.MethodPatch, "/api/collections/users/records/"+carol.Id, map[string]any{"role": "administrator"})
	if res.Status == http.StatusOK {
		t.Errorf("member changed a role: %s", res.Body)
	}
	if c, _ := w.App.FindRecordById("users", carol.Id); c.GetString("role") != "member" {
		t.Errorf("carol's role became %q", c.GetString("role"))
	}
	// the join code
	if res := bobC.Do(t, http.MethodPost, "/api/campfire/account/join-code", nil); res.Status != http.StatusForbidden {
		t.Errorf("member regenerates the join code: %d", res.Status)
	}
	// another's email, in view and list
	if res := bobC.Do(t, http.MethodGet, "/api/collections/users/records/"+carol.Id, nil); strings.Contains(string(res.Body), "carol@example.com") {
		t.Errorf("member sees another's email: %s", res.Body)
	}
	if res := bobC.Do(t, http.MethodGet, "/api/collections/users/records?perPage=100", nil); strings.Contains(string(res.Body), "carol@example.com") ||
		strings.Contains(string(res.Body), "ada@example.com") {
		t.Errorf("member lists others' emails: %s", res.Body)
	}
	// the account
	res = bobC.Do(t, http.MethodPatch, "/api/collections/account/records/"+acc.Id, map[string]any{"name": "Bob's", "custom_styles": "body{}"})
	if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
		t.Errorf("member edits the account: %d %s", res.Status, res.Body)
	}
	if a, _ := accounts.Find(w.App); a.GetString("name") != accounts.DefaultName {
		t.Errorf("account renamed by a member: %q", a.GetString("name"))
	}
	// user administration and others' sign-in links
	for _, r := range []struct{ method, path string }{
		{http.MethodPost, "/api/campfire/users/" + carol.Id + "/deactivate"},
		{http.MethodPost, "/api/campfire/users/" + carol.Id + "/ban"},
		{http.MethodDelete, "/api/campfire/users/" + carol.Id + "/ban"},
	} {
		if res := bobC.Do(t, r.method, r.path, nil); res.Status != http.StatusForbidden {
			t.Errorf("member %s %s: %d, want 403", r.method, r.path, res.Status)
		}
	}
	if res := bobC.Do(t, http.MethodPost, "/api/campfire/sessions/transfer", map[string]any{"user": carol.Id}); res.Status != http.StatusForbidden {
		t.Errorf("member makes a sign-in link for another: %d", res.Status)
	}
	// signed out
	anon := testkit.Client{Base: base}
	if res := anon.Do(t, http.MethodPost, "/api/campfire/users/"+carol.Id+"/deactivate", nil); res.Status != http.StatusUnauthorized {
		t.Errorf("signed-out deactivate: %d", res.Status)
	}
	if c, _ := w.App.FindRecordById("users", carol.Id); c.GetString("status") != "active" {
		t.Errorf("carol is %s", c.GetString("status"))
	}
}

func TestDeactivate(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	bobToken := testkit.Token(t, bob)
	bobC := testkit.Client{Base: base, Token: bobToken}

	closed := w.Room(t, rooms.Closed, "Secret", w.Admin, bob)
	dm := w.Direct(t, w.Admin, bob)
	w.Post(t, w.AllTalk, bob, "hello from bob")
	if res := bobC.Do(t, http.MethodGet, "/api/campfire/search?q=hello", nil); res.Status != http.StatusOK {
		t.Fatalf("search: %d %s", res.Status, res.Body)
	}
	pushCol, _ := w.App.FindCollectionByNameOrId("push_subscriptions")
	sub := core.NewRecord(pushCol)
	sub.Set("user", bob.Id)
	sub.Set("endpoint", "https://push.example.com/bob")
	sub.Set("p256dh", "key")
	sub.Set("auth", "auth")
	if err := w.App.Save(sub); err != nil {
		t.Fatal(err)
	}
	sse := subscribed(t, base, bobToken, bob, w.AllTalk.Id)

	if res := adminC.Do(t, http.MethodPost, "/api/campfire/users/"+w.Admin.Id+"/deactivate", nil); res.Status != http.StatusForbidden {
		t.Errorf("admin deactivates self: %d, want 403", res.Status)
	}
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/users/nosuchuser12345/deactivate", nil); res.Status != http.StatusNotFound {
		t.Errorf("unknown user: %d, want 404", res.Status)
	}
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/users/"+bob.Id+"/deactivate", nil); res.Status != http.StatusNoContent {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}
	if !sse.Closed(5 * time.Second) {
		t.Errorf("the deactivated user's realtime connection stayed open")
	}

	got, _ := w.App.FindRecordById("users", bob.Id)
	if got.GetString("status") != "deactivated" || got.Email() != "" {
		t.Errorf("after deactivation: status %q email %q", got.GetString("status"), got.Email())
	}
	params := dbx.Params{"u": bob.Id}
	if n := countRows(t, w.App, "SELECT COUNT(*) FROM memberships WHERE user = {:u}", params); n != 1 ||
		!rooms.IsMember(w.App, dm.Id, bob.Id) || rooms.IsMember(w.App, closed.Id, bob.Id) || rooms.IsMember(w.App, w.AllTalk.Id, bob.Id) {
		t.Errorf("memberships after deactivation: %d (only the direct room should stay)", n)
	}
	for _, q := range []string{"SELECT COUNT(*) FROM push_subscriptions WHERE user = {:u}", "SELECT COUNT(*) FROM searches WHERE user = {:u}"} {
		if n := countRows(t, w.App, q, params); n != 0 {
			t.Errorf("%s: %d left", q, n)
		}
	}
	if n := countRows(t, w.App, "SELECT COUNT(*) FROM messages WHERE creator = {:u} AND deleted_at = ''", params); n != 1 {
		t.Errorf("messages after deactivation: %d, want 1 kept", n)
	}

	// the old token is refused by routes, and sees nothing through the record API
	if res := bobC.Do(t, http.MethodGet, "/api/campfire/rooms/"+dm.Id+"/messages", nil); res.Status != http.StatusUnauthorized && res.Status != http.StatusForbidden {
		t.Errorf("old token on a route: %d", res.Status)
	}
	for _, col := range []string{"rooms", "messages", "users", "memberships"} {
		res := bobC.Do(t, http.MethodGet, "/api/collections/"+col+"/records", nil)
		if res.Status == http.StatusOK && res.JSON(t)["totalItems"].(float64) != 0 {
			t.Errorf("old token lists %s: %s", col, res.Body)
		}
	}
	if res := testkit.Connect(t, base).Subscribe(t, bobToken, realtime.UserTopic(bob.Id)); res.Status != http.StatusForbidden {
		t.Errorf("old token subscribes: %d", res.Status)
	}
	if res := signIn(t, base, "bob@example.com", testkit.Password); res.Status == http.StatusOK {
		t.Errorf("deactivated user signed in")
	}
	// a profile says the user left
	view := testkit.Client{Base: base, Token: testkit.Token(t, carol)}.Do(t, http.MethodGet, "/api/collections/users/records/"+bob.Id, nil)
	if view.Status != http.StatusOK || view.JSON(t)["status"] != "deactivated" || view.JSON(t)["name"] != "Bob" {
		t.Errorf("profile of a deactivated user: %d %s", view.Status, view.Body)
	}
	// the email is free again
	acc, _ := accounts.Find(w.App)
	res := testkit.Client{Base: base}.Do(t, http.MethodPost, "/api/campfire/join/"+acc.GetString("join_code"),
		map[string]any{"name": "Bob Again", "email": "bob@example.com", "password": testkit.Password})
	if res.Status != http.StatusOK {
		t.Errorf("sign up again with a freed email: %d %s", res.Status, res.Body)
	}
	// deactivating twice is fine
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/users/"+bob.Id+"/deactivate", nil); res.Status != http.StatusNoContent {
		t.Errorf("second deactivation: %d", res.Status)
	}
}

func TestDeactivatedAdministratorLosesTheDashboard(t *testing.T) {
	w := testkit.Setup(t)
	carol := w.User(t, "Carol")
	carol.Set("role", "administrator")
	if err := w.App.Save(carol); err != nil {
		t.Fatal(err)
	}
	base := testkit.Serve(t, w.App)
	superSignIn := func() int {
		return testkit.Client{Base: base}.Do(t, http.MethodPost, "/api/collections/_superusers/auth-with-password",
			map[string]any{"identity": "ada@example.com", "password": testkit.Password}).Status
	}
	if s := superSignIn(); s != http.StatusOK {
		t.Fatalf("superuser sign-in before: %d", s)
	}
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}
	if res := carolC.Do(t, http.MethodPost, "/api/campfire/users/"+w.Admin.Id+"/deactivate", nil); res.Status != http.StatusNoContent {
		t.Fatalf("deactivate the first admin: %d %s", res.Status, res.Body)
	}
	if s := superSignIn(); s == http.StatusOK {
		t.Errorf("a deactivated administrator still signs in to the dashboard")
	}
}

func TestBanAndUnban(t *testing.T) {
	w := testkit.Setup(t)
	w.App.Settings().TrustedProxy.Headers = []string{"X-Forwarded-For"}
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	bobToken := testkit.Token(t, bob)
	bobC := testkit.Client{Base: base, Token: bobToken}
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}

	// Bob is seen at a public address and at a documentation address (never recorded)
	for _, ip := range []string{"203.0.113.7", "8.8.4.4"} {
		if res := doFrom(t, bobC, http.MethodGet, "/api/collections/rooms/records", nil, from(ip)); res.Status != http.StatusOK {
			t.Fatalf("bob's request from %s: %d", ip, res.Status)
		}
	}
	m1 := w.Post(t, w.AllTalk, bob, "spam one")
	m2 := w.Post(t, w.AllTalk, bob, "spam two")
	keep := w.Post(t, w.AllTalk, carol, "carol stays")
	bobSSE := subscribed(t, base, bobToken, bob, w.AllTalk.Id)
	watcher := subscribed(t, base, adminC.Token, w.Admin, w.AllTalk.Id)

	if res := adminC.Do(t, http.MethodPost, "/api/campfire/users/"+w.Admin.Id+"/ban", nil); res.Status != http.StatusForbidden {
		t.Errorf("admin bans self: %d, want 403", res.Status)
	}
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/users/"+bob.Id+"/ban", nil); res.Status != http.StatusNoContent {
		t.Fatalf("ban: %d %s", res.Status, res.Body)
	}
	if !bobSSE.Closed(5 * time.Second) {
		t.Errorf("the banned user's realtime connection stayed open")
	}
	// the messages are deleted live
	deleted := map[string]bool{}
	for len(deleted) < 2 {
		ev := watcher.WaitFor(t, "message.deleted", 5*time.Second)
		deleted[ev.Data["message"].(map[string]any)["id"].(string)] = true
	}
	if !deleted[m1.Id] || !deleted[m2.Id] {
		t.Errorf("deleted events for %v, want %s and %s", deleted, m1.Id, m2.Id)
	}
	if n := countRows(t, w.App, "SELECT COUNT(*) FROM messages WHERE creator = {:u} AND deleted_at = ''", dbx.Params{"u": bob.Id}); n != 0 {
		t.Errorf("%d messages of the banned user left", n)
	}
	if k, _ := w.App.FindRecordById("messages", keep.Id); k.GetDateTime("deleted_at").IsZero() == false {
		t.Errorf("another user's message was deleted")
	}
	// only the public address is recorded
	var ips []string
	_ = w.App.DB().NewQuery("SELECT ip FROM bans WHERE user = {:u}").Bind(dbx.Params{"u": bob.Id}).Column(&ips)
	if len(ips) != 1 || ips[0] != "8.8.4.4" {
		t.Errorf("recorded ban addresses %v, want [8.8.4.4]", ips)
	}
	// tokens and sign-in
	if res := bobC.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/messages", nil); res.Status != http.StatusUnauthorized && res.Status != http.StatusForbidden {
		t.Errorf("banned user's old token on a route: %d", res.Status)
	}
	if res := bobC.Do(t, http.MethodGet, "/api/collections/messages/records", nil); res.Status == http.StatusOK && res.JSON(t)["totalItems"].(float64) != 0 {
		t.Errorf("banned user's old token lists messages: %s", res.Body)
	}
	if res := signIn(t, base, "bob@example.com", testkit.Password); res.Status == http.StatusOK {
		t.Errorf("banned user signed in")
	}
	// the banned address cannot write, but can read; other addresses and administrators can write
	if res := postMessage(t, carolC, w.AllTalk.Id, "from the banned address", from("8.8.4.4")); res.Status != http.StatusTooManyRequests {
		t.Errorf("post from a banned address: %d, want 429", res.Status)
	}
	if res := doFrom(t, carolC, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/messages", nil, from("8.8.4.4")); res.Status != http.StatusOK {
		t.Errorf("GET from a banned address: %d, want 200", res.Status)
	}
	if res := postMessage(t, carolC, w.AllTalk.Id, "from elsewhere", from("1.2.3.4")); res.Status != http.StatusOK {
		t.Errorf("post from another address: %d %s", res.Status, res.Body)
	}
	if res := doFrom(t, testkit.Client{Base: base}, http.MethodPost, "/api/collections/users/auth-with-password",
		map[string]any{"identity": "carol@example.com", "password": testkit.Password}, from("8.8.4.4")); res.Status != http.StatusTooManyRequests {
		t.Errorf("sign-in from a banned address: %d, want 429", res.Status)
	}
	if res := postMessage(t, adminC, w.AllTalk.Id, "admin at the banned address", from("8.8.4.4")); res.Status != http.StatusOK {
		t.Errorf("administrator post from a banned address: %d %s", res.Status, res.Body)
	}

	// unban: sign-in and open rooms come back, the messages do not
	if res := adminC.Do(t, http.MethodDelete, "/api/campfire/users/"+bob.Id+"/ban", nil); res.Status != http.StatusNoContent {
		t.Fatalf("unban: %d %s", res.Status, res.Body)
	}
	res := signIn(t, base, "bob@example.com", testkit.Password)
	if res.Status != http.StatusOK {
		t.Fatalf("sign-in after unban: %d %s", res.Status, res.Body)
	}
	if !rooms.IsMember(w.App, w.AllTalk.Id, bob.Id) {
		t.Errorf("unbanned user is not back in the open room")
	}
	if n := countRows(t, w.App, "SELECT COUNT(*) FROM messages WHERE creator = {:u} AND deleted_at = ''", dbx.Params{"u": bob.Id}); n != 0 {
		t.Errorf("unban restored %d messages", n)
	}
	if res := postMessage(t, carolC, w.AllTalk.Id, "the address is free again", from("8.8.4.4")); res.Status != http.StatusOK {
		t.Errorf("post from a lifted address: %d %s", res.Status, res.Body)
	}
	newBob := testkit.Client{Base: base, Token: res.JSON(t)["token"].(string)}
	if res := postMessage(t, newBob, w.AllTalk.Id, "I'm back", nil); res.Status != http.StatusOK {
		t.Errorf("unbanned user posts: %d %s", res.Status, res.Body)
	}
	// unbanning someone who is not banned changes nothing
	if res := adminC.Do(t, http.MethodDelete, "/api/campfire/users/"+carol.Id+"/ban", nil); res.Status != http.StatusNoContent {
		t.Errorf("unban a non-banned user: %d", res.Status)
	}
}

func TestRoleChangeEndsRealtime(t *testing.T) {
	w := testkit.Setup(t)
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	carolToken := testkit.Token(t, carol)
	sse := subscribed(t, base, carolToken, carol, w.AllTalk.Id)

	// an update that changes nothing keeps the connection
	if res := adminC.Do(t, http.MethodPatch, "/api/collections/users/records/"+carol.Id, map[string]any{"role": "member"}); res.Status != http.StatusOK {
		t.Fatalf("no-op role update: %d", res.Status)
	}
	if sse.Closed(300 * time.Millisecond) {
		t.Fatalf("a no-op update ended the connection")
	}
	res := adminC.Do(t, http.MethodPatch, "/api/collections/users/records/"+carol.Id, map[string]any{"role": "administrator"})
	if res.Status != http.StatusOK || res.JSON(t)["role"] != "administrator" {
		t.Fatalf("role change: %d %s", res.Status, res.Body)
	}
	if !sse.Closed(5 * time.Second) {
		t.Fatalf("a role change left the realtime connection open")
	}
	// the same token reconnects and subscribes with the new role
	again := subscribed(t, base, carolToken, carol, w.AllTalk.Id)
	defer again.Close()
	if r := (testkit.Client{Base: base, Token: carolToken}).Do(t, http.MethodPost, "/api/campfire/account/join-code", nil); r.Status != http.StatusOK {
		t.Errorf("promoted user cannot act as an administrator: %d", r.Status)
	}
}

func TestPasswordChangeNeedsTheOldPassword(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	path := "/api/collections/users/records/" + bob.Id
	const newPassword = "a-whole-new-password"

	if res := bobC.Do(t, http.MethodPatch, path, map[string]any{"password": newPassword, "passwordConfirm": newPassword}); res.Status != http.StatusBadRequest {
		t.Errorf("password change without the old one: %d, want 400", res.Status)
	}
	if res := bobC.Do(t, http.MethodPatch, path, map[string]any{"oldPassword": "wrong-password", "password": newPassword, "passwordConfirm": newPassword}); res.Status != http.StatusBadRequest {
		t.Errorf("password change with a wrong old one: %d, want 400", res.Status)
	}
	if res := signIn(t, base, "bob@example.com", testkit.Password); res.Status != http.StatusOK {
		t.Fatalf("the failed changes changed something: %d", res.Status)
	}
	if res := bobC.Do(t, http.MethodPatch, path, map[string]any{"oldPassword": testkit.Password, "password": newPassword, "passwordConfirm": newPassword}); res.Status != http.StatusOK {
		t.Fatalf("password change: %d %s", res.Status, res.Body)
	}
	if res := signIn(t, base, "bob@example.com", newPassword); res.Status != http.StatusOK {
		t.Errorf("sign-in with the new password: %d", res.Status)
	}
	if res := signIn(t, base, "bob@example.com", testkit.Password); res.Status == http.StatusOK {
		t.Errorf("the old password still works")
	}
	if res := bobC.Do(t, http.MethodGet, "/api/campfire/search?q=x", nil); res.Status != http.StatusUnauthorized {
		t.Errorf("a token from before the password change: %d, want 401", res.Status)
	}
	// an administrator cannot set someone's password through the record API
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	adminC.Do(t, http.MethodPatch, path, map[string]any{"password": "admin-chosen-pass", "passwordConfirm": "admin-chosen-pass"})
	if res := signIn(t, base, "bob@example.com", "admin-chosen-pass"); res.Status == http.StatusOK {
		t.Errorf("an administrator set another user's password")
	}
}

func TestChangeEmail(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	const path = "/api/campfire/users/me/email"

	for _, bad := range []map[string]any{
		{"email": "robert@example.com", "password": "wrong-password"},
		{"email": "robert@example.com"},
		{"email": "not-an-email", "password": testkit.Password},
		{"email": "carol@example.com", "password": testkit.Password},
		{"email": "", "password": testkit.Password},
	} {
		if res := bobC.Do(t, http.MethodPost, path, bad); res.Status != http.StatusBadRequest {
			t.Errorf("change email %v: %d %s, want 400", bad, res.Status, res.Body)
		}
	}
	if res := bobC.Do(t, http.MethodPatch, "/api/collections/users/records/"+bob.Id, map[string]any{"email": "sneaky@example.com"}); res.Status == http.StatusOK && res.JSON(t)["email"] != "bob@example.com" {
		t.Errorf("email changed through the record API: %s", res.Body)
	}
	res := bobC.Do(t, http.MethodPost, path, map[string]any{"email": "robert@example.com", "password": testkit.Password})
	if res.Status != http.StatusOK {
		t.Fatalf("change email: %d %s", res.Status, res.Body)
	}
	auth := res.JSON(t)
	if auth["record"].(map[string]any)["email"] != "robert@example.com" || auth["token"] == "" {
		t.Fatalf("change email answer: %v", auth)
	}
	fresh := testkit.Client{Base: base, Token: auth["token"].(string)}
	if r := fresh.Do(t, http.MethodGet, "/api/campfire/search?q=x", nil); r.Status != http.StatusOK {
		t.Errorf("the fresh token: %d", r.Status)
	}
	if r := signIn(t, base, "robert@example.com", testkit.Password); r.Status != http.StatusOK {
		t.Errorf("sign-in with the new email: %d", r.Status)
	}
	if r := signIn(t, base, "bob@example.com", testkit.Password); r.Status == http.StatusOK {
		t.Errorf("sign-in with the old email still works")
	}
	if r := (testkit.Client{Base: base}).Do(t, http.MethodPost, path, map[string]any{"email": "x@example.com", "password": testkit.Password}); r.Status != http.StatusUnauthorized {
		t.Errorf("signed-out email change: %d", r.Status)
	}
}
