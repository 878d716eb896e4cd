package collections

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ImportMapCollection is the superuser-only ledger of imports: which row of a foreign source (a ONCE
// Campfire database) became which of our records. It makes imports idempotent and resumable, and keeps
// Campfire's integer ids reachable (old bot URLs: /rooms/<old room id>/<old bot key>/messages).
const ImportMapCollection = "import_map"

func init() {
	m.Register(upImport, downImport, "1764000600_import.go")
}

func upImport(app core.App) error {
	c := core.NewBaseCollection(ImportMapCollection)
	c.Fields.Add(
		// source is the foreign table ("users", "rooms", "messages", ...), source_id its primary key.
		&core.TextField{Name: "source", Required: true, Max: 64},
		&core.TextField{Name: "source_id", Required: true, Max: 64},
		// target is our record id (no relation: one ledger for every collection).
		&core.TextField{Name: "target", Required: true, Max: 64},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	c.AddIndex("idx_import_map_source", true, "source, source_id", "")
	c.AddIndex("idx_import_map_target", false, "target", "")
	// nil rules: superusers only
	if err := app.Save(c); err != nil {
		return fmt.Errorf("save import_map: %w", err)
	}
	return nil
}

func downImport(app core.App) error {
	c, err := app.FindCollectionByNameOrId(ImportMapCollection)
	if err != nil {
		return nil
	}
	return app.Delete(c)
}
