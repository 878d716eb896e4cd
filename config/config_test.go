package config_test

import (
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/pflag"

	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/testkit"
)

func bind(t *testing.T, args ...string) *config.Config {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	c, err := config.Bind(fs, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFlagsAndEnvironment(t *testing.T) {
	// defaults
	c := bind(t)
	if c.UploadLimitMB != 50 || c.RateLimits != nil || c.PostLimit != nil || c.Durable || c.MetricsToken != "" {
		t.Fatalf("defaults: %+v", c)
	}
	for _, f := range config.Features {
		if !c.Enabled(f) {
			t.Fatalf("%s is off by default", f)
		}
	}

	// the environment sets defaults, flags win
	t.Setenv("CAMPFIRE_UPLOAD_LIMIT_MB", "20")
	t.Setenv("CAMPFIRE_DURABLE", "on")
	t.Setenv("CAMPFIRE_PUSH", "off")
	t.Setenv("CAMPFIRE_TRUSTED_PROXY", "X-Forwarded-For, X-Real-IP")
	t.Setenv("CAMPFIRE_METRICS_TOKEN", "tok")
	t.Setenv("CAMPFIRE_RATE_LIMITS", "false")
	c = bind(t, "--uploadLimit", "30", "--postLimit", "5/1m", "--bots=false", "--drainTimeout", "3s")
	if c.UploadLimitMB != 30 || c.UploadLimit() != 30<<20 {
		t.Fatalf("upload limit %d", c.UploadLimitMB)
	}
	if !c.Durable || c.MetricsToken != "tok" || c.DrainTimeout != 3*time.Second {
		t.Fatalf("env: %+v", c)
	}
	if c.Enabled(config.Push) || c.Enabled(config.Bots) || !c.Enabled(config.Files) {
		t.Fatalf("features: %v", c.Disabled)
	}
	if len(c.TrustedProxyHeaders) != 2 || c.TrustedProxyHeaders[1] != "X-Real-IP" {
		t.Fatalf("proxy headers %q", c.TrustedProxyHeaders)
	}
	if c.RateLimits == nil || *c.RateLimits {
		t.Fatalf("rate limits %v", c.RateLimits)
	}
	if c.PostLimit == nil || c.PostLimit.Max != 5 || c.PostLimit.Window != time.Minute {
		t.Fatalf("post limit %+v", c.PostLimit)
	}
	// the start-up summary never shows a secret
	for i, v := range c.Summary() {
		if s, ok := v.(string); ok && s == "tok" {
			t.Fatalf("summary item %d shows the metrics token", i)
		}
	}
}

func TestBadValuesAreErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--postLimit", "fast"},
		{"--drainTimeout", "soon"},
		{"--logFormat", "xml"},
		{"--uploadLimit", "0"},
	} {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		c, err := config.Bind(fs, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := c.Finish(); err == nil {
			t.Fatalf("%v was accepted", args)
		}
	}
	t.Setenv("CAMPFIRE_DURABLE", "perhaps")
	if _, err := config.Bind(pflag.NewFlagSet("test", pflag.ContinueOnError), false); err == nil {
		t.Fatal("CAMPFIRE_DURABLE=perhaps was accepted")
	}
}

func TestPostLimit(t *testing.T) {
	for in, want := range map[string]config.PostLimit{
		"20/10s": {Max: 20, Window: 10 * time.Second},
		"30/m":   {Max: 30, Window: time.Minute},
		"off":    {},
		"0":      {},
	} {
		got, err := config.ParsePostLimit(in)
		if err != nil || got != want {
			t.Fatalf("%q: %+v %v, want %+v", in, got, err, want)
		}
	}
}

func TestApplyWritesSettings(t *testing.T) {
	w := testkit.Setup(t)
	off := false
	c := config.Default()
	c.PublicURL = "https://chat.example.com"
	c.RateLimits = &off
	c.TrustedProxyHeaders = []string{"X-Forwarded-For"}
	c.BackupsCron, c.BackupsKeep = "0 3 * * *", 7
	if err := config.Apply(w.App, c); err != nil {
		t.Fatal(err)
	}
	s := w.App.Settings()
	if s.Meta.AppURL != c.PublicURL || s.RateLimits.Enabled || s.TrustedProxy.Headers[0] != "X-Forwarded-For" ||
		s.Backups.Cron != "0 3 * * *" || s.Backups.CronMaxKeep != 7 {
		t.Fatalf("settings not applied: %+v %+v %+v %+v", s.Meta, s.RateLimits, s.TrustedProxy, s.Backups)
	}
	// unset values leave the dashboard's settings alone
	on := true
	s.RateLimits.Enabled = on
	if err := w.App.Save(s); err != nil {
		t.Fatal(err)
	}
	if err := config.Apply(w.App, config.Default()); err != nil {
		t.Fatal(err)
	}
	if !w.App.Settings().RateLimits.Enabled || w.App.Settings().Meta.AppURL != c.PublicURL {
		t.Fatal("a default configuration changed settings")
	}
}

func TestFeatureSwitches(t *testing.T) {
	w := testkit.Setup(t)
	c := config.Default()
	c.Disabled = map[config.Feature]bool{config.Previews: true, config.Bots: true, config.Push: true}
	config.Set(w.App, c)
	w.App.OnServe().BindFunc(func(se *core.ServeEvent) error { // stands in for the web app's pages
		se.Router.GET("/rooms/{path...}", func(e *core.RequestEvent) error { return e.String(http.StatusOK, "page") })
		return se.Next()
	})
	base := testkit.Serve(t, w.App)
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	for _, p := range []struct{ method, path string }{
		{http.MethodPost, "/api/campfire/unfurl"},
		{http.MethodGet, "/api/campfire/bots"},
		{http.MethodPost, "/api/campfire/push/subscriptions"},
		{http.MethodPost, "/rooms/" + w.AllTalk.Id + "/abc-def/messages"},
	} {
		r := admin.Do(t, p.method, p.path, map[string]string{})
		if r.Status != http.StatusNotFound {
			t.Fatalf("%s %s with its feature off: %d %s", p.method, p.path, r.Status, r.Body)
		}
	}
	// the web app's own /rooms/... pages are not the bot API
	if r := admin.Do(t, http.MethodGet, "/rooms/"+w.AllTalk.Id+"/@12", nil); r.Status != http.StatusOK {
		t.Fatalf("the web app's room page was switched off with the bots")
	}
}

func TestDBConnect(t *testing.T) {
	var seen atomic.Int64
	for _, durable := range []bool{false, true} {
		db, err := config.DBConnect(durable, func(kind string, d time.Duration) { seen.Add(1) })(filepath.Join(t.TempDir(), "data.db"))
		if err != nil {
			t.Fatal(err)
		}
		var sync int
		if err := db.NewQuery("PRAGMA synchronous").Row(&sync); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 1, true: 2}[durable]; sync != want { // NORMAL = 1, FULL = 2
			t.Fatalf("durable=%v: synchronous=%d, want %d", durable, sync, want)
		}
		db.Close()
	}
	if seen.Load() == 0 {
		t.Fatal("statement timings were not reported")
	}
}

func TestSwitchedOffDeliveriesAreSkipped(t *testing.T) {
	w := testkit.Setup(t)
	c := config.Default()
	config.Set(w.App, c)
	send := func() (push, webhook bool) {
		_ = events.For(w.App).PushSending.Trigger(&events.PushSendingEvent{App: w.App}, func(*events.PushSendingEvent) error { push = true; return nil })
		_ = events.For(w.App).WebhookDelivering.Trigger(&events.WebhookDeliveringEvent{App: w.App}, func(*events.WebhookDeliveringEvent) error { webhook = true; return nil })
		return
	}
	if p, wh := send(); !p || !wh {
		t.Fatalf("with every feature on: push sent %v, webhook sent %v", p, wh)
	}
	c.Disabled = map[config.Feature]bool{config.Push: true, config.Bots: true}
	if p, wh := send(); p || wh {
		t.Fatalf("with push and bots off: push sent %v, webhook sent %v", p, wh)
	}
}
