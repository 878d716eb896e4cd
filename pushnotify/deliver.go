package pushnotify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/netguard"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/push"
	"github.com/pocketcampfire/campfire/realtime"
)

// recipientsQuery finds the room's members with a push subscription. It is driven from
// push_subscriptions (few rows), not from the room's members (maybe thousands): it runs inside the
// shared write transaction of every post. CROSS JOIN fixes that order: without statistics SQLite
// otherwise starts from the room's memberships (its index on room looks selective), which made this
// query 60% of the writer's time in a 1,000-member room.
const recipientsQuery = `SELECT DISTINCT m.user AS user, m.involvement AS involvement
		FROM push_subscriptions s
		CROSS JOIN memberships m ON m.user = s.user AND m.room = {:room}
		CROSS JOIN users u ON u.id = m.user
		WHERE m.user != {:author} AND u.status = 'active' AND m.involvement IN ('mentions', 'everything')
		ORDER BY m.user`

// Plan is the "push" outbox planner, run inside the post's transaction tx: room members who are not
// the author, not present (a hidden tab is not present), not invisible, and have "everything", or
// "mentions" and are mentioned, and have at least one push subscription.
func Plan(tx core.App, msg, room, creator *core.Record) ([]string, error) {
	var rows []struct {
		User        string `db:"user"`
		Involvement string `db:"involvement"`
	}
	err := tx.DB().NewQuery(recipientsQuery).
		Bind(dbx.Params{"room": room.Id, "author": creator.Id}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("find push recipients: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	mentioned := msg.GetStringSlice("mentions")
	hub := realtime.HubFor(tx)
	var out []string
	for _, r := range rows {
		if push.ShouldNotify(push.Recipient{
			IsAuthor:    r.User == creator.Id,
			Present:     hub.Present(room.Id, r.User),
			Involvement: r.Involvement,
			Mentioned:   slices.Contains(mentioned, r.User),
		}) {
			out = append(out, r.User)
		}
	}
	return out, nil
}

// UnreadRooms counts the rooms userID has unread (not invisible): the app badge.
func UnreadRooms(app core.App, userID string) int {
	var n int
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM memberships
		WHERE user = {:user} AND unread_at != '' AND involvement != 'invisible'`).
		Bind(dbx.Params{"user": userID}).Row(&n)
	return n
}

// handle is the "push" outbox handler: one recipient of one message, all their browsers.
func (s *service) handle(ctx context.Context, app core.App, it outbox.Item) outbox.Result {
	res := s.deliver(ctx, app, it)
	if !res.Retry {
		s.forget(it.ID)
	}
	return res
}

func (s *service) deliver(ctx context.Context, app core.App, it outbox.Item) outbox.Result {
	o := s.options()
	msg, err := app.FindRecordById("messages", it.Message)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return outbox.Result{} // the message (or its room) is gone: nothing to say
		}
		return s.retry(o, it, 0, err)
	}
	if msg.GetString("deleted_at") != "" {
		return outbox.Result{}
	}
	// past the push services' TTL, a notification is news nobody wants
	if time.Since(msg.GetDateTime("created").Time()) > push.DefaultTTL {
		return outbox.Result{}
	}
	user, err := app.FindRecordById("users", it.Recipient)
	if err != nil || user.GetString("status") != "active" {
		return outbox.Result{}
	}
	room, err := app.FindRecordById("rooms", msg.GetString("room"))
	if err != nil {
		return outbox.Result{}
	}
	// they opened the room since the post: they have seen it
	if realtime.HubFor(app).Present(room.Id, user.Id) {
		return outbox.Result{}
	}
	authorName := ""
	if author, err := app.FindRecordById("users", msg.GetString("creator")); err == nil {
		authorName = author.GetString("name")
	}
	text := msg.GetString("plain")
	if text == "" && msg.GetString("kind") == "attachment" {
		text = "sent a file"
	}
	n := push.BuildNotification(room.GetString("kind"), room.GetString("name"), authorName, text,
		room.Id, msg.GetInt64("number"), UnreadRooms(app, user.Id))

	subs, err := subscriptionsOf(app, user.Id)
	if err != nil {
		return s.retry(o, it, 0, err)
	}
	pending := subs[:0]
	for _, sub := range subs {
		if !s.wasReached(it.ID, sub.Id) {
			pending = append(pending, sub)
		}
	}
	if len(pending) == 0 {
		return outbox.Result{}
	}
	sender, err := s.sender(app)
	if err != nil {
		s.warnNotSent(app, err)
		return outbox.Result{Err: err}
	}
	var res outbox.Result // a hook that skips the push leaves it zero: done
	ev := &events.PushSendingEvent{App: app, Recipient: user, Message: msg, Room: room, Subscriptions: pending, Notification: &n}
	err = events.For(app).PushSending.Trigger(ev, func(e *events.PushSendingEvent) error {
		payload, err := push.Encode(*e.Notification)
		if err != nil {
			app.Logger().Error("push: encode notification", "message", msg.Id, "error", err)
			return e.Next()
		}
		transient, retryAfter, lastErr := s.sendAll(ctx, app, sender, it.ID, e.Subscriptions, payload, room.Id)
		if transient == 0 {
			res = outbox.Result{Err: lastErr}
		} else {
			res = s.retry(o, it, retryAfter, lastErr)
		}
		return e.Next()
	})
	if err != nil { // an OnPushSending handler failed: try again later, like a connection error
		return s.retry(o, it, 0, fmt.Errorf("OnPushSending: %w", err))
	}
	return res
}

// retry asks the outbox for another try, or gives up after Options.MaxAttempts tries.
func (s *service) retry(o Options, it outbox.Item, retryAfter time.Duration, err error) outbox.Result {
	if it.Attempts+1 >= o.MaxAttempts {
		return outbox.Result{Err: fmt.Errorf("gave up after %d tries: %w", it.Attempts+1, err)}
	}
	return outbox.Result{Retry: true, RetryAfter: o.retryDelay(it.Attempts, retryAfter), Err: err}
}

// sendAll sends payload to subs, deletes the subscriptions that are gone or unusable, remembers the
// ones reached (for a retry), and reports how many failed transiently, the longest Retry-After and
// the last error.
func (s *service) sendAll(ctx context.Context, app core.App, sender *push.Sender, itemID string,
	subs []*core.Record, payload []byte, roomID string) (transient int, retryAfter time.Duration, lastErr error) {
	list := make([]push.Subscription, len(subs))
	for i, sub := range subs {
		list[i] = subscriptionOf(sub)
	}
	results := sender.SendAll(ctx, list, payload, roomID)
	for i, r := range results {
		sub := subs[i]
		switch {
		case r.Err == nil:
			s.markReached(itemID, sub.Id)
			continue
		case r.Gone, errors.Is(r.Err, push.ErrInvalidSubscription):
			if err := app.Delete(sub); err != nil {
				app.Logger().Error("push: delete dead subscription", "error", err)
			}
			continue
		}
		lastErr = r.Err
		if isTransient(r) {
			transient++
			retryAfter = max(retryAfter, r.RetryAfter)
		} else {
			app.Logger().Warn("push: delivery refused", "error", r.Err)
		}
	}
	return transient, retryAfter, lastErr
}

// isTransient says whether a failed delivery may succeed later: timeouts, connection failures, DNS
// failures, 429 and 5xx. Refusals (the SSRF guard, 4xx, redirects, bad keys) are final.
func isTransient(r push.Result) bool {
	err := r.Err
	var se *push.StatusError
	switch {
	case errors.As(err, &se):
		return se.Status == http.StatusTooManyRequests || se.Status >= 500
	case errors.Is(err, push.ErrInvalidSender), errors.Is(err, push.ErrPayloadTooLarge):
		return false
	case errors.Is(err, push.ErrEndpointRefused):
		// push wraps the guard's reason as text: only a lookup failure is worth another try
		return errors.Is(err, netguard.ErrResolve) || strings.Contains(err.Error(), netguard.ErrResolve.Error())
	case netguard.IsRefused(err):
		return errors.Is(err, netguard.ErrResolve)
	}
	return true // transport errors, timeouts, shutdown
}
