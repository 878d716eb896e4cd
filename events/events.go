// Package events holds Campfire's own hooks: the chat-level moments (a message is being posted, was
// posted, edited, deleted; a room was created; a membership changed) that Go code and JS hooks bind to.
//
// It sits low in the package tree so that hooks/, realtime/, bots/ and the JS bindings can trigger or
// bind these hooks without import cycles. The hooks of one app live in its Store (see For), so the same
// wiring works on *pocketbase.PocketBase, on a transaction's app and on a tests.TestApp.
package events

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/push"
	"github.com/pocketcampfire/campfire/webhooks"
)

const storeKey = "campfire.events"

// MessageEvent is passed to the message hooks.
//
// In OnMessagePosting, App is the write transaction's app: read and write through it only (using the
// outer app inside the transaction deadlocks). Returning an error rejects the message; an
// *router.ApiError (e.g. apis.NewBadRequestError) reaches the client as is.
type MessageEvent struct {
	hook.Event
	App     core.App
	Message *core.Record // a messages record; body already sanitized, plain/kind/mentions derived
	Room    *core.Record
	Creator *core.Record
}

// RoomEvent is passed to OnRoomCreated.
type RoomEvent struct {
	hook.Event
	App  core.App
	Room *core.Record
}

// MembershipEvent is passed to OnMembershipChanged. Membership is nil when the user left the room.
type MembershipEvent struct {
	hook.Event
	App        core.App
	RoomID     string
	UserID     string
	Membership *core.Record
	Removed    bool
}

// WebhookDeliveringEvent is passed to OnWebhookDelivering, once per attempt, just before an outgoing
// webhook is POSTed to a bot (SPEC §7).
//
// Handlers may change Payload (what the bot receives) or URL. A handler that returns nil without
// calling e.Next() skips the delivery: nothing is sent and the outbox row is finished. A returned
// error counts as a failed attempt (retried like a connection error).
//
// The code that delivers triggers it like this (the last function sends):
//
//	ev := &events.WebhookDeliveringEvent{App: app, Bot: bot, Message: msg, Room: room, URL: url, Payload: &payload, Attempt: n}
//	err := events.For(app).WebhookDelivering.Trigger(ev, func(e *events.WebhookDeliveringEvent) error {
//		body, err := e.Payload.Marshal()
//		... deliver body to e.URL ...
//		return e.Next()
//	})
type WebhookDeliveringEvent struct {
	hook.Event
	App     core.App
	Bot     *core.Record // the bot user the webhook belongs to
	Message *core.Record
	Room    *core.Record
	URL     string
	Payload *webhooks.Payload
	Attempt int // 1 for the first try
}

// PushSendingEvent is passed to OnPushSending, once per recipient and message, just before web push
// notifications are sent to the recipient's subscriptions.
//
// Handlers may change Notification (title, body, path...) or trim Subscriptions. A handler that
// returns nil without calling e.Next() skips the push for this recipient. The sender triggers it with
// the sending as the last function, the same way as WebhookDeliveringEvent.
type PushSendingEvent struct {
	hook.Event
	App           core.App
	Recipient     *core.Record   // the user being notified
	Message       *core.Record   // nil for a test notification
	Room          *core.Record   // nil for a test notification
	Subscriptions []*core.Record // push_subscriptions records of Recipient
	Notification  *push.Notification
}

// Hooks are the Campfire-level hooks of one app.
type Hooks struct {
	// MessagePosting runs inside the write transaction, before the insert: change or reject the message.
	MessagePosting *hook.Hook[*MessageEvent]
	// MessagePosted runs after the message is committed.
	MessagePosted *hook.Hook[*MessageEvent]
	// MessageEdited runs after an edit is committed.
	MessageEdited *hook.Hook[*MessageEvent]
	// MessageDeleted runs after a deletion (a tombstone) is committed.
	MessageDeleted *hook.Hook[*MessageEvent]
	// RoomCreated runs after a room is committed.
	RoomCreated *hook.Hook[*RoomEvent]
	// MembershipChanged runs after a membership is added, changed or removed.
	MembershipChanged *hook.Hook[*MembershipEvent]
	// WebhookDelivering runs before each outgoing webhook attempt: change or skip it.
	WebhookDelivering *hook.Hook[*WebhookDeliveringEvent]
	// PushSending runs before a recipient's web push notifications go out: change or skip them.
	PushSending *hook.Hook[*PushSendingEvent]
}

// For returns the hooks of app, creating them on first use. Transaction apps share their parent's
// store, so hooks bound on the app fire for work done in its transactions.
func For(app core.App) *Hooks {
	return app.Store().GetOrSet(storeKey, func() any {
		return &Hooks{
			MessagePosting:    &hook.Hook[*MessageEvent]{},
			MessagePosted:     &hook.Hook[*MessageEvent]{},
			MessageEdited:     &hook.Hook[*MessageEvent]{},
			MessageDeleted:    &hook.Hook[*MessageEvent]{},
			RoomCreated:       &hook.Hook[*RoomEvent]{},
			MembershipChanged: &hook.Hook[*MembershipEvent]{},
			WebhookDelivering: &hook.Hook[*WebhookDeliveringEvent]{},
			PushSending:       &hook.Hook[*PushSendingEvent]{},
		}
	}).(*Hooks)
}
