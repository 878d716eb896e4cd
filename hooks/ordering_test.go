package hooks_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/pocketcampfire/campfire/groupcommit"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/testkit"
)

// TestRoomEventsArriveInSeqOrder: a client that reconnects catches up with changes?since=<highest seq
// it saw>, so a room's events must reach it in seq order even when posts, edits, deletions and boosts
// from many clients commit at once; a lower seq arriving after a higher one would be lost to it.
func TestRoomEventsArriveInSeqOrder(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	const posters, perPoster = 8, 20
	clients := make([]testkit.Client, posters)
	for i := range clients {
		clients[i] = testkit.Client{Base: base, Token: testkit.Token(t, w.User(t, fmt.Sprintf("Poster %d", i)))}
	}
	sse := testkit.Connect(t, base)
	if res := sse.Subscribe(t, testkit.Token(t, w.Admin), realtime.RoomTopic(w.AllTalk.Id)); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	changes := 0 // events expected besides the posts
	for i, c := range clients {
		wg.Add(1)
		go func(i int, c testkit.Client) {
			defer wg.Done()
			for k := 0; k < perPoster; k++ {
				res := post(t, c, w.AllTalk.Id, map[string]any{"body": fmt.Sprintf("post %d of %d", k, i)})
				if res.Status != http.StatusOK {
					t.Errorf("post: %d %s", res.Status, res.Body)
					return
				}
				id := res.JSON(t)["id"].(string)
				var r testkit.Response
				switch k % 4 {
				case 1:
					r = c.Do(t, http.MethodPatch, "/api/collections/messages/records/"+id, map[string]any{"body": "edited"})
				case 2:
					r = c.Do(t, http.MethodPost, "/api/collections/boosts/records", map[string]any{"message": id, "content": "👍"})
				case 3:
					r = c.Do(t, http.MethodDelete, "/api/collections/messages/records/"+id, nil)
				default:
					continue
				}
				if r.Status >= 300 {
					t.Errorf("change %d: %d %s", k%4, r.Status, r.Body)
					return
				}
				mu.Lock()
				changes++
				mu.Unlock()
			}
		}(i, c)
	}
	wg.Wait()

	want := posters*perPoster + changes
	var last float64
	for got := 0; got < want; got++ {
		ev := sse.Next(t, 10*time.Second)
		seq, _ := ev.Data["seq"].(float64)
		if seq <= last {
			t.Fatalf("event %d (%v) has seq %v after %v", got, ev.Data["type"], seq, last)
		}
		last = seq
	}
}

// TestOverloadedWriterAnswers503WithRetryAfter: when too many writes wait for the writer, a post is
// refused at once with 503 and Retry-After (the client retries with the same client_message_id), and
// nothing of it is stored.
func TestOverloadedWriterAnswers503WithRetryAfter(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.User(t, "Busy"))}
	old := groupcommit.MaxPending
	groupcommit.MaxPending = 0 // every write finds the writer "full"
	res := post(t, c, w.AllTalk.Id, map[string]any{"body": "under overload", "client_message_id": "busy-1"})
	groupcommit.MaxPending = old
	if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("overloaded post: %d (Retry-After %q) %s, want 503 with Retry-After", res.Status, res.Header.Get("Retry-After"), res.Body)
	}
	if n, _ := w.App.CountRecords("messages", dbx.HashExp{"client_message_id": "busy-1"}); n != 0 {
		t.Fatalf("a refused post left %d messages", n)
	}
	if again := post(t, c, w.AllTalk.Id, map[string]any{"body": "under overload", "client_message_id": "busy-1"}); again.Status != http.StatusOK {
		t.Fatalf("the retry: %d %s", again.Status, again.Body)
	}
}
