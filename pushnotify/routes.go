package pushnotify

import (
	"context"
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/push"
)

// subscriptionBody is a browser PushSubscription as PushSubscription.toJSON() gives it.
type subscriptionBody struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

func (b subscriptionBody) subscription() push.Subscription {
	return push.Subscription{Endpoint: b.Endpoint, P256dh: b.Keys.P256dh, Auth: b.Keys.Auth}
}

func bindRoutes(r *router.Router[*core.RequestEvent]) {
	g := r.Group("/api/campfire/push")
	g.Bind(apis.RequireAuth("users"), requireActive())

	// POST {endpoint, keys {p256dh, auth}} -> 204: this browser gets my notifications (upsert by endpoint).
	g.POST("/subscriptions", func(e *core.RequestEvent) error {
		var b subscriptionBody
		if err := e.BindBody(&b); err != nil {
			return e.BadRequestError("Invalid body.", err)
		}
		sub := b.subscription()
		if err := CheckSubscription(e.Request.Context(), e.App, sub); err != nil {
			return e.BadRequestError(capitalize(err.Error())+".", nil)
		}
		if _, err := Subscribe(e.App, e.Auth.Id, sub, e.Request.UserAgent()); err != nil {
			return e.BadRequestError("Failed to save the subscription.", err)
		}
		return e.NoContent(http.StatusNoContent)
	})

	// DELETE {endpoint[, keys]} -> 204: this browser signs out of my notifications.
	g.DELETE("/subscriptions", func(e *core.RequestEvent) error {
		var b subscriptionBody
		if err := e.BindBody(&b); err != nil {
			return e.BadRequestError("Invalid body.", err)
		}
		if b.Endpoint == "" {
			return e.BadRequestError("endpoint is required.", nil)
		}
		if _, err := Unsubscribe(e.App, e.Auth.Id, b.Endpoint); err != nil {
			return e.BadRequestError("Failed to delete the subscription.", err)
		}
		return e.NoContent(http.StatusNoContent)
	})

	// POST -> 204: a test notification to each of my browsers.
	g.POST("/test", func(e *core.RequestEvent) error {
		if err := SendTest(e.Request.Context(), e.App, e.Auth.Id); err != nil {
			if errors.Is(err, ErrNotConfigured) {
				return e.BadRequestError("Web push is not configured on this server: an administrator sets "+EnvSubject+" to mailto:<a real address>.", nil)
			}
			return e.BadRequestError("Failed to send the test notification.", err)
		}
		return e.NoContent(http.StatusNoContent)
	})
}

// SendTest sends a test notification to each of userID's browsers (nothing when they have none) and
// deletes the subscriptions the push services call gone.
func SendTest(ctx context.Context, app core.App, userID string) error {
	s := serviceFor(app)
	subs, err := subscriptionsOf(app, userID)
	if err != nil {
		return err
	}
	if len(subs) == 0 {
		return nil
	}
	sender, err := s.sender(app)
	if err != nil {
		return err
	}
	title := accounts.DefaultName
	if acc, err := accounts.Find(app); err == nil {
		title = acc.GetString("name")
	}
	user, err := app.FindRecordById("users", userID)
	if err != nil {
		return err
	}
	n := push.Notification{
		Title: title,
		Body:  "Notifications are on for this browser.",
		Path:  "/",
		Badge: UnreadRooms(app, userID),
		Tag:   "campfire-test",
	}
	ev := &events.PushSendingEvent{App: app, Recipient: user, Subscriptions: subs, Notification: &n}
	return events.For(app).PushSending.Trigger(ev, func(e *events.PushSendingEvent) error {
		payload, err := push.Encode(*e.Notification)
		if err != nil {
			return err
		}
		_, _, _ = s.sendAll(ctx, app, sender, "", e.Subscriptions, payload, "")
		return e.Next()
	})
}

// requireActive refuses users who are no longer active (as the other /api/campfire routes do).
func requireActive() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "campfirePushRequireActive",
		Func: func(e *core.RequestEvent) error {
			if e.Auth == nil || e.Auth.GetString("status") != "active" {
				return e.UnauthorizedError("The request requires a signed-in, active user.", nil)
			}
			return e.Next()
		},
	}
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
