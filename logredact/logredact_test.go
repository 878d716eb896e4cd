package logredact_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/logredact"
)

func TestPattern(t *testing.T) {
	transfer := logredact.Pattern("/api/campfire/sessions/transfer/{secret}")
	share := logredact.Pattern("/share/{id}/{secretToken}/{rest...}")
	cases := []struct {
		rule Rule
		in   string
		want string
		ok   bool
	}{
		{transfer, "/api/campfire/sessions/transfer/abc.def.ghi", "/api/campfire/sessions/transfer/REDACTED", true},
		{transfer, "/api/campfire/sessions/transfer", "", false},
		{transfer, "/api/campfire/sessions/transfer/", "", false},
		{transfer, "/api/campfire/sessions/transfer/a/b", "", false},
		{transfer, "/api/campfire/sessions/other/abc", "", false},
		{share, "/share/42/tok", "/share/42/REDACTED", true},
		{share, "/share/42/tok/x/y", "/share/42/REDACTED/x/y", true},
		{share, "/share/42", "", false},
	}
	for _, c := range cases {
		got, ok := c.rule(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s → %q %v, want %q %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// Rule is a local alias to keep the table short.
type Rule = logredact.Rule

func TestMiddlewareRedactsWhatTheLoggerSees(t *testing.T) {
	logredact.Add(logredact.Pattern("/secret-test/{secret}"))
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	logredact.Register(app)
	logredact.Register(app) // idempotent

	var seenByHandler, seenByLogger string
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// a stand-in for PocketBase's activity logger, at its priority minus one: outside the redactor
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "spyLogger",
			Priority: apis.DefaultActivityLoggerMiddlewarePriority - 1,
			Func: func(e *core.RequestEvent) error {
				err := e.Next()
				seenByLogger = e.Request.URL.RequestURI()
				return err
			},
		})
		se.Router.GET("/secret-test/{token}", func(e *core.RequestEvent) error {
			seenByHandler = e.Request.PathValue("token") + " " + e.Request.URL.Path
			return e.NoContent(http.StatusNoContent)
		})
		se.Router.GET("/panics/{token}", func(e *core.RequestEvent) error { panic("boom") })
		return se.Next()
	})
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r}, func(e *core.ServeEvent) error {
		handler, err = e.Router.BuildMux()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)

	res, err := http.Get(srv.URL + "/secret-test/hunter2?x=1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent || seenByHandler != "hunter2 /secret-test/hunter2" {
		t.Fatalf("handler saw %q (status %d)", seenByHandler, res.StatusCode)
	}
	if seenByLogger != "/secret-test/REDACTED?x=1" {
		t.Errorf("logger saw %q", seenByLogger)
	}

	// unmatched paths and paths answered by an error are handled the same way
	res, _ = http.Get(srv.URL + "/secret-test/hunter2/extra")
	res.Body.Close()
	if strings.Contains(seenByLogger, "REDACTED") {
		t.Errorf("an unmatched path was changed: %q", seenByLogger)
	}
	logredact.Add(logredact.Pattern("/panics/{secret}"))
	res, _ = http.Get(srv.URL + "/panics/hunter2")
	res.Body.Close()
	if seenByLogger != "/panics/REDACTED" {
		t.Errorf("after a panic the logger saw %q", seenByLogger)
	}
}
