package ratelimit_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	_ "github.com/pocketcampfire/campfire/collections" // the migration that turns the limits on
	"github.com/pocketcampfire/campfire/ratelimit"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }
func allowN(l *ratelimit.Limiter, key string, n int) (ok int) {
	for range n {
		if l.Allow(key) {
			ok++
		}
	}
	return ok
}

func TestSlidingWindow(t *testing.T) {
	c := newClock()
	l := ratelimit.NewLimiter(ratelimit.Rule{Max: 3, Window: 10 * time.Second}, c.now)
	if got := allowN(l, "bob", 5); got != 3 {
		t.Fatalf("%d of 5 allowed at once, want 3", got)
	}
	if !l.Allow("carol") {
		t.Fatalf("the limit is per key")
	}
	c.advance(9 * time.Second)
	if l.Allow("bob") {
		t.Fatalf("allowed before the window passed")
	}
	c.advance(time.Second)
	if got := allowN(l, "bob", 5); got != 3 {
		t.Fatalf("%d allowed once the window passed, want 3", got)
	}
	// sliding: events spread over the window
	c2 := newClock()
	l2 := ratelimit.NewLimiter(ratelimit.Rule{Max: 2, Window: 10 * time.Second}, c2.now)
	l2.Allow("k") // t=0
	c2.advance(6 * time.Second)
	l2.Allow("k") // t=6
	c2.advance(3 * time.Second)
	if l2.Allow("k") { // t=9: two events in the last 10 s
		t.Fatalf("allowed a third event within 10 s")
	}
	c2.advance(time.Second) // t=10: the first left the window
	if !l2.Allow("k") {
		t.Fatalf("refused once the oldest event left the window")
	}
	if l2.Allow("k") { // t=10: events at 6 and 10
		t.Fatalf("allowed beyond the limit")
	}
}

func TestDisabledRuleAllowsEverything(t *testing.T) {
	l := ratelimit.NewLimiter(ratelimit.Rule{}, nil)
	if got := allowN(l, "k", 1000); got != 1000 {
		t.Fatalf("a disabled limiter refused %d", 1000-got)
	}
}

func TestIdleKeysAreForgotten(t *testing.T) {
	c := newClock()
	l := ratelimit.NewLimiter(ratelimit.Rule{Max: 1, Window: time.Second}, c.now)
	for i := range 1000 {
		l.Allow(string(rune('a'+i%26)) + string(rune(i)))
	}
	c.advance(2 * time.Second)
	if !l.Allow("new") {
		t.Fatal("refused a new key")
	}
}

func TestDefaultsRespectTheOperator(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	// the migration turned them on
	if !app.Settings().RateLimits.Enabled || ratelimit.IsUnconfigured(app.Settings()) {
		t.Fatalf("migrated app: rate limits %+v", app.Settings().RateLimits)
	}
	// an operator's own configuration is kept
	custom := []core.RateLimitRule{{Label: "/api/", MaxRequests: 5, Duration: 1}}
	app.Settings().RateLimits.Enabled = false
	app.Settings().RateLimits.Rules = custom
	changed, err := ratelimit.ApplyDefaults(app)
	if err != nil || changed || app.Settings().RateLimits.Enabled {
		t.Fatalf("ApplyDefaults over an operator's rules: changed=%v err=%v", changed, err)
	}
	// PocketBase's untouched defaults are replaced
	app.Settings().RateLimits.Rules = []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 2, Duration: 3},
		{Label: "*:create", MaxRequests: 20, Duration: 5},
		{Label: "/api/batch", MaxRequests: 3, Duration: 1},
		{Label: "/api/", MaxRequests: 300, Duration: 10},
	}
	changed, err = ratelimit.ApplyDefaults(app)
	if err != nil || !changed || !app.Settings().RateLimits.Enabled {
		t.Fatalf("ApplyDefaults over PocketBase's defaults: changed=%v err=%v", changed, err)
	}
	if err := app.Settings().RateLimits.Validate(); err != nil {
		t.Fatalf("default rules do not validate: %v", err)
	}
}

func TestPostingSetting(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	if ratelimit.Posting(app).Rule() != ratelimit.DefaultPosting {
		t.Fatalf("posting rule %+v, want the default", ratelimit.Posting(app).Rule())
	}
	ratelimit.SetPosting(app, ratelimit.Rule{Max: 1, Window: time.Hour})
	if !ratelimit.AllowPost(app, "u") || ratelimit.AllowPost(app, "u") {
		t.Fatalf("SetPosting did not apply")
	}
	ratelimit.SetPosting(app, ratelimit.Rule{})
	if !ratelimit.AllowPost(app, "u") || !ratelimit.AllowPost(app, "u") {
		t.Fatalf("a disabled posting limit refused")
	}
}
