package messages

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/groupcommit"
)

// DeferIndexing makes the group commit index its batch's new messages with one statement instead of
// one FTS5 insert per message. FTS5 flushes its pending terms at every savepoint, and every write of a
// batch runs in a savepoint, so per-row indexing wrote one index segment per post; deferred, the batch
// writes one. The batch still indexes before it commits, so search stays exact and a crash loses
// nothing: rows and their index commit together.
func DeferIndexing(app core.App) {
	var hwm int64
	groupcommit.For(app).OnBatch(groupcommit.BatchHooks{
		Begin: func(tx core.App) error {
			if err := tx.DB().NewQuery("SELECT value FROM campfire_counters WHERE name = 'number'").Row(&hwm); err != nil {
				return fmt.Errorf("index high-water mark: %w", err)
			}
			if _, err := tx.DB().NewQuery("INSERT OR IGNORE INTO campfire_fts_deferred (id) VALUES (1)").Execute(); err != nil {
				return fmt.Errorf("defer indexing: %w", err)
			}
			return nil
		},
		End: func(tx core.App) error {
			if _, err := tx.DB().NewQuery("DELETE FROM campfire_fts_deferred").Execute(); err != nil {
				return fmt.Errorf("end deferred indexing: %w", err)
			}
			// only this batch can have inserted numbers above the mark (the writer is exclusive)
			_, err := tx.DB().NewQuery(`INSERT INTO messages_fts (rowid, plain)
				SELECT number, plain FROM messages WHERE number > {:hwm} ORDER BY number`).
				Bind(dbx.Params{"hwm": hwm}).Execute()
			if err != nil {
				return fmt.Errorf("index batch: %w", err)
			}
			return nil
		},
	})
}
