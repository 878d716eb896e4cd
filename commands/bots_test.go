package commands_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase"

	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/commands"
)

func botsCLI(t *testing.T) *pocketbase.PocketBase {
	t.Helper()
	pb := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: t.TempDir(), HideStartBanner: true})
	commands.Register(pb)
	if err := pb.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pb.ClearBootstrap() })
	return pb
}

func botsRun(t *testing.T, pb *pocketbase.PocketBase, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	pb.RootCmd.SetArgs(args)
	pb.RootCmd.SetOut(&out)
	pb.RootCmd.SetErr(&out)
	err := pb.RootCmd.Execute()
	return out.String(), err
}

var keyLine = regexp.MustCompile(`(?m)([a-z0-9]{15}-[A-Za-z0-9]{12,})$`)

func TestBotsCommands(t *testing.T) {
	pb := botsCLI(t)

	out, err := botsRun(t, pb, "bots", "list")
	if err != nil || !strings.Contains(out, "No bots.") {
		t.Fatalf("list on a fresh directory: %q %v", out, err)
	}

	out, err = botsRun(t, pb, "bots", "create", "Deploy Bot", "--webhook", "https://bots.example.com/campfire")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	m := keyLine.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "whsec_") || !strings.Contains(out, "https://bots.example.com/campfire") {
		t.Fatalf("create printed %q", out)
	}
	key := m[1]
	bot, err := bots.Authenticate(pb, key)
	if err != nil || bot.GetString("name") != "Deploy Bot" || bot.GetString("webhook_url") != "https://bots.example.com/campfire" {
		t.Fatalf("the printed key does not authenticate: %v", err)
	}

	out, err = botsRun(t, pb, "bots", "list")
	if err != nil || !strings.Contains(out, bot.Id) || !strings.Contains(out, "Deploy Bot") || strings.Contains(out, key) {
		t.Fatalf("list: %q %v", out, err)
	}

	out, err = botsRun(t, pb, "bots", "key", "Deploy Bot")
	if err != nil {
		t.Fatalf("key: %v\n%s", err, out)
	}
	m = regexp.MustCompile(`([a-z0-9]{15}-[A-Za-z0-9]{12,})`).FindStringSubmatch(out)
	if m == nil || m[1] == key {
		t.Fatalf("key printed %q", out)
	}
	if _, err := bots.Authenticate(pb, key); err == nil {
		t.Error("the old key still works")
	}
	if _, err := bots.Authenticate(pb, m[1]); err != nil {
		t.Errorf("the new key does not work: %v", err)
	}
	if _, err := botsRun(t, pb, "bots", "key", bot.Id); err != nil {
		t.Errorf("key by id: %v", err)
	}

	if _, err := botsRun(t, pb, "bots", "key", "Nobody"); err == nil {
		t.Error("key for an unknown bot succeeded")
	}
	if _, err := botsRun(t, pb, "bots", "create", "Sneaky", "--webhook", "http://169.254.169.254/latest"); err == nil {
		t.Error("a private webhook address was accepted")
	}
	if _, err := botsRun(t, pb, "bots", "create", "  ", "--webhook", ""); err == nil {
		t.Error("a blank name was accepted")
	}
}
