package outbox_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/testkit"
)

func TestDeliveriesAreWrittenWithTheMessageAndRetried(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	outbox.Configure(w.App, outbox.Options{PollInterval: 20 * time.Millisecond})
	outbox.Plan(w.App, "push", func(tx core.App, msg, room, creator *core.Record) ([]string, error) {
		if msg.GetString("plain") == "reject" {
			return nil, errors.New("planner says no")
		}
		return []string{bob.Id}, nil
	})

	var calls atomic.Int32
	delivered := make(chan outbox.Item, 10)
	outbox.Handle(w.App, "push", func(ctx context.Context, app core.App, it outbox.Item) outbox.Result {
		if calls.Add(1) == 1 {
			return outbox.Result{Retry: true, RetryAfter: 10 * time.Millisecond, Err: errors.New("first try fails")}
		}
		delivered <- it
		return outbox.Result{}
	})

	// queued before the worker runs: it is in the table, durable
	msg := w.Post(t, w.AllTalk, w.Admin, "hello")
	if n := outbox.Pending(w.App); n != 1 {
		t.Fatalf("%d pending after post, want 1", n)
	}
	// a planner error rolls the whole post back
	col, _ := w.App.FindCachedCollectionByNameOrId("messages")
	bad := core.NewRecord(col)
	bad.Set("room", w.AllTalk.Id)
	bad.Set("creator", w.Admin.Id)
	bad.Set("body", "reject")
	if err := w.App.Save(bad); err == nil {
		t.Fatal("post with a failing planner was saved")
	}
	var stored int
	_ = w.App.DB().NewQuery("SELECT COUNT(*) FROM messages WHERE plain = 'reject'").Row(&stored)
	if stored != 0 {
		t.Fatal("partial write: the message survived its failed transaction")
	}

	outbox.Start(w.App)
	defer outbox.Stop(w.App)
	select {
	case it := <-delivered:
		if it.Message != msg.Id || it.Recipient != bob.Id || it.Attempts != 1 {
			t.Errorf("delivered %+v", it)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("not delivered")
	}
	deadline := time.Now().Add(2 * time.Second)
	for outbox.Pending(w.App) != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := outbox.Pending(w.App); n != 0 {
		t.Errorf("%d still pending after delivery", n)
	}
}
