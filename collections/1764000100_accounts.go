package collections

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/pocketcampfire/campfire/ratelimit"
)

// SessionTransfersCollection holds sign-in transfer links ("sign in on another device"): a hash of
// each link's token (never the token), its user, its expiry and when it was used. Superusers only.
const SessionTransfersCollection = "session_transfers"

func init() {
	m.Register(upAccounts, downAccounts, "1764000100_accounts.go")
}

func upAccounts(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	transfers := core.NewBaseCollection(SessionTransfersCollection)
	transfers.Fields.Add(
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
		&core.TextField{Name: "token_hash", Required: true, Hidden: true, Min: 64, Max: 64, Pattern: `^[0-9a-f]{64}$`},
		&core.DateField{Name: "expires", Required: true},
		&core.DateField{Name: "used"},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	transfers.AddIndex("idx_session_transfers_token_hash", true, "token_hash", "")
	transfers.AddIndex("idx_session_transfers_user", false, "user", "")
	transfers.AddIndex("idx_session_transfers_expires", false, "expires", "")
	// nil rules: superusers only, on every action
	if err := app.Save(transfers); err != nil {
		return fmt.Errorf("save session_transfers: %w", err)
	}

	// rate limits on by default, unless the operator configured them already
	if _, err := ratelimit.ApplyDefaults(app); err != nil {
		return fmt.Errorf("default rate limits: %w", err)
	}
	return nil
}

func downAccounts(app core.App) error {
	c, err := app.FindCollectionByNameOrId(SessionTransfersCollection)
	if err != nil {
		return nil
	}
	return app.Delete(c)
}
