package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

func bindAccount(app core.App) {
	// The join code changes only through its route (a fresh random code); the singleton never moves.
	app.OnRecordUpdateRequest("account").BindFunc(func(e *core.RecordRequestEvent) error {
		if !isSuperuser(e.Auth) {
			keepOriginal(e.Record, "join_code", "singleton")
		}
		return e.Next()
	})
}
