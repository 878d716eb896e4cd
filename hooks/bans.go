package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/bans"
)

func bindBans(app core.App) {
	// The banned-address set lives in memory (bans.IsBanned); every committed change to the bans
	// collection, from any path (ban, unban, the dashboard), reloads it.
	reload := func(e *core.RecordEvent) error {
		if err := bans.Reload(e.App); err != nil {
			e.App.Logger().Error("reload banned IPs", "error", err)
		}
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess("bans").BindFunc(reload)
	app.OnRecordAfterUpdateSuccess("bans").BindFunc(reload)
	app.OnRecordAfterDeleteSuccess("bans").BindFunc(reload)
}
