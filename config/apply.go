package config

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/stmtcache"
)

// Register applies the configuration when the server starts (settings, the start-up
// log) and enforces the feature switches on requests and deliveries (a push or webhook of a
// switched-off feature is skipped when it would be sent). Without a configuration set (a library user's or
// a test's app) it changes no setting and switches nothing off. The upload limit is applied by package
// attachments, which reads Config.UploadLimit.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id:       "campfireConfig",
		Priority: -50,
		Func: func(se *core.ServeEvent) error {
			c, configured := se.App.Store().Get(storeKey).(*Config)
			if configured {
				if err := Apply(se.App, c); err != nil {
					return err
				}
				attrs := []any{"data_dir", se.App.DataDir()}
				if se.Server != nil {
					attrs = append(attrs, "http", se.Server.Addr)
				}
				Logger(se.App).Info("campfire configuration", append(attrs, c.Summary()...)...)
				if c.LogRequests {
					mirrorLogs(se.App)
				}
			}
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id:       "campfireFeatureSwitches",
				Priority: apis.DefaultRateLimitMiddlewarePriority + 20, // after auth is loaded
				Func:     featureGate,
			})
			return se.Next()
		},
	})

	// switched-off deliveries are skipped where they are sent, whatever queued them
	events.For(app).PushSending.Bind(&hook.Handler[*events.PushSendingEvent]{
		Id:       "campfirePushSwitch",
		Priority: -1000,
		Func: func(e *events.PushSendingEvent) error {
			if !Get(e.App).Enabled(Push) {
				return nil // skipped: nothing is sent
			}
			return e.Next()
		},
	})
	events.For(app).WebhookDelivering.Bind(&hook.Handler[*events.WebhookDeliveringEvent]{
		Id:       "campfireBotsSwitch",
		Priority: -1000,
		Func: func(e *events.WebhookDeliveringEvent) error {
			if !Get(e.App).Enabled(Bots) {
				return nil // skipped: nothing is sent
			}
			return e.Next()
		},
	})

	app.OnRecordCreateRequest("messages").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:       "campfireFilesSwitch",
		Priority: -100, // before the post path
		Func: func(e *core.RecordRequestEvent) error {
			if !Get(e.App).Enabled(Files) && len(e.Record.GetUnsavedFiles("attachment")) > 0 {
				return apis.NewBadRequestError("File uploads are turned off on this server.", nil)
			}
			return e.Next()
		},
	})
}

// Apply writes the operator's settings into PocketBase's settings (public URL, rate limits on or off,
// trusted proxy, backup schedule), saving only what differs. The posting limit (PostLimit) is set by
// campfire.New through package ratelimit.
func Apply(app core.App, c *Config) error {
	s := app.Settings()
	changed := false
	if c.PublicURL != "" && s.Meta.AppURL != c.PublicURL {
		s.Meta.AppURL = c.PublicURL
		changed = true
	}
	if c.RateLimits != nil && s.RateLimits.Enabled != *c.RateLimits {
		s.RateLimits.Enabled = *c.RateLimits
		if s.RateLimits.Enabled && len(s.RateLimits.Rules) == 0 {
			s.RateLimits.Rules = []core.RateLimitRule{{Label: "*:auth", MaxRequests: 10, Duration: 180}}
		}
		changed = true
	}
	if len(c.TrustedProxyHeaders) > 0 && (!slices.Equal(s.TrustedProxy.Headers, c.TrustedProxyHeaders) || s.TrustedProxy.UseLeftmostIP != c.TrustedProxyLeftmost) {
		s.TrustedProxy.Headers = slices.Clone(c.TrustedProxyHeaders)
		s.TrustedProxy.UseLeftmostIP = c.TrustedProxyLeftmost
		changed = true
	}
	if c.BackupsCron != "" && s.Backups.Cron != c.BackupsCron {
		s.Backups.Cron = c.BackupsCron
		changed = true
	}
	if c.BackupsKeep > 0 && s.Backups.CronMaxKeep != c.BackupsKeep {
		s.Backups.CronMaxKeep = c.BackupsKeep
		changed = true
	}
	if changed {
		if err := app.Save(s); err != nil {
			return fmt.Errorf("apply settings: %w", err)
		}
	}
	return nil
}

// botAPIPath matches the bot API (/rooms/{room}/{bot_key}/messages...), not the web app's /rooms/... pages.
var botAPIPath = regexp.MustCompile(`^/rooms/[^/]+/[^/]+/messages(/|$)`)

// featureOf names the switchable feature a request belongs to, if any.
func featureOf(path string) (Feature, bool) {
	switch {
	case strings.HasPrefix(path, "/api/campfire/unfurl"):
		return Previews, true
	case strings.HasPrefix(path, "/api/campfire/push/"):
		return Push, true
	case path == "/api/campfire/bots" || strings.HasPrefix(path, "/api/campfire/bots/"), botAPIPath.MatchString(path):
		return Bots, true
	}
	return "", false
}

// featureGate answers 404 for the routes of a switched-off feature.
func featureGate(e *core.RequestEvent) error {
	if f, ok := featureOf(e.Request.URL.Path); ok && !Get(e.App).Enabled(f) {
		return e.NotFoundError(fmt.Sprintf("The %s feature is turned off on this server.", f), nil)
	}
	return e.Next()
}

// DBConnect opens PocketBase's databases with its own pragmas; durable makes data.db commit with
// synchronous=FULL (the auxiliary logs database stays NORMAL). onQuery, when set, is told how long
// each statement took.
func DBConnect(durable bool, onQuery func(kind string, d time.Duration)) core.DBConnectFunc {
	return func(dbPath string) (*dbx.DB, error) {
		sync := "NORMAL"
		if durable && !strings.HasSuffix(dbPath, "auxiliary.db") {
			sync = "FULL"
		}
		// PocketBase's pragmas (core.DefaultDBConnect), busy_timeout first.
		pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
			"&_pragma=synchronous(" + sync + ")&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_defensive=1"
		// modernc's driver with a prepared-statement cache; dbx picks its builder by driver name: SQLite's
		sqlDB, err := sql.Open(stmtcache.DriverName, dbPath+pragmas)
		if err != nil {
			return nil, err
		}
		db := dbx.NewFromDB(sqlDB, "sqlite")
		if onQuery != nil && !strings.HasSuffix(dbPath, "auxiliary.db") {
			db.QueryLogFunc = func(_ context.Context, t time.Duration, _ string, _ *sql.Rows, _ error) { onQuery("query", t) }
			db.ExecLogFunc = func(_ context.Context, t time.Duration, _ string, _ sql.Result, _ error) { onQuery("exec", t) }
		}
		return db, nil
	}
}

// Logger is Campfire's operational log: stderr, text or JSON as configured.
func Logger(app core.App) *slog.Logger {
	jsonFormat := Get(app).LogFormat == "json" // outside GetOrSet, which holds the store's lock
	return app.Store().GetOrSet("campfire.logger", func() any {
		var h slog.Handler
		if jsonFormat {
			h = slog.NewJSONHandler(os.Stderr, nil)
		} else {
			h = slog.NewTextHandler(os.Stderr, nil)
		}
		return slog.New(h)
	}).(*slog.Logger)
}

// mirrorLogs copies PocketBase's logs (requests, errors) to the operational log as they are stored.
func mirrorLogs(app core.App) {
	log := Logger(app)
	var mu sync.Mutex
	seen := map[string]bool{} // the after-create event of a log can fire more than once (transaction completion)
	app.OnModelAfterCreateSuccess(core.LogsTableName).BindFunc(func(e *core.ModelEvent) error {
		if l, ok := e.Model.(*core.Log); ok {
			mu.Lock()
			dup := seen[l.Id]
			if !dup {
				if len(seen) > 10000 {
					clear(seen)
				}
				seen[l.Id] = true
			}
			mu.Unlock()
			if !dup {
				attrs := make([]any, 0, len(l.Data)*2)
				for k, v := range l.Data {
					attrs = append(attrs, k, v)
				}
				log.Log(context.Background(), slog.Level(l.Level), l.Message, attrs...)
			}
		}
		return e.Next()
	})
}
