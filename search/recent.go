package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	pbsearch "github.com/pocketbase/pocketbase/tools/search"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Recent searches are written in batches, off the request path. A write per search made every search
// pay twice: the write transaction itself, and, worse, every reading connection's page cache, which
// SQLite drops whenever another connection has committed (WAL), so the next search read its pages
// again. Remember only notes the query in memory; the notes are written together:
//
//   - FlushDelay after the first unwritten one (one write transaction for all users);
//   - before any record API read of the searches collection (list or view), so a client that lists
//     its recent searches right after a search sees it (read-your-writes);
//   - when the app terminates.
//
// A crash loses at most the last FlushDelay of recent searches (search history, not messages). Each
// query keeps the time it was searched as its `updated` (strictly increasing per user), so the order
// is the order of the searches, not of the writes. Entries of users who are no longer active when
// they are written (deactivated, banned, deleted meanwhile) are dropped, as deactivation drops their
// searches.
const FlushDelay = time.Second

// maxPendingUsers bounds the memory of unwritten searches: past it a write starts at once.
const maxPendingUsers = 10000

const recorderKey = "campfire.search.recent"

type pendingSearch struct {
	query string
	at    time.Time
}

type recorder struct {
	app core.App

	mu      sync.Mutex
	pending map[string][]pendingSearch // by user, oldest first, distinct queries, at most KeepRecent
	last    map[string]time.Time       // by user: the newest time handed out (strictly increasing)
	timer   *time.Timer
	closed  bool

	writeMu sync.Mutex // one write at a time; Forget holds it too, so no write lands after a clear
}

// recorderOf returns app's recorder, making it (and binding its hooks) on first use.
func recorderOf(app core.App) *recorder {
	return app.Store().GetOrSet(recorderKey, func() any {
		r := &recorder{app: app, pending: map[string][]pendingSearch{}, last: map[string]time.Time{}}
		app.OnRecordsListRequest("searches").BindFunc(r.beforeList)
		app.OnRecordViewRequest("searches").BindFunc(r.beforeView)
		app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
			r.close()
			return e.Next()
		})
		return r
	}).(*recorder)
}

// existingRecorder returns app's recorder if Remember ever made one.
func existingRecorder(app core.App) *recorder {
	r, _ := app.Store().Get(recorderKey).(*recorder)
	return r
}

// Remember keeps a query among the user's recent searches (the last KeepRecent, deduplicated). It
// returns at once: the query is written within FlushDelay (see FlushDelay for when else). app must
// be the app, not a transaction (a transaction's app is written to at once, as before).
func Remember(app core.App, userID, query string) error {
	query = strings.TrimSpace(query)
	if query == "" || userID == "" {
		return nil
	}
	if len(query) > MaxQueryLen {
		query = trimToRuneBoundary(query, MaxQueryLen)
	}
	if app.IsTransactional() {
		return save(app, map[string][]pendingSearch{userID: {{query: query, at: time.Now()}}})
	}
	r := recorderOf(app)
	r.mu.Lock()
	closed := r.closed
	r.add(userID, query, time.Now())
	if !closed {
		switch {
		case len(r.pending) >= maxPendingUsers && r.timer != nil:
			r.timer.Reset(0)
		case len(r.pending) >= maxPendingUsers:
			r.timer = time.AfterFunc(0, r.timed)
		case r.timer == nil:
			r.timer = time.AfterFunc(FlushDelay, r.timed)
		}
	}
	r.mu.Unlock()
	if closed { // after terminate: nothing will come back for it
		return r.flush()
	}
	return nil
}

// add notes a search; r.mu is held.
func (r *recorder) add(userID, query string, at time.Time) {
	at = at.UTC().Truncate(time.Millisecond) // the stored precision
	if last := r.last[userID]; !at.After(last) {
		at = last.Add(time.Millisecond)
	}
	r.last[userID] = at
	list := slices.DeleteFunc(r.pending[userID], func(p pendingSearch) bool { return p.query == query })
	list = append(list, pendingSearch{query: query, at: at})
	if len(list) > KeepRecent { // older ones would be trimmed by the write anyway
		list = slices.Delete(list, 0, len(list)-KeepRecent)
	}
	r.pending[userID] = list
}

func (r *recorder) timed() {
	if err := r.flush(); err != nil {
		r.app.Logger().Warn("write recent searches", "error", err)
	}
}

// Flush writes the recent searches Remember has noted and not written yet.
func Flush(app core.App) error {
	if r := existingRecorder(app); r != nil {
		return r.flush()
	}
	return nil
}

// hasPending reports whether something is waiting to be written.
func (r *recorder) hasPending() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending) > 0
}

// flush writes everything pending in one transaction. On failure the entries go back to pending
// (newer searches noted meanwhile win) and the timer tries again.
func (r *recorder) flush() error {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.Lock()
	batch := r.pending
	r.pending = map[string][]pendingSearch{}
	for user, at := range r.last { // only needed while a search of the same millisecond may follow
		if time.Since(at) > FlushDelay {
			delete(r.last, user)
		}
	}
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	r.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := save(r.app, batch)
	if err != nil {
		r.mu.Lock()
		for user, list := range batch {
			newer := r.pending[user]
			merged := slices.DeleteFunc(list, func(p pendingSearch) bool {
				return slices.ContainsFunc(newer, func(n pendingSearch) bool { return n.query == p.query })
			})
			merged = append(merged, newer...)
			if len(merged) > KeepRecent {
				merged = slices.Delete(merged, 0, len(merged)-KeepRecent)
			}
			r.pending[user] = merged
		}
		if r.timer == nil && !r.closed {
			r.timer = time.AfterFunc(FlushDelay, r.timed)
		}
		r.mu.Unlock()
	}
	return err
}

// close writes what is pending and stops the timer for good (the app is terminating).
func (r *recorder) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	if err := r.flush(); err != nil {
		r.app.Logger().Warn("write recent searches at shutdown", "error", err)
	}
}

// forget drops a user's unwritten searches and deletes the written ones, with no write in between.
func (r *recorder) forget(userID string) error {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.Lock()
	delete(r.pending, userID)
	r.mu.Unlock()
	return deleteSearches(r.app, userID)
}

// save writes searches (by user, oldest first) in one transaction: each query is created or moved to
// its time, then the user's list is trimmed to KeepRecent. Users who are not active are skipped.
func save(app core.App, batch map[string][]pendingSearch) error {
	users := make([]string, 0, len(batch))
	for u := range batch {
		users = append(users, u)
	}
	slices.Sort(users)
	return app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId("searches")
		if err != nil {
			return fmt.Errorf("searches collection: %w", err)
		}
		for _, userID := range users {
			var status string
			err := tx.DB().NewQuery("SELECT status FROM users WHERE id = {:user}").
				Bind(dbx.Params{"user": userID}).Row(&status)
			if err != nil || status != "active" { // gone, deactivated or banned since the search
				continue
			}
			for _, p := range batch[userID] {
				rec, err := tx.FindFirstRecordByFilter(col, "user = {:user} && query = {:query}",
					dbx.Params{"user": userID, "query": p.query})
				if err != nil {
					rec = core.NewRecord(col)
					rec.Set("user", userID)
					rec.Set("query", p.query)
				}
				at, err := types.ParseDateTime(p.at)
				if err != nil {
					return err
				}
				rec.SetRaw("updated", at) // autodate keeps a time set this way
				if err := tx.Save(rec); err != nil {
					tx.Logger().Warn("save recent search", "user", userID, "error", err)
					continue
				}
			}
			_, err = tx.DB().NewQuery(`DELETE FROM searches WHERE user = {:user} AND id NOT IN
				(SELECT id FROM searches WHERE user = {:user} ORDER BY updated DESC, id DESC LIMIT {:keep})`).
				Bind(dbx.Params{"user": userID, "keep": KeepRecent}).Execute()
			if err != nil {
				return fmt.Errorf("trim searches: %w", err)
			}
		}
		return nil
	})
}

// beforeList makes a list of the searches collection see every search made before it: when searches
// were waiting, they are written and the list is read again (the record API read it before this
// hook), with the same rules, filter, sort and page as the API's own list.
func (r *recorder) beforeList(e *core.RecordsListRequestEvent) error {
	if !r.hasPending() {
		return e.Next()
	}
	if err := r.flush(); err != nil {
		e.App.Logger().Warn("write recent searches", "error", err)
		return e.Next()
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	query := e.App.RecordQuery(e.Collection)
	resolver := core.NewRecordFieldResolver(e.App, e.Collection, info, true)
	if !info.HasSuperuserAuth() && e.Collection.ListRule != nil && *e.Collection.ListRule != "" {
		expr, err := pbsearch.FilterData(*e.Collection.ListRule).BuildExpr(resolver)
		if err != nil {
			return err
		}
		query.AndWhere(expr)
	}
	resolver.SetAllowHiddenFields(info.HasSuperuserAuth())
	provider := pbsearch.NewProvider(resolver).Query(query)
	if !e.Collection.IsView() {
		provider.CountCol("_rowid_")
	}
	records := []*core.Record{}
	result, err := provider.ParseAndExec(e.Request.URL.Query().Encode(), &records)
	if err != nil {
		return e.BadRequestError("", err)
	}
	e.Records = records
	e.Result = result
	return e.Next()
}

// beforeView is beforeList for a single record: its `updated` may be about to move.
func (r *recorder) beforeView(e *core.RecordRequestEvent) error {
	if !r.hasPending() {
		return e.Next()
	}
	if err := r.flush(); err != nil {
		e.App.Logger().Warn("write recent searches", "error", err)
		return e.Next()
	}
	if e.Record != nil {
		if fresh, err := e.App.FindRecordById(e.Collection, e.Record.Id); err == nil {
			e.Record = fresh
		}
	}
	return e.Next()
}

// Forget clears a user's recent searches, the unwritten ones included.
func Forget(app core.App, userID string) error {
	if r := existingRecorder(app); r != nil && !app.IsTransactional() {
		return r.forget(userID)
	}
	return deleteSearches(app, userID)
}

func deleteSearches(app core.App, userID string) error {
	_, err := app.DB().NewQuery("DELETE FROM searches WHERE user = {:user}").Bind(dbx.Params{"user": userID}).Execute()
	if err != nil {
		return fmt.Errorf("clear searches: %w", err)
	}
	return nil
}
