package campfire_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire"
	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/testkit"
)

// Termination waits for writes in flight, refuses new ones with 503 and Retry-After, and reports
// unhealthy meanwhile.
func TestDrainOnTerminate(t *testing.T) {
	w := testkit.Setup(t)
	release := make(chan struct{})
	entered := make(chan struct{})
	w.App.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/test/slow", func(e *core.RequestEvent) error {
			close(entered)
			<-release
			return e.NoContent(http.StatusNoContent)
		})
		return se.Next()
	})
	base := testkit.Serve(t, w.App)
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}

	slow := make(chan int, 1)
	go func() { slow <- admin.Do(t, http.MethodPost, "/api/test/slow", nil).Status }()
	<-entered

	terminated := make(chan struct{})
	go func() {
		defer close(terminated)
		_ = w.App.OnTerminate().Trigger(&core.TerminateEvent{App: w.App}, func(e *core.TerminateEvent) error { return nil })
	}()
	for !campfire.IsDraining(w.App) {
		time.Sleep(5 * time.Millisecond)
	}

	r := admin.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]string{"room": w.AllTalk.Id, "body": "too late"})
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a post while draining: %d %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if h := admin.Do(t, http.MethodGet, "/api/health", nil); h.Status != http.StatusServiceUnavailable {
		t.Fatalf("health while draining: %d", h.Status)
	}
	if g := admin.Do(t, http.MethodGet, "/api/campfire/status", nil); g.Status != http.StatusOK {
		t.Fatalf("reads still work while draining: %d", g.Status)
	}
	select {
	case <-terminated:
		t.Fatal("termination went on while a write was in flight")
	default:
	}

	close(release)
	if s := <-slow; s != http.StatusNoContent {
		t.Fatalf("the write in flight got %d", s)
	}
	select {
	case <-terminated:
	case <-time.After(30 * time.Second):
		t.Fatal("termination did not go on after the last write")
	}
}

// The drain gives up after the configured timeout so a stuck request cannot hold shutdown forever.
func TestDrainTimeout(t *testing.T) {
	w := testkit.Setup(t)
	cfg := config.Default()
	cfg.DrainTimeout = 50 * time.Millisecond
	config.Set(w.App, cfg)
	release := make(chan struct{})
	entered := make(chan struct{})
	var once sync.Once
	w.App.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/test/stuck", func(e *core.RequestEvent) error {
			once.Do(func() { close(entered) })
			<-release
			return e.NoContent(http.StatusNoContent)
		})
		return se.Next()
	})
	base := testkit.Serve(t, w.App)
	defer close(release)
	go func() {
		if res, err := http.Post(base+"/api/test/stuck", "application/json", nil); err == nil {
			res.Body.Close()
		}
	}()
	<-entered
	done := make(chan struct{})
	go func() {
		_ = w.App.OnTerminate().Trigger(&core.TerminateEvent{App: w.App}, func(e *core.TerminateEvent) error { return nil })
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("termination waited past the drain timeout")
	}
}
