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
//
// New returns an App: a *pocketbase.PocketBase (every PocketBase hook, its router, RootCmd) with
// Campfire registered, the embedded web app, JS hooks (pb_hooks/*.pb.js, pb_migrations/*.js, with
// Campfire's hooks bound as onMessagePosting... and the $campfire helpers), the command line (serve,
// migrate, superuser, seed, version, healthcheck...), configuration from flags and CAMPFIRE_*
// variables (package config), /metrics (package metrics) and a graceful drain on shutdown.
//
// Campfire's own hooks (OnMessagePosting, OnMessagePosted, OnMessageEdited, OnMessageDeleted,
// OnRoomCreated, OnMembershipChanged, OnWebhookDelivering, OnPushSending) fire for every source of a
// change: the web app, the record API, the bot API, JS helpers. Register wires Campfire into any
// core.App, a tests.TestApp included, without the command line.
//
// docs/extending.md (hooks in Go and JS) and docs/operations.md (configuration, Docker, TLS, backups,
// metrics) have the details.
package campfire

import (
	"fmt"
	"os"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/osutils"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/bots"
	_ "github.com/pocketcampfire/campfire/collections" // the schema migrations
	"github.com/pocketcampfire/campfire/commands"
	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/hooks"
	"github.com/pocketcampfire/campfire/importer"
	"github.com/pocketcampfire/campfire/jsvm"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/pushnotify"
	"github.com/pocketcampfire/campfire/pwa"
	"github.com/pocketcampfire/campfire/ratelimit"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/routes"
)

// Event types of the Campfire-level hooks, re-exported from package events.
type (
	MessageEvent           = events.MessageEvent
	RoomEvent              = events.RoomEvent
	MembershipEvent        = events.MembershipEvent
	WebhookDeliveringEvent = events.WebhookDeliveringEvent
	PushSendingEvent       = events.PushSendingEvent
)

// App is a PocketBase app with Campfire registered. It is a *pocketbase.PocketBase (every PocketBase
// hook, RootCmd, Start) with Campfire's own hooks on top (OnMessagePosting, OnMessagePosted...).
type App struct {
	*pocketbase.PocketBase

	// Config is the runtime configuration read from flags and the environment (see package config).
	Config *config.Config

	startErr error
}

// New returns a PocketBase app with Campfire registered on it: schema, hooks, routes, realtime, the
// embedded web app, JS hooks (pb_hooks, pb_migrations), the CLI (serve, migrate, superuser, seed,
// version...), configuration from flags and CAMPFIRE_* environment variables, metrics and graceful
// shutdown.
//
// A program that embeds Campfire and adds a route:
//
//	app := campfire.New()
//	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
//		se.Router.GET("/hello", func(e *core.RequestEvent) error {
//			return e.String(http.StatusOK, "Hello from my Campfire")
//		})
//		return se.Next()
//	})
//	if err := app.Start(); err != nil {
//		log.Fatal(err)
//	}
//
// Like PocketBase, New reads the command line early (the data dir, --durable and the JS hooks
// directories are needed before the app bootstraps).
func New(opts ...Option) *App {
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	pbConfig := o.pb
	if pbConfig.DefaultDataDir == "" {
		pbConfig.DefaultDataDir = os.Getenv("CAMPFIRE_DATA_DIR")
	}
	if !o.pbSet {
		pbConfig.DefaultDev = osutils.IsProbablyGoRun()
	}
	var cfg *config.Config
	if pbConfig.DBConnect == nil {
		pbConfig.DBConnect = func(dbPath string) (*dbx.DB, error) {
			// no per-statement hook: dbx renders the full SQL text of every statement for such hooks
			// (quadratic in its parameters), which the bench profiles showed on the post path;
			// write transactions are timed by groupcommit instead
			return config.DBConnect(cfg != nil && cfg.Durable, nil)(dbPath)
		}
	}
	pb := pocketbase.NewWithConfig(pbConfig)
	app := &App{PocketBase: pb}

	cfg, err := config.Bind(pb.RootCmd.PersistentFlags(), pbConfig.DefaultDev)
	_ = pb.RootCmd.ParseFlags(os.Args[1:]) // errors are reported when the command runs
	if err == nil {
		err = cfg.Finish()
	}
	app.startErr = err
	app.Config = cfg
	config.Set(pb, cfg)
	if o.uploadLimit > 0 {
		attachments.SetUploadLimit(pb, o.uploadLimit)
	}
	if cfg.PostLimit != nil {
		ratelimit.SetPosting(pb, ratelimit.Rule{Max: cfg.PostLimit.Max, Window: cfg.PostLimit.Window})
	}

	Register(pb)
	if !o.noWebApp {
		ServeWebApp(pb)
	}
	if !o.noJS {
		if err := jsvm.Register(app, jsvm.Config{
			HooksDir:      cfg.HooksDir,
			HooksWatch:    cfg.HooksWatch,
			HooksPoolSize: cfg.HooksPool,
			MigrationsDir: cfg.MigrationsDir,
		}); err != nil && app.startErr == nil {
			app.startErr = fmt.Errorf("JS hooks: %w", err)
		}
	}
	migratecmd.MustRegister(pb, pb.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangJS,
		Dir:          cfg.MigrationsDir,
		Automigrate:  cfg.Automigrate,
	})
	commands.Register(pb)

	previous := pb.RootCmd.PersistentPreRunE
	pb.RootCmd.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if app.startErr != nil {
			return app.startErr
		}
		if err := cfg.Finish(); err != nil { // the flags as finally parsed
			return err
		}
		if cmd.Name() == "serve" {
			serveFlagsFromEnv(cmd)
		}
		if previous != nil {
			return previous(cmd, args)
		}
		return nil
	}
	return app
}

// serveFlagsFromEnv fills serve's flags from CAMPFIRE_HTTP, CAMPFIRE_HTTPS and CAMPFIRE_ORIGINS when
// they are not on the command line.
func serveFlagsFromEnv(cmd *cobra.Command) {
	for flag, env := range map[string]string{"http": "CAMPFIRE_HTTP", "https": "CAMPFIRE_HTTPS", "origins": "CAMPFIRE_ORIGINS"} {
		f := cmd.Flags().Lookup(flag)
		v := strings.TrimSpace(os.Getenv(env))
		if f == nil || f.Changed || v == "" {
			continue
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			_ = sv.Replace(strings.Split(v, ","))
		} else {
			_ = f.Value.Set(v)
		}
	}
}

// Start runs the command line: PocketBase's serve, migrate and superuser, and Campfire's commands.
// Commands that need no database (version, healthcheck) run without bootstrapping the app.
func (a *App) Start() error {
	if cmd, _, err := a.RootCmd.Find(os.Args[1:]); err == nil && cmd.Annotations[commands.NoBootstrap] == "true" {
		return a.RootCmd.Execute()
	}
	return a.PocketBase.Start()
}

// Option configures New.
type Option func(*options)

type options struct {
	pb       pocketbase.Config
	pbSet    bool
	noWebApp bool
	noJS     bool

	uploadLimit int64
}

// WithUploadLimit sets the largest attachment in bytes (default 50 MB). It wins over the
// --uploadLimit flag and CAMPFIRE_UPLOAD_LIMIT_MB; the limit applies to the messages.attachment field
// and the upload routes (see attachments.SetUploadLimit).
func WithUploadLimit(bytes int64) Option {
	return func(o *options) { o.uploadLimit = bytes }
}

// WithPocketBaseConfig sets the underlying PocketBase configuration (data dir, dev mode, DB pools...).
// A DBConnect of your own replaces Campfire's (and with it --durable and the DB timing metrics).
func WithPocketBaseConfig(c pocketbase.Config) Option {
	return func(o *options) { o.pb, o.pbSet = c, true }
}

// WithoutWebApp leaves out the embedded web app (an API-only server, or a custom frontend).
func WithoutWebApp() Option {
	return func(o *options) { o.noWebApp = true }
}

// WithoutJSHooks leaves out the JS runtime: pb_hooks and pb_migrations are not loaded.
func WithoutJSHooks() Option {
	return func(o *options) { o.noJS = true }
}

// Register wires Campfire into any PocketBase app: hooks, routes and realtime. main.go and the tests
// call the same function.
func Register(app core.App) {
	hooks.Register(app)
	outbox.Register(app)
	realtime.Register(app)
	routes.Register(app)
	bots.Register(app)
	bots.SetLegacy(app, bots.Legacy{Bot: importer.ResolveLegacyBot, Room: importer.ResolveLegacyRoom}) // imported Campfire bots
	pushnotify.Register(app)
	pwa.Register(app)
	bindSecurityHeaders(app)
	bindFramework(app)
}

// OnMessagePosting fires inside the write transaction, after the body is sanitized and plain text,
// kind and mentions are derived, before the message is numbered and inserted. It fires for every
// source: the record API, the bot API, JS helpers, importers.
//
// Change the message (a changed "body" is sanitized and derived again) or reject it by returning an
// error: an *router.ApiError such as apis.NewBadRequestError reaches the client as is, and nothing
// is written. Read and write through e.App only (the transaction); the outer app would deadlock.
//
//	app.OnMessagePosting().BindFunc(func(e *campfire.MessageEvent) error {
//		if strings.Contains(strings.ToLower(e.Message.GetString("plain")), "darn") {
//			return apis.NewBadRequestError("Please keep it civil.", nil)
//		}
//		return e.Next()
//	})
func (a *App) OnMessagePosting() *hook.Hook[*MessageEvent] { return events.For(a).MessagePosting }

// OnMessagePosted fires after a message is committed (and broadcast): a good place for side effects.
//
//	app.OnMessagePosted().BindFunc(func(e *campfire.MessageEvent) error {
//		if e.Message.GetString("plain") == "ping" {
//			_, err := jsvm.PostAsBot(e.App, botID, e.Room.Id, "pong")
//			return errors.Join(err, e.Next())
//		}
//		return e.Next()
//	})
func (a *App) OnMessagePosted() *hook.Hook[*MessageEvent] { return events.For(a).MessagePosted }

// OnMessageEdited fires after an edit is committed; e.Message holds the new body.
func (a *App) OnMessageEdited() *hook.Hook[*MessageEvent] { return events.For(a).MessageEdited }

// OnMessageDeleted fires after a deletion is committed; e.Message is the tombstone (body emptied).
func (a *App) OnMessageDeleted() *hook.Hook[*MessageEvent] { return events.For(a).MessageDeleted }

// OnRoomCreated fires after a shared or direct room is created.
//
//	app.OnRoomCreated().BindFunc(func(e *campfire.RoomEvent) error {
//		log.Printf("new %s room %q", e.Room.GetString("kind"), e.Room.GetString("name"))
//		return e.Next()
//	})
func (a *App) OnRoomCreated() *hook.Hook[*RoomEvent] { return events.For(a).RoomCreated }

// OnMembershipChanged fires after a membership is added, changed (involvement) or removed
// (e.Removed, e.Membership nil).
func (a *App) OnMembershipChanged() *hook.Hook[*MembershipEvent] {
	return events.For(a).MembershipChanged
}

// OnWebhookDelivering fires before each attempt to POST an outgoing webhook to a bot. Change
// e.Payload or e.URL, or skip the delivery by returning nil without calling e.Next().
//
//	app.OnWebhookDelivering().BindFunc(func(e *campfire.WebhookDeliveringEvent) error {
//		e.Payload.Message.Body.Plain = strings.TrimSpace(e.Payload.Message.Body.Plain)
//		return e.Next()
//	})
func (a *App) OnWebhookDelivering() *hook.Hook[*WebhookDeliveringEvent] {
	return events.For(a).WebhookDelivering
}

// OnPushSending fires before a recipient's web push notifications for a message go out. Change
// e.Notification or skip the push by returning nil without calling e.Next().
//
//	app.OnPushSending().BindFunc(func(e *campfire.PushSendingEvent) error {
//		if e.Room != nil && e.Room.GetString("name") == "Noise" {
//			return nil // never push for this room
//		}
//		return e.Next()
//	})
func (a *App) OnPushSending() *hook.Hook[*PushSendingEvent] { return events.For(a).PushSending }
