package bots

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/netguard"
	"github.com/pocketcampfire/campfire/webhooks"
)

// Options tune bots for an app. The zero value is production: Campfire's 7 s webhook timeout,
// public webhook addresses only, webhooks.Backoff between retries, 30 posts per bot per 10 s.
type Options struct {
	// WebhookTimeout bounds one webhook attempt (default webhooks.DefaultTimeout, 7 s); the bot then
	// says "Failed to respond within <timeout>".
	WebhookTimeout time.Duration
	// AllowLoopback lets webhooks reach exactly 127.0.0.1 (tests with a local HTTP bot). Off by
	// default; never turn it on in production (it opens the SSRF guard to the host itself).
	AllowLoopback bool
	// Backoff is the wait after failed attempt n (1-based) before the next; default webhooks.Backoff
	// (exponential, full jitter).
	Backoff func(attempt int) time.Duration
	// PostLimit and PostWindow bound the messages one bot may post through the bot API (default 30
	// per 10 s), so that two bots answering each other cannot loop forever; beyond it a 429.
	PostLimit  int
	PostWindow time.Duration
}

// Defaults of Options.
const (
	DefaultPostLimit  = 30
	DefaultPostWindow = 10 * time.Second
)

type state struct {
	mu        sync.Mutex
	opts      Options
	deliverer *webhooks.Deliverer
	limiter   *limiter
	legacy    Legacy
}

const storeKey = "campfire.bots"

func stateFor(app core.App) *state {
	return app.Store().GetOrSet(storeKey, func() any {
		s := &state{}
		s.apply(Options{})
		return s
	}).(*state)
}

// Configure sets an app's bot options (before the server starts; tests may call it at any time).
func Configure(app core.App, o Options) {
	stateFor(app).apply(o)
}

func (s *state) apply(o Options) {
	if o.WebhookTimeout <= 0 {
		o.WebhookTimeout = webhooks.DefaultTimeout
	}
	if o.Backoff == nil {
		o.Backoff = webhooks.Backoff
	}
	if o.PostLimit <= 0 {
		o.PostLimit = DefaultPostLimit
	}
	if o.PostWindow <= 0 {
		o.PostWindow = DefaultPostWindow
	}
	g := guardFor(o.AllowLoopback)
	// the transport's own header timeout must not cut an attempt shorter than the webhook timeout
	g.ResponseHeaderTimeout = o.WebhookTimeout + time.Second
	d := &webhooks.Deliverer{
		Client:    g.HTTPClient(netguard.WithMaxRedirects(0)),
		Timeout:   o.WebhookTimeout,
		Permanent: netguard.IsRefused,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts = o
	s.deliverer = d
	s.limiter = newLimiter(o.PostLimit, o.PostWindow)
}

func (s *state) snapshot() (Options, webhooks.Deliverer, *limiter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts, *s.deliverer, s.limiter
}

// limiter is a sliding-window counter of posts per bot, in memory (a restart forgets it, which is
// fine for a loop breaker).
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	hits   map[string][]time.Time
}

func newLimiter(limit int, window time.Duration) *limiter {
	return &limiter{limit: limit, window: window, hits: map[string][]time.Time{}}
}

// allow records a post by id at now if the window has room, else reports how long until it has.
func (l *limiter) allow(id string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cutoff := now.Add(-l.window)
	kept := l.hits[id][:0]
	for _, t := range l.hits[id] {
		if t.After(cutoff) {
			kept = append(kept, t)
		}
	}
	if len(kept) >= l.limit {
		l.hits[id] = kept
		return false, kept[0].Sub(cutoff)
	}
	l.hits[id] = append(kept, now)
	return true, 0
}
