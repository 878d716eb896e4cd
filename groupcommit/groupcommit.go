// Package groupcommit commits many small writes in one SQLite transaction: the dedicated writer of
// the original design (its "Gap #3"). Each write runs inside its own SAVEPOINT, so one write failing
// rolls back only itself; each caller gets its answer only after the transaction that holds its write
// has committed, so nothing is acknowledged before it is durable.
//
// Why: a post's cost is dominated by per-transaction work (the FTS5 index flushes its pending terms
// at every commit, PocketBase's writer connection is taken and released per transaction). Writers that
// arrive while a transaction is committing join the next one, so batches grow only under load and a
// lone writer never waits for company.
package groupcommit

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// MaxBatch bounds how many writes share one transaction.
const MaxBatch = 64

// observer, when set, is told about every committed batch (metrics).
var observer atomic.Pointer[func(writes int, d time.Duration)]

// SetObserver sets the function told about every committed batch, for every app (metrics).
func SetObserver(f func(writes int, d time.Duration)) { observer.Store(&f) }

// ErrStopped is returned for writes submitted after Stop.
var ErrStopped = errors.New("groupcommit: the writer is stopped")

// MaxPending bounds the writes waiting for the writer (four full batches, the size of its queue). Past
// it a write is refused at once with ErrBusy instead of queueing: under overload, callers get a quick
// "try again" (503 with Retry-After) rather than answers that take ever longer.
var MaxPending int64 = 4 * MaxBatch

// ErrBusy is returned for writes refused because MaxPending writes are already waiting.
var ErrBusy = errors.New("groupcommit: too many writes waiting")

// Write is one unit of work; it must use tx for every read and write.
type Write func(tx core.App) error

// BatchHooks run around the writes of every batch, inside its transaction, outside any write's
// savepoint: Begin before the first write, End after the last (an End error fails the whole batch).
type BatchHooks struct {
	Begin func(tx core.App) error
	End   func(tx core.App) error
}

type job struct {
	fn    Write
	alone bool // runs in a transaction of its own, without the batch hooks
	err   error
	done  chan error
}

// Writer batches writes for one app.
type Writer struct {
	app  core.App
	jobs chan *job

	pending atomic.Int64 // writes submitted and not yet answered

	mu       sync.RWMutex
	hooks    []BatchHooks
	stopped  bool
	inflight sync.WaitGroup
	once     sync.Once
	loopDone chan struct{}
}

const storeKey = "campfire.groupcommit"

// For returns the writer of app (one per app; transaction apps share it).
func For(app core.App) *Writer {
	return app.Store().GetOrSet(storeKey, func() any {
		return &Writer{app: app, jobs: make(chan *job, 4*MaxBatch), loopDone: make(chan struct{})}
	}).(*Writer)
}

// Do runs fn inside a shared write transaction and returns once that transaction has committed (fn's
// own error, or the commit's). When app is already inside a transaction, fn runs in it directly:
// waiting for another transaction while holding the writer connection would deadlock.
func Do(app core.App, fn Write) error {
	if app.IsTransactional() {
		return fn(app)
	}
	return For(app).Do(fn)
}

// DoAlone runs fn on the writer in a transaction of its own, in order with the batches before and
// after it, without the batch hooks. For writes that must not share a batch (an edit changes the
// search index directly, which a batch's deferred indexing must not see half done) but whose
// after-commit work must keep the writer's order. Inside a transaction, fn runs in it directly.
func DoAlone(app core.App, fn Write) error {
	if app.IsTransactional() {
		return fn(app)
	}
	return For(app).submit(fn, true)
}

// OnBatch adds hooks that run around every batch.
func (w *Writer) OnBatch(h BatchHooks) {
	w.mu.Lock()
	w.hooks = append(w.hooks, h)
	w.mu.Unlock()
}

// Do submits one write and waits for its commit.
func (w *Writer) Do(fn Write) error { return w.submit(fn, false) }

func (w *Writer) submit(fn Write, alone bool) error {
	w.mu.RLock()
	if w.stopped {
		w.mu.RUnlock()
		return ErrStopped
	}
	if w.pending.Add(1) > MaxPending {
		w.pending.Add(-1)
		w.mu.RUnlock()
		return ErrBusy
	}
	defer w.pending.Add(-1)
	w.inflight.Add(1)
	w.mu.RUnlock()
	defer w.inflight.Done()

	w.once.Do(func() { go w.loop() })
	j := &job{fn: fn, alone: alone, done: make(chan error, 1)}
	w.jobs <- j
	return <-j.done
}

// Stop refuses new writes and waits for the ones already submitted to commit.
func (w *Writer) Stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
	w.inflight.Wait()
}

func (w *Writer) loop() {
	defer close(w.loopDone)
	batch := make([]*job, 0, MaxBatch)
	for first := range w.jobs {
		if first.alone {
			w.commitAlone(first)
			continue
		}
		batch = append(batch[:0], first)
		var alone *job // a lone write that arrived while filling: it goes right after the batch
	fill:
		for len(batch) < MaxBatch {
			select {
			case j := <-w.jobs:
				if j.alone {
					alone = j
					break fill
				}
				batch = append(batch, j)
			default:
				break fill
			}
		}
		w.commit(batch)
		if alone != nil {
			w.commitAlone(alone)
		}
	}
}

func (w *Writer) commitAlone(j *job) {
	start := time.Now()
	err := w.app.RunInTransaction(func(tx core.App) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("write panicked: %v", r)
			}
		}()
		return j.fn(tx)
	})
	if f := observer.Load(); f != nil && *f != nil {
		(*f)(1, time.Since(start))
	}
	j.done <- err
}

func (w *Writer) commit(batch []*job) {
	start := time.Now()
	defer func() {
		if f := observer.Load(); f != nil && *f != nil {
			(*f)(len(batch), time.Since(start))
		}
	}()
	w.mu.RLock()
	hooks := w.hooks
	w.mu.RUnlock()
	txErr := w.app.RunInTransaction(func(tx core.App) error {
		for _, h := range hooks {
			if h.Begin != nil {
				if err := h.Begin(tx); err != nil {
					return fmt.Errorf("batch begin: %w", err)
				}
			}
		}
		for _, j := range batch {
			j.err = runInSavepoint(tx, j.fn)
		}
		for _, h := range hooks {
			if h.End != nil {
				if err := h.End(tx); err != nil {
					return fmt.Errorf("batch end: %w", err)
				}
			}
		}
		return nil
	})
	for _, j := range batch {
		if txErr != nil {
			j.done <- fmt.Errorf("commit: %w", txErr)
		} else {
			j.done <- j.err
		}
	}
}

// runInSavepoint runs fn so that its failure (or panic) undoes only its own changes.
func runInSavepoint(tx core.App, fn Write) (err error) {
	if _, err := tx.DB().NewQuery("SAVEPOINT groupcommit_write").Execute(); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write panicked: %v", r)
		}
		if err != nil {
			if _, rbErr := tx.DB().NewQuery("ROLLBACK TO groupcommit_write").Execute(); rbErr != nil {
				err = errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rbErr))
			}
		}
		if _, relErr := tx.DB().NewQuery("RELEASE groupcommit_write").Execute(); relErr != nil && err == nil {
			err = fmt.Errorf("release savepoint: %w", relErr)
		}
	}()
	return fn(tx)
}
