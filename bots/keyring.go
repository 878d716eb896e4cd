package bots

import (
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/pocketcampfire/campfire/collections"
)

// Why bot tokens are also kept encrypted, and where the key lives.
//
// Campfire's webhook payload tells the bot where to post its answer: room.path is
// /rooms/<room>/<bot key>/messages. Keys are stored hashed (bot_token_hash) so that a leak of the
// users table does not hand out working keys; a hash cannot be turned back into the key, so the token
// is also stored AES-256-GCM encrypted (security.Encrypt, random nonce) in bot_token_encrypted.
//
// The 32-character key sits in its own superuser-only collection, bot_keyring (no API rules, the
// `key` field hidden, and hidden again from superusers by an enrich hook below, so no API answer or
// realtime event carries it). It is made on first use. What this protects against: a copy of the
// users rows (an export, a hidden-field slip, the dashboard) does not reveal keys. What it does not:
// someone holding the whole database file (or a backup) holds the keyring too, as with any key
// stored beside its data. Losing the keyring row only breaks room.path (it falls back to
// /rooms/<room>/-/messages, usable with an Authorization: Bearer key); regenerating a bot's key
// repairs it.

// keyringName is the row of bot_keyring holding the token encryption key.
const keyringName = "bot_token_encryption"

// keyringKey returns the token encryption key, creating it on first use. Two first uses racing meet
// at the UNIQUE index on name; the loser reads the winner's key.
func keyringKey(app core.App) (string, error) {
	if k, err := readKeyring(app); err == nil {
		return k, nil
	}
	col, err := app.FindCachedCollectionByNameOrId(collections.BotKeyringCollection)
	if err != nil {
		return "", fmt.Errorf("bot keyring: %w", err)
	}
	rec := core.NewRecord(col)
	rec.Set("name", keyringName)
	rec.Set("key", security.RandomString(32))
	if err := app.Save(rec); err != nil {
		if k, rerr := readKeyring(app); rerr == nil {
			return k, nil
		}
		return "", fmt.Errorf("bot keyring: %w", err)
	}
	return rec.GetString("key"), nil
}

func readKeyring(app core.App) (string, error) {
	var key string
	err := app.DB().NewQuery("SELECT key FROM " + collections.BotKeyringCollection + " WHERE name = {:name}").
		Bind(dbx.Params{"name": keyringName}).Row(&key)
	if err != nil {
		return "", err
	}
	if len(key) != 32 {
		return "", errors.New("bot keyring: key is not 32 characters")
	}
	return key, nil
}

func encryptToken(app core.App, token string) (string, error) {
	key, err := keyringKey(app)
	if err != nil {
		return "", err
	}
	enc, err := security.Encrypt([]byte(token), key)
	if err != nil {
		return "", fmt.Errorf("encrypt bot token: %w", err)
	}
	return enc, nil
}

func decryptToken(app core.App, enc string) (string, error) {
	key, err := readKeyring(app)
	if err != nil {
		return "", fmt.Errorf("bot keyring: %w", err)
	}
	plain, err := security.Decrypt(enc, key)
	if err != nil {
		return "", fmt.Errorf("decrypt bot token: %w", err)
	}
	return string(plain), nil
}

// bindKeyring keeps the keyring key out of every API answer, superusers' included (PocketBase shows
// hidden fields to superusers).
func bindKeyring(app core.App) {
	app.OnRecordEnrich(collections.BotKeyringCollection).BindFunc(func(e *core.RecordEnrichEvent) error {
		rec := e.Record
		err := e.Next() // the default enrichment (which unhides for superusers) runs inside
		rec.Hide("key")
		return err
	})
}
