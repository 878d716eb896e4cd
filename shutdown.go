package campfire

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/metrics"
	"github.com/pocketcampfire/campfire/outbox"
)

// drainRetryAfter is what a refused write is told to wait (seconds): about a restart.
const drainRetryAfter = 5

// gate tracks the writes in flight so that shutdown can stop taking new ones and wait for the rest.
type gate struct {
	mu       sync.RWMutex
	serving  bool
	draining bool
	inFlight sync.WaitGroup
	count    atomic.Int64 // writes in flight, for the shutdown log
}

func gateFor(app core.App) *gate {
	return app.Store().GetOrSet("campfire.drain", func() any { return &gate{} }).(*gate)
}

// enter admits a write unless the app is draining.
func (g *gate) enter() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.draining {
		return false
	}
	g.inFlight.Add(1)
	g.count.Add(1)
	return true
}

func (g *gate) leave() {
	g.count.Add(-1)
	g.inFlight.Done()
}

// drain refuses new writes from now on and waits up to timeout for those in flight; it reports
// whether they all finished.
func (g *gate) drain(timeout time.Duration) bool {
	g.mu.Lock()
	g.draining = true
	g.mu.Unlock()
	done := make(chan struct{})
	go func() { g.inFlight.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

func (g *gate) isServing() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.serving
}

func (g *gate) isDraining() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.draining
}

// IsDraining reports whether app is shutting down (new writes are refused with 503).
func IsDraining(app core.App) bool { return gateFor(app).isDraining() }

// bindGracefulShutdown makes termination orderly: before PocketBase closes the HTTP server (its own
// OnTerminate handler, priority -9999), new writes (every non-GET request: posts, edits, boosts...)
// are refused with 503 and Retry-After, /api/health answers 503 so load balancers move away, and
// the writes in flight are waited for (up to the configured drain timeout), so that every answered
// post is committed. Then the HTTP server closes, the outbox worker stops (its rows stay queued for
// the next start) and PocketBase closes the database.
func bindGracefulShutdown(app core.App) {
	g := gateFor(app)
	metrics.Draining = IsDraining

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfireDrain",
		Func: func(se *core.ServeEvent) error {
			g.mu.Lock()
			g.serving = true
			g.mu.Unlock()
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id:       "campfireDrain",
				Priority: apis.DefaultCorsMiddlewarePriority - 5, // before everything but metrics
				Func: func(e *core.RequestEvent) error {
					switch e.Request.Method {
					case http.MethodGet, http.MethodHead, http.MethodOptions:
						if e.Request.URL.Path == "/api/health" && g.isDraining() {
							return refuseDraining(e)
						}
						return e.Next()
					}
					if !g.enter() {
						return refuseDraining(e)
					}
					defer g.leave()
					return e.Next()
				},
			})
			return se.Next()
		},
	})

	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "campfireDrain",
		Priority: -10000, // before PocketBase's pbGracefulShutdown (-9999) closes the server
		Func: func(e *core.TerminateEvent) error {
			if g.isServing() {
				log := config.Logger(e.App)
				timeout := config.Get(e.App).DrainTimeout
				start := time.Now()
				pending := g.count.Load()
				if g.drain(timeout) {
					if pending > 0 {
						log.Info("campfire shutdown: writes drained", "writes", pending, "took", time.Since(start).Round(time.Millisecond).String())
					}
				} else {
					log.Warn("campfire shutdown: writes still in flight after the drain timeout", "timeout", timeout.String())
				}
			}
			return e.Next()
		},
	})

	// after the outbox worker stopped (-100), before the database closes: say what stays queued
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "campfireShutdownReport",
		Priority: -99,
		Func: func(e *core.TerminateEvent) error {
			if e.App.IsBootstrapped() && g.isDraining() {
				if n := outbox.Pending(e.App); n > 0 {
					config.Logger(e.App).Info("campfire shutdown: deliveries stay queued for the next start", "pending", n)
				}
			}
			return e.Next()
		},
	})
}

func refuseDraining(e *core.RequestEvent) error {
	e.Response.Header().Set("Retry-After", strconv.Itoa(drainRetryAfter))
	e.Response.Header().Set("Connection", "close")
	return e.Error(http.StatusServiceUnavailable, "The server is restarting. Try again in a few seconds.", nil)
}
