package pushnotify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/collections"
	"github.com/pocketcampfire/campfire/push"
)

// secretName is the secrets row holding the generated VAPID key pair (JSON of push.Keys).
const secretName = "vapid"

// ErrNotConfigured is returned when push cannot be sent: no usable VAPID subject.
var ErrNotConfigured = errors.New("web push is not configured")

// Keys returns the app's VAPID key pair: VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set (a broken or
// half-set pair is an error, never silently replaced), otherwise the pair stored in the secrets
// collection, generated and stored on first use. The result is cached for the life of the app.
func Keys(app core.App) (push.Keys, error) {
	s := serviceFor(app)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys.PublicKey != "" {
		return s.keys, nil
	}
	k, ok, err := push.KeysFromEnv()
	if err != nil {
		return push.Keys{}, err
	}
	if !ok {
		if k, err = storedKeys(app); err != nil {
			return push.Keys{}, err
		}
	}
	s.keys = k
	return k, nil
}

// PublicKey is the VAPID public key for /api/campfire/status ("" when the keys are unusable).
func PublicKey(app core.App) string {
	k, err := Keys(app)
	if err != nil {
		return ""
	}
	return k.PublicKey
}

// storedKeys reads the key pair from the secrets collection, generating and saving one when there is
// none. Concurrent first starts agree through the UNIQUE name index: the loser reads the winner's pair.
func storedKeys(app core.App) (push.Keys, error) {
	if k, err := readStoredKeys(app); err == nil {
		return k, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return push.Keys{}, err
	}
	k, err := push.GenerateKeys()
	if err != nil {
		return push.Keys{}, err
	}
	col, err := app.FindCachedCollectionByNameOrId(collections.SecretsCollection)
	if err != nil {
		return push.Keys{}, fmt.Errorf("pushnotify: secrets collection: %w", err)
	}
	value, err := json.Marshal(k)
	if err != nil {
		return push.Keys{}, err
	}
	rec := core.NewRecord(col)
	rec.Set("name", secretName)
	rec.Set("value", string(value))
	if err := app.Save(rec); err != nil {
		if stored, readErr := readStoredKeys(app); readErr == nil {
			return stored, nil // a concurrent start stored its pair first
		}
		return push.Keys{}, fmt.Errorf("pushnotify: store VAPID keys: %w", err)
	}
	return k, nil
}

func readStoredKeys(app core.App) (push.Keys, error) {
	var value string
	err := app.DB().Select("value").From(collections.SecretsCollection).
		Where(dbx.HashExp{"name": secretName}).Row(&value)
	if err != nil {
		return push.Keys{}, err
	}
	var k push.Keys
	if err := json.Unmarshal([]byte(value), &k); err != nil {
		return push.Keys{}, fmt.Errorf("pushnotify: stored VAPID keys are not JSON")
	}
	if err := k.Validate(); err != nil {
		return push.Keys{}, fmt.Errorf("pushnotify: stored VAPID keys: %w", err)
	}
	return k, nil
}

// Subject returns the VAPID subject: Options.Subject, else CAMPFIRE_PUSH_SUBJECT, else
// mailto:<the first active administrator's email>. An unusable subject (a placeholder domain such as
// example.com, a local host) is ErrNotConfigured with the reason: push services reject such
// senders, so nothing is sent rather than something that fails everywhere.
func Subject(app core.App) (string, error) {
	subject := serviceFor(app).options().Subject
	source := "Options.Subject"
	if subject == "" {
		subject = strings.TrimSpace(os.Getenv(EnvSubject))
		source = EnvSubject
	}
	if subject == "" {
		var email string
		_ = app.DB().NewQuery(`SELECT email FROM users WHERE role = 'administrator' AND status = 'active'
			AND email != '' ORDER BY created, id LIMIT 1`).Row(&email)
		if email == "" {
			return "", fmt.Errorf("%w: set %s (no administrator email to default to)", ErrNotConfigured, EnvSubject)
		}
		subject = "mailto:" + email
		source = "the first administrator's email"
	}
	if err := push.ValidateSubject(subject); err != nil {
		return "", fmt.Errorf("%w: %s from %s: %v; set %s to mailto:<a real address>", ErrNotConfigured, "the VAPID subject", source, err, EnvSubject)
	}
	return subject, nil
}

// sender builds a push.Sender with the app's keys, subject, guarded client and limits.
func (s *service) sender(app core.App) (*push.Sender, error) {
	keys, err := Keys(app)
	if err != nil {
		return nil, err
	}
	subject, err := Subject(app)
	if err != nil {
		return nil, err
	}
	o := s.options()
	guard, client := s.network()
	return &push.Sender{
		Keys:        keys,
		Subject:     subject,
		HTTPClient:  client,
		Concurrency: o.Concurrency,
		Timeout:     o.Timeout,
		CheckEndpoint: func(ctx context.Context, endpoint string) error {
			_, err := guard.CheckURL(ctx, endpoint)
			return err
		},
	}, nil
}
