package messages

import (
	"database/sql"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// stmt is a read query of the history path with named parameters ({:name}). Its SQL text never
// changes, so the driver's per-connection cache of prepared statements (package stmtcache) parses it
// once per connection: modernc's SQLite takes about as long to parse the history SELECT as to run it.
type stmt struct{ sql string }

func newStmt(query string) *stmt { return &stmt{sql: query} }

// query runs the statement with params on app (inside a transaction, on the transaction).
func (s *stmt) query(app core.App, params dbx.Params) (*sql.Rows, error) {
	rows, err := app.DB().NewQuery(s.sql).Bind(params).Rows()
	if err != nil {
		return nil, err
	}
	return rows.Rows, nil
}
