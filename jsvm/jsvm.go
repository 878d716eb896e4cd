// Package jsvm loads JavaScript hooks (pb_hooks/*.pb.js) and JS migrations (pb_migrations/*.js)
// through PocketBase's jsvm plugin, with Campfire's own hooks and helpers bound for JS:
//
//	// pb_hooks/civil.pb.js
//	onMessagePosting((e) => {
//		if (e.message.getString("plain").includes("darn")) {
//			throw new BadRequestError("Please keep it civil.")
//		}
//		e.next()
//	})
//
//	onMessagePosted((e) => {
//		if (e.message.getString("plain") === "ping") {
//			$campfire.postAsBot("BOT_ID", e.room.id, "pong")
//		}
//		e.next()
//	})
//
// Every Campfire hook of events.Hooks is available as on<Name> (onMessagePosting, onMessagePosted,
// onMessageEdited, onMessageDeleted, onRoomCreated, onMembershipChanged, onWebhookDelivering,
// onPushSending), next to PocketBase's own (onRecordCreateRequest, routerAdd, cronAdd...). The
// helpers live on $campfire: postAsBot, broadcast, isMember. TypeScript declarations for them are
// written to pb_data/campfire.d.ts (beside PocketBase's types.d.ts).
package jsvm

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dop251/goja"
	"github.com/pocketbase/pocketbase/core"
	pbjsvm "github.com/pocketbase/pocketbase/plugins/jsvm"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
)

// TypesFileName is the TypeScript declarations file of Campfire's JS API.
const TypesFileName = "campfire.d.ts"

// Types are the TypeScript declarations of Campfire's JS hooks and helpers.
//
//go:embed campfire.d.ts
var Types []byte

// Config configures the JS runtime; empty fields take PocketBase's defaults (pb_data/../pb_hooks,
// pb_data/../pb_migrations, types in pb_data).
type Config struct {
	HooksDir      string
	HooksWatch    bool
	HooksPoolSize int
	MigrationsDir string
	TypesDir      string
	// OnInit, when set, runs after Campfire's bindings on every JS runtime.
	OnInit func(vm *goja.Runtime)
}

// CampfireHooks is what an app offers when it carries Campfire's hooks as methods (*campfire.App
// does); any other app gets them through a wrapper.
type CampfireHooks interface {
	core.App
	OnMessagePosting() *hook.Hook[*events.MessageEvent]
	OnMessagePosted() *hook.Hook[*events.MessageEvent]
	OnMessageEdited() *hook.Hook[*events.MessageEvent]
	OnMessageDeleted() *hook.Hook[*events.MessageEvent]
	OnRoomCreated() *hook.Hook[*events.RoomEvent]
	OnMembershipChanged() *hook.Hook[*events.MembershipEvent]
	OnWebhookDelivering() *hook.Hook[*events.WebhookDeliveringEvent]
	OnPushSending() *hook.Hook[*events.PushSendingEvent]
}

// withHooks gives any app Campfire's hooks as methods, so PocketBase's jsvm, which binds every On*
// method of the app it is given, binds ours too.
type withHooks struct{ core.App }

func (a withHooks) OnMessagePosting() *hook.Hook[*events.MessageEvent] {
	return events.For(a.App).MessagePosting
}
func (a withHooks) OnMessagePosted() *hook.Hook[*events.MessageEvent] {
	return events.For(a.App).MessagePosted
}
func (a withHooks) OnMessageEdited() *hook.Hook[*events.MessageEvent] {
	return events.For(a.App).MessageEdited
}
func (a withHooks) OnMessageDeleted() *hook.Hook[*events.MessageEvent] {
	return events.For(a.App).MessageDeleted
}
func (a withHooks) OnRoomCreated() *hook.Hook[*events.RoomEvent] {
	return events.For(a.App).RoomCreated
}
func (a withHooks) OnMembershipChanged() *hook.Hook[*events.MembershipEvent] {
	return events.For(a.App).MembershipChanged
}
func (a withHooks) OnWebhookDelivering() *hook.Hook[*events.WebhookDeliveringEvent] {
	return events.For(a.App).WebhookDelivering
}
func (a withHooks) OnPushSending() *hook.Hook[*events.PushSendingEvent] {
	return events.For(a.App).PushSending
}

// Register loads the JS hooks and migrations of app with Campfire's hooks and $campfire helpers.
// Call it before the app bootstraps (campfire.New does).
func Register(app core.App, cfg Config) error {
	target, ok := app.(CampfireHooks)
	if !ok {
		target = withHooks{App: app}
	}
	typesDir := cfg.TypesDir
	if typesDir == "" {
		typesDir = app.DataDir()
	}
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if err := writeTypes(typesDir); err != nil {
			e.App.Logger().Warn("campfire: cannot write the JS types file", "error", err)
		}
		return nil
	})
	return pbjsvm.Register(target, pbjsvm.Config{
		HooksDir:      cfg.HooksDir,
		HooksWatch:    cfg.HooksWatch,
		HooksPoolSize: cfg.HooksPoolSize,
		MigrationsDir: cfg.MigrationsDir,
		TypesDir:      cfg.TypesDir,
		OnInit: func(vm *goja.Runtime) {
			Bind(app, vm)
			if cfg.OnInit != nil {
				cfg.OnInit(vm)
			}
		},
	})
}

func writeTypes(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, TypesFileName)
	if old, err := os.ReadFile(path); err == nil && string(old) == string(Types) {
		return nil
	}
	return os.WriteFile(path, Types, 0o644)
}

// Bind sets the $campfire helpers on a JS runtime. The helpers act through the runtime's current
// $app: inside a hook that is the hook's app (the write transaction in onMessagePosting), so they
// never deadlock against the transaction they run in.
func Bind(app core.App, vm *goja.Runtime) {
	current := func() core.App {
		if v := vm.Get("$app"); v != nil {
			if a, ok := v.Export().(core.App); ok && a != nil {
				return a
			}
		}
		return app
	}
	obj := vm.NewObject()
	_ = obj.Set("postAsBot", func(botID, roomID, text string) (*core.Record, error) {
		return PostAsBot(current(), botID, roomID, text)
	})
	_ = obj.Set("broadcast", func(roomID string, payload map[string]any) error {
		if roomID == "" {
			return errors.New("broadcast: a room id is required")
		}
		return realtime.HubFor(current()).PublishRoom(roomID, payload)
	})
	_ = obj.Set("isMember", func(roomID, userID string) bool {
		return rooms.IsMember(current(), roomID, userID)
	})
	vm.Set("$campfire", obj)
}

// Errors of PostAsBot.
var (
	ErrNotABot     = errors.New("not an active bot")
	ErrNotInRoom   = errors.New("the bot is not a member of the room")
	ErrEmptyPost   = errors.New("the text is empty")
	errNoMessageCo = errors.New("messages collection missing")
)

// PostAsBot posts text (plain text or HTML, sanitized like every message) to a room as a bot. The
// message takes the same path as every other (numbering, search, unread, realtime, webhooks), so
// hooks see it too. app may be a transaction's app.
func PostAsBot(app core.App, botID, roomID, text string) (*core.Record, error) {
	if strings.TrimSpace(text) == "" {
		return nil, ErrEmptyPost
	}
	bot, err := app.FindRecordById("users", botID)
	if err != nil || bot.GetString("role") != "bot" || bot.GetString("status") != "active" {
		return nil, fmt.Errorf("post as bot %q: %w", botID, ErrNotABot)
	}
	if !rooms.IsMember(app, roomID, botID) {
		return nil, fmt.Errorf("post as bot %q in %q: %w", botID, roomID, ErrNotInRoom)
	}
	col, err := app.FindCachedCollectionByNameOrId("messages")
	if err != nil {
		return nil, errNoMessageCo
	}
	msg := core.NewRecord(col)
	msg.Set("room", roomID)
	msg.Set("creator", botID)
	msg.Set("body", text)
	if err := app.Save(msg); err != nil {
		return nil, fmt.Errorf("post as bot: %w", err)
	}
	return msg, nil
}
