package commands_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/commands"
)

// newCLI is a real PocketBase app on a fresh data directory with Campfire's commands, bootstrapped
// the way the binary is: only PocketBase's own migrations have run.
func newCLI(t *testing.T) *pocketbase.PocketBase {
	t.Helper()
	pb := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: t.TempDir(), HideStartBanner: true})
	commands.Register(pb)
	if err := pb.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pb.ClearBootstrap() })
	return pb
}

func run(t *testing.T, pb *pocketbase.PocketBase, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	pb.RootCmd.SetArgs(args)
	pb.RootCmd.SetIn(strings.NewReader(stdin))
	pb.RootCmd.SetOut(&out)
	err := pb.RootCmd.Execute()
	return out.String(), err
}

func TestAdminCommands(t *testing.T) {
	pb := newCLI(t)

	// the commands run Campfire's migrations themselves
	out, err := run(t, pb, "", "admin", "users")
	if err != nil {
		t.Fatalf("admin users on a fresh directory: %v", err)
	}
	if !strings.Contains(out, "NAME") || !strings.Contains(out, "no users yet") {
		t.Errorf("empty users table: %q", out)
	}
	users, err := pb.FindCollectionByNameOrId("users")
	if err != nil || users.Fields.GetByName("status") == nil {
		t.Fatalf("Campfire's schema is not there after the command: %v", err)
	}

	if _, err := accounts.FirstRun(pb, accounts.Person{Name: "Ada Admin", Email: "ada@example.com", Password: "first-password"}); err != nil {
		t.Fatal(err)
	}
	out, err = run(t, pb, "", "admin", "users")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "Ada Admin") || !strings.Contains(lines[1], "ada@example.com") ||
		!strings.Contains(lines[1], "administrator") || !strings.Contains(lines[1], "active") {
		t.Errorf("users table:\n%s", out)
	}

	// reset-password reads the password from stdin
	out, err = run(t, pb, "a-brand-new-password\n", "admin", "reset-password", "ada@example.com")
	if err != nil {
		t.Fatalf("reset-password: %v", err)
	}
	if !strings.Contains(out, "Changed the password of Ada Admin") {
		t.Errorf("reset-password output %q", out)
	}
	ada, err := pb.FindAuthRecordByEmail("users", "ada@example.com")
	if err != nil || !ada.ValidatePassword("a-brand-new-password") || ada.ValidatePassword("first-password") {
		t.Fatalf("the password did not change (%v)", err)
	}

	for _, c := range []struct{ stdin, email, want string }{
		{"another-password\n", "nobody@example.com", "no user"},
		{"short\n", "ada@example.com", "password"},
		{"", "ada@example.com", "no password"},
	} {
		if _, err := run(t, pb, c.stdin, "admin", "reset-password", c.email); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("reset-password %s with %q: %v, want an error about %q", c.email, c.stdin, err, c.want)
		}
	}
	if _, err := run(t, pb, "", "admin", "reset-password"); err == nil {
		t.Errorf("reset-password without an email succeeded")
	}
	ada, _ = pb.FindAuthRecordByEmail("users", "ada@example.com")
	if !ada.ValidatePassword("a-brand-new-password") {
		t.Errorf("a failed reset changed the password")
	}
}
