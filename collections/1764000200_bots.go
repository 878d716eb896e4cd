package collections

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// BotKeyringCollection is the superuser-only collection holding the AES-256 key that encrypts bot
// tokens at rest (package bots). Its `key` field is hidden, and bots hides it from superusers too, so
// it never appears in an API answer.
const BotKeyringCollection = "bot_keyring"

func init() {
	m.Register(botsUp, botsDown, "1764000200_bots.go")
}

// botsUp adds what bots need beyond the base schema:
//   - users.bot_token_encrypted: the bot's token, AES-GCM encrypted with the keyring key, so that the
//     webhook dispatcher can rebuild the post-back path /rooms/<room>/<bot key>/messages (the key
//     itself is only stored hashed in bot_token_hash, which is what authentication checks);
//   - webhook_deliveries.final: the attempt after which no other one follows (success or give-up);
//   - bot_keyring: superuser-only rows {name, key}; no API rules at all.
func botsUp(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	users.Fields.Add(&core.TextField{Name: "bot_token_encrypted", Hidden: true, Max: 500})
	if err := app.Save(users); err != nil {
		return fmt.Errorf("save users: %w", err)
	}

	deliveries, err := app.FindCollectionByNameOrId("webhook_deliveries")
	if err != nil {
		return fmt.Errorf("find webhook_deliveries: %w", err)
	}
	deliveries.Fields.Add(&core.BoolField{Name: "final"})
	if err := app.Save(deliveries); err != nil {
		return fmt.Errorf("save webhook_deliveries: %w", err)
	}

	keyring := core.NewBaseCollection(BotKeyringCollection)
	keyring.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 100},
		&core.TextField{Name: "key", Required: true, Hidden: true, Min: 32, Max: 32},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	keyring.AddIndex("idx_bot_keyring_name", true, "name", "")
	// nil rules: superusers only
	if err := app.Save(keyring); err != nil {
		return fmt.Errorf("save %s: %w", BotKeyringCollection, err)
	}
	return nil
}

func botsDown(app core.App) error {
	if c, err := app.FindCollectionByNameOrId(BotKeyringCollection); err == nil {
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("delete %s: %w", BotKeyringCollection, err)
		}
	}
	if deliveries, err := app.FindCollectionByNameOrId("webhook_deliveries"); err == nil {
		deliveries.Fields.RemoveByName("final")
		if err := app.Save(deliveries); err != nil {
			return fmt.Errorf("save webhook_deliveries: %w", err)
		}
	}
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	users.Fields.RemoveByName("bot_token_encrypted")
	return app.Save(users)
}
