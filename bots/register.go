package bots

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/logredact"
	"github.com/pocketcampfire/campfire/outbox"
)

func init() {
	logredact.Add(redactKeyRule)
}

// Register wires bots into an app: the webhook planner and handler on the outbox, the admin routes,
// the bot API, log redaction of keys, and the keyring's protection. Configure tunes it.
func Register(app core.App) {
	stateFor(app)
	outbox.Plan(app, outboxKind, plan)
	outbox.Handle(app, outboxKind, deliver)
	bindKeyring(app)
	logredact.Register(app)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfireBotsRoutes",
		Func: func(se *core.ServeEvent) error {
			bindAdmin(se.Router)
			bindAPI(se.Router)
			return se.Next()
		},
	})
}
