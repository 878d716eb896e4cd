package bans_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/pocketcampfire/campfire/bans"
	_ "github.com/pocketcampfire/campfire/collections"
)

func TestPublicIP(t *testing.T) {
	for in, want := range map[string]string{
		"8.8.4.4":          "8.8.4.4",
		"::ffff:8.8.4.4":   "8.8.4.4",
		"2001:4860::8888":  "2001:4860::8888",
		"127.0.0.1":        "",
		"10.1.2.3":         "",
		"192.168.0.9":      "",
		"203.0.113.7":      "", // documentation
		"::1":              "",
		"fe80::1":          "",
		"not an address":   "",
		"":                 "",
		"1.2.3.4":          "1.2.3.4",
		"2001:db8::1":      "", // documentation
		"0000:0000::ffff:": "",
	} {
		if got := bans.PublicIP(in); got != want {
			t.Errorf("PublicIP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRecentAndBanned(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()

	bans.Seen(app, "u1", "127.0.0.1")
	if got := bans.RecentIPs(app, "u1"); len(got) != 0 {
		t.Fatalf("loopback recorded: %v", got)
	}
	for _, ip := range []string{"1.1.1.1", "8.8.8.8", "1.1.1.1", "9.9.9.9", "4.4.4.4", "5.5.5.5"} {
		bans.Seen(app, "u1", ip)
	}
	got := bans.RecentIPs(app, "u1")
	want := []string{"5.5.5.5", "4.4.4.4", "9.9.9.9", "1.1.1.1"}
	if len(got) != len(want) {
		t.Fatalf("recent %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("recent %v, want %v", got, want)
		}
	}
	bans.Forget(app, "u1")
	if len(bans.RecentIPs(app, "u1")) != 0 {
		t.Fatal("Forget kept addresses")
	}

	// the banned set comes from the collection, in any spelling
	users, _ := app.FindCollectionByNameOrId("users")
	u := core.NewRecord(users)
	u.Set("name", "Bob")
	u.SetEmail("bob@example.com")
	u.SetPassword("correct-horse-battery")
	u.Set("role", "member")
	u.Set("status", "banned")
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	if bans.IsBanned(app, "8.8.4.4") {
		t.Fatal("banned before any ban")
	}
	col, _ := app.FindCollectionByNameOrId("bans")
	b := core.NewRecord(col)
	b.Set("user", u.Id)
	b.Set("ip", "8.8.4.4")
	if err := app.Save(b); err != nil {
		t.Fatal(err)
	}
	if err := bans.Reload(app); err != nil {
		t.Fatal(err)
	}
	if !bans.IsBanned(app, "8.8.4.4") || !bans.IsBanned(app, "::ffff:8.8.4.4") || bans.IsBanned(app, "8.8.8.8") || bans.IsBanned(app, "127.0.0.1") {
		t.Fatal("banned set lookups")
	}
}
