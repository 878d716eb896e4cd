// Package pushnotify is web push for Campfire on PocketBase: it wires the PocketBase-free primitives of
// package push into the app.
//
//   - VAPID keys: from VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, or generated on first start and kept in the
//     superuser-only "secrets" collection; the public key is in /api/campfire/status, the private key
//     is never in an API answer.
//   - Subject: CAMPFIRE_PUSH_SUBJECT, or mailto:<the first administrator's email>.
//   - Routes: POST/DELETE /api/campfire/push/subscriptions, POST /api/campfire/push/test.
//   - Delivery: a "push" outbox planner inside the post transaction picks the recipients (push.ShouldNotify
//     with live presence) and a handler sends each one's notification to all their browsers through
//     the SSRF guard, deletes subscriptions the push service calls gone and retries transient failures.
package pushnotify

import (
	"crypto/tls"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/netguard"
	"github.com/pocketcampfire/campfire/push"
)

// Kind is the outbox kind of push deliveries.
const Kind = "push"

// EnvSubject names the environment variable holding the VAPID subject (mailto: or https:).
const EnvSubject = "CAMPFIRE_PUSH_SUBJECT"

// MaxSubscriptionsPerUser bounds a user's browsers; subscribing one more drops the least recently
// refreshed.
const MaxSubscriptionsPerUser = 20

// Options tune push delivery. The zero value is the production setting.
type Options struct {
	// Subject overrides CAMPFIRE_PUSH_SUBJECT and the default mailto:<first admin's email>.
	Subject string
	// AllowPrivate lets endpoints reach addresses the SSRF guard would refuse. Tests only (e.g.
	// exactly 127.0.0.1 for a local push service); https stays required.
	AllowPrivate func(netip.Addr) bool
	// TLSConfig is the base TLS configuration of the client (tests: the local push service's CA).
	TLSConfig *tls.Config
	// Timeout bounds one request to a push service (default push.DefaultTimeout).
	Timeout time.Duration
	// Concurrency bounds requests in flight for one recipient (default push.DefaultConcurrency).
	Concurrency int
	// MaxAttempts is how many times a recipient's delivery is tried (default 5).
	MaxAttempts int
	// RetryBackoff is the first retry delay; each next one is four times longer, at most an hour
	// (default 30 s). A push service's Retry-After is honoured when longer.
	RetryBackoff time.Duration
}

// service is the per-app state: options, cached keys, the guarded client, and the subscriptions a
// retried delivery already reached.
type service struct {
	mu     sync.Mutex
	opts   Options
	keys   push.Keys
	guard  *netguard.Guard
	client *http.Client

	lastWarning atomic.Int64 // unix nanos of the last "not configured" warning

	reachedMu sync.Mutex
	reached   map[string]map[string]bool // outbox item id -> subscription ids delivered
}

const storeKey = "campfire.pushnotify"

func serviceFor(app core.App) *service {
	return app.Store().GetOrSet(storeKey, func() any {
		return &service{reached: map[string]map[string]bool{}}
	}).(*service)
}

// Configure sets the push options of app (before it serves; tests call it after testkit.Setup).
func Configure(app core.App, o Options) {
	s := serviceFor(app)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts = o
	s.guard, s.client = nil, nil // rebuilt with the new options
}

func (s *service) options() Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.opts
	if o.Timeout <= 0 {
		o.Timeout = push.DefaultTimeout
	}
	if o.Concurrency <= 0 {
		o.Concurrency = push.DefaultConcurrency
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 30 * time.Second
	}
	return o
}

// network returns the SSRF guard for endpoints (https, public addresses) and the client that dials
// only through it and never follows redirects (a redirect answer is reported as its status).
func (s *service) network() (*netguard.Guard, *http.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.guard == nil {
		timeout := s.opts.Timeout
		if timeout <= 0 {
			timeout = push.DefaultTimeout
		}
		s.guard = &netguard.Guard{RequireHTTPS: true, AllowPrivate: s.opts.AllowPrivate, ResponseHeaderTimeout: timeout}
		opts := []netguard.ClientOption{netguard.WithTimeout(2 * timeout)}
		if s.opts.TLSConfig != nil {
			opts = append(opts, netguard.WithTLSConfig(s.opts.TLSConfig))
		}
		c := s.guard.HTTPClient(opts...)
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		s.client = c
	}
	return s.guard, s.client
}

// retryDelay is the wait before try number attempt+2 (attempt counts the tries already retried).
func (o Options) retryDelay(attempt int, retryAfter time.Duration) time.Duration {
	d := o.RetryBackoff
	for i := 0; i < attempt && d < time.Hour; i++ {
		d *= 4
	}
	d = min(d, time.Hour)
	if retryAfter > d {
		d = min(retryAfter, 6*time.Hour)
	}
	return d
}

func (s *service) markReached(itemID string, subIDs ...string) {
	if itemID == "" {
		return // not an outbox delivery (a test notification): never retried
	}
	s.reachedMu.Lock()
	defer s.reachedMu.Unlock()
	set := s.reached[itemID]
	if set == nil {
		set = map[string]bool{}
		s.reached[itemID] = set
	}
	for _, id := range subIDs {
		set[id] = true
	}
}

func (s *service) wasReached(itemID, subID string) bool {
	s.reachedMu.Lock()
	defer s.reachedMu.Unlock()
	return s.reached[itemID][subID]
}

func (s *service) forget(itemID string) {
	s.reachedMu.Lock()
	defer s.reachedMu.Unlock()
	delete(s.reached, itemID)
}

// warnNotSent logs why pushes are not sent (no usable subject, broken keys) at most every 10 minutes.
func (s *service) warnNotSent(app core.App, err error) {
	now := time.Now().UnixNano()
	last := s.lastWarning.Load()
	if now-last < int64(10*time.Minute) || !s.lastWarning.CompareAndSwap(last, now) {
		return
	}
	app.Logger().Warn("web push: notifications are not sent", "reason", err.Error())
}
