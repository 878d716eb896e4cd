// Package stmtcache is a database/sql driver, registered as "sqlite_stmtcache", that wraps
// modernc.org/sqlite's driver and keeps a bounded per-connection cache of prepared statements
// keyed by SQL text.
//
// Why: modernc's conn prepares a fresh statement for every ExecContext/QueryContext and finalizes it
// afterwards, and PocketBase (through dbx) runs every statement that way, so parsing and planning
// the same SQL text again and again was ~20% of the server's CPU on the post path. A cached statement
// is reset and reused instead. Everything else (DSN and pragmas, functions and connection hooks
// registered on modernc's driver, transactions, errors, column types, scanning) is modernc's own: the
// wrapper only decides which *stmt runs the SQL.
//
// Rules: SQL is cached the second time a connection sees it: the first time it takes modernc's own
// path (PocketBase builds some SQL that is never seen twice, e.g. the create-rule check of every
// record create names a random CTE; such text would only push useful statements out). A cached
// statement serves one caller at a time (a query keeps it until its Rows is closed); a busy
// statement's SQL takes modernc's uncached path. Scripts (more than one statement) and SQL that
// fails to prepare are never cached. A statement evicted from the LRU, or still cached when its
// connection closes, is finalized when it is idle, or when its Rows is closed.
package stmtcache

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"hash/maphash"
	"reflect"
	"sync"

	"modernc.org/sqlite"
)

// DriverName is the name the driver is registered under with database/sql.
const DriverName = "sqlite_stmtcache"

// Capacity is how many prepared statements each connection keeps.
const Capacity = 256

// seenMax bounds the hashes of SQL seen once (not yet cached) a connection remembers; past it they
// are forgotten all at once.
const seenMax = 4 * Capacity

var seed = maphash.MakeSeed()

func init() {
	sql.Register(DriverName, &Driver{Base: baseDriver()})
}

// baseDriver is the driver modernc registers as "sqlite" (not a fresh &sqlite.Driver{}), so that
// anything registered on it package-wide (functions, collations, connection hooks, vtab modules)
// reaches our connections exactly as it reaches sql.Open("sqlite", ...)'s.
func baseDriver() driver.Driver {
	if c, err := sqlite.NewConnector(""); err == nil {
		return c.Driver()
	}
	return &sqlite.Driver{}
}

// Driver opens connections with Base (modernc's driver; the DSN is passed on unchanged, so
// _pragma and every other parameter is Base's) and wraps each in a statement cache.
type Driver struct {
	Base driver.Driver
}

// Open implements driver.Driver.
func (d *Driver) Open(name string) (driver.Conn, error) {
	bc, err := d.Base.Open(name)
	if err != nil {
		return nil, err
	}
	_, ok1 := bc.(driver.ExecerContext)
	_, ok2 := bc.(driver.QueryerContext)
	_, ok3 := bc.(driver.ConnPrepareContext)
	if !ok1 || !ok2 || !ok3 {
		return bc, nil // not a connection this package knows how to cache for
	}
	return newConn(bc, Capacity), nil
}

// entry is one cached statement.
type entry struct {
	query string
	st    driver.Stmt
	exec  driver.StmtExecContext
	qry   driver.StmtQueryContext
	elem  *list.Element // in conn.lru; nil once removed from the cache
	busy  bool          // in use by a caller (an exec in progress, or open Rows)
}

// conn is a modernc connection with a statement cache in front of ExecContext/QueryContext.
// database/sql uses a driver.Conn from one goroutine at a time; mu still guards the cache so a
// Rows closed from elsewhere (context cancellation) or a raw driver user cannot corrupt it.
type conn struct {
	base     driver.Conn
	execer   driver.ExecerContext
	queryer  driver.QueryerContext
	preparer driver.ConnPrepareContext
	beginner driver.ConnBeginTx

	// cachedBegin: BEGIN/COMMIT/ROLLBACK of BeginTx go through the cache too (modernc runs them with
	// sqlite3_exec, which prepares each time). Only when the connection's begin mode is the default
	// deferred BEGIN, which takes no lock and cannot wait: modernc's _txlock=immediate|exclusive
	// BEGIN can wait on busy_timeout and stays modernc's, interruptible by the context.
	cachedBegin bool

	mu       sync.Mutex
	capacity int
	cache    map[string]*entry
	lru      *list.List          // front: most recently used
	seen     map[uint64]struct{} // hashes of SQL seen once, not cached yet
	nbusy    int                 // entries (cached or evicted) in use
	closing  bool                // Close was called; the base closes when nbusy drops to 0
	closed   bool                // the base is closed
	closeErr error
	disabled bool // modernc's statements are not what this package expects: no caching

	// counters for tests
	prepares  int // statements prepared for the cache
	finalizes int // cached statements finalized
	uncached  int // calls that took modernc's own path (SQL seen for the first time, busy statement)
	oneShots  int // statements prepared but not cacheable (scripts), run once and closed
}

func newConn(bc driver.Conn, capacity int) *conn {
	c := &conn{base: bc, capacity: capacity, cache: make(map[string]*entry), lru: list.New(), seen: make(map[uint64]struct{})}
	c.execer, _ = bc.(driver.ExecerContext)
	c.queryer, _ = bc.(driver.QueryerContext)
	c.preparer, _ = bc.(driver.ConnPrepareContext)
	c.beginner, _ = bc.(driver.ConnBeginTx)
	if mode, ok := beginMode(bc); ok && mode == "" && c.beginner != nil {
		c.cachedBegin = true
	}
	return c
}

// beginMode reads modernc's conn.beginMode (the DSN's _txlock); ok is false if the field is not
// there (another modernc version): then BeginTx stays modernc's.
func beginMode(bc driver.Conn) (string, bool) {
	v := reflect.ValueOf(bc)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return "", false
	}
	f := v.Elem().FieldByName("beginMode")
	if !f.IsValid() || f.Kind() != reflect.String {
		return "", false
	}
	return f.String(), true
}

var (
	pstmtOnce  sync.Once
	pstmtIndex = -1
)

// singleStatement reports whether a statement modernc prepared keeps its prepared handle (its
// unexported *stmt.pstmt is non-zero): true for one statement, false for a script (modernc re-parses
// those on every execution) or SQL with no statement at all. known is false if the field is not
// there (another modernc version): then nothing is cached.
func singleStatement(st driver.Stmt) (single, known bool) {
	v := reflect.ValueOf(st)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return false, false
	}
	v = v.Elem()
	pstmtOnce.Do(func() {
		if f, ok := v.Type().FieldByName("pstmt"); ok && f.Type.Kind() == reflect.Uintptr && len(f.Index) == 1 {
			pstmtIndex = f.Index[0]
		}
	})
	if pstmtIndex < 0 || pstmtIndex >= v.NumField() || v.Type().Field(pstmtIndex).Name != "pstmt" {
		return false, false
	}
	return v.Field(pstmtIndex).Uint() != 0, true
}

// acquire returns the idle cached statement for query, marked busy, preparing and caching it on a
// miss if the SQL was seen before. It returns (nil, st, nil) when the cache is not used: st is a
// one-shot statement (a script) the caller runs and closes, or nil for modernc's own path (SQL seen
// for the first time, the cached statement busy, the connection closing); and the prepare error
// when preparing fails.
func (c *conn) acquire(ctx context.Context, query string) (*entry, driver.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.disabled {
		return nil, nil, nil
	}
	if e, ok := c.cache[query]; ok {
		if e.busy {
			c.uncached++
			return nil, nil, nil
		}
		e.busy = true
		c.nbusy++
		c.lru.MoveToFront(e.elem)
		return e, nil, nil
	}
	h := maphash.String(seed, query)
	if _, ok := c.seen[h]; !ok {
		if len(c.seen) >= seenMax {
			clear(c.seen)
		}
		c.seen[h] = struct{}{}
		c.uncached++
		return nil, nil, nil
	}
	delete(c.seen, h)
	st, err := c.preparer.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err // never cached; the same error modernc's own path returns
	}
	ex, ok1 := st.(driver.StmtExecContext)
	qr, ok2 := st.(driver.StmtQueryContext)
	single, known := singleStatement(st)
	if !ok1 || !ok2 || !known {
		// not modernc's *stmt as this package knows it: never cache, modernc's own path from now on
		st.Close()
		c.disabled = true
		c.uncached++
		return nil, nil, nil
	}
	if !single {
		c.oneShots++
		return nil, st, nil
	}
	c.prepares++
	e := &entry{query: query, st: st, exec: ex, qry: qr, busy: true}
	e.elem = c.lru.PushFront(e)
	c.cache[query] = e
	c.nbusy++
	for c.lru.Len() > c.capacity {
		c.removeLocked(c.lru.Back().Value.(*entry))
	}
	return e, nil, nil
}

// removeLocked takes e out of the cache; an idle statement is finalized now, a busy one on release.
func (c *conn) removeLocked(e *entry) {
	if e.elem == nil {
		return
	}
	c.lru.Remove(e.elem)
	e.elem = nil
	delete(c.cache, e.query)
	if !e.busy {
		c.finalizeLocked(e)
	}
}

func (c *conn) finalizeLocked(e *entry) {
	c.finalizes++
	_ = e.st.Close() // the statement was reset after its last use: nothing to report
}

// release marks e idle again; if it was evicted (or its connection closed) while busy, it is
// finalized now. The last release after Close closes the base connection.
func (c *conn) release(e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.busy = false
	c.nbusy--
	if e.elem == nil {
		c.finalizeLocked(e)
	}
	if c.closing && !c.closed && c.nbusy == 0 {
		c.closed = true
		c.closeErr = c.base.Close()
	}
}

// ExecContext implements driver.ExecerContext.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, oneShot, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		if oneShot == nil {
			return c.execer.ExecContext(ctx, query, args)
		}
		// as modernc's conn.exec: run the statement it prepared, then close it
		r, err := oneShot.(driver.StmtExecContext).ExecContext(ctx, args)
		if err2 := oneShot.Close(); err2 != nil && err == nil {
			err = err2
		}
		return r, err
	}
	// modernc's single-statement exec resets the statement and clears its bindings whatever happened
	// (constraint violation, busy, interrupted), so it stays cached
	r, err := e.exec.ExecContext(ctx, args)
	c.release(e)
	return r, err
}

// QueryContext implements driver.QueryerContext.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	e, oneShot, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		if oneShot == nil {
			return c.queryer.QueryContext(ctx, query, args)
		}
		// a script: its Rows own their statements (modernc's conn.query does the same)
		r, err := oneShot.(driver.StmtQueryContext).QueryContext(ctx, args)
		if err != nil {
			oneShot.Close()
			return nil, err
		}
		if err := oneShot.Close(); err != nil {
			r.Close()
			return nil, err
		}
		return r, nil
	}
	r, err := e.qry.QueryContext(ctx, args)
	if err != nil {
		// modernc reset the statement (step error, bind error, cancelled context)
		c.release(e)
		return nil, err
	}
	return &rows{Rows: r, c: c, e: e}, nil
}

// Exec implements the deprecated driver.Execer, as modernc's conn does.
func (c *conn) Exec(query string, args []driver.Value) (driver.Result, error) {
	return c.ExecContext(context.Background(), query, namedValues(args))
}

// Query implements the deprecated driver.Queryer, as modernc's conn does.
func (c *conn) Query(query string, args []driver.Value) (driver.Rows, error) {
	return c.QueryContext(context.Background(), query, namedValues(args))
}

func namedValues(vals []driver.Value) []driver.NamedValue {
	r := make([]driver.NamedValue, len(vals))
	for i, v := range vals {
		r[i] = driver.NamedValue{Value: v, Ordinal: i + 1}
	}
	return r
}

// Prepare implements driver.Conn: database/sql's own prepared statements are modernc's, uncached.
func (c *conn) Prepare(query string) (driver.Stmt, error) { return c.base.Prepare(query) }

// PrepareContext implements driver.ConnPrepareContext.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.preparer.PrepareContext(ctx, query)
}

// Begin implements driver.Conn.
func (c *conn) Begin() (driver.Tx, error) { return c.BeginTx(context.Background(), driver.TxOptions{}) }

// BeginTx implements driver.ConnBeginTx with modernc's statements ("begin", "commit", "rollback";
// modernc ignores the isolation level too) run through the cache. Like modernc's sqlite3_exec,
// the deferred BEGIN is not interrupted by ctx: it takes no lock and returns at once, and
// database/sql rolls the transaction back when ctx ends.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if !c.cachedBegin {
		return c.beginner.BeginTx(ctx, opts)
	}
	if _, err := c.ExecContext(context.Background(), "begin", nil); err != nil {
		return nil, err
	}
	return &tx{c: c}, nil
}

type tx struct{ c *conn }

// Commit implements driver.Tx. As modernc's: a failed COMMIT that leaves the transaction open
// (SQLITE_BUSY, a deferred foreign key) is rolled back, and the commit's error returned. modernc
// rolls back only when still in a transaction; a ROLLBACK outside one fails harmlessly, ignored.
func (t *tx) Commit() error {
	_, err := t.c.ExecContext(context.Background(), "commit", nil)
	if err != nil {
		t.c.ExecContext(context.Background(), "rollback", nil)
	}
	return err
}

// Rollback implements driver.Tx.
func (t *tx) Rollback() error {
	_, err := t.c.ExecContext(context.Background(), "rollback", nil)
	return err
}

// Close implements driver.Conn: idle cached statements are finalized, and the base connection is
// closed (after the last open Rows of a cached statement, if any: modernc's Close frees what those
// Rows still need).
func (c *conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		if c.closed {
			return c.closeErr
		}
		return nil
	}
	c.closing = true
	for c.lru.Len() > 0 {
		c.removeLocked(c.lru.Front().Value.(*entry))
	}
	if c.nbusy > 0 {
		return nil
	}
	c.closed = true
	c.closeErr = c.base.Close()
	return c.closeErr
}

// purge finalizes the idle cached statements (before the database is replaced under them).
func (c *conn) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if e := el.Value.(*entry); !e.busy {
			c.removeLocked(e)
		}
		el = next
	}
}

// Ping implements driver.Pinger (modernc's runs "select 1"; so does this, cached).
func (c *conn) Ping(ctx context.Context) error {
	if _, ok := c.base.(driver.Pinger); !ok {
		return nil
	}
	_, err := c.ExecContext(ctx, "select 1", nil)
	return err
}

// ResetSession implements driver.SessionResetter.
func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.base.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid implements driver.Validator.
func (c *conn) IsValid() bool {
	c.mu.Lock()
	closing := c.closing
	c.mu.Unlock()
	if closing {
		return false
	}
	if v, ok := c.base.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Unwrap returns modernc's connection (for sql.Conn.Raw users that need it itself).
func (c *conn) Unwrap() driver.Conn { return c.base }

var errUnsupported = errors.New("stmtcache: not supported by the underlying connection")

// The modernc-specific connection interfaces, forwarded so a sql.Conn.Raw user sees the same
// connection (sqlite.FileControl, sqlite.DBStatus, sqlite.HookRegisterer, backups, serialization).

// IsReadOnly forwards modernc's conn.IsReadOnly.
func (c *conn) IsReadOnly(schema string) (bool, error) {
	if b, ok := c.base.(interface{ IsReadOnly(string) (bool, error) }); ok {
		return b.IsReadOnly(schema)
	}
	return false, errUnsupported
}

// ColumnInfo forwards modernc's conn.ColumnInfo.
func (c *conn) ColumnInfo(query string) ([]sqlite.ColumnInfo, error) {
	if b, ok := c.base.(interface {
		ColumnInfo(string) ([]sqlite.ColumnInfo, error)
	}); ok {
		return b.ColumnInfo(query)
	}
	return nil, errUnsupported
}

// Serialize forwards modernc's conn.Serialize.
func (c *conn) Serialize() ([]byte, error) {
	if b, ok := c.base.(interface{ Serialize() ([]byte, error) }); ok {
		return b.Serialize()
	}
	return nil, errUnsupported
}

// Deserialize forwards modernc's conn.Deserialize, finalizing the idle cached statements first.
func (c *conn) Deserialize(buf []byte) error {
	if b, ok := c.base.(interface{ Deserialize([]byte) error }); ok {
		c.purge()
		return b.Deserialize(buf)
	}
	return errUnsupported
}

// NewBackup forwards modernc's conn.NewBackup.
func (c *conn) NewBackup(dstURI string) (*sqlite.Backup, error) {
	if b, ok := c.base.(interface {
		NewBackup(string) (*sqlite.Backup, error)
	}); ok {
		return b.NewBackup(dstURI)
	}
	return nil, errUnsupported
}

// NewRestore forwards modernc's conn.NewRestore, finalizing the idle cached statements first.
func (c *conn) NewRestore(srcURI string) (*sqlite.Backup, error) {
	if b, ok := c.base.(interface {
		NewRestore(string) (*sqlite.Backup, error)
	}); ok {
		c.purge()
		return b.NewRestore(srcURI)
	}
	return nil, errUnsupported
}

// Status forwards sqlite.DBStatus.
func (c *conn) Status(op sqlite.DBStatusOp, reset bool) (current, high int, err error) {
	if b, ok := c.base.(sqlite.DBStatus); ok {
		return b.Status(op, reset)
	}
	return 0, 0, errUnsupported
}

// FileControlPersistWAL forwards sqlite.FileControl.
func (c *conn) FileControlPersistWAL(dbName string, mode int) (int, error) {
	if b, ok := c.base.(sqlite.FileControl); ok {
		return b.FileControlPersistWAL(dbName, mode)
	}
	return 0, errUnsupported
}

// FileControlDataVersion forwards sqlite.FileControl.
func (c *conn) FileControlDataVersion(dbName string) (uint32, error) {
	if b, ok := c.base.(sqlite.FileControl); ok {
		return b.FileControlDataVersion(dbName)
	}
	return 0, errUnsupported
}

// RegisterPreUpdateHook forwards sqlite.HookRegisterer.
func (c *conn) RegisterPreUpdateHook(fn sqlite.PreUpdateHookFn) {
	if b, ok := c.base.(sqlite.HookRegisterer); ok {
		b.RegisterPreUpdateHook(fn)
	}
}

// RegisterCommitHook forwards sqlite.HookRegisterer.
func (c *conn) RegisterCommitHook(fn sqlite.CommitHookFn) {
	if b, ok := c.base.(sqlite.HookRegisterer); ok {
		b.RegisterCommitHook(fn)
	}
}

// RegisterRollbackHook forwards sqlite.HookRegisterer.
func (c *conn) RegisterRollbackHook(fn sqlite.RollbackHookFn) {
	if b, ok := c.base.(sqlite.HookRegisterer); ok {
		b.RegisterRollbackHook(fn)
	}
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Execer             = (*conn)(nil) //nolint:staticcheck // modernc's conn implements it
	_ driver.Queryer            = (*conn)(nil) //nolint:staticcheck
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ sqlite.DBStatus           = (*conn)(nil)
	_ sqlite.FileControl        = (*conn)(nil)
	_ sqlite.HookRegisterer     = (*conn)(nil)
	_ sqlite.ExecQuerierContext = (*conn)(nil)
)

// rows holds a cached statement busy until closed; the column-type interfaces modernc's rows
// implement are forwarded (with database/sql's own defaults if they were not).
type rows struct {
	driver.Rows
	c      *conn
	e      *entry
	closed bool
}

// Close closes modernc's rows, which resets the statement (and clears its bindings), and releases
// the statement. An error here is the one the last step failed with (a runtime error, busy,
// interrupted), returned again by sqlite3_reset as sqlite3_finalize would return it on modernc's
// uncached path; the statement is reset all the same, so it stays cached. (If the reset reported an
// error, modernc skips clearing the bindings: harmless, every parameter is bound again before the
// next step, and modernc's bind fails on a missing argument.)
func (r *rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close()
	r.c.release(r.e)
	return err
}

// ColumnTypeDatabaseTypeName implements driver.RowsColumnTypeDatabaseTypeName.
func (r *rows) ColumnTypeDatabaseTypeName(index int) string {
	if b, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return b.ColumnTypeDatabaseTypeName(index)
	}
	return ""
}

// ColumnTypeLength implements driver.RowsColumnTypeLength.
func (r *rows) ColumnTypeLength(index int) (int64, bool) {
	if b, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return b.ColumnTypeLength(index)
	}
	return 0, false
}

// ColumnTypeNullable implements driver.RowsColumnTypeNullable.
func (r *rows) ColumnTypeNullable(index int) (bool, bool) {
	if b, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return b.ColumnTypeNullable(index)
	}
	return false, false
}

// ColumnTypePrecisionScale implements driver.RowsColumnTypePrecisionScale.
func (r *rows) ColumnTypePrecisionScale(index int) (int64, int64, bool) {
	if b, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return b.ColumnTypePrecisionScale(index)
	}
	return 0, 0, false
}

// ColumnTypeScanType implements driver.RowsColumnTypeScanType.
func (r *rows) ColumnTypeScanType(index int) reflect.Type {
	if b, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return b.ColumnTypeScanType(index)
	}
	return reflect.TypeFor[any]()
}

var (
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeLength           = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
)
