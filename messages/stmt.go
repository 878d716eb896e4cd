package messages

import (
	"database/sql"
	"regexp"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// stmt is a read query with named parameters ({:name}) that runs through a statement prepared once
// per connection pool (database/sql prepares it again on each connection that needs it): dbx parses
// every query anew, and modernc's SQLite takes about as long to parse the history SELECT as to run it.
// Inside a transaction it runs through the transaction's builder instead.
type stmt struct {
	named      string   // for dbx
	positional string   // the same with ? for database/sql
	names      []string // the parameters in positional order
}

var namedParam = regexp.MustCompile(`\{:(\w+)\}`)

func newStmt(query string) *stmt {
	s := &stmt{named: query}
	s.positional = namedParam.ReplaceAllStringFunc(query, func(m string) string {
		s.names = append(s.names, namedParam.FindStringSubmatch(m)[1])
		return "?"
	})
	return s
}

// preparedStmts are an app's prepared statements, for the pool they were prepared on.
type preparedStmts struct {
	db    *sql.DB
	stmts sync.Map // *stmt → *sql.Stmt
}

const preparedStmtsKey = "campfire.messages.preparedStmts"

// query runs the statement with params.
func (s *stmt) query(app core.App, params dbx.Params) (*sql.Rows, error) {
	if prep := s.prepared(app); prep != nil {
		args := make([]any, len(s.names))
		for i, n := range s.names {
			args[i] = params[n]
		}
		return prep.Query(args...)
	}
	rows, err := app.DB().NewQuery(s.named).Bind(params).Rows()
	if err != nil {
		return nil, err
	}
	return rows.Rows, nil
}

// prepared returns the statement prepared on app's concurrent pool, nil inside a transaction or when
// it cannot be prepared (the caller then goes through dbx).
func (s *stmt) prepared(app core.App) *sql.Stmt {
	if app.IsTransactional() {
		return nil
	}
	pool, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok {
		return nil
	}
	db := pool.DB()
	cache, _ := app.Store().Get(preparedStmtsKey).(*preparedStmts)
	if cache == nil || cache.db != db { // first use, or the pool was reopened (a backup restore)
		cache = &preparedStmts{db: db}
		app.Store().Set(preparedStmtsKey, cache)
	}
	if p, ok := cache.stmts.Load(s); ok {
		return p.(*sql.Stmt)
	}
	p, err := db.Prepare(s.positional)
	if err != nil {
		return nil
	}
	if old, loaded := cache.stmts.LoadOrStore(s, p); loaded {
		_ = p.Close()
		return old.(*sql.Stmt)
	}
	return p
}
