// Package ops_test checks Campfire's operations from outside: the real binary stopped with SIGTERM
// under load, backups taken while posting and restored into a fresh data dir, and the Dockerfile.
package ops_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/internal/testbin"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testbin.RemoveAll()
	os.Exit(code)
}

type ack struct{ id, cmid string }

// SIGTERM while clients post as fast as they can: every post that was answered 200 is in the
// database after the process exits, with its outbox delivery either done or still queued, and the
// restarted server has them all and finishes the queued deliveries.
func TestSIGTERMUnderLoadLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := testbin.Build(t, "./ops/testdata/outboxapp")
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "pb_data")
	delivered := filepath.Join(dir, "delivered.log")
	env := []string{"OUTBOX_TEST_LOG=" + delivered}
	args := []string{"--postLimit", "off", "--rateLimits=false", "--drainTimeout", "30s"}
	srv := testbin.Serve(t, bin, dataDir, env, args...)
	token, room := testbin.FirstRun(t, srv.URL)

	// the image's health check command works against a live server
	if out, err := exec.Command(bin, "healthcheck", "--url", srv.URL+"/api/health").CombinedOutput(); err != nil {
		t.Fatalf("healthcheck: %v %s", err, out)
	}

	var (
		mu       sync.Mutex
		acked    []ack
		statuses = map[int]int{}
		refused  atomic.Int64 // transport errors: the server is going away
		stop     atomic.Bool
		wg       sync.WaitGroup
		started  = make(chan struct{}, 1000)
	)
	const workers = 12
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				cmid := fmt.Sprintf("w%d-%d", g, i)
				r, err := testbin.Do(http.MethodPost, srv.URL+"/api/collections/messages/records", token,
					map[string]string{"room": room, "body": "load " + cmid, "client_message_id": cmid})
				if err != nil {
					refused.Add(1)
					time.Sleep(5 * time.Millisecond)
					continue
				}
				mu.Lock()
				statuses[r.Status]++
				if r.Status == http.StatusOK {
					var m struct {
						ID string `json:"id"`
					}
					_ = json.Unmarshal(r.Body, &m)
					acked = append(acked, ack{id: m.ID, cmid: cmid})
					select {
					case started <- struct{}{}:
					default:
					}
				}
				mu.Unlock()
				if r.Status == http.StatusServiceUnavailable && r.Header.Get("Retry-After") == "" {
					t.Errorf("503 without Retry-After")
				}
			}
		}(g)
	}
	// let the load build up (and the outbox queue with it), then stop the server under it
	for i := 0; i < 300; i++ {
		select {
		case <-started:
		case <-time.After(2 * time.Minute):
			stop.Store(true)
			mu.Lock()
			t.Fatalf("only %d posts acknowledged (answers %v)\n%s", i, statuses, srv.Logs())
		}
	}
	if err := srv.Stop(t); err != nil {
		t.Errorf("the server exited with %v\n%s", err, srv.Logs())
	}
	stop.Store(true)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	t.Logf("answers: %v, transport errors after shutdown: %d, acknowledged: %d", statuses, refused.Load(), len(acked))
	for status, n := range statuses {
		if status != http.StatusOK && status != http.StatusServiceUnavailable {
			t.Errorf("%d answers with status %d (only 200, or 503 while draining, are right)", n, status)
		}
	}

	// the database as the process left it
	stored, queued := readState(t, dataDir)
	done := readLines(t, delivered)
	t.Logf("stored messages: %d, queued deliveries: %d, delivered: %d", len(stored), len(queued), len(done))
	for _, a := range acked {
		cmid, ok := stored[a.id]
		if !ok {
			t.Fatalf("acknowledged message %s (%s) is not in the database", a.id, a.cmid)
		}
		if cmid != a.cmid {
			t.Fatalf("message %s has client id %q, want %q", a.id, cmid, a.cmid)
		}
	}
	for id := range stored {
		if !queued[id] && !done[id] {
			t.Fatalf("message %s lost its outbox delivery: neither delivered nor queued", id)
		}
	}

	// a restart serves every message and finishes the queued deliveries
	srv2 := testbin.Serve(t, bin, dataDir, env, args...)
	list := testbin.MustDo(t, http.MethodGet, srv2.URL+"/api/collections/messages/records?perPage=1", token, nil)
	if total, _ := list.JSON(t)["totalItems"].(float64); int(total) != len(stored) {
		t.Fatalf("after the restart the API lists %v messages, the database had %d", total, len(stored))
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if q := queuedCount(t, dataDir); q == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still queued two minutes after the restart", queuedCount(t, dataDir))
		}
		time.Sleep(200 * time.Millisecond)
	}
	done = readLines(t, delivered)
	for id := range stored {
		if !done[id] {
			t.Fatalf("message %s was never delivered", id)
		}
	}
}

// readState reads the messages (id -> client id) and the queued outbox deliveries (message ids) of a
// stopped server's data dir.
func readState(t *testing.T, dataDir string) (map[string]string, map[string]bool) {
	t.Helper()
	db, err := core.DefaultDBConnect(filepath.Join(dataDir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []struct {
		ID   string `db:"id"`
		Cmid string `db:"client_message_id"`
	}
	if err := db.NewQuery("SELECT id, client_message_id FROM messages").All(&rows); err != nil {
		t.Fatal(err)
	}
	stored := make(map[string]string, len(rows))
	for _, r := range rows {
		stored[r.ID] = r.Cmid
	}
	var ids []string
	if err := db.NewQuery("SELECT message FROM outbox").Column(&ids); err != nil {
		t.Fatal(err)
	}
	queued := make(map[string]bool, len(ids))
	for _, id := range ids {
		queued[id] = true
	}
	return stored, queued
}

// queuedCount counts the outbox rows of a data dir (a running server's too: WAL readers do not block it).
func queuedCount(t *testing.T, dataDir string) int {
	t.Helper()
	db, err := core.DefaultDBConnect(filepath.Join(dataDir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.NewQuery("SELECT COUNT(*) FROM outbox").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func readLines(t *testing.T, path string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out[line] = true
		}
	}
	return out
}
