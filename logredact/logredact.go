// Package logredact keeps secrets that travel in URL paths (bot keys, sign-in transfer tokens, ...)
// out of PocketBase's request logs.
//
// PocketBase's activity logger writes the request URI of every request to the `_logs` table after the
// request has been handled (apis.DefaultActivityLoggerMiddlewarePriority). Register binds one global
// middleware just inside it: when the request is done (success, error or panic) and its path matches
// a Rule, the request's URL is replaced by a copy whose path is redacted, so the logger records that
// copy. Handlers still see the real URL and path values while they run.
//
// Each area adds its own rules, once, next to the routes that carry the secret:
//
//	logredact.Add(logredact.Pattern("/api/campfire/sessions/transfer/{secret}"))
//	logredact.Register(app) // idempotent; campfire.Register-time is fine
//
// Rules are global (they describe routes, which are code), the middleware is bound per app.
package logredact

import (
	"net/url"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Placeholder replaces a redacted path segment (or the secret part of one).
const Placeholder = "REDACTED"

// MiddlewareID is the id of the redacting middleware (global, bound by Register).
const MiddlewareID = "campfireLogRedact"

// MiddlewarePriority runs the middleware just inside PocketBase's activity logger, so it wraps every
// other middleware (rate limiter, auth loading, panic recovery, body limit) and every route.
const MiddlewarePriority = apis.DefaultActivityLoggerMiddlewarePriority + 1

// Rule returns the redacted form of a URL path (decoded, as in url.URL.Path) and true when the path
// holds a secret it knows about; otherwise ok is false.
type Rule func(path string) (redacted string, ok bool)

var (
	mu    sync.RWMutex
	rules []Rule
)

// Add registers rules for every app. Add them once (e.g. from a package's Register); adding the same
// rule twice is harmless.
func Add(r ...Rule) {
	mu.Lock()
	defer mu.Unlock()
	rules = append(rules, r...)
}

// Path returns path with every secret redacted by the first rule that matches, and whether one did.
func Path(path string) (string, bool) {
	mu.RLock()
	defer mu.RUnlock()
	for _, r := range rules {
		if out, ok := r(path); ok {
			return out, true
		}
	}
	return path, false
}

// Pattern returns a rule matching paths segment by segment: a literal segment matches itself, a
// `{name}` segment matches any one non-empty segment and `{secret}` (or any name starting with
// "secret") is replaced by Placeholder; a final `{rest...}` matches whatever follows (zero or more
// segments). Without it the path must have exactly the pattern's segments. Examples:
//
//	Pattern("/api/campfire/sessions/transfer/{secret}")
//	Pattern("/share/{secret}/{rest...}")
func Pattern(pattern string) Rule {
	want := strings.Split(pattern, "/")
	return func(path string) (string, bool) {
		got := strings.Split(path, "/")
		out := make([]string, len(got))
		copy(out, got)
		for i, w := range want {
			if isRest(w) {
				return strings.Join(out, "/"), true
			}
			if i >= len(got) {
				return "", false
			}
			name, isVar := variable(w)
			switch {
			case !isVar:
				if got[i] != w {
					return "", false
				}
			case got[i] == "":
				return "", false
			case strings.HasPrefix(name, "secret"):
				out[i] = Placeholder
			}
		}
		if len(got) != len(want) {
			return "", false
		}
		return strings.Join(out, "/"), true
	}
}

func variable(seg string) (string, bool) {
	if len(seg) >= 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

func isRest(seg string) bool {
	name, ok := variable(seg)
	return ok && strings.HasSuffix(name, "...")
}

// Register binds the redacting middleware on the app's router when the server starts. Calling it more
// than once (from several areas) binds it once.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: MiddlewareID,
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(Middleware())
			return se.Next()
		},
	})
}

// Middleware is the global request middleware Register binds. It is exported for routers built by
// hand.
func Middleware() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       MiddlewareID,
		Priority: MiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			defer redactRequest(e)
			return e.Next()
		},
	}
}

// redactRequest swaps the request's URL for a redacted copy (the original URL value is not modified).
func redactRequest(e *core.RequestEvent) {
	if e.Request == nil || e.Request.URL == nil {
		return
	}
	redacted, ok := Path(e.Request.URL.Path)
	if !ok {
		return
	}
	u := new(url.URL)
	*u = *e.Request.URL
	u.Path = redacted
	u.RawPath = ""
	e.Request.URL = u
}
