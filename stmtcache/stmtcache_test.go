package stmtcache

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"modernc.org/sqlite"
)

const pragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_defensive=1"

func tempDSN(t *testing.T, params string) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "test.db") + params
}

func openDB(t *testing.T, dsn string, maxConns int) *sql.DB {
	t.Helper()
	db, err := sql.Open(DriverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(maxConns)
	t.Cleanup(func() { db.Close() })
	return db
}

// openConn opens one connection with the driver itself (no database/sql).
func openConn(t *testing.T, dsn string) *conn {
	t.Helper()
	bc, err := (&Driver{Base: baseDriver()}).Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	c := bc.(*conn)
	t.Cleanup(func() { c.Close() })
	return c
}

type stats struct{ prepares, finalizes, uncached, oneShots, cached, busy int }

func (c *conn) stats() stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return stats{c.prepares, c.finalizes, c.uncached, c.oneShots, len(c.cache), c.nbusy}
}

func (c *conn) has(query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.cache[query]
	return ok
}

// rawConn is the *conn behind a sql.Conn.
func rawConn(t *testing.T, sc *sql.Conn) *conn {
	t.Helper()
	var c *conn
	if err := sc.Raw(func(dc any) error { c = dc.(*conn); return nil }); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustExec(t *testing.T, e interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, q string, args ...any) sql.Result {
	t.Helper()
	r, err := e.ExecContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return r
}

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return -1
}

func TestPragmasFromDSNApply(t *testing.T) {
	dsn := tempDSN(t, pragmas)
	db := openDB(t, dsn, 1)
	for q, want := range map[string]string{
		"PRAGMA journal_mode": "wal", "PRAGMA busy_timeout": "10000",
		"PRAGMA foreign_keys": "1", "PRAGMA synchronous": "1",
	} {
		var got string
		if err := db.QueryRow(q).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", q, got, err, want)
		}
	}
	// _defensive=1: shadow tables of a virtual table cannot be written
	mustExec(t, db, "CREATE VIRTUAL TABLE f USING fts5(x)")
	if _, err := db.Exec("DELETE FROM f_data"); err == nil {
		t.Error("_defensive=1 did not apply")
	}
	// _txlock=immediate: BeginTx stays modernc's (BEGIN IMMEDIATE may wait, interruptibly)
	imm := openDB(t, tempDSN(t, pragmas+"&_txlock=immediate"), 1)
	sc, err := imm.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rawConn(t, sc).cachedBegin {
		t.Error("_txlock=immediate: BEGIN cached")
	}
	sc.Close()
	tx, err := imm.Begin()
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, tx, "CREATE TABLE t(x)")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// a bad DSN parameter is modernc's error
	bad, _ := sql.Open(DriverName, tempDSN(t, "?_txlock=bogus"))
	defer bad.Close()
	if err := bad.Ping(); err == nil || !strings.Contains(err.Error(), "_txlock") {
		t.Errorf("bad _txlock: %v", err)
	}
}

func TestRepeatedExecAndQueryReuseOneStatement(t *testing.T) {
	db := openDB(t, tempDSN(t, pragmas), 1)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")
	sc, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	c := rawConn(t, sc)
	before := c.stats()
	for i := range 100 {
		mustExec(t, sc, "INSERT INTO t(id, name) VALUES(?, ?)", i, fmt.Sprint("n", i))
	}
	for i := range 100 {
		var name string
		if err := sc.QueryRowContext(context.Background(), "SELECT name FROM t WHERE id = ?", i).Scan(&name); err != nil || name != fmt.Sprint("n", i) {
			t.Fatalf("row %d: %q %v", i, name, err)
		}
	}
	after := c.stats()
	if got := after.prepares - before.prepares; got != 2 {
		t.Errorf("200 calls with 2 SQL texts prepared %d statements, want 2", got)
	}
	if after.uncached-before.uncached != 2 || after.busy != 0 { // the first sighting of each
		t.Errorf("stats %+v -> %+v", before, after)
	}
	var n int
	if err := sc.QueryRowContext(context.Background(), "SELECT count(*) FROM t").Scan(&n); err != nil || n != 100 {
		t.Fatalf("count %d %v", n, err)
	}
}

func TestNestedSameSQLWhileRowsOpen(t *testing.T) {
	db := openDB(t, tempDSN(t, pragmas), 1)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY)")
	for i := 1; i <= 5; i++ {
		mustExec(t, db, "INSERT INTO t VALUES(?)", i)
	}
	ctx := context.Background()
	sc, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	c := rawConn(t, sc)
	const q = "SELECT id FROM t WHERE id >= ? ORDER BY id"
	for range 2 { // cached the second time
		var first int
		if err := sc.QueryRowContext(ctx, q, 1).Scan(&first); err != nil {
			t.Fatal(err)
		}
	}
	if !c.has(q) {
		t.Fatal("not cached after two uses")
	}
	s0 := c.stats()
	outer, err := sc.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for outer.Next() {
		var a int
		if err := outer.Scan(&a); err != nil {
			t.Fatal(err)
		}
		inner, err := sc.QueryContext(ctx, q, a) // same SQL while the outer rows are open
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			var b int
			if err := inner.Scan(&b); err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, fmt.Sprint(a, b))
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
		mustExec(t, sc, "SELECT ?", a) // other statements still go through the cache meanwhile
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if len(pairs) != 15 || pairs[0] != "1 1" || pairs[14] != "5 5" {
		t.Fatalf("pairs %v", pairs)
	}
	s := c.stats()
	if s.uncached-s0.uncached != 6 || s.busy != 0 { // the 5 inner queries, and "SELECT ?" once
		t.Errorf("stats %+v -> %+v, want 6 uncached calls, none busy", s0, s)
	}
	// released: the next use of q is the cached statement again
	prep := s.prepares
	var n int
	if err := sc.QueryRowContext(ctx, q, 5).Scan(&n); err != nil || n != 5 {
		t.Fatal(n, err)
	}
	if s2 := c.stats(); s2.prepares != prep || s2.uncached != s.uncached {
		t.Errorf("after release: %+v", s2)
	}
}

func TestTransactionsSavepointsRollback(t *testing.T) {
	db := openDB(t, tempDSN(t, pragmas), 1)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY)")
	ctx := context.Background()
	var c *conn
	var warm stats
	for i := range 20 {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "INSERT INTO t VALUES(?)", 1000+i)
		mustExec(t, tx, "SAVEPOINT sp")
		mustExec(t, tx, "INSERT INTO t VALUES(?)", 2000+i)
		mustExec(t, tx, "ROLLBACK TO sp")
		mustExec(t, tx, "RELEASE sp")
		mustExec(t, tx, "SAVEPOINT sp")
		mustExec(t, tx, "INSERT INTO t VALUES(?)", 3000+i)
		mustExec(t, tx, "RELEASE sp")
		if i%2 == 0 {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 { // every statement seen twice: cached
			sc, _ := db.Conn(ctx)
			c = rawConn(t, sc)
			sc.Close()
			warm = c.stats()
		}
	}
	if s := c.stats(); s.prepares != warm.prepares || s.uncached != warm.uncached {
		t.Errorf("transactions kept preparing: %+v after 4, %+v after 20", warm, s)
	}
	for _, q := range []string{"begin", "commit", "rollback", "SAVEPOINT sp", "RELEASE sp", "ROLLBACK TO sp"} {
		if !c.has(q) {
			t.Errorf("%q not cached", q)
		}
	}
	var n2000, n1000, n3000 int
	if err := db.QueryRow("SELECT count(*) FILTER (WHERE id < 2000), count(*) FILTER (WHERE id BETWEEN 2000 AND 2999), count(*) FILTER (WHERE id >= 3000) FROM t").Scan(&n1000, &n2000, &n3000); err != nil {
		t.Fatal(err)
	}
	if n1000 != 10 || n2000 != 0 || n3000 != 10 {
		t.Errorf("rows %d %d %d, want 10 0 10", n1000, n2000, n3000)
	}

	// dbx on top: the way PocketBase runs transactions
	xdb := dbx.NewFromDB(db, DriverName)
	for i := range 5 {
		err := xdb.Transactional(func(tx *dbx.Tx) error {
			if _, err := tx.NewQuery("INSERT INTO t VALUES({:id})").Bind(dbx.Params{"id": 5000 + i}).Execute(); err != nil {
				return err
			}
			if i == 4 {
				return errors.New("roll back")
			}
			return nil
		})
		if (err != nil) != (i == 4) {
			t.Fatal(i, err)
		}
	}
	var n int
	if err := xdb.NewQuery("SELECT count(*) FROM t WHERE id >= 5000").Row(&n); err != nil || n != 4 {
		t.Fatalf("dbx transactions: %d %v", n, err)
	}
}

// A COMMIT that fails and leaves the transaction open is rolled back (as modernc's Commit does),
// so the pooled connection is not left inside a transaction.
func TestFailedCommitRollsBack(t *testing.T) {
	dsn := tempDSN(t, pragmas)
	db := openDB(t, dsn, 1)
	mustExec(t, db, "CREATE TABLE p(id INTEGER PRIMARY KEY)")
	mustExec(t, db, "CREATE TABLE ch(id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, tx, "INSERT INTO ch VALUES(1, 42)")
	if err := tx.Commit(); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("commit: %v", err)
	}
	mustExec(t, db, "INSERT INTO p VALUES(1)") // autocommit: would fail/stay uncommitted inside a leftover transaction
	other, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n, m int
	if err := other.QueryRow("SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM ch)").Scan(&n, &m); err != nil || n != 1 || m != 0 {
		t.Fatalf("seen from another connection: p=%d ch=%d %v", n, m, err)
	}
}

func TestErrorsLeaveTheStatementReusable(t *testing.T) {
	db := openDB(t, tempDSN(t, pragmas), 1)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, u TEXT UNIQUE)")
	ctx := context.Background()
	sc, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	c := rawConn(t, sc)

	// each error below comes from the cached statement (its SQL's second use or later), and the
	// same statement serves the next call
	const ins = "INSERT INTO t(u) VALUES(?)"
	mustExec(t, sc, ins, "a") // first sighting: modernc's own path
	_, err = sc.ExecContext(ctx, ins, "a")
	if code := sqliteCode(err); code != 2067 { // SQLITE_CONSTRAINT_UNIQUE
		t.Fatalf("duplicate: %v (code %d)", err, code)
	}
	mustExec(t, sc, ins, "b")
	// the query path (RETURNING steps in QueryContext)
	const ret = "INSERT INTO t(u) VALUES(?) RETURNING id"
	var id int
	if err := sc.QueryRowContext(ctx, ret, "c").Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := sc.QueryRowContext(ctx, ret, "c").Scan(&id); sqliteCode(err) != 2067 {
		t.Fatalf("duplicate RETURNING: %v", err)
	}
	if err := sc.QueryRowContext(ctx, ret, "d").Scan(&id); err != nil || id != 4 {
		t.Fatalf("after the violation: id %d %v", id, err)
	}
	// a bind error (missing argument) then success
	const named = "INSERT INTO t(u) VALUES(:u)"
	mustExec(t, sc, named, sql.Named("u", "e"))
	if _, err := sc.ExecContext(ctx, named); err == nil || !strings.Contains(err.Error(), "missing named argument") {
		t.Fatalf("missing argument: %v", err)
	}
	mustExec(t, sc, named, sql.Named("u", "f"))
	// a runtime error in the middle of rows, then the same statement again
	const bad = "SELECT CASE WHEN id >= ? THEN json('{') ELSE id END FROM t ORDER BY id"
	for _, from := range []int{3, 3, 100} {
		rows, err := sc.QueryContext(ctx, bad, from)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for rows.Next() {
			seen++
		}
		if (rows.Err() != nil) != (from == 3) || (from == 100 && seen != 6) {
			t.Fatalf("from %d: %d rows, err %v", from, seen, rows.Err())
		}
		rows.Close()
	}
	s := c.stats()
	for _, q := range []string{ins, ret, named, bad} {
		if !c.has(q) {
			t.Errorf("%q not cached", q)
		}
	}
	if s.prepares != 4 || s.finalizes != 0 || s.busy != 0 { // each prepared once
		t.Errorf("stats %+v", s)
	}
	var n int
	if err := sc.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 6 {
		t.Fatal(n, err)
	}
}

func TestBusyThenSuccess(t *testing.T) {
	dsn := tempDSN(t, "?_pragma=busy_timeout(0)&_pragma=journal_mode(WAL)")
	db := openDB(t, dsn, 1)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY)")
	const ins = "INSERT INTO t VALUES(?)"
	mustExec(t, db, ins, 1)

	other := openDB(t, dsn, 1)
	ctx := context.Background()
	holder, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	mustExec(t, holder, "BEGIN IMMEDIATE")
	_, err = db.Exec(ins, 2)
	if code := sqliteCode(err); code&0xff != 5 { // SQLITE_BUSY
		t.Fatalf("want SQLITE_BUSY, got %v", err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ins, 3); sqliteCode(err)&0xff != 5 {
		t.Fatalf("in a transaction: want SQLITE_BUSY, got %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	mustExec(t, holder, "ROLLBACK")
	mustExec(t, db, ins, 2)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Fatal(n, err)
	}
}

func TestSchemaChangesBetweenUses(t *testing.T) {
	dsn := tempDSN(t, pragmas)
	db := openDB(t, dsn, 1)
	ctx := context.Background()
	sc, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	c := rawConn(t, sc)
	mustExec(t, sc, "CREATE TABLE t(a INTEGER, b TEXT)")
	const ins = "INSERT INTO t(a) VALUES(?)"
	const sel = "SELECT * FROM t"
	columns := func() []string {
		t.Helper()
		rows, err := sc.QueryContext(ctx, sel)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
		}
		return cols
	}
	for range 2 { // cached from the second use
		mustExec(t, sc, ins, 1)
		if got := columns(); len(got) != 2 {
			t.Fatal(got)
		}
	}
	if !c.has(ins) || !c.has(sel) {
		t.Fatal("not cached")
	}
	prep := c.stats().prepares

	mustExec(t, sc, "ALTER TABLE t ADD COLUMN c TEXT DEFAULT 'x'") // SQLITE_SCHEMA: re-prepared inside SQLite
	mustExec(t, sc, ins, 2)
	if got := columns(); strings.Join(got, ",") != "a,b,c" {
		t.Fatalf("after ALTER: %v", got)
	}
	var cv string
	if err := sc.QueryRowContext(ctx, "SELECT c FROM t WHERE a = ?", 2).Scan(&cv); err != nil || cv != "x" {
		t.Fatal(cv, err)
	}

	// DDL from another connection: the schema cookie changes under the cached statements
	other := openDB(t, dsn, 1)
	mustExec(t, other, "ALTER TABLE t ADD COLUMN d INTEGER DEFAULT 7")
	mustExec(t, sc, ins, 3)
	if got := columns(); strings.Join(got, ",") != "a,b,c,d" {
		t.Fatalf("after another connection's ALTER: %v", got)
	}

	mustExec(t, sc, "DROP TABLE t")
	if _, err := sc.ExecContext(ctx, ins, 3); err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Fatalf("after DROP: %v", err)
	}
	if _, err := sc.QueryContext(ctx, sel); err == nil {
		t.Fatal("query of a dropped table succeeded")
	}
	mustExec(t, sc, "CREATE TABLE t(a TEXT)")
	mustExec(t, sc, ins, "three")
	if got := columns(); strings.Join(got, ",") != "a" {
		t.Fatalf("recreated: %v", got)
	}
	// the cached ins and sel served every use (SQLite re-prepared them inside); the rest ran once each
	if s := c.stats(); s.prepares != prep || s.finalizes != 0 || !c.has(ins) || !c.has(sel) {
		t.Errorf("stats %+v, prepares before %d", s, prep)
	}
}

// exec runs q on c n times (SQL is cached from its second use).
func exec(t *testing.T, c *conn, n int, q string, args ...driver.NamedValue) {
	t.Helper()
	for range n {
		if _, err := c.ExecContext(context.Background(), q, args); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestLRUBound(t *testing.T) {
	c := openConn(t, tempDSN(t, pragmas))
	q := func(i int) string { return fmt.Sprintf("SELECT %d", i) }
	for i := range Capacity {
		exec(t, c, 2, q(i))
	}
	if s := c.stats(); s.cached != Capacity || s.finalizes != 0 || s.prepares != Capacity {
		t.Fatalf("full: %+v", s)
	}
	exec(t, c, 1, q(0)) // most recently used now
	for i := Capacity; i < Capacity+10; i++ {
		exec(t, c, 2, q(i))
	}
	s := c.stats()
	if s.cached != Capacity || s.finalizes != 10 || s.prepares != Capacity+10 {
		t.Fatalf("after 10 more: %+v", s)
	}
	if !c.has(q(0)) || c.has(q(1)) || c.has(q(10)) || !c.has(q(11)) {
		t.Errorf("LRU order: 0 %v, 1 %v, 10 %v, 11 %v", c.has(q(0)), c.has(q(1)), c.has(q(10)), c.has(q(11)))
	}
	exec(t, c, 2, q(1)) // evicted: prepared again on its second use since
	if s := c.stats(); s.prepares != Capacity+11 || s.cached != Capacity || s.finalizes != 11 {
		t.Errorf("re-prepare: %+v", s)
	}
}

// SQL seen once never enters the cache (PocketBase's create-rule check names a random CTE on every
// record create), and the memory of what was seen is bounded.
func TestSQLSeenOnceIsNotCached(t *testing.T) {
	c := openConn(t, tempDSN(t, pragmas))
	exec(t, c, 2, "SELECT 'hot'")
	for i := range 3 * seenMax {
		exec(t, c, 1, fmt.Sprintf("WITH __pb_create__%d AS (SELECT 1) SELECT * FROM __pb_create__%d", i, i))
	}
	s := c.stats()
	if s.prepares != 1 || s.cached != 1 || !c.has("SELECT 'hot'") || s.uncached != 1+3*seenMax {
		t.Errorf("stats %+v", s)
	}
	c.mu.Lock()
	seen := len(c.seen)
	c.mu.Unlock()
	if seen > seenMax {
		t.Errorf("%d hashes remembered, bound %d", seen, seenMax)
	}
}

func TestEvictedWhileBusyIsFinalizedOnClose(t *testing.T) {
	c := openConn(t, tempDSN(t, pragmas))
	ctx := context.Background()
	exec(t, c, 1, "CREATE TABLE t(x)")
	for i := range 3 {
		exec(t, c, 1, "INSERT INTO t VALUES(?)", driver.NamedValue{Ordinal: 1, Value: int64(i)})
	}
	const q = "SELECT x FROM t ORDER BY x"
	exec(t, c, 1, q)
	r, err := c.QueryContext(ctx, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(*rows); !ok || !c.has(q) {
		t.Fatal("not the cached statement")
	}
	dest := make([]driver.Value, 1)
	if err := r.Next(dest); err != nil || dest[0] != int64(0) {
		t.Fatal(dest, err)
	}
	for i := range Capacity {
		exec(t, c, 2, fmt.Sprintf("SELECT %d", i))
	}
	before := c.stats()
	if c.has(q) || before.busy != 1 {
		t.Fatalf("q still cached or not busy: %+v", before)
	}
	if err := r.Next(dest); err != nil || dest[0] != int64(1) { // the evicted statement still serves its rows
		t.Fatal(dest, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if after := c.stats(); after.finalizes != before.finalizes+1 || after.busy != 0 {
		t.Errorf("closing the rows of an evicted statement: %+v -> %+v", before, after)
	}
}

func TestCloseFinalizesEverything(t *testing.T) {
	c := openConn(t, tempDSN(t, pragmas))
	ctx := context.Background()
	exec(t, c, 1, "CREATE TABLE t(x)")
	for _, q := range []string{"INSERT INTO t VALUES(1)", "INSERT INTO t VALUES(2)", "SELECT 1", "SELECT 2"} {
		exec(t, c, 2, q)
	}
	const q = "SELECT x FROM t ORDER BY x"
	exec(t, c, 1, q)
	r, err := c.QueryContext(ctx, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	s := c.stats()
	if s.finalizes != 4 || s.cached != 0 || c.closed || c.IsValid() {
		t.Fatalf("after Close with open rows: %+v closed=%v", s, c.closed)
	}
	dest := make([]driver.Value, 1)
	if err := r.Next(dest); err != nil || dest[0] != int64(1) {
		t.Fatal(dest, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if s := c.stats(); s.finalizes != 5 || s.prepares != 5 || !c.closed || c.closeErr != nil {
		t.Fatalf("after the rows closed: %+v closed=%v %v", s, c.closed, c.closeErr)
	}
	if err := c.Close(); err != nil {
		t.Fatal("second Close:", err)
	}

	// through database/sql: DB.Close closes every connection, finalizing every statement
	db, err := sql.Open(DriverName, tempDSN(t, pragmas))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE t(x)")
	mustExec(t, db, "INSERT INTO t VALUES(?)", 1)
	mustExec(t, db, "INSERT INTO t VALUES(?)", 2)
	sc, _ := db.Conn(ctx)
	c2 := rawConn(t, sc)
	sc.Close()
	db.Close()
	if s := c2.stats(); !c2.closed || s.prepares == 0 || s.finalizes != s.prepares || s.cached != 0 {
		t.Fatalf("after DB.Close: %+v closed=%v", s, c2.closed)
	}
}

func TestScriptsAndBadSQLAreNotCached(t *testing.T) {
	dsn := tempDSN(t, pragmas)
	c := openConn(t, dsn)
	ctx := context.Background()
	exec(t, c, 2, "CREATE TABLE IF NOT EXISTS a(x); CREATE TABLE IF NOT EXISTS b(y); INSERT INTO a VALUES(1);")
	exec(t, c, 2, "-- nothing")
	s := c.stats()
	if s.cached != 0 || s.prepares != 0 || s.uncached != 2 || s.oneShots != 2 {
		t.Fatalf("scripts: %+v", s)
	}
	bc, err := baseDriver().Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer bc.Close()
	// a script query answers as modernc's does (the first time through modernc, the second as a
	// statement prepared for one use)
	collect := func(r driver.Rows, err error) []driver.Value {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var out []driver.Value
		dest := make([]driver.Value, len(r.Columns()))
		for r.Next(dest) == nil {
			out = append(out, dest...)
		}
		return out
	}
	const script = "SELECT 1; SELECT x FROM a"
	theirs := collect(bc.(driver.QueryerContext).QueryContext(ctx, script, nil))
	for range 3 {
		if ours := collect(c.QueryContext(ctx, script, nil)); !reflect.DeepEqual(ours, theirs) || len(ours) != 2 {
			t.Errorf("script query: ours %v, modernc %v", ours, theirs)
		}
	}

	for range 2 {
		_, err = c.ExecContext(ctx, "SELEC 1", nil)
		_, berr := bc.(driver.ExecerContext).ExecContext(ctx, "SELEC 1", nil)
		if err == nil || berr == nil || err.Error() != berr.Error() {
			t.Errorf("syntax error: ours %v, modernc %v", err, berr)
		}
		if _, err := c.QueryContext(ctx, "SELECT nope FROM a", nil); err == nil {
			t.Error("bad column accepted")
		}
	}
	if s := c.stats(); s.cached != 0 || s.prepares != 0 {
		t.Errorf("bad SQL cached: %+v", s)
	}
	single, known := singleStatement(mustPrepare(t, c, "SELECT 1;"))
	script2, _ := singleStatement(mustPrepare(t, c, "SELECT 1; SELECT 2"))
	if !known || !single || script2 {
		t.Error("singleStatement cannot read modernc's stmt.pstmt")
	}
}

func mustPrepare(t *testing.T, c *conn, q string) driver.Stmt {
	t.Helper()
	st, err := c.PrepareContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// The wrapper implements exactly the database/sql interfaces modernc's conn and rows implement,
// and reports the same column types and values.
func TestSameInterfacesAndColumnTypesAsModernc(t *testing.T) {
	dsn := tempDSN(t, pragmas)
	c := openConn(t, dsn)
	if !c.cachedBegin {
		t.Error("modernc's conn.beginMode not found: BEGIN is not cached")
	}
	bc, err := baseDriver().Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer bc.Close()
	connIfaces := []reflect.Type{
		reflect.TypeFor[driver.Conn](), reflect.TypeFor[driver.ConnBeginTx](), reflect.TypeFor[driver.ConnPrepareContext](),
		reflect.TypeFor[driver.ExecerContext](), reflect.TypeFor[driver.QueryerContext](),
		reflect.TypeFor[driver.Execer](), reflect.TypeFor[driver.Queryer](), //nolint:staticcheck
		reflect.TypeFor[driver.Pinger](), reflect.TypeFor[driver.SessionResetter](), reflect.TypeFor[driver.Validator](),
		reflect.TypeFor[driver.NamedValueChecker](), reflect.TypeFor[driver.ColumnConverter](), //nolint:staticcheck
		reflect.TypeFor[sqlite.DBStatus](), reflect.TypeFor[sqlite.FileControl](), reflect.TypeFor[sqlite.HookRegisterer](),
	}
	for _, it := range connIfaces {
		if a, b := reflect.TypeOf(c).Implements(it), reflect.TypeOf(bc).Implements(it); a != b {
			t.Errorf("conn %v: ours %v, modernc %v", it, a, b)
		}
	}
	for _, m := range []string{"IsReadOnly", "ColumnInfo", "Serialize", "Deserialize", "NewBackup", "NewRestore"} {
		if _, ok := reflect.TypeOf(bc).MethodByName(m); ok {
			if _, ours := reflect.TypeOf(c).MethodByName(m); !ours {
				t.Errorf("conn method %s not forwarded", m)
			}
		}
	}

	ctx := context.Background()
	if _, err := c.ExecContext(ctx, "CREATE TABLE t(i INTEGER, s TEXT, d DATETIME, b BOOLEAN, r REAL, bl BLOB, n, v VARCHAR(10))", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO t VALUES(1, 's', '2024-05-06 07:08:09.123Z', 1, 1.5, x'0102', NULL, 'v')", nil); err != nil {
		t.Fatal(err)
	}
	exec(t, c, 1, "SELECT * FROM t")
	r, err := c.QueryContext(ctx, "SELECT * FROM t", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(*rows); !ok {
		t.Fatal("not the cached statement's rows")
	}
	br, err := bc.(driver.QueryerContext).QueryContext(ctx, "SELECT * FROM t", nil)
	if err != nil {
		t.Fatal(err)
	}
	rowsIfaces := []reflect.Type{
		reflect.TypeFor[driver.Rows](), reflect.TypeFor[driver.RowsNextResultSet](), reflect.TypeFor[driver.RowsColumnTypeDatabaseTypeName](),
		reflect.TypeFor[driver.RowsColumnTypeLength](), reflect.TypeFor[driver.RowsColumnTypeNullable](),
		reflect.TypeFor[driver.RowsColumnTypePrecisionScale](), reflect.TypeFor[driver.RowsColumnTypeScanType](),
	}
	for _, it := range rowsIfaces {
		if a, b := reflect.TypeOf(r).Implements(it), reflect.TypeOf(br).Implements(it); a != b {
			t.Errorf("rows %v: ours %v, modernc %v", it, a, b)
		}
	}
	r.Close()
	br.Close()

	// through database/sql, both drivers: column types and scanned values
	describe := func(driverName string) string {
		db, err := sql.Open(driverName, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var out strings.Builder
		for range 3 { // from the second time on, the cached statements
			rows, err := db.Query("SELECT *, d AS d2 FROM t")
			if err != nil {
				t.Fatal(err)
			}
			cts, _ := rows.ColumnTypes()
			for _, ct := range cts {
				l, lok := ct.Length()
				nl, nok := ct.Nullable()
				p, s, pok := ct.DecimalSize()
				fmt.Fprintf(&out, "%s %s %v %d %v %v %v %d %d %v|", ct.Name(), ct.DatabaseTypeName(), ct.ScanType(), l, lok, nl, nok, p, s, pok)
			}
			vals := make([]any, len(cts))
			ptrs := make([]any, len(cts))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&out, "%#v\n", vals)
			}
			var tm time.Time
			rows.Close()
			if err := db.QueryRow("SELECT d FROM t").Scan(&tm); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "%v\n", tm)
		}
		return out.String()
	}
	if ours, theirs := describe(DriverName), describe("sqlite"); ours != theirs {
		t.Errorf("column types and values differ:\nours:    %s\nmodernc: %s", ours, theirs)
	}
}

func TestCancelledContextThenReuse(t *testing.T) {
	db := openDB(t, tempDSN(t, pragmas), 1)
	mustExec(t, db, "CREATE TABLE t(x)")
	mustExec(t, db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 1000) INSERT INTO t SELECT i FROM c")
	const q = "SELECT x FROM t ORDER BY x"
	const upd = "UPDATE t SET x = x WHERE x = ?"
	const slow = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < ?) SELECT count(*) FROM c"
	var first int
	for range 2 { // cached from the second use
		if err := db.QueryRow(q).Scan(&first); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, upd, 1)
		mustExec(t, db, slow, 10)
	}
	sc, _ := db.Conn(context.Background())
	c := rawConn(t, sc)
	sc.Close()
	warm := c.stats()

	// rows of the cached statement abandoned by a cancelled context
	ctx, cancel := context.WithCancel(context.Background())
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	cancel()
	for rows.Next() {
	}
	rows.Close()
	if _, err := db.ExecContext(ctx, upd, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("exec with a cancelled context: %v", err)
	}
	if err := db.QueryRow(q).Scan(&first); err != nil || first != 1 {
		t.Fatal(first, err)
	}
	mustExec(t, db, upd, 1)
	if s := c.stats(); s.busy != 0 || s.prepares != warm.prepares || s.finalizes != 0 || !c.has(q) || !c.has(upd) {
		t.Errorf("after cancellation: %+v (warm %+v)", s, warm)
	}

	// a statement interrupted while it runs: SQLite's interrupted flag stays up until the next
	// statement starts, so modernc's IsValid says no and database/sql discards the connection
	// (as without the cache); its statements are all finalized
	tctx, tcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer tcancel()
	if _, err := db.ExecContext(tctx, slow, 1_000_000_000); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("interrupted exec: %v", err)
	}
	if s := c.stats(); !c.closed || s.busy != 0 || s.cached != 0 || s.finalizes != s.prepares {
		t.Errorf("the interrupted connection: %+v closed=%v", s, c.closed)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1000 {
		t.Fatal(n, err)
	}
	for range 2 {
		if err := db.QueryRow(slow, 10).Scan(&n); err != nil || n != 10 {
			t.Fatal(n, err)
		}
	}
}

func TestConcurrentPool(t *testing.T) {
	db := openDB(t, tempDSN(t, pragmas), 6)
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, g INTEGER, v TEXT UNIQUE)")
	xdb := dbx.NewFromDB(db, DriverName)
	const workers, each = 12, 60
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				err := xdb.Transactional(func(tx *dbx.Tx) error {
					if _, err := tx.NewQuery("INSERT INTO t(g, v) VALUES({:g}, {:v})").Bind(dbx.Params{"g": w, "v": fmt.Sprint(w, "-", i)}).Execute(); err != nil {
						return err
					}
					if _, err := tx.NewQuery("SAVEPOINT w").Execute(); err != nil {
						return err
					}
					// a duplicate: fails inside the savepoint, rolled back to it
					if _, err := tx.NewQuery("INSERT INTO t(g, v) VALUES({:g}, {:v})").Bind(dbx.Params{"g": w, "v": fmt.Sprint(w, "-", i)}).Execute(); err == nil {
						return errors.New("duplicate accepted")
					}
					if _, err := tx.NewQuery("ROLLBACK TO w").Execute(); err != nil {
						return err
					}
					if _, err := tx.NewQuery("INSERT INTO t(g, v) VALUES({:g}, {:v})").Bind(dbx.Params{"g": w, "v": fmt.Sprint(w, "+", i)}).Execute(); err != nil {
						return err
					}
					_, err := tx.NewQuery("RELEASE w").Execute()
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				var n int
				if err := xdb.NewQuery("SELECT count(*) FROM t WHERE g = {:g}").Bind(dbx.Params{"g": w}).Row(&n); err != nil || n != 2*(i+1) {
					errs <- fmt.Errorf("worker %d step %d: count %d %v", w, i, n, err)
					return
				}
				rows, err := db.Query("SELECT v FROM t WHERE g = ? ORDER BY id", w)
				if err != nil {
					errs <- err
					return
				}
				for rows.Next() {
					var v string
					rows.Scan(&v)
				}
				rows.Close()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2*workers*each {
		t.Fatal(n, err)
	}
}
