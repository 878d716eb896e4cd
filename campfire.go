// Package campfire is Campfire on PocketBase as a library: a self-hosted team chat (rooms, direct
// messages, rich text, mentions, boosts, sounds, search, presence, unread, bots) that is also an app
// framework, the way PocketBase is.
//
//	app := campfire.New()
//	app.OnMessagePosted().BindFunc(func(e *campfire.MessageEvent) error {
//		log.Println("posted:", e.Message.GetString("plain"))
//		return e.Next()
//	})
//	if err := app.Start(); err != nil {
//		log.Fatal(err)
//	}
package campfire

import (
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	_ "github.com/pocketcampfire/campfire/collections" // the schema migrations
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/hooks"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/pushnotify"
	"github.com/pocketcampfire/campfire/pwa"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/routes"
)

// Event types of the Campfire-level hooks, re-exported from package events.
type (
	MessageEvent    = events.MessageEvent
	RoomEvent       = events.RoomEvent
	MembershipEvent = events.MembershipEvent
)

// App is a PocketBase app with Campfire registered.
type App struct {
	*pocketbase.PocketBase
}

// New returns a PocketBase app with Campfire registered on it: schema, hooks, routes, realtime and the
// embedded web app. Options configure the underlying PocketBase.
func New(opts ...Option) *App {
	cfg := config{pb: pocketbase.Config{}}
	for _, o := range opts {
		o(&cfg)
	}
	pb := pocketbase.NewWithConfig(cfg.pb)
	Register(pb)
	if !cfg.noWebApp {
		ServeWebApp(pb)
	}
	return &App{PocketBase: pb}
}

// Option configures New.
type Option func(*config)

type config struct {
	pb       pocketbase.Config
	noWebApp bool
}

// WithPocketBaseConfig sets the underlying PocketBase configuration (data dir, dev mode, ...).
func WithPocketBaseConfig(c pocketbase.Config) Option {
	return func(cfg *config) { cfg.pb = c }
}

// WithoutWebApp leaves out the embedded web app (an API-only server, or a custom frontend).
func WithoutWebApp() Option {
	return func(cfg *config) { cfg.noWebApp = true }
}

// Register wires Campfire into any PocketBase app: hooks, routes and realtime. main.go and the tests
// call the same function.
func Register(app core.App) {
	hooks.Register(app)
	outbox.Register(app)
	realtime.Register(app)
	routes.Register(app)
	pushnotify.Register(app)
	pwa.Register(app)
	bindSecurityHeaders(app)
}

// OnMessagePosting fires inside the write transaction before a message is inserted: change it or
// reject it (return an error; apis.NewBadRequestError reaches the client as a 400).
func (a *App) OnMessagePosting() *hook.Hook[*MessageEvent] { return events.For(a).MessagePosting }

// OnMessagePosted fires after a message is committed.
func (a *App) OnMessagePosted() *hook.Hook[*MessageEvent] { return events.For(a).MessagePosted }

// OnMessageEdited fires after an edit is committed.
func (a *App) OnMessageEdited() *hook.Hook[*MessageEvent] { return events.For(a).MessageEdited }

// OnMessageDeleted fires after a deletion is committed.
func (a *App) OnMessageDeleted() *hook.Hook[*MessageEvent] { return events.For(a).MessageDeleted }

// OnRoomCreated fires after a room is created.
func (a *App) OnRoomCreated() *hook.Hook[*RoomEvent] { return events.For(a).RoomCreated }

// OnMembershipChanged fires after a membership is added, changed or removed.
func (a *App) OnMembershipChanged() *hook.Hook[*MembershipEvent] {
	return events.For(a).MembershipChanged
}
