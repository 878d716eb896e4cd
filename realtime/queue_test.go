package realtime

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

func TestSlowConnectionQueueIsBoundedAndOrdered(t *testing.T) {
	client := subscriptions.NewDefaultClient() // nobody reads its channel yet: a stalled client
	c := &conn{client: client, topics: map[string][]string{}}
	for i := 0; i < QueueSize; i++ {
		if !c.push(subscriptions.Message{Name: "t", Data: []byte(fmt.Sprint(i))}) {
			t.Fatalf("push %d refused below the bound", i)
		}
	}
	// one message may already be in flight (handed to Send); the bound then refuses the overflow
	refused := false
	for i := 0; i < 3; i++ {
		if !c.push(subscriptions.Message{Name: "t", Data: []byte("overflow")}) {
			refused = true
		}
	}
	if !refused {
		t.Fatal("a stalled connection's queue grew past QueueSize")
	}
	// a reader appears: everything queued arrives in order
	got := 0
	deadline := time.After(10 * time.Second)
	for got < QueueSize {
		select {
		case msg := <-client.Channel():
			if string(msg.Data) != fmt.Sprint(got) {
				t.Fatalf("message %d arrived as %q: out of order", got, msg.Data)
			}
			got++
		case <-deadline:
			t.Fatalf("only %d of %d delivered", got, QueueSize)
		}
	}
	c.close()
	client.Discard()
}
