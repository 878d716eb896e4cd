// Package collections holds Campfire's schema as Go migrations: the collections of SPEC §2, their API
// rules (SPEC §3), indexes, the FTS5 index over messages and the counters behind number and seq.
//
// The rules here are the first line of access control; hooks/ overwrite every server-owned field.
package collections

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Rule fragments shared by several collections.
const (
	// SignedIn matches any active chat user (bots included; bots never hold PocketBase tokens).
	SignedIn = `@request.auth.id != "" && @request.auth.collectionName = "users" && @request.auth.status = "active"`
	// Admin matches an active administrator.
	Admin = SignedIn + ` && @request.auth.role = "administrator"`
)

// Avatar and logo thumbnails: chat avatars, profile, favicon, header and PWA icons.
var (
	avatarThumbs = []string{"64x64", "128x128", "256x256"}
	logoThumbs   = []string{"32x32", "64x64", "192x192", "512x512"}
	imageTypes   = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}
)

func init() {
	m.Register(up, down, "1764000000_campfire_schema.go")
}

func up(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	if err := setupUsers(users); err != nil {
		return err
	}
	if err := app.Save(users); err != nil {
		return fmt.Errorf("save users: %w", err)
	}

	account := core.NewBaseCollection("account")
	account.Fields.Add(
		&core.TextField{Name: "singleton", Required: true, Hidden: true, Pattern: `^1$`},
		&core.TextField{Name: "name", Required: true, Max: 100},
		&core.FileField{Name: "logo", MaxSelect: 1, MaxSize: 5 << 20, MimeTypes: imageTypes, Thumbs: logoThumbs},
		&core.TextField{Name: "join_code", Required: true, Pattern: `^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$`},
		&core.TextField{Name: "custom_styles", Max: 100000},
		&core.BoolField{Name: "restrict_room_creation"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	account.AddIndex("idx_account_singleton", true, "singleton", "")
	account.ListRule = types.Pointer(SignedIn)
	account.ViewRule = types.Pointer(SignedIn)
	account.UpdateRule = types.Pointer(Admin)
	if err := app.Save(account); err != nil {
		return fmt.Errorf("save account: %w", err)
	}

	rooms := core.NewBaseCollection("rooms")
	rooms.Fields.Add(
		&core.TextField{Name: "name", Max: 100},
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"open", "closed", "direct"}},
		&core.RelationField{Name: "creator", MaxSelect: 1, CollectionId: users.Id},
		&core.DateField{Name: "last_message_at"},
		&core.TextField{Name: "direct_key", Max: 2000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	rooms.AddIndex("idx_rooms_direct_key", true, "direct_key", "kind = 'direct'")
	if err := app.Save(rooms); err != nil {
		return fmt.Errorf("save rooms: %w", err)
	}

	memberships := core.NewBaseCollection("memberships")
	memberships.Fields.Add(
		&core.RelationField{Name: "room", Required: true, MaxSelect: 1, CollectionId: rooms.Id, CascadeDelete: true},
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
		&core.SelectField{Name: "involvement", Required: true, MaxSelect: 1, Values: []string{"invisible", "nothing", "mentions", "everything"}},
		&core.DateField{Name: "unread_at"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	memberships.AddIndex("idx_memberships_room_user", true, "room, user", "")
	memberships.AddIndex("idx_memberships_user", false, "user", "")
	memberships.ListRule = types.Pointer(SignedIn + ` && user = @request.auth.id`)
	memberships.ViewRule = memberships.ListRule
	if err := app.Save(memberships); err != nil {
		return fmt.Errorf("save memberships: %w", err)
	}

	// The back-relation exists only now (POCKETBASE.md §12.2).
	memberOfRoom := SignedIn + ` && memberships_via_room.user ?= @request.auth.id`
	rooms.ListRule = types.Pointer(memberOfRoom)
	rooms.ViewRule = rooms.ListRule
	if err := app.Save(rooms); err != nil {
		return fmt.Errorf("save rooms rules: %w", err)
	}

	messages := core.NewBaseCollection("messages")
	messages.Fields.Add(
		&core.RelationField{Name: "room", Required: true, MaxSelect: 1, CollectionId: rooms.Id, CascadeDelete: true},
		&core.RelationField{Name: "creator", MaxSelect: 1, CollectionId: users.Id},
		// Sanitized HTML. The raw limit (100,000 bytes) is checked before sanitizing; links may grow it.
		&core.TextField{Name: "body", Max: 400000},
		&core.TextField{Name: "plain", Max: 400000},
		&core.TextField{Name: "client_message_id", Max: 64, Pattern: `^[A-Za-z0-9_-]+$`},
		&core.SelectField{Name: "kind", MaxSelect: 1, Values: []string{"text", "sound", "attachment"}},
		&core.TextField{Name: "sound", Max: 64},
		&core.FileField{Name: "attachment", MaxSelect: 1, MaxSize: 50 << 20, Protected: true, Thumbs: []string{"1200x800f"}},
		&core.RelationField{Name: "mentions", MaxSelect: 1000, CollectionId: users.Id},
		&core.NumberField{Name: "number", OnlyInt: true},
		&core.NumberField{Name: "seq", OnlyInt: true},
		&core.DateField{Name: "deleted_at"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	messages.AddIndex("idx_messages_creator_cmid", true, "creator, client_message_id", "")
	messages.AddIndex("idx_messages_number", true, "number", "")
	messages.AddIndex("idx_messages_room_number", false, "room, number", "")
	messages.AddIndex("idx_messages_room_seq", false, "room, seq", "")
	member := SignedIn + ` && room.memberships_via_room.user ?= @request.auth.id`
	messages.ListRule = types.Pointer(member + ` && deleted_at = ""`)
	messages.ViewRule = messages.ListRule
	messages.CreateRule = types.Pointer(member)
	authorOrAdmin := `((creator = @request.auth.id && room.memberships_via_room.user ?= @request.auth.id) || @request.auth.role = "administrator")`
	messages.UpdateRule = types.Pointer(SignedIn + ` && deleted_at = "" && kind != "attachment" && ` + authorOrAdmin)
	messages.DeleteRule = types.Pointer(SignedIn + ` && deleted_at = "" && ` + authorOrAdmin)
	if err := app.Save(messages); err != nil {
		return fmt.Errorf("save messages: %w", err)
	}

	boosts := core.NewBaseCollection("boosts")
	boosts.Fields.Add(
		&core.RelationField{Name: "message", Required: true, MaxSelect: 1, CollectionId: messages.Id, CascadeDelete: true},
		&core.RelationField{Name: "booster", MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
		&core.TextField{Name: "content", Required: true, Max: 200},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	boosts.AddIndex("idx_boosts_message", false, "message", "")
	boostMember := SignedIn + ` && message.room.memberships_via_room.user ?= @request.auth.id && message.deleted_at = ""`
	boosts.ListRule = types.Pointer(boostMember)
	boosts.ViewRule = boosts.ListRule
	boosts.CreateRule = types.Pointer(boostMember)
	boosts.DeleteRule = types.Pointer(SignedIn + ` && booster = @request.auth.id`)
	if err := app.Save(boosts); err != nil {
		return fmt.Errorf("save boosts: %w", err)
	}

	pushSubs := core.NewBaseCollection("push_subscriptions")
	pushSubs.Fields.Add(
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
		&core.URLField{Name: "endpoint", Required: true},
		&core.TextField{Name: "p256dh", Required: true, Max: 200},
		&core.TextField{Name: "auth", Required: true, Max: 100},
		&core.TextField{Name: "user_agent", Max: 500},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	pushSubs.AddIndex("idx_push_subscriptions_endpoint", true, "endpoint", "")
	pushSubs.AddIndex("idx_push_subscriptions_user", false, "user", "")
	own := SignedIn + ` && user = @request.auth.id`
	pushSubs.ListRule = types.Pointer(own)
	pushSubs.ViewRule = pushSubs.ListRule
	if err := app.Save(pushSubs); err != nil {
		return fmt.Errorf("save push_subscriptions: %w", err)
	}

	searches := core.NewBaseCollection("searches")
	searches.Fields.Add(
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
		&core.TextField{Name: "query", Required: true, Max: 500},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	searches.AddIndex("idx_searches_user_query", true, "user, query", "")
	searches.ListRule = types.Pointer(own)
	searches.ViewRule = searches.ListRule
	if err := app.Save(searches); err != nil {
		return fmt.Errorf("save searches: %w", err)
	}

	bans := core.NewBaseCollection("bans")
	bans.Fields.Add(
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
		&core.TextField{Name: "ip", Required: true, Max: 64},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	bans.AddIndex("idx_bans_ip", false, "ip", "")
	if err := app.Save(bans); err != nil {
		return fmt.Errorf("save bans: %w", err)
	}

	deliveries := core.NewBaseCollection("webhook_deliveries")
	deliveries.Fields.Add(
		&core.RelationField{Name: "bot", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
		&core.RelationField{Name: "message", MaxSelect: 1, CollectionId: messages.Id, CascadeDelete: true},
		&core.TextField{Name: "webhook_id", Max: 100},
		&core.NumberField{Name: "attempt", OnlyInt: true},
		&core.NumberField{Name: "status", OnlyInt: true},
		&core.NumberField{Name: "duration", OnlyInt: true},
		&core.TextField{Name: "error", Max: 2000},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	deliveries.AddIndex("idx_webhook_deliveries_bot", false, "bot, created", "")
	if err := app.Save(deliveries); err != nil {
		return fmt.Errorf("save webhook_deliveries: %w", err)
	}

	// The outbox: work written in the same transaction as its message (webhooks, pushes), so a crash
	// after commit loses none of it. Superusers only.
	outbox := core.NewBaseCollection("outbox")
	outbox.Fields.Add(
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"webhook", "push"}},
		&core.RelationField{Name: "message", MaxSelect: 1, CollectionId: messages.Id, CascadeDelete: true},
		&core.RelationField{Name: "recipient", MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
		&core.NumberField{Name: "attempts", OnlyInt: true},
		&core.DateField{Name: "next_attempt_at"},
		&core.TextField{Name: "last_error", Max: 2000},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	outbox.AddIndex("idx_outbox_next", false, "next_attempt_at", "")
	if err := app.Save(outbox); err != nil {
		return fmt.Errorf("save outbox: %w", err)
	}

	return createSearchIndex(app)
}

func setupUsers(users *core.Collection) error {
	email, _ := users.Fields.GetByName("email").(*core.EmailField)
	if email == nil {
		return fmt.Errorf("users has no email field")
	}
	email.Required = false // bots have none

	if name, ok := users.Fields.GetByName("name").(*core.TextField); ok {
		name.Required = true
		name.Min = 1
		name.Max = 100
	}
	if avatar, ok := users.Fields.GetByName("avatar").(*core.FileField); ok {
		avatar.Thumbs = avatarThumbs
		avatar.MimeTypes = imageTypes
		avatar.MaxSize = 5 << 20
	}
	users.Fields.Add(
		&core.TextField{Name: "bio", Max: 200},
		&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: []string{"member", "administrator", "bot"}},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"active", "deactivated", "banned"}},
		&core.TextField{Name: "bot_token_hash", Hidden: true, Max: 200},
		&core.URLField{Name: "webhook_url", Hidden: true},
		&core.TextField{Name: "webhook_secret", Hidden: true, Max: 200},
	)

	users.ListRule = types.Pointer(SignedIn)
	users.ViewRule = types.Pointer(SignedIn)
	users.CreateRule = nil // sign-up only through first-run and join routes
	users.UpdateRule = types.Pointer(SignedIn + ` && (id = @request.auth.id || @request.auth.role = "administrator")`)
	users.DeleteRule = nil
	users.ManageRule = nil
	users.AuthRule = types.Pointer(`status = "active" && role != "bot"`)

	users.PasswordAuth.Enabled = true
	users.PasswordAuth.IdentityFields = []string{"email"}
	users.OTP.Enabled = false
	users.MFA.Enabled = false
	users.OAuth2.Enabled = false
	users.AuthToken.Duration = 30 * 24 * 60 * 60 // a chat stays signed in; revoke-all and bans rotate tokenKey
	return nil
}

// createSearchIndex makes the FTS5 index over messages.plain, keyed by messages.number (never SQLite's
// implicit rowid, which VACUUM and backups may renumber). Every row is indexed, so FTS5's integrity
// check holds; a tombstone's plain text is empty, so it matches nothing. While a row sits in
// campfire_fts_deferred (only ever inside a group commit's transaction), inserts are not indexed one
// by one: the batch indexes all its messages with one statement before it commits (messages.DeferIndexing).
func createSearchIndex(app core.App) error {
	_, err := app.DB().NewQuery(`
		CREATE TABLE IF NOT EXISTS campfire_counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL DEFAULT 0);
		INSERT OR IGNORE INTO campfire_counters (name, value) VALUES ('number', 0), ('seq', 0);
		CREATE VIRTUAL TABLE messages_fts USING fts5(plain, content='messages', content_rowid='number',
			tokenize='porter unicode61 remove_diacritics 2');
		CREATE TABLE IF NOT EXISTS campfire_fts_deferred (id INTEGER PRIMARY KEY CHECK (id = 1));
		CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages
		WHEN NOT EXISTS (SELECT 1 FROM campfire_fts_deferred) BEGIN
			INSERT INTO messages_fts(rowid, plain) VALUES (new.number, new.plain);
		END;
		CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
			INSERT INTO messages_fts(messages_fts, rowid, plain) VALUES ('delete', old.number, old.plain);
		END;
		CREATE TRIGGER messages_fts_au AFTER UPDATE OF plain, number ON messages BEGIN
			INSERT INTO messages_fts(messages_fts, rowid, plain) VALUES ('delete', old.number, old.plain);
			INSERT INTO messages_fts(rowid, plain) VALUES (new.number, new.plain);
		END;
	`).Execute()
	if err != nil {
		return fmt.Errorf("create search index: %w", err)
	}
	return nil
}

func down(app core.App) error {
	if _, err := app.DB().NewQuery(`
		DROP TRIGGER IF EXISTS messages_fts_ai; DROP TRIGGER IF EXISTS messages_fts_ad;
		DROP TRIGGER IF EXISTS messages_fts_au; DROP TABLE IF EXISTS messages_fts;
		DROP TABLE IF EXISTS campfire_counters; DROP TABLE IF EXISTS campfire_fts_deferred;`).Execute(); err != nil {
		return fmt.Errorf("drop search index: %w", err)
	}
	for _, name := range []string{"outbox", "webhook_deliveries", "bans", "searches", "push_subscriptions", "boosts", "messages", "memberships", "rooms", "account"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			continue
		}
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
	}
	return nil
}
