package realtime

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// TestSlowConnectionQueueIsBoundedOrderedAndCoalesced: a connection whose loop is not reading holds
// at most QueueSize events; when the loop takes its one wake-up it gets every queued event at once,
// in order.
func TestSlowConnectionQueueIsBoundedOrderedAndCoalesced(t *testing.T) {
	client := subscriptions.NewDefaultClient() // nobody reads its channel yet: a stalled client
	c := &conn{client: client, topics: map[string][]string{}}
	for i := 0; i < QueueSize; i++ {
		if !c.push(subscriptions.Message{Name: "t", Data: []byte(fmt.Sprint(i))}) {
			t.Fatalf("push %d refused below the bound", i)
		}
	}
	if c.push(subscriptions.Message{Name: "t", Data: []byte("overflow")}) {
		t.Fatal("a stalled connection's queue grew past QueueSize")
	}
	// the loop wakes up once and writes the whole queue
	select {
	case msg := <-client.Channel():
		if msg.Name != wakeName {
			t.Fatalf("the loop got %q, want the wake-up", msg.Name)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up reached the connection loop")
	}
	batch := c.take()
	if len(batch) != QueueSize {
		t.Fatalf("one wake-up took %d events, want all %d", len(batch), QueueSize)
	}
	for i, msg := range batch {
		if string(msg.Data) != fmt.Sprint(i) {
			t.Fatalf("event %d is %q: out of order", i, msg.Data)
		}
	}
	select {
	case msg := <-client.Channel():
		t.Fatalf("a second wake-up (%q) for an emptied queue", msg.Name)
	case <-time.After(50 * time.Millisecond):
	}
	// the next event wakes the loop again
	c.push(subscriptions.Message{Name: "t", Data: []byte("next")})
	select {
	case <-client.Channel():
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up after the queue was emptied")
	}
	if batch := c.take(); len(batch) != 1 || string(batch[0].Data) != "next" {
		t.Fatalf("took %v, want the one new event", batch)
	}
	c.close()
	client.Discard()
}

// TestClientAnswersForeignPrefixesQuickly: a connection with only Campfire topics has nothing under
// PocketBase's record prefixes (asked for every saved record); with a record subscription it answers
// as PocketBase's client does.
func TestClientAnswersForeignPrefixesQuickly(t *testing.T) {
	c := wrapClient(subscriptions.NewDefaultClient())
	c.Subscribe("campfire/rooms/r1", "campfire/users/u1")
	if subs := c.Subscriptions("messages/*?"); len(subs) != 0 {
		t.Fatalf("a Campfire-only client has %v under messages/", subs)
	}
	if subs := c.Subscriptions("campfire/rooms/"); len(subs) != 1 {
		t.Fatalf("campfire/rooms/ prefix: %v, want the room topic", subs)
	}
	if subs := c.Subscriptions(); len(subs) != 2 {
		t.Fatalf("all subscriptions: %v", subs)
	}
	c.Subscribe("messages/*")
	if subs := c.Subscriptions("messages/*"); len(subs) != 1 {
		t.Fatalf("after a record subscription: %v, want it", subs)
	}
	c.Unsubscribe("messages/*")
	if subs := c.Subscriptions("messages/*"); len(subs) != 0 {
		t.Fatalf("after unsubscribing: %v", subs)
	}
}

// TestInOrderSurvivesAPanickingPublish: one hand-over that panics must not stop the ones after it.
func TestInOrderSurvivesAPanickingPublish(t *testing.T) {
	var o ordered
	done := make(chan int, 3)
	o.add(func() { done <- 1 })
	o.add(func() { panic("boom") })
	o.add(func() { done <- 3 })
	for _, want := range []int{1, 3} {
		select {
		case got := <-done:
			if got != want {
				t.Fatalf("ran %d, want %d", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("hand-over %d never ran after a panic", want)
		}
	}
}
