package routes

import (
	"errors"
	"net/http"
	"net/url"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/bans"
	"github.com/pocketcampfire/campfire/logredact"
)

// Ids and priorities of the global guards.
const (
	// BannedIPMiddlewareId refuses writes from banned addresses and notes users' addresses. It runs
	// after PocketBase loads the auth token (so administrators are known) and before its rate limiter.
	BannedIPMiddlewareId       = "campfireBannedIP"
	BannedIPMiddlewarePriority = apis.DefaultSecurityHeadersMiddlewarePriority + 5

	// RedactRefererMiddlewareId keeps transfer tokens out of the logged Referer header: the web app's
	// /session/transfer/<token> page sends its own URL as the Referer of every request it makes.
	RedactRefererMiddlewareId       = "campfireRedactReferer"
	RedactRefererMiddlewarePriority = logredact.MiddlewarePriority + 1

	// RetryAfterMiddlewareId adds Retry-After to a 503 that has none (the writer refusing work under
	// overload): clients and load balancers back off and retry with the same client_message_id.
	RetryAfterMiddlewareId       = "campfireRetryAfter"
	RetryAfterMiddlewarePriority = BannedIPMiddlewarePriority + 1
)

var redactOnce sync.Once

// bindGuards binds the global guards: the banned-address refusal with address tracking, and the
// redaction of sign-in transfer tokens from PocketBase's request logs (path and Referer).
func bindGuards(r *router.Router[*core.RequestEvent]) {
	redactOnce.Do(func() {
		logredact.Add(
			logredact.Pattern("/api/campfire/sessions/transfer/{secret}"),
			logredact.Pattern(accounts.TransferPath+"{secret}"),
		)
	})
	r.Bind(logredact.Middleware()) // bound once per router whoever else binds it (same id)
	r.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       RedactRefererMiddlewareId,
		Priority: RedactRefererMiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			defer redactReferer(e)
			return e.Next()
		},
	})
	r.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       RetryAfterMiddlewareId,
		Priority: RetryAfterMiddlewarePriority,
		Func:     retryAfterWhenBusy,
	})
	r.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       BannedIPMiddlewareId,
		Priority: BannedIPMiddlewarePriority,
		Func:     guardBannedIP,
	})
}

// retryAfterWhenBusy gives every 503 answer a Retry-After.
func retryAfterWhenBusy(e *core.RequestEvent) error {
	err := e.Next()
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusServiceUnavailable && e.Response.Header().Get("Retry-After") == "" {
		e.Response.Header().Set("Retry-After", "1")
	}
	return err
}

// guardBannedIP ignores a bot's user token, notes the address of every signed-in user's request and refuses requests that change
// something (anything but GET, HEAD, OPTIONS and the realtime subscription, which only reads) from a
// banned address with 429. Administrators and superusers pass, so a ban can always be lifted.
func guardBannedIP(e *core.RequestEvent) error {
	ip := e.RealIP()
	user := e.Auth != nil && e.Auth.Collection().Name == "users"
	if user && e.Auth.GetString("role") == "bot" {
		// bots act only through their key on the bot API (docs/bots.md); a user token minted for one
		// (Go code, impersonation) counts for nothing anywhere else
		e.Auth = nil
		user = false
	}
	if user {
		bans.Seen(e.App, e.Auth.Id, ip)
	}
	switch e.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return e.Next()
	}
	if e.Request.URL.Path == "/api/realtime" || e.Request.URL.Path == "/api/files/token" {
		return e.Next() // reads that happen to be POSTs
	}
	if e.HasSuperuserAuth() || (user && e.Auth.GetString("role") == "administrator" && e.Auth.GetString("status") == accounts.StatusActive) {
		return e.Next()
	}
	if bans.IsBanned(e.App, ip) {
		return e.TooManyRequestsError("", nil)
	}
	return e.Next()
}

// redactReferer rewrites a logged Referer whose path holds a secret (see logredact).
func redactReferer(e *core.RequestEvent) {
	ref := e.Request.Header.Get("Referer")
	if ref == "" {
		return
	}
	u, err := url.Parse(ref)
	if err != nil {
		return
	}
	redacted, ok := logredact.Path(u.Path)
	if !ok {
		return
	}
	u.Path, u.RawPath = redacted, ""
	// the logger reads the header after the request is done; clone the header map first
	e.Request.Header = e.Request.Header.Clone()
	e.Request.Header.Set("Referer", u.String())
}
