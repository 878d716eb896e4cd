package collections

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// SecretsCollection holds values the server needs and no client may read (the VAPID key pair). It has
// no API rules, so only PocketBase superusers reach it; its value field is also marked hidden, so a
// rule added by mistake would still not show it to anyone but superusers.
const SecretsCollection = "secrets"

func init() {
	m.Register(upPush, downPush, "1764000300_push.go")
}

func upPush(app core.App) error {
	secrets := core.NewBaseCollection(SecretsCollection)
	secrets.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 100, Pattern: `^[a-z0-9_.-]+$`},
		&core.TextField{Name: "value", Required: true, Hidden: true, Max: 10000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	secrets.AddIndex("idx_secrets_name", true, "name", "")
	// nil rules: superusers only, on every action
	if err := app.Save(secrets); err != nil {
		return fmt.Errorf("save secrets: %w", err)
	}
	return nil
}

func downPush(app core.App) error {
	c, err := app.FindCollectionByNameOrId(SecretsCollection)
	if err != nil {
		return nil
	}
	return app.Delete(c)
}
