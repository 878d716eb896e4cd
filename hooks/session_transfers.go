package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/accounts"
)

func bindSessionTransfers(app core.App) {
	// Sign-in transfer links live 4 hours; rows are kept a day longer (so a late click hears "expired"
	// rather than "not valid"), then an hourly job removes them.
	app.Cron().MustAdd("campfireSessionTransfersCleanup", "23 * * * *", func() {
		if err := accounts.DeleteStaleTransfers(app); err != nil {
			app.Logger().Error("campfire session transfers cleanup", "error", err)
		}
	})
}
