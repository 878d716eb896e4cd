package pushnotify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/push"
)

// SubscriptionsCollection is where browsers' push subscriptions live (SPEC §2).
const SubscriptionsCollection = "push_subscriptions"

// Errors of Subscribe: both are the client's fault (400).
var (
	ErrInvalidSubscription = errors.New("the subscription needs an endpoint and keys p256dh (a P-256 public key) and auth (16 bytes), base64url")
	ErrEndpointNotAllowed  = errors.New("the push endpoint must be an https URL on a public address")
)

// CheckSubscription validates a browser subscription: its shape (push.Subscription.Validate) and its
// endpoint against the SSRF guard (https, every address the host resolves to is public).
func CheckSubscription(ctx context.Context, app core.App, sub push.Subscription) error {
	sub.Endpoint = strings.TrimSpace(sub.Endpoint)
	if err := sub.Validate(); err != nil {
		return ErrInvalidSubscription
	}
	guard, _ := serviceFor(app).network()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := guard.CheckURL(ctx, sub.Endpoint); err != nil {
		return ErrEndpointNotAllowed
	}
	return nil
}

// Subscribe stores (or refreshes) a browser's subscription for userID, keyed by endpoint: a browser
// that signs in as someone else moves its subscription to them. The user keeps at most
// MaxSubscriptionsPerUser browsers, the least recently refreshed go first. The caller has checked sub.
func Subscribe(app core.App, userID string, sub push.Subscription, userAgent string) (*core.Record, error) {
	sub.Endpoint = strings.TrimSpace(sub.Endpoint)
	if len(userAgent) > 500 {
		userAgent = userAgent[:500]
	}
	userAgent = strings.ToValidUTF8(userAgent, "")
	var rec *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		rec, err = tx.FindFirstRecordByData(SubscriptionsCollection, "endpoint", sub.Endpoint)
		if err != nil {
			col, err := tx.FindCachedCollectionByNameOrId(SubscriptionsCollection)
			if err != nil {
				return err
			}
			rec = core.NewRecord(col)
			rec.Set("endpoint", sub.Endpoint)
		}
		rec.Set("user", userID)
		rec.Set("p256dh", sub.P256dh)
		rec.Set("auth", sub.Auth)
		rec.Set("user_agent", userAgent)
		// saved even when nothing changed: "updated" says when the browser last checked in
		if err := tx.Save(rec); err != nil {
			return fmt.Errorf("save push subscription: %w", err)
		}
		return trimSubscriptions(tx, userID, rec.Id)
	})
	return rec, err
}

// trimSubscriptions deletes a user's oldest subscriptions beyond MaxSubscriptionsPerUser.
func trimSubscriptions(app core.App, userID, keepID string) error {
	var ids []string
	err := app.DB().Select("id").From(SubscriptionsCollection).
		Where(dbx.And(dbx.HashExp{"user": userID}, dbx.Not(dbx.HashExp{"id": keepID}))).
		OrderBy("updated DESC", "id DESC").Offset(MaxSubscriptionsPerUser - 1).Column(&ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := deleteSubscription(app, id); err != nil {
			return err
		}
	}
	return nil
}

// Unsubscribe deletes userID's subscription with this endpoint (nothing when there is none, or when it
// belongs to someone else). It reports whether one was deleted.
func Unsubscribe(app core.App, userID, endpoint string) (bool, error) {
	rec, err := app.FindFirstRecordByFilter(SubscriptionsCollection, "endpoint = {:endpoint} && user = {:user}",
		dbx.Params{"endpoint": strings.TrimSpace(endpoint), "user": userID})
	if err != nil {
		return false, nil
	}
	if err := app.Delete(rec); err != nil {
		return false, fmt.Errorf("delete push subscription: %w", err)
	}
	return true, nil
}

// subscriptionOf is a stored subscription as the sender needs it.
func subscriptionOf(rec *core.Record) push.Subscription {
	return push.Subscription{Endpoint: rec.GetString("endpoint"), P256dh: rec.GetString("p256dh"), Auth: rec.GetString("auth")}
}

// subscriptionsOf lists a user's subscriptions, oldest first.
func subscriptionsOf(app core.App, userID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(SubscriptionsCollection, "user = {:user}", "created,id", 0, 0, dbx.Params{"user": userID})
}

// deleteSubscription deletes one subscription through the record API (hooks and realtime see it).
func deleteSubscription(app core.App, id string) error {
	rec, err := app.FindRecordById(SubscriptionsCollection, id)
	if err != nil {
		return nil // already gone
	}
	return app.Delete(rec)
}
