package groupcommit_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/pocketcampfire/campfire/groupcommit"
)

func newApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	if _, err := app.DB().NewQuery("CREATE TABLE gc_test (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)").Execute(); err != nil {
		t.Fatal(err)
	}
	return app
}

func count(t *testing.T, app core.App) int {
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM gc_test").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConcurrentWritesOneFailureAbortsOnlyItself(t *testing.T) {
	app := newApp(t)
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = groupcommit.Do(app, func(tx core.App) error {
				if _, err := tx.DB().Insert("gc_test", dbx.Params{"v": fmt.Sprintf("row %d", i)}).Execute(); err != nil {
					return err
				}
				switch {
				case i%10 == 3:
					return errors.New("refused after its insert")
				case i%25 == 7:
					panic("boom")
				}
				return nil
			})
			if errs[i] == nil {
				// acknowledged means committed: visible to a fresh read outside any transaction
				var v string
				if err := app.DB().NewQuery("SELECT v FROM gc_test WHERE v = {:v}").Bind(dbx.Params{"v": fmt.Sprintf("row %d", i)}).Row(&v); err != nil {
					t.Errorf("write %d acknowledged but not visible: %v", i, err)
				}
			}
		}(i)
	}
	wg.Wait()
	want := 0
	for i, err := range errs {
		failing := i%10 == 3 || i%25 == 7
		if failing != (err != nil) {
			t.Errorf("write %d: err=%v, failing=%v", i, err, failing)
		}
		if !failing {
			want++
		}
	}
	if got := count(t, app); got != want {
		t.Fatalf("%d rows, want %d (failed writes must leave nothing behind)", got, want)
	}
}

func TestInsideATransactionRunsInline(t *testing.T) {
	app := newApp(t)
	err := app.RunInTransaction(func(tx core.App) error {
		return groupcommit.Do(tx, func(inner core.App) error {
			_, err := inner.DB().Insert("gc_test", dbx.Params{"v": "inline"}).Execute()
			return err
		})
	})
	if err != nil || count(t, app) != 1 {
		t.Fatalf("inline write: %v, %d rows", err, count(t, app))
	}
}

func TestStopRefusesNewWrites(t *testing.T) {
	app := newApp(t)
	w := groupcommit.For(app)
	if err := w.Do(func(tx core.App) error { return nil }); err != nil {
		t.Fatal(err)
	}
	w.Stop()
	if err := w.Do(func(tx core.App) error { return nil }); !errors.Is(err, groupcommit.ErrStopped) {
		t.Fatalf("after Stop: %v", err)
	}
}

// TestDoAloneSkipsBatchHooksAndKeepsOrder: a lone write gets its own transaction without the batch
// hooks, and the after-commit callbacks of all writes run on the writer in the order they committed.
func TestDoAloneSkipsBatchHooksAndKeepsOrder(t *testing.T) {
	app := newApp(t)
	w := groupcommit.For(app)
	var inBatch sync.Map // tx pointer -> true while a batch's hooks are around it
	w.OnBatch(groupcommit.BatchHooks{
		Begin: func(tx core.App) error { inBatch.Store(tx.DB(), true); return nil },
		End:   func(tx core.App) error { inBatch.Delete(tx.DB()); return nil },
	})
	var mu sync.Mutex
	var committed []int // ids in the order their after-commit callbacks ran
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 1; i <= 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			write := func(tx core.App) error {
				_, batched := inBatch.Load(tx.DB())
				if alone := i%5 == 0; alone == batched {
					return fmt.Errorf("write %d: alone=%v but inside a batch=%v", i, alone, batched)
				}
				var id int64
				if err := tx.DB().NewQuery("INSERT INTO gc_test (v) VALUES ({:v}) RETURNING id").Bind(dbx.Params{"v": fmt.Sprint(i)}).Row(&id); err != nil {
					return err
				}
				tx.TxInfo().OnComplete(func(txErr error) error {
					if txErr == nil {
						mu.Lock()
						committed = append(committed, int(id))
						mu.Unlock()
					}
					return nil
				})
				return nil
			}
			var err error
			if i%5 == 0 {
				err = groupcommit.DoAlone(app, write)
			} else {
				err = groupcommit.Do(app, write)
			}
			if err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(committed) != 200 {
		t.Fatalf("%d after-commit callbacks, want 200", len(committed))
	}
	for k := 1; k < len(committed); k++ {
		if committed[k] <= committed[k-1] {
			t.Fatalf("after-commit callbacks out of commit order: id %d after %d", committed[k], committed[k-1])
		}
	}
}

// TestTooManyWaitingWritesAreRefused: past MaxPending waiting writes, a write is refused at once with
// ErrBusy instead of queueing behind the backlog; once the backlog drains, writes are taken again.
func TestTooManyWaitingWritesAreRefused(t *testing.T) {
	app := newApp(t)
	old := groupcommit.MaxPending
	groupcommit.MaxPending = 1
	t.Cleanup(func() { groupcommit.MaxPending = old })

	release := make(chan struct{})
	started := make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- groupcommit.Do(app, func(tx core.App) error {
			close(started)
			<-release // hold the writer: one write is waiting for its answer
			return nil
		})
	}()
	<-started
	if err := groupcommit.Do(app, func(tx core.App) error { return nil }); !errors.Is(err, groupcommit.ErrBusy) {
		t.Fatalf("a write beyond MaxPending: %v, want ErrBusy", err)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatalf("the write taken before the limit: %v", err)
	}
	if err := groupcommit.Do(app, func(tx core.App) error { return nil }); err != nil {
		t.Fatalf("a write after the backlog drained: %v", err)
	}
}
