package campfire

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/metrics"
)

// bindFramework wires the operational side: configuration (feature switches, post rate, settings),
// metrics, graceful shutdown, and the guard that re-derives a message a hook rewrote.
func bindFramework(app core.App) {
	config.Register(app)
	metrics.Register(app)
	bindGracefulShutdown(app)
	bindRewriteGuard(app)
}

// bindRewriteGuard runs around every OnMessagePosting handler: when a handler (Go or JS) changed the
// body, the message is prepared again (sanitized; plain text, mentions, kind and sound derived), so a
// hook can never store unsanitized HTML or a stale plain text.
func bindRewriteGuard(app core.App) {
	events.For(app).MessagePosting.Bind(&hook.Handler[*events.MessageEvent]{
		Id:       "campfireRewriteGuard",
		Priority: -10000, // outermost
		Func: func(e *events.MessageEvent) error {
			before := e.Message.GetString("body")
			if err := e.Next(); err != nil {
				return err
			}
			if e.Message.GetString("body") != before {
				return messages.Prepare(e.App, e.Message)
			}
			return nil
		},
	})
}
