package ops_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/pocketcampfire/campfire"
	"github.com/pocketcampfire/campfire/testkit"
)

// A backup (PocketBase's, the same one the dashboard, the API and the backup cron make) taken while
// clients post, restored into a fresh data dir: every message acknowledged before the backup began
// is there, every message there has its search index entry (keyed by messages.number, which VACUUM
// INTO cannot renumber), and a Campfire app on the restored dir finds them by search.
func TestBackupWhilePostingRestoresEveryMessageAndSearchRow(t *testing.T) {
	w := testkit.Setup(t)
	messagesCol, err := w.App.FindCollectionByNameOrId("messages")
	if err != nil {
		t.Fatal(err)
	}

	var (
		mu      sync.Mutex
		acked   = map[string]string{} // message id -> its unique word
		seq     atomic.Int64
		stop    atomic.Bool
		wg      sync.WaitGroup
		errs    atomic.Int64
		postOne = func() {
			n := seq.Add(1)
			word := fmt.Sprintf("zq%dxk", n) // one search token per message
			// the model path: the same transaction as an API post, without the per-user rate limit
			m := core.NewRecord(messagesCol)
			m.Set("room", w.AllTalk.Id)
			m.Set("creator", w.Admin.Id)
			m.Set("body", "backup probe "+word)
			if err := w.App.Save(m); err != nil {
				errs.Add(1)
				return
			}
			mu.Lock()
			acked[m.Id] = word
			mu.Unlock()
		}
	)
	for i := 0; i < 150; i++ {
		postOne()
	}
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				postOne()
			}
		}()
	}
	for seq.Load() < 400 { // posting is well under way
		time.Sleep(time.Millisecond)
	}

	mu.Lock()
	before := make(map[string]string, len(acked))
	for id, word := range acked {
		before[id] = word
	}
	mu.Unlock()
	if err := w.App.CreateBackup(context.Background(), "during_posts.zip"); err != nil {
		t.Fatalf("backup: %v", err)
	}
	stop.Store(true)
	wg.Wait()
	if n := errs.Load(); n > 0 {
		t.Fatalf("%d posts failed while the backup ran", n)
	}

	// restore into a fresh data dir: the archive is the whole pb_data
	restored := filepath.Join(t.TempDir(), "pb_data")
	unzip(t, filepath.Join(w.App.DataDir(), core.LocalBackupsDirName, "during_posts.zip"), restored)

	db, err := core.DefaultDBConnect(filepath.Join(restored, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []struct {
		ID     string `db:"id"`
		Number int64  `db:"number"`
		Plain  string `db:"plain"`
	}
	if err := db.NewQuery("SELECT id, number, plain FROM messages").All(&rows); err != nil {
		t.Fatal(err)
	}
	inBackup := map[string]bool{}
	for _, r := range rows {
		inBackup[r.ID] = true
	}
	for id := range before {
		if !inBackup[id] {
			t.Fatalf("message %s, acknowledged before the backup began, is not in it", id)
		}
	}
	t.Logf("acknowledged before the backup: %d, in the backup: %d, posted in all: %d", len(before), len(rows), seq.Load())

	// FTS5's own check of the index against the messages table
	if _, err := db.NewQuery("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").Execute(); err != nil {
		t.Fatalf("search index integrity: %v", err)
	}
	var indexed int
	if err := db.NewQuery("SELECT COUNT(*) FROM messages_fts_docsize").Row(&indexed); err != nil {
		t.Fatal(err)
	}
	if indexed != len(rows) {
		t.Fatalf("%d search rows for %d messages", indexed, len(rows))
	}
	for _, r := range rows {
		word := strings.TrimPrefix(r.Plain, "backup probe ")
		if word == r.Plain {
			continue // not a probe
		}
		var hits []int64
		if err := db.NewQuery("SELECT rowid FROM messages_fts WHERE messages_fts MATCH {:q}").
			Bind(dbx.Params{"q": `"` + word + `"`}).Column(&hits); err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0] != r.Number {
			t.Fatalf("search for %q finds %v, want message number %d", word, hits, r.Number)
		}
	}

	// Campfire runs on the restored dir, search included
	app2, err := tests.NewTestApp(restored)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app2.Cleanup)
	campfire.Register(app2)
	base2 := testkit.Serve(t, app2)
	admin2, err := app2.FindRecordById("users", w.Admin.Id)
	if err != nil {
		t.Fatal(err)
	}
	c2 := testkit.Client{Base: base2, Token: testkit.Token(t, admin2)}
	checked := 0
	for _, word := range before {
		r := c2.Do(t, http.MethodGet, "/api/campfire/search?q="+word, nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), word) {
			t.Fatalf("search %q on the restored app: %d %s", word, r.Status, r.Body)
		}
		if checked++; checked == 20 {
			break
		}
	}
}

func unzip(t *testing.T, archive, dest string) {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		path := filepath.Join(dest, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(path, filepath.Clean(dest)+string(os.PathSeparator)) {
			t.Fatalf("unsafe path in archive: %s", f.Name)
		}
		if f.FileInfo().IsDir() {
			_ = os.MkdirAll(path, 0o755)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		src, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
}
