// Package testkit builds Campfire test apps: a fresh temporary database with Campfire registered, an
// account set up through the real first-run path, and users with tokens. Tests in every package use it.
package testkit

import (
	"fmt"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/pocketcampfire/campfire"
	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/rooms"
)

// Password is every test user's password.
const Password = "correct-horse-battery"

// NewApp returns a fresh test app (empty temp data dir, all migrations) with Campfire registered. It
// opens its databases the way the server does (config.DBConnect: its pragmas and the prepared-statement
// cache of package stmtcache), so tests run on the driver that ships.
func NewApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{
		DataDir:       t.TempDir(),
		EncryptionEnv: "pb_test_env",
		DBConnect:     config.DBConnect(false, nil),
	})
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	campfire.Register(app)
	t.Cleanup(app.Cleanup)
	return app
}

// World is a set-up account: an administrator, members, and the first open room.
type World struct {
	App     *tests.TestApp
	Admin   *core.Record
	AllTalk *core.Record
}

// Setup runs the first run (administrator "Ada Admin") on a fresh app.
func Setup(t testing.TB) *World {
	t.Helper()
	app := NewApp(t)
	admin, err := accounts.FirstRun(app, accounts.Person{Name: "Ada Admin", Email: "ada@example.com", Password: Password})
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	room, err := app.FindFirstRecordByFilter("rooms", "name = 'All Talk'")
	if err != nil {
		t.Fatalf("find All Talk: %v", err)
	}
	return &World{App: app, Admin: admin, AllTalk: room}
}

// User signs a member up through the join code.
func (w *World) User(t testing.TB, name string) *core.Record {
	t.Helper()
	acc, err := accounts.Find(w.App)
	if err != nil {
		t.Fatal(err)
	}
	u, err := accounts.Join(w.App, acc.GetString("join_code"), accounts.Person{
		Name: name, Email: fmt.Sprintf("%s@example.com", slug(name)), Password: Password,
	})
	if err != nil {
		t.Fatalf("join %s: %v", name, err)
	}
	return u
}

// Token returns a fresh auth token for a user.
func Token(t testing.TB, u *core.Record) string {
	t.Helper()
	tok, err := u.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Room creates a shared room as creator.
func (w *World) Room(t testing.TB, kind, name string, creator *core.Record, members ...*core.Record) *core.Record {
	t.Helper()
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.Id
	}
	var room *core.Record
	err := w.App.RunInTransaction(func(tx core.App) error {
		var err error
		room, err = rooms.Create(tx, kind, name, creator.Id, ids)
		return err
	})
	if err != nil {
		t.Fatalf("create room %s: %v", name, err)
	}
	return room
}

// Direct finds or creates the direct room of users.
func (w *World) Direct(t testing.TB, from *core.Record, to ...*core.Record) *core.Record {
	t.Helper()
	ids := make([]string, len(to))
	for i, u := range to {
		ids[i] = u.Id
	}
	room, _, err := rooms.FindOrCreateDirect(w.App, from.Id, ids)
	if err != nil {
		t.Fatal(err)
	}
	return room
}

// Post saves a message through the model path (the same transaction a record API post takes).
func (w *World) Post(t testing.TB, room, creator *core.Record, body string) *core.Record {
	t.Helper()
	col, err := w.App.FindCachedCollectionByNameOrId("messages")
	if err != nil {
		t.Fatal(err)
	}
	m := core.NewRecord(col)
	m.Set("room", room.Id)
	m.Set("creator", creator.Id)
	m.Set("body", body)
	if err := w.App.Save(m); err != nil {
		t.Fatalf("post %q: %v", body, err)
	}
	return m
}

func slug(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		case r == ' ':
			out = append(out, '.')
		}
	}
	return string(out)
}
