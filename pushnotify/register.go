package pushnotify

import (
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/routes"
)

var setStatusKey sync.Once

// Register wires web push into app: the VAPID keys (loaded or generated when the server starts; a
// broken VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY pair stops the start), the public key in
// /api/campfire/status, the push routes, and the "push" outbox planner and handler.
func Register(app core.App) {
	s := serviceFor(app)
	setStatusKey.Do(func() { routes.VAPIDPublicKey = PublicKey }) // PublicKey takes the app: one for all
	outbox.Plan(app, Kind, Plan)
	outbox.Handle(app, Kind, s.handle)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfirePush",
		Func: func(se *core.ServeEvent) error {
			if _, err := Keys(se.App); err != nil {
				return fmt.Errorf("web push: %w", err)
			}
			if _, err := Subject(se.App); err != nil && accounts.IsSetUp(se.App) {
				se.App.Logger().Warn("web push: notifications are off until a VAPID subject is set", "reason", err.Error())
			}
			bindRoutes(se.Router)
			return se.Next()
		},
	})
}
