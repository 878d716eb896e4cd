package hooks_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/apis"

	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/ratelimit"
	"github.com/pocketcampfire/campfire/testkit"
)

// Posts that share a group commit are indexed by the batch in one statement; rejected posts in the
// same batches leave no index rows behind, and FTS5's own integrity check holds.
func TestBatchedPostsAreIndexedExactly(t *testing.T) {
	w := testkit.Setup(t)
	ratelimit.SetPosting(w.App, ratelimit.Rule{}) // one user posts 60 messages at once on purpose
	events.For(w.App).MessagePosting.BindFunc(func(e *events.MessageEvent) error {
		if strings.Contains(e.Message.GetString("plain"), "reject") {
			return apis.NewBadRequestError("rejected", nil)
		}
		return e.Next()
	})
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}

	const n = 60
	var wg sync.WaitGroup
	status := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := fmt.Sprintf("batched word%d", i)
			if i%7 == 3 {
				body = fmt.Sprintf("reject word%d", i)
			}
			status[i] = post(t, c, w.AllTalk.Id, map[string]any{"body": body}).Status
		}(i)
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		want := http.StatusOK
		if i%7 == 3 {
			want = http.StatusBadRequest
		}
		if status[i] != want {
			t.Fatalf("post %d: %d, want %d", i, status[i], want)
		}
		res := c.Do(t, http.MethodGet, "/api/campfire/search?q="+url.QueryEscape(fmt.Sprintf("word%d", i)), nil)
		found := len(res.JSON(t)["items"].([]any))
		if (want == http.StatusOK) != (found == 1) {
			t.Errorf("word%d: %d results (status %d)", i, found, status[i])
		}
	}
	if _, err := w.App.DB().NewQuery("INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)").Execute(); err != nil {
		t.Fatalf("FTS integrity check: %v", err)
	}
	var deferred int
	_ = w.App.DB().NewQuery("SELECT COUNT(*) FROM campfire_fts_deferred").Row(&deferred)
	if deferred != 0 {
		t.Fatal("the deferral flag outlived its batch")
	}
}
