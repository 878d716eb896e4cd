// Package ratelimit holds Campfire's rate limits.
//
// Two kinds exist:
//
//   - Per IP, through PocketBase's own limiter (Settings.RateLimits): sign-in and sign-up (password,
//     OTP and OAuth2 sign-in, first run, join, redeeming a sign-in transfer link, changing one's
//     email). DefaultRules is the set a new install gets (see ApplyDefaults, run by a migration).
//   - Per user, with our own in-memory sliding-window limiter, because PocketBase's keys on the IP
//     only (a team behind one NAT shares an IP): posting messages. DefaultPosting is the bound;
//     SetPosting changes it per app (flags, env, tests).
package ratelimit

import (
	"slices"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Rule bounds events per key: at most Max within any Window. Max <= 0 turns the limit off.
type Rule struct {
	Max    int
	Window time.Duration
}

// Enabled reports whether the rule limits anything.
func (r Rule) Enabled() bool { return r.Max > 0 && r.Window > 0 }

// DefaultPosting is the posting bound a new app gets: 20 messages per 10 seconds per user. Change it
// before the app starts, or per app with SetPosting.
var DefaultPosting = Rule{Max: 20, Window: 10 * time.Second}

// PostingMessage is the 429 answer to a user who posts too fast.
const PostingMessage = "You are posting too fast. Wait a few seconds and try again."

// SignInWindow and SignInMax bound sign-in and sign-up attempts per IP (PocketBase's limiter).
const (
	SignInMax    = 10
	SignInWindow = 180 // seconds
)

// DefaultRules are the per-IP rules (PocketBase's limiter) a new install gets:
//
//   - `*:auth`: password, OTP and OAuth2 sign-in of every auth collection (users and superusers);
//   - first run, join, redeeming a sign-in transfer link, and changing one's email (it checks the
//     password): 10 per 3 minutes each;
//   - making transfer links: 30 per minute (the exact label wins over the redeem prefix);
//   - PocketBase's batch API default.
func DefaultRules() []core.RateLimitRule {
	return []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: SignInMax, Duration: SignInWindow},
		{Label: "POST /api/campfire/first-run", MaxRequests: SignInMax, Duration: SignInWindow},
		{Label: "POST /api/campfire/join/", MaxRequests: SignInMax, Duration: SignInWindow},
		{Label: "POST /api/campfire/sessions/transfer/", MaxRequests: SignInMax, Duration: SignInWindow},
		{Label: "POST /api/campfire/sessions/transfer", MaxRequests: 30, Duration: 60},
		{Label: "POST /api/campfire/users/me/email", MaxRequests: SignInMax, Duration: SignInWindow},
		{Label: "/api/batch", MaxRequests: 3, Duration: 1},
	}
}

// pocketBaseDefaults are the rules PocketBase ships (disabled) in a fresh install.
var pocketBaseDefaults = []core.RateLimitRule{
	{Label: "*:auth", MaxRequests: 2, Duration: 3},
	{Label: "*:create", MaxRequests: 20, Duration: 5},
	{Label: "/api/batch", MaxRequests: 3, Duration: 1},
	{Label: "/api/", MaxRequests: 300, Duration: 10},
}

// IsUnconfigured reports whether the rate limits are still PocketBase's untouched defaults (off, with
// its stock rules or none): an operator has not configured them.
func IsUnconfigured(s *core.Settings) bool {
	rl := s.RateLimits
	if rl.Enabled || len(rl.ExcludedIPs) > 0 {
		return false
	}
	return len(rl.Rules) == 0 || slices.Equal(rl.Rules, pocketBaseDefaults)
}

// ApplyDefaults turns the rate limits on with DefaultRules when the operator has not configured them,
// and saves the settings. It reports whether it changed anything.
func ApplyDefaults(app core.App) (bool, error) {
	s := app.Settings()
	if !IsUnconfigured(s) {
		return false, nil
	}
	s.RateLimits.Enabled = true
	s.RateLimits.Rules = DefaultRules()
	if err := app.Save(s); err != nil {
		return false, err
	}
	return true, nil
}

// Limiter is a sliding-window limiter keyed by string (a user id): at most Max events within any
// Window. It keeps Max timestamps per active key and forgets idle keys.
type Limiter struct {
	rule Rule
	now  func() time.Time

	mu        sync.Mutex
	keys      map[string]*window
	lastSweep time.Time
}

type window struct {
	times []time.Time // ring buffer of the last Max events
	next  int
	last  time.Time
}

// NewLimiter returns a limiter for rule; now is the clock (nil for time.Now).
func NewLimiter(rule Rule, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rule: rule, now: now, keys: map[string]*window{}}
}

// Rule returns the limiter's rule.
func (l *Limiter) Rule() Rule { return l.rule }

// Allow records an event for key and reports whether it is within the limit. A refused event is not
// recorded, so a client that waits gets through.
func (l *Limiter) Allow(key string) bool {
	if !l.rule.Enabled() {
		return true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweepLocked(now)
	w := l.keys[key]
	if w == nil {
		w = &window{times: make([]time.Time, 0, l.rule.Max)}
		l.keys[key] = w
	}
	if len(w.times) < l.rule.Max {
		w.times = append(w.times, now)
		w.last = now
		return true
	}
	// the oldest of the last Max events must have left the window
	if now.Sub(w.times[w.next]) < l.rule.Window {
		return false
	}
	w.times[w.next] = now
	w.next = (w.next + 1) % l.rule.Max
	w.last = now
	return true
}

// sweepLocked forgets keys idle for a whole window, at most once per window.
func (l *Limiter) sweepLocked(now time.Time) {
	if now.Sub(l.lastSweep) < l.rule.Window {
		return
	}
	l.lastSweep = now
	for k, w := range l.keys {
		if now.Sub(w.last) >= l.rule.Window {
			delete(l.keys, k)
		}
	}
}

const postingKey = "campfire.ratelimit.posting"

// SetPosting replaces the posting limit of app (Max <= 0 turns it off).
func SetPosting(app core.App, r Rule) {
	app.Store().Set(postingKey, NewLimiter(r, nil))
}

// Posting returns the posting limiter of app (DefaultPosting until SetPosting).
func Posting(app core.App) *Limiter {
	return app.Store().GetOrSet(postingKey, func() any { return NewLimiter(DefaultPosting, nil) }).(*Limiter)
}

// AllowPost records a post by userID and reports whether it is within the posting limit. The record
// API hook below calls it for every user's post; bots posting through the bot API have their own
// per-bot limit instead (package bots, configurable with the bot options).
func AllowPost(app core.App, userID string) bool {
	return Posting(app).Allow(userID)
}

// Register binds the posting limit to message creates through the record API. It runs after the
// idempotency check (a retry of a stored message never counts) and answers 429 beyond the limit.
func Register(app core.App) {
	app.OnRecordCreateRequest("messages").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:       "campfirePostingRateLimit",
		Priority: 10, // after the request hooks bound with the default priority (dedup)
		Func: func(e *core.RecordRequestEvent) error {
			if e.Auth != nil && !e.Auth.IsSuperuser() && !AllowPost(e.App, e.Auth.Id) {
				return router.NewTooManyRequestsError(PostingMessage, nil)
			}
			return e.Next()
		},
	})
}
