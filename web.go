package campfire

import (
	"embed"
	"io/fs"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// webApp is the built React app (frontend/ builds into pb_public/, committed like PocketBase's admin UI).
//
//go:embed all:pb_public
var webApp embed.FS

// WebAppFS returns the embedded web app.
func WebAppFS() fs.FS {
	sub, err := fs.Sub(webApp, "pb_public")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// ServeWebApp serves the embedded web app with SPA fallback: unknown paths get index.html, except
// under /api/, which answers 404 JSON.
func ServeWebApp(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfireWebApp",
		Func: func(se *core.ServeEvent) error {
			se.Router.GET("/api/{path...}", func(e *core.RequestEvent) error {
				return e.NotFoundError("", nil)
			})
			se.Router.GET("/{path...}", apis.Static(WebAppFS(), true)).Bind(apis.Gzip())
			return se.Next()
		},
		Priority: 999, // after every other route
	})
}

// contentSecurityPolicy keeps every page script-free except our own bundle: custom CSS, message HTML
// and third-party text can never run script. PocketBase's dashboard (/_/) needs its own inline
// styles and is left with PocketBase's headers.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self' data:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; worker-src 'self'; manifest-src 'self'"

func bindSecurityHeaders(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfireSecurityHeaders",
		Func: func(se *core.ServeEvent) error {
			se.Router.BindFunc(func(e *core.RequestEvent) error {
				if !strings.HasPrefix(e.Request.URL.Path, "/_/") {
					h := e.Response.Header()
					h.Set("Content-Security-Policy", contentSecurityPolicy)
					h.Set("X-Content-Type-Options", "nosniff")
					h.Set("Referrer-Policy", "same-origin")
				}
				return e.Next()
			})
			return se.Next()
		},
	})
}
