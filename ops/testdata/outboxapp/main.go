// Command outboxapp is Campfire with one extra outbox delivery per message, for the shutdown test:
// each message queues a "webhook" delivery to its author, delivered slowly (40 ms) into the file
// named by OUTBOX_TEST_LOG, so that SIGTERM under load finds deliveries queued and in flight.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire"
	"github.com/pocketcampfire/campfire/outbox"
)

func main() {
	app := campfire.New()
	path := os.Getenv("OUTBOX_TEST_LOG")
	var mu sync.Mutex
	outbox.Plan(app, "webhook", func(tx core.App, msg, room, creator *core.Record) ([]string, error) {
		return []string{creator.Id}, nil
	})
	outbox.Handle(app, "webhook", func(ctx context.Context, app core.App, it outbox.Item) outbox.Result {
		select {
		case <-time.After(40 * time.Millisecond):
		case <-ctx.Done():
			return outbox.Result{Retry: true, RetryAfter: time.Second, Err: ctx.Err()}
		}
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return outbox.Result{Retry: true, RetryAfter: time.Second, Err: err}
		}
		defer f.Close()
		fmt.Fprintln(f, it.Message)
		if err := f.Sync(); err != nil {
			return outbox.Result{Retry: true, RetryAfter: time.Second, Err: err}
		}
		return outbox.Result{}
	})
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
