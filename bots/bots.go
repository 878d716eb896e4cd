// Package bots is the bot domain and its HTTP surface (SPEC §7, §5): bot users and their keys, the
// Campfire-compatible bot API under /rooms/{room}/{bot_key}/messages, the admin routes under
// /api/campfire/bots, and outgoing webhooks delivered through the outbox.
//
// A bot is a users record with role "bot", no email and an unusable random password (the users
// authRule refuses bots anyway). Its key is "<user id>-<token>" (package botkeys): the token is stored
// twice, as botkeys.Hash in bot_token_hash (what authentication checks, in constant time) and AES-GCM
// encrypted in bot_token_encrypted with a key kept in the superuser-only bot_keyring collection (so
// that the webhook dispatcher can rebuild Campfire's post-back path room.path). The key is shown once,
// when the bot is created or its key regenerated; no API answer ever carries it again.
package bots

import (
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/pocketcampfire/campfire/botkeys"
	"github.com/pocketcampfire/campfire/netguard"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/webhooks"
)

// Role is the users.role of a bot.
const Role = "bot"

// Statuses of a user.
const (
	StatusActive      = "active"
	StatusDeactivated = "deactivated"
)

// MaxNameRunes bounds a bot's name (the users.name field allows 1..100).
const MaxNameRunes = 100

// Errors of the bot domain.
var (
	ErrNotFound   = errors.New("bot not found")
	ErrBadKey     = errors.New("bad bot key")
	ErrName       = errors.New("a bot needs a name of 1 to 100 characters")
	ErrWebhookURL = errors.New("the webhook URL must be an absolute http or https URL without user info, to a public address")
)

// IsBot reports whether a users record is a bot (active or not).
func IsBot(u *core.Record) bool { return u != nil && u.GetString("role") == Role }

// IsActive reports whether a bot can act: a bot with status active.
func IsActive(u *core.Record) bool { return IsBot(u) && u.GetString("status") == StatusActive }

// Find returns a bot by id, whatever its status.
func Find(app core.App, id string) (*core.Record, error) {
	if id == "" {
		return nil, ErrNotFound
	}
	u, err := app.FindRecordById("users", id)
	if err != nil || !IsBot(u) {
		return nil, ErrNotFound
	}
	return u, nil
}

// FindActive returns an active bot by id.
func FindActive(app core.App, id string) (*core.Record, error) {
	u, err := Find(app, id)
	if err != nil || !IsActive(u) {
		return nil, ErrNotFound
	}
	return u, nil
}

// FindByIDOrName returns an active bot by id or, failing that, by exact name (the CLI's <bot>). A name
// shared by several active bots is refused as ambiguous.
func FindByIDOrName(app core.App, idOrName string) (*core.Record, error) {
	if u, err := FindActive(app, idOrName); err == nil {
		return u, nil
	}
	var found []*core.Record
	err := app.RecordQuery("users").
		AndWhere(dbx.HashExp{"role": Role, "status": StatusActive, "name": strings.TrimSpace(idOrName)}).
		Limit(2).All(&found)
	if err != nil {
		return nil, fmt.Errorf("find bot: %w", err)
	}
	switch len(found) {
	case 0:
		return nil, ErrNotFound
	case 1:
		return found[0], nil
	default:
		return nil, fmt.Errorf("several bots are named %q: use the id", idOrName)
	}
}

// List returns the active bots by name.
func List(app core.App) ([]*core.Record, error) {
	var out []*core.Record
	err := app.RecordQuery("users").
		AndWhere(dbx.HashExp{"role": Role, "status": StatusActive}).All(&out)
	if err != nil {
		return nil, fmt.Errorf("list bots: %w", err)
	}
	slices.SortFunc(out, func(a, b *core.Record) int {
		if c := strings.Compare(strings.ToLower(a.GetString("name")), strings.ToLower(b.GetString("name"))); c != 0 {
			return c
		}
		return strings.Compare(a.Id, b.Id)
	})
	return out, nil
}

// CheckName trims and checks a bot name.
func CheckName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxNameRunes {
		return "", ErrName
	}
	return name, nil
}

// CheckWebhookURL checks a webhook URL without contacting anything: an absolute http(s) URL, no user
// info, a host, and when the host is an IP literal an address the delivery guard allows (public
// addresses; 127.0.0.1 too when allowLoopback, for tests). Host names are judged at every delivery by
// the guarded client, which re-resolves and re-checks them. "" is valid (no webhook).
func CheckWebhookURL(raw string, allowLoopback bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || len(raw) > 2000 || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" || u.User != nil || u.Opaque != "" {
		return "", ErrWebhookURL
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil {
		if !guardFor(allowLoopback).Allowed(ip) {
			return "", ErrWebhookURL
		}
	}
	return u.String(), nil
}

// guardFor is the SSRF guard of webhook deliveries: public addresses only, plus exactly 127.0.0.1
// when the test-only loopback allowance is on.
func guardFor(allowLoopback bool) *netguard.Guard {
	g := &netguard.Guard{}
	if allowLoopback {
		loopback := netip.MustParseAddr("127.0.0.1")
		g.AllowPrivate = func(ip netip.Addr) bool { return ip == loopback }
	}
	return g
}

// Create makes an active bot named name, with an optional webhook URL (checked with CheckWebhookURL
// by the caller) and a fresh Standard Webhooks signing secret, and makes it a member of every open
// room. It returns the bot and its key, which is shown once.
func Create(app core.App, name, webhookURL string) (*core.Record, string, error) {
	name, err := CheckName(name)
	if err != nil {
		return nil, "", err
	}
	secret, err := webhooks.NewSecret()
	if err != nil {
		return nil, "", err
	}
	var bot *core.Record
	var key string
	err = app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId("users")
		if err != nil {
			return fmt.Errorf("users collection: %w", err)
		}
		bot = core.NewRecord(col)
		bot.Id = security.RandomStringWithAlphabet(botkeys.UserIDLength, "abcdefghijklmnopqrstuvwxyz0123456789")
		bot.Set("name", name)
		bot.Set("role", Role)
		bot.Set("status", StatusActive)
		bot.Set("webhook_url", webhookURL)
		bot.Set("webhook_secret", secret)
		// never used: bots have no email (no identity to sign in with) and the authRule refuses them
		password := security.RandomString(40)
		bot.SetPassword(password)
		bot.Set("passwordConfirm", password)
		if key, err = setNewToken(tx, bot); err != nil {
			return err
		}
		if err := tx.Save(bot); err != nil {
			return fmt.Errorf("save bot: %w", err)
		}
		if _, err := rooms.JoinOpenRooms(tx, bot.Id); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return bot, key, nil
}

// setNewToken gives bot a new token (hash and encrypted copy) and returns its key; the caller saves.
func setNewToken(app core.App, bot *core.Record) (string, error) {
	token, err := botkeys.NewToken()
	if err != nil {
		return "", err
	}
	enc, err := encryptToken(app, token)
	if err != nil {
		return "", err
	}
	bot.Set("bot_token_hash", botkeys.Hash(token))
	bot.Set("bot_token_encrypted", enc)
	return botkeys.Format(bot.Id, token), nil
}

// RegenerateKey gives an active bot a new key and returns it; the old key stops working at once.
func RegenerateKey(app core.App, bot *core.Record) (string, error) {
	if !IsActive(bot) {
		return "", ErrNotFound
	}
	var key string
	err := app.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById("users", bot.Id)
		if err != nil {
			return ErrNotFound
		}
		if key, err = setNewToken(tx, fresh); err != nil {
			return err
		}
		if err := tx.Save(fresh); err != nil {
			return fmt.Errorf("save bot: %w", err)
		}
		*bot = *fresh
		return nil
	})
	if err != nil {
		return "", err
	}
	return key, nil
}

// Change is an edit of a bot: nil leaves a field alone; an empty WebhookURL removes the webhook.
type Change struct {
	Name       *string
	WebhookURL *string
}

// Update applies a change to an active bot. The caller has checked the webhook URL.
func Update(app core.App, bot *core.Record, c Change) error {
	if !IsActive(bot) {
		return ErrNotFound
	}
	if c.Name != nil {
		name, err := CheckName(*c.Name)
		if err != nil {
			return err
		}
		bot.Set("name", name)
	}
	if c.WebhookURL != nil {
		bot.Set("webhook_url", strings.TrimSpace(*c.WebhookURL))
	}
	if err := app.Save(bot); err != nil {
		return fmt.Errorf("save bot: %w", err)
	}
	return nil
}

// Deactivate turns a bot off, as deleting it from the admin screen does: its key dies (hash and
// encrypted token cleared), its webhook is removed and its queued deliveries dropped, it leaves every
// shared room (keeping direct rooms, like any deactivated user), and its messages stay.
func Deactivate(app core.App, bot *core.Record) error {
	if !IsActive(bot) {
		return ErrNotFound
	}
	return app.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById("users", bot.Id)
		if err != nil {
			return ErrNotFound
		}
		fresh.Set("status", StatusDeactivated)
		fresh.Set("bot_token_hash", "")
		fresh.Set("bot_token_encrypted", "")
		fresh.Set("webhook_url", "")
		fresh.RefreshTokenKey()
		if err := tx.Save(fresh); err != nil {
			return fmt.Errorf("save bot: %w", err)
		}
		var shared []string
		err = tx.DB().NewQuery(`SELECT m.room FROM memberships m JOIN rooms r ON r.id = m.room
			WHERE m.user = {:user} AND r.kind != 'direct'`).Bind(dbx.Params{"user": fresh.Id}).Column(&shared)
		if err != nil {
			return fmt.Errorf("list bot rooms: %w", err)
		}
		for _, roomID := range shared {
			if _, err := rooms.RemoveMember(tx, roomID, fresh.Id); err != nil {
				return err
			}
		}
		if _, err := tx.DB().Delete("outbox", dbx.HashExp{"kind": outboxKind, "recipient": fresh.Id}).Execute(); err != nil {
			return fmt.Errorf("drop queued webhooks: %w", err)
		}
		*bot = *fresh
		return nil
	})
}

// Authenticate returns the active bot a key belongs to, or ErrBadKey: a malformed key, an unknown or
// inactive bot and a wrong token are told apart nowhere (the token is compared in constant time).
func Authenticate(app core.App, key string) (*core.Record, error) {
	id, token, err := botkeys.Parse(key)
	if err != nil {
		return nil, ErrBadKey
	}
	bot, err := app.FindRecordById("users", id)
	if err != nil {
		if !errors.Is(err, sql.ErrNoRows) {
			app.Logger().Error("bot authentication", "error", err)
		}
		return nil, ErrBadKey // ids are not secret: only the token comparison must not leak timing
	}
	if !botkeys.Verify(token, bot.GetString("bot_token_hash")) || !IsActive(bot) {
		return nil, ErrBadKey
	}
	return bot, nil
}

// Key rebuilds an active bot's key from its encrypted token (the webhook dispatcher's room.path).
func Key(app core.App, bot *core.Record) (string, error) {
	enc := bot.GetString("bot_token_encrypted")
	if enc == "" {
		return "", errors.New("bot has no stored token")
	}
	token, err := decryptToken(app, enc)
	if err != nil {
		return "", err
	}
	if !botkeys.Verify(token, bot.GetString("bot_token_hash")) {
		return "", errors.New("stored token does not match the key hash")
	}
	return botkeys.Format(bot.Id, token), nil
}

// PostPath is the bot's post-back path in a room, Campfire's room.path: /rooms/<room>/<bot key>/messages.
// When the key cannot be rebuilt (keyring key lost) it is /rooms/<room>/-/messages, which works with
// the key in an Authorization: Bearer header; regenerating the key repairs it.
func PostPath(app core.App, roomID string, bot *core.Record) string {
	key, err := Key(app, bot)
	if err != nil {
		app.Logger().Warn("bots: cannot rebuild the bot key for room.path", "bot", bot.Id, "error", err)
		key = "-"
	}
	return "/rooms/" + roomID + "/" + key + "/messages"
}

// MessagePath is the web app's path of a message: /rooms/<room>/@<message>.
func MessagePath(roomID, messageID string) string {
	return "/rooms/" + roomID + "/@" + messageID
}
