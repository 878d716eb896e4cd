package testkit

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// QueryPlan returns SQLite's EXPLAIN QUERY PLAN lines for query, top-down. Statements on the write
// path pin the plan they need with it (a plan is not a timing, so it makes a stable test).
func QueryPlan(t testing.TB, app core.App, query string, params dbx.Params) []string {
	t.Helper()
	var rows []struct {
		Detail string `db:"detail"`
	}
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + query).Bind(params).All(&rows); err != nil {
		t.Fatalf("explain %q: %v", query, err)
	}
	plan := make([]string, len(rows))
	for i, r := range rows {
		plan[i] = r.Detail
	}
	return plan
}
