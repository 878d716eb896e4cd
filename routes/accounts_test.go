package routes_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/testkit"
)

func TestFirstRunThenStatus(t *testing.T) {
	app := testkit.NewApp(t)
	base := testkit.Serve(t, app)
	anon := testkit.Client{Base: base}

	st := anon.Do(t, http.MethodGet, "/api/campfire/status", nil).JSON(t)
	if st["setup_required"] != true {
		t.Fatalf("fresh status: %v", st)
	}
	res := anon.Do(t, http.MethodPost, "/api/campfire/first-run", map[string]any{"name": "Ada", "email": "ada@example.com", "password": testkit.Password})
	if res.Status != http.StatusOK {
		t.Fatalf("first run: %d %s", res.Status, res.Body)
	}
	auth := res.JSON(t)
	rec := auth["record"].(map[string]any)
	if auth["token"] == "" || rec["role"] != "administrator" || rec["status"] != "active" {
		t.Fatalf("first run answer: %v", auth)
	}
	st = anon.Do(t, http.MethodGet, "/api/campfire/status", nil).JSON(t)
	if st["setup_required"] != false || st["account"].(map[string]any)["name"] != "Campfire" {
		t.Fatalf("status after setup: %v", st)
	}
	if res := anon.Do(t, http.MethodPost, "/api/campfire/first-run", map[string]any{"name": "Eve", "email": "eve@example.com", "password": testkit.Password}); res.Status != http.StatusForbidden {
		t.Errorf("second first run: %d, want 403", res.Status)
	}
	// the administrator is also a superuser with the same credentials
	su := anon.Do(t, http.MethodPost, "/api/collections/_superusers/auth-with-password", map[string]any{"identity": "ada@example.com", "password": testkit.Password})
	if su.Status != http.StatusOK {
		t.Errorf("superuser sign-in: %d %s", su.Status, su.Body)
	}
	// All Talk exists and the admin is in it
	me := testkit.Client{Base: base, Token: auth["token"].(string)}
	list := me.Do(t, http.MethodGet, "/api/collections/rooms/records", nil).JSON(t)
	items := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["name"] != "All Talk" {
		t.Errorf("rooms after first run: %v", items)
	}
}

func TestConcurrentFirstRunsMakeOneAccount(t *testing.T) {
	app := testkit.NewApp(t)
	base := testkit.Serve(t, app)
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res := testkit.Client{Base: base}.Do(t, http.MethodPost, "/api/campfire/first-run",
				map[string]any{"name": "Admin", "email": "admin" + string(rune('a'+i)) + "@example.com", "password": testkit.Password})
			statuses[i] = res.Status
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusForbidden:
		default:
			t.Errorf("unexpected status %d", s)
		}
	}
	var accountsN, admins int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM account").Row(&accountsN)
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM users WHERE role = 'administrator'").Row(&admins)
	if ok != 1 || accountsN != 1 || admins != 1 {
		t.Fatalf("ok=%d accounts=%d admins=%d, want 1/1/1", ok, accountsN, admins)
	}
}

func TestJoinByCode(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	anon := testkit.Client{Base: base}
	acc, _ := accounts.Find(w.App)
	code := acc.GetString("join_code")

	if res := anon.Do(t, http.MethodPost, "/api/campfire/join/WRONG-CODE-0000", map[string]any{"name": "Eve", "email": "eve@example.com", "password": testkit.Password}); res.Status != http.StatusNotFound {
		t.Errorf("wrong code: %d, want 404", res.Status)
	}
	res := anon.Do(t, http.MethodPost, "/api/campfire/join/"+code, map[string]any{"name": "Bob", "email": "bob@example.com", "password": testkit.Password})
	if res.Status != http.StatusOK {
		t.Fatalf("join: %d %s", res.Status, res.Body)
	}
	if role := res.JSON(t)["record"].(map[string]any)["role"]; role != "member" {
		t.Errorf("joined as %v", role)
	}
	if res := anon.Do(t, http.MethodPost, "/api/campfire/join/"+code, map[string]any{"name": "Bob 2", "email": "bob@example.com", "password": testkit.Password}); res.Status != http.StatusBadRequest {
		t.Errorf("taken email: %d, want 400", res.Status)
	}
	for _, bad := range []map[string]any{
		{"name": "", "email": "x@example.com", "password": testkit.Password},
		{"name": "X", "email": "not-an-email", "password": testkit.Password},
		{"name": "X", "email": "x@example.com", "password": "short"},
	} {
		if res := anon.Do(t, http.MethodPost, "/api/campfire/join/"+code, bad); res.Status != http.StatusBadRequest {
			t.Errorf("invalid join %v: %d, want 400", bad, res.Status)
		}
	}
	if res := anon.Do(t, http.MethodPost, "/api/campfire/join/"+code, "{not json"); res.Status != http.StatusBadRequest {
		t.Errorf("malformed body: %d", res.Status)
	}

	// regenerating kills the old link at once; members cannot regenerate
	bob := testkit.Client{Base: base, Token: res.JSON(t)["token"].(string)}
	if r := bob.Do(t, http.MethodPost, "/api/campfire/account/join-code", nil); r.Status != http.StatusForbidden {
		t.Errorf("member regenerates: %d, want 403", r.Status)
	}
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	r := admin.Do(t, http.MethodPost, "/api/campfire/account/join-code", nil)
	newCode, _ := r.JSON(t)["join_code"].(string)
	if r.Status != http.StatusOK || newCode == code || len(newCode) != 14 {
		t.Fatalf("regenerate: %d %s", r.Status, r.Body)
	}
	if res := anon.Do(t, http.MethodPost, "/api/campfire/join/"+code, map[string]any{"name": "Late", "email": "late@example.com", "password": testkit.Password}); res.Status != http.StatusNotFound {
		t.Errorf("old code after regenerate: %d, want 404", res.Status)
	}
	// a member cannot change the join code through the record API either
	r = bob.Do(t, http.MethodPatch, "/api/collections/account/records/"+acc.Id, map[string]any{"join_code": "AAAA-BBBB-CCCC"})
	if r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
		t.Errorf("member updates account: %d", r.Status)
	}
	r = admin.Do(t, http.MethodPatch, "/api/collections/account/records/"+acc.Id, map[string]any{"join_code": "AAAA-BBBB-CCCC", "name": "Team"})
	if r.Status != http.StatusOK || r.JSON(t)["join_code"] == "AAAA-BBBB-CCCC" || r.JSON(t)["name"] != "Team" {
		t.Errorf("admin account update: %d %s", r.Status, r.Body)
	}
}

func TestUsersRecordAPI(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	anon := testkit.Client{Base: base}
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}

	if res := anon.Do(t, http.MethodPost, "/api/collections/users/records", map[string]any{"name": "Eve", "email": "eve@example.com", "password": testkit.Password, "passwordConfirm": testkit.Password}); res.Status != http.StatusForbidden {
		t.Errorf("sign-up through the record API: %d, want 403", res.Status)
	}
	if res := anon.Do(t, http.MethodGet, "/api/collections/users/records", nil); res.Status == http.StatusOK && strings.Contains(string(res.Body), bob.Id) {
		t.Errorf("signed-out user lists users")
	}
	// emails: self and admins only
	list := bobC.Do(t, http.MethodGet, "/api/collections/users/records/"+carol.Id, nil)
	if strings.Contains(string(list.Body), "carol@example.com") {
		t.Errorf("a member sees another's email: %s", list.Body)
	}
	if own := bobC.Do(t, http.MethodGet, "/api/collections/users/records/"+bob.Id, nil); !strings.Contains(string(own.Body), "bob@example.com") {
		t.Errorf("own email hidden: %s", own.Body)
	}
	if adm := adminC.Do(t, http.MethodGet, "/api/collections/users/records/"+carol.Id, nil); !strings.Contains(string(adm.Body), "carol@example.com") {
		t.Errorf("admin does not see emails: %s", adm.Body)
	}
	// a member cannot make herself admin or change status; can change name and bio
	res := bobC.Do(t, http.MethodPatch, "/api/collections/users/records/"+bob.Id, map[string]any{"role": "administrator", "status": "banned", "name": "Robert", "bio": "hi"})
	if res.Status != http.StatusOK {
		t.Fatalf("self update: %d %s", res.Status, res.Body)
	}
	got := res.JSON(t)
	if got["role"] != "member" || got["status"] != "active" || got["name"] != "Robert" || got["bio"] != "hi" {
		t.Errorf("self update result: %v", got)
	}
	if res := bobC.Do(t, http.MethodPatch, "/api/collections/users/records/"+carol.Id, map[string]any{"name": "Hacked"}); res.Status != http.StatusNotFound {
		t.Errorf("member updates another: %d, want 404", res.Status)
	}
	// an admin changes others' roles, never their own, and nothing else of theirs
	res = adminC.Do(t, http.MethodPatch, "/api/collections/users/records/"+carol.Id, map[string]any{"role": "administrator", "name": "Renamed"})
	if got := res.JSON(t); got["role"] != "administrator" || got["name"] != "Carol" {
		t.Errorf("admin role change: %v", got)
	}
	res = adminC.Do(t, http.MethodPatch, "/api/collections/users/records/"+w.Admin.Id, map[string]any{"role": "member"})
	if got := res.JSON(t); got["role"] != "administrator" {
		t.Errorf("admin demoted self: %v", got)
	}
	// bio limit
	if res := bobC.Do(t, http.MethodPatch, "/api/collections/users/records/"+bob.Id, map[string]any{"bio": strings.Repeat("x", 201)}); res.Status != http.StatusBadRequest {
		t.Errorf("201-char bio: %d, want 400", res.Status)
	}
}

func TestSignInOnlyForActiveHumans(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	anon := testkit.Client{Base: base}
	signIn := func(email string) int {
		return anon.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", map[string]any{"identity": email, "password": testkit.Password}).Status
	}
	if s := signIn("bob@example.com"); s != http.StatusOK {
		t.Fatalf("active member sign-in: %d", s)
	}
	bob.Set("status", "deactivated")
	if err := w.App.Save(bob); err != nil {
		t.Fatal(err)
	}
	if s := signIn("bob@example.com"); s == http.StatusOK {
		t.Errorf("deactivated user signed in")
	}
	bot := w.User(t, "Robo")
	bot.Set("role", "bot")
	if err := w.App.Save(bot); err != nil {
		t.Fatal(err)
	}
	if s := signIn("robo@example.com"); s == http.StatusOK {
		t.Errorf("bot signed in with a password")
	}
}
