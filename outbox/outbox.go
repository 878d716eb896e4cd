// Package outbox is the durable queue behind webhooks and web push: rows written in the same
// transaction as their message (so a crash after commit loses none), delivered off the request path
// by a worker with bounded concurrency, retried on the schedule their handler asks for, and left
// queued at shutdown for the next start.
//
// A delivery kind (webhook, push) registers a Planner, which decides inside the post's transaction
// who gets something, and a Handler, which delivers one row.
package outbox

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Item is one queued delivery.
type Item struct {
	ID        string `db:"id"`
	Kind      string `db:"kind"`
	Message   string `db:"message"`
	Recipient string `db:"recipient"`
	Attempts  int    `db:"attempts"`
}

// Result is what a handler made of one delivery.
type Result struct {
	// Retry asks for another attempt after RetryAfter; otherwise the item is finished (delivered or
	// given up on: the handler records failures where admins can see them).
	Retry      bool
	RetryAfter time.Duration
	Err        error
}

// Handler delivers one item. It must honour ctx (shutdown, timeouts).
type Handler func(ctx context.Context, app core.App, item Item) Result

// Planner decides, inside the post's write transaction tx, who receives a delivery of its kind for a
// new message. It returns recipient user ids.
type Planner func(tx core.App, msg, room, creator *core.Record) ([]string, error)

// Options tune the worker.
type Options struct {
	Concurrency  int           // deliveries at once (default 8)
	PollInterval time.Duration // fallback poll when nobody wakes the worker (default 2 s)
	Batch        int           // rows read per round (default 100)
	DrainTimeout time.Duration // how long shutdown waits for deliveries in flight (default 10 s)
}

type queue struct {
	app      core.App
	opts     Options
	mu       sync.Mutex
	handlers map[string]Handler
	planners map[string][]Planner
	inFlight map[string]bool
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	wg       sync.WaitGroup
	ctx      context.Context
	cancel   context.CancelFunc
	started  bool
}

const storeKey = "campfire.outbox"

func queueFor(app core.App) *queue {
	return app.Store().GetOrSet(storeKey, func() any {
		ctx, cancel := context.WithCancel(context.Background())
		return &queue{
			app: app, handlers: map[string]Handler{}, planners: map[string][]Planner{}, inFlight: map[string]bool{},
			wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
			ctx: ctx, cancel: cancel,
			opts: Options{Concurrency: 8, PollInterval: 2 * time.Second, Batch: 100, DrainTimeout: 10 * time.Second},
		}
	}).(*queue)
}

// Configure sets the worker options (before the server starts).
func Configure(app core.App, o Options) {
	q := queueFor(app)
	q.mu.Lock()
	defer q.mu.Unlock()
	if o.Concurrency > 0 {
		q.opts.Concurrency = o.Concurrency
	}
	if o.PollInterval > 0 {
		q.opts.PollInterval = o.PollInterval
	}
	if o.Batch > 0 {
		q.opts.Batch = o.Batch
	}
	if o.DrainTimeout > 0 {
		q.opts.DrainTimeout = o.DrainTimeout
	}
}

// Handle registers the handler of a kind.
func Handle(app core.App, kind string, h Handler) {
	q := queueFor(app)
	q.mu.Lock()
	q.handlers[kind] = h
	q.mu.Unlock()
}

// Plan registers a planner of a kind.
func Plan(app core.App, kind string, p Planner) {
	q := queueFor(app)
	q.mu.Lock()
	q.planners[kind] = append(q.planners[kind], p)
	q.mu.Unlock()
}

// Enqueue writes the deliveries for a new message inside its transaction tx, asking every planner.
func Enqueue(tx core.App, msg, room, creator *core.Record) error {
	q := queueFor(tx)
	q.mu.Lock()
	planners := make(map[string][]Planner, len(q.planners))
	for k, v := range q.planners {
		planners[k] = v
	}
	q.mu.Unlock()
	wrote := false
	for kind, list := range planners {
		for _, p := range list {
			recipients, err := p(tx, msg, room, creator)
			if err != nil {
				return fmt.Errorf("plan %s deliveries: %w", kind, err)
			}
			for _, r := range recipients {
				if err := Add(tx, kind, msg.Id, r, 0); err != nil {
					return err
				}
				wrote = true
			}
		}
	}
	if wrote {
		tx.TxInfo().OnComplete(func(txErr error) error {
			if txErr == nil {
				Wake(tx)
			}
			return nil
		})
	}
	return nil
}

// Add queues one delivery, due after delay.
func Add(app core.App, kind, messageID, recipientID string, delay time.Duration) error {
	at, _ := types.ParseDateTime(time.Now().Add(delay).UTC())
	_, err := app.DB().Insert("outbox", dbx.Params{
		"id":              security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789"),
		"kind":            kind,
		"message":         messageID,
		"recipient":       recipientID,
		"attempts":        0,
		"next_attempt_at": at.String(),
		"last_error":      "",
		"created":         types.NowDateTime().String(),
	}).Execute()
	if err != nil {
		return fmt.Errorf("queue %s delivery: %w", kind, err)
	}
	return nil
}

// Wake makes the worker look for due items now.
func Wake(app core.App) {
	select {
	case queueFor(app).wake <- struct{}{}:
	default:
	}
}

// Pending counts queued deliveries (metrics, tests, shutdown reports).
func Pending(app core.App) int {
	var n int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM outbox").Row(&n)
	return n
}

// Register starts the worker when the server starts and stops it, draining deliveries in flight, when
// the app terminates. What is still queued stays in the table for the next start.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfireOutboxStart",
		Func: func(se *core.ServeEvent) error {
			Start(se.App)
			return se.Next()
		},
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "campfireOutboxStop",
		Priority: -100, // before PocketBase closes the database
		Func: func(e *core.TerminateEvent) error {
			Stop(e.App)
			return e.Next()
		},
	})
}

// Start runs the worker (idempotent).
func Start(app core.App) {
	q := queueFor(app)
	q.mu.Lock()
	if q.started {
		q.mu.Unlock()
		return
	}
	q.started = true
	q.mu.Unlock()
	go q.run()
}

// Stop stops taking items and waits up to DrainTimeout for deliveries in flight.
func Stop(app core.App) {
	q := queueFor(app)
	q.mu.Lock()
	started := q.started
	q.started = false
	q.mu.Unlock()
	if !started {
		return
	}
	close(q.stop)
	<-q.done
	finished := make(chan struct{})
	go func() { q.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(q.opts.DrainTimeout):
		q.cancel() // give up on stragglers; their rows stay queued
		<-finished
	}
}

func (q *queue) run() {
	defer close(q.done)
	sem := make(chan struct{}, q.opts.Concurrency)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-q.stop:
			return
		case <-q.wake:
		case <-timer.C:
		}
		q.round(sem)
		timer.Reset(q.opts.PollInterval)
	}
}

// round dispatches every due item that is not already in flight.
func (q *queue) round(sem chan struct{}) {
	var items []Item
	err := q.app.DB().NewQuery(`SELECT id, kind, message, recipient, attempts FROM outbox
		WHERE next_attempt_at <= {:now} ORDER BY next_attempt_at, created LIMIT {:limit}`).
		Bind(dbx.Params{"now": types.NowDateTime().String(), "limit": q.opts.Batch}).All(&items)
	if err != nil {
		q.app.Logger().Error("outbox: read due items", "error", err)
		return
	}
	for _, it := range items {
		q.mu.Lock()
		h := q.handlers[it.Kind]
		busy := q.inFlight[it.ID]
		if h != nil && !busy {
			q.inFlight[it.ID] = true
		}
		q.mu.Unlock()
		if h == nil || busy {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-q.stop:
			q.mu.Lock()
			delete(q.inFlight, it.ID)
			q.mu.Unlock()
			return
		}
		q.wg.Add(1)
		go func(it Item) {
			defer func() {
				<-sem
				q.mu.Lock()
				delete(q.inFlight, it.ID)
				q.mu.Unlock()
				q.wg.Done()
			}()
			q.finish(it, q.deliver(h, it))
		}(it)
	}
}

func (q *queue) deliver(h Handler, it Item) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			res = Result{Retry: true, RetryAfter: time.Minute, Err: fmt.Errorf("handler panic: %v", r)}
		}
	}()
	return h(q.ctx, q.app, it)
}

func (q *queue) finish(it Item, res Result) {
	if q.ctx.Err() != nil && res.Retry {
		return // shutting down: the row stays as it was for the next start
	}
	if !res.Retry {
		if _, err := q.app.DB().Delete("outbox", dbx.HashExp{"id": it.ID}).Execute(); err != nil {
			q.app.Logger().Error("outbox: finish item", "error", err)
		}
		return
	}
	errText := ""
	if res.Err != nil {
		errText = res.Err.Error()
		if len(errText) > 2000 {
			errText = errText[:2000]
		}
	}
	at, _ := types.ParseDateTime(time.Now().Add(res.RetryAfter).UTC())
	_, err := q.app.DB().Update("outbox", dbx.Params{
		"attempts": it.Attempts + 1, "next_attempt_at": at.String(), "last_error": errText,
	}, dbx.HashExp{"id": it.ID}).Execute()
	if err != nil {
		q.app.Logger().Error("outbox: reschedule item", "error", err)
	}
}
