package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ack is an acknowledged post: what the server answered 200 with.
type ack struct {
	cmid string
	word string
	// after the post: an edit or a deletion acknowledged (the body and word are then the edit's), or
	// one sent but never answered (either outcome is then correct)
	edited, deleted, uncertain bool
	oldWord                    string
	ID                         string `json:"id"`
	Room                       string `json:"room"`
	Creator                    string `json:"creator"`
	Body                       string `json:"body"`
}

// postUntilAcked posts one message, retrying with the same client_message_id through errors and
// restarts until it gets a 200 (or ctx ends).
func postUntilAcked(ctx context.Context, a api, tok, room, body, cmid string, st *statuses) (*ack, bool) {
	for ctx.Err() == nil {
		r, err := a.do("POST", "/api/collections/messages/records", tok, postBody(room, body, cmid))
		if err != nil {
			st.add(0)
		} else {
			st.add(r.status)
			if r.status == 200 {
				var k ack
				if json.Unmarshal(r.body, &k) == nil && k.ID != "" {
					k.cmid = cmid
					return &k, true
				}
			}
			if r.status/100 == 4 && r.status != 429 {
				return nil, false // refused: not retried
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil, false
}

// changeUntilAcked sends an edit or a deletion, retrying through errors and restarts (both are
// idempotent) until it is answered with ok (true), refused with another 4xx, or ctx ends (false).
func changeUntilAcked(ctx context.Context, a api, method, path, tok string, body any, ok int, st *statuses) bool {
	for ctx.Err() == nil {
		r, err := a.do(method, path, tok, body)
		if err != nil {
			st.add(0)
		} else {
			st.add(r.status)
			if r.status == ok {
				return true
			}
			if r.status/100 == 4 && r.status != 429 {
				return false
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	return false
}

// rowAudit: the acknowledged-write audit. 16 members post to 4 audit rooms (10% of posts sent again
// with the same client_message_id, every failed attempt retried with it); the server is SIGKILLed
// and restarted three times. Afterwards every acknowledged message must be present once with its
// room, creator and body and its search index row, and each of its push deliveries (two members of
// the rooms have a push subscription at the harness's push service) delivered or still queued.
func (h *harness) rowAudit(ctx context.Context) error {
	if err := h.startMain(ctx); err != nil {
		return err
	}
	a := api{base: h.main.url, hc: &http.Client{Transport: newTransport(64), Timeout: 30 * time.Second}}
	for k := 0; k < nPushUsers; k++ {
		u := pushUserFrom + k
		ep, p256dh, auth, err := h.push.newDevice(h.seed.users[u].id)
		if err != nil {
			return err
		}
		body := map[string]any{"endpoint": ep, "keys": map[string]string{"p256dh": p256dh, "auth": auth}}
		if err := a.json("POST", "/api/campfire/push/subscriptions", h.seed.token(u), body, nil); err != nil {
			return fmt.Errorf("push subscription: %w", err)
		}
	}

	st := &statuses{}
	pctx, stopPosting := context.WithCancel(ctx)
	defer stopPosting()
	var mu sync.Mutex
	var acks []*ack
	var resent, mismatched, refused atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < nPosters; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			tok := h.seed.token(postersFrom + w)
			room := h.seed.auditRooms[w%4]
			rnd := rand.New(rand.NewPCG(uint64(w), 7))
			for k := 0; pctx.Err() == nil; k++ {
				cmid := fmt.Sprintf("au%s%02dn%06d", h.runTag, w, k)
				word := fmt.Sprintf("auditp%s%02dn%06d", h.runTag, w, k)
				body := fmt.Sprintf("Audit %s: %s", word, sampleText)
				got, ok := postUntilAcked(pctx, a, tok, room, body, cmid, st)
				if !ok {
					if pctx.Err() == nil {
						refused.Add(1)
					}
					continue
				}
				got.word = word
				mu.Lock()
				acks = append(acks, got)
				mu.Unlock()
				if rnd.IntN(10) == 0 { // the client retries a post it already has an answer for
					again, ok := postUntilAcked(pctx, a, tok, room, body, cmid, st)
					if ok {
						resent.Add(1)
						if again.ID != got.ID || again.Body != got.Body || again.Room != got.Room {
							mismatched.Add(1)
						}
					}
				}
				// one post in 10 is edited and one in 20 deleted by its author (each takes a new seq on
				// the writer, alone in its transaction): they must survive the kills as acknowledged
				path := "/api/collections/messages/records/" + got.ID
				switch n := rnd.IntN(20); {
				case n < 2:
					editWord := fmt.Sprintf("auditedit%s%02dn%06d", h.runTag, w, k)
					editBody := fmt.Sprintf("Audit %s: edited %s", editWord, sampleText)
					if changeUntilAcked(pctx, a, http.MethodPatch, path, tok, map[string]any{"body": editBody}, http.StatusOK, st) {
						mu.Lock()
						got.edited, got.oldWord, got.word, got.Body = true, got.word, editWord, editBody
						mu.Unlock()
					} else {
						mu.Lock()
						got.uncertain = true
						mu.Unlock()
					}
				case n == 2:
					if changeUntilAcked(pctx, a, http.MethodDelete, path, tok, nil, http.StatusNoContent, st) {
						mu.Lock()
						got.deleted, got.oldWord = true, got.word
						mu.Unlock()
					} else {
						mu.Lock()
						got.uncertain = true
						mu.Unlock()
					}
				}
			}
		}(w)
	}
	kills := 0
	var restartTimes []time.Duration
	for i := 0; i < 3 && ctx.Err() == nil; i++ {
		time.Sleep(h.cfg.auditDur / 4)
		h.main.kill()
		kills++
		t0 := time.Now()
		if err := h.main.start(h); err != nil {
			return err
		}
		if err := h.prepare(h.main); err != nil {
			return err
		}
		restartTimes = append(restartTimes, time.Since(t0))
	}
	time.Sleep(h.cfg.auditDur / 4)
	stopPosting()
	wg.Wait()

	// let the outbox finish what it can, then stop gracefully and read the database
	dbPath := filepath.Join(h.seed.dir, "data.db")
	db, err := openDB(dbPath)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM outbox").Scan(&n); err != nil || n == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	db.Close()
	h.main.stop()
	h.main = nil
	db, err = openDB(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()

	type row struct {
		id, room, creator, body, cmid, deletedAt string
		number                                   int64
	}
	in := "'" + strings.Join(h.seed.auditRooms, "','") + "'"
	rows, err := db.Query("SELECT id, room, creator, body, client_message_id, number, deleted_at FROM messages WHERE room IN (" + in + ")")
	if err != nil {
		return err
	}
	byKey := map[string][]row{}
	byBody := map[string]int{}
	var stored []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.room, &r.creator, &r.body, &r.cmid, &r.number, &r.deletedAt); err != nil {
			rows.Close()
			return err
		}
		byKey[r.creator+"/"+r.cmid] = append(byKey[r.creator+"/"+r.cmid], r)
		if r.body != "" { // tombstones have none
			byBody[r.body]++
		}
		stored = append(stored, r)
	}
	rows.Close()
	duplicated := 0
	for _, n := range byBody {
		if n > 1 {
			duplicated += n - 1
		}
	}
	// matches returns the message numbers whose search index row holds word
	matches := func(word string) ([]int64, error) {
		qr, err := db.Query(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?`, `"`+word+`"`)
		if err != nil {
			return nil, err
		}
		defer qr.Close()
		var got []int64
		for qr.Next() {
			var n int64
			_ = qr.Scan(&n)
			got = append(got, n)
		}
		return got, nil
	}
	present, missing, wrong, ftsOK, ftsMissing := 0, 0, 0, 0, 0
	editedOK, deletedOK, changeWrong, ftsStale, uncertain := 0, 0, 0, 0, 0
	acked := map[string]bool{}
	for _, k := range acks {
		acked[k.Creator+"/"+k.cmid] = true
		list := byKey[k.Creator+"/"+k.cmid]
		if len(list) == 0 {
			missing++
			continue
		}
		if len(list) > 1 {
			duplicated += len(list) - 1
		}
		r := list[0]
		if r.id != k.ID || r.room != k.Room || r.creator != k.Creator {
			wrong++
			continue
		}
		if k.uncertain { // an edit or deletion without an answer: the post is there, in either state
			present++
			uncertain++
			continue
		}
		if k.deleted {
			if r.deletedAt == "" || r.body != "" {
				changeWrong++
				continue
			}
			present++
			deletedOK++
			if got, err := matches(k.oldWord); err != nil {
				return err
			} else if len(got) != 0 {
				ftsStale++ // a deleted message must no longer be found
			}
			continue
		}
		if r.body != k.Body || r.deletedAt != "" {
			if k.edited {
				changeWrong++
			} else {
				wrong++
			}
			continue
		}
		present++
		if k.edited {
			editedOK++
			if got, err := matches(k.oldWord); err != nil {
				return err
			} else if len(got) != 0 {
				ftsStale++ // the edit replaced the old words in the index
			}
		}
		got, err := matches(k.word)
		if err != nil {
			return err
		}
		if len(got) == 1 && got[0] == r.number {
			ftsOK++
		} else {
			ftsMissing++
		}
	}
	unacked := 0
	for key := range byKey {
		if !acked[key] {
			unacked++
		}
	}

	// the outbox: every stored audit message owes each push member one delivery
	queued := map[string]bool{}
	orows, err := db.Query("SELECT message, recipient FROM outbox")
	if err != nil {
		return err
	}
	for orows.Next() {
		var m, r string
		_ = orows.Scan(&m, &r)
		queued[m+"/"+r] = true
	}
	orows.Close()
	expected, delivered, stillQueued, withdrawn, lost, twice := 0, 0, 0, 0, 0, 0
	for _, r := range stored {
		for k := 0; k < nPushUsers; k++ {
			u := h.seed.users[pushUserFrom+k].id
			expected++
			d := h.push.delivered(u, r.number)
			switch {
			case d > 0:
				delivered++
				if d > 1 {
					twice++
				}
			case queued[r.id+"/"+u]:
				stillQueued++
			case r.deletedAt != "":
				withdrawn++ // deleted before its push went out: nobody is told of a deleted message
			default:
				lost++
			}
		}
	}
	_, bad := h.push.total()

	res := "meets"
	if missing > 0 || wrong > 0 || duplicated > 0 || mismatched.Load() > 0 {
		res = "LOST"
	}
	h.add(line{row: "audit", measure: fmt.Sprintf("acknowledged posts present once with exact room, creator, body after %d SIGKILLs + restarts (restarts took %v; answers %s)",
		kills, roundAll(restartTimes), st),
		campfire: fmt.Sprintf("%d of %d present; %d missing, %d wrong, %d duplicated", present, len(acks), missing, wrong, duplicated),
		target:   "all, once", result: res})
	h.add(line{row: "audit", measure: "same client_message_id sent again after an answer (10% of posts)",
		campfire: fmt.Sprintf("%d resent, %d answered with another message", resent.Load(), mismatched.Load()), target: "same message", result: verdict(mismatched.Load() == 0)})
	h.add(line{row: "audit", measure: "search index row of each acknowledged post (messages_fts MATCH its word = its number)",
		campfire: fmt.Sprintf("%d of %d", ftsOK, present-deletedOK-uncertain), target: "all", result: verdict(ftsMissing == 0)})
	cres := "meets"
	if changeWrong > 0 || ftsStale > 0 {
		cres = "LOST"
	}
	h.add(line{row: "audit", measure: fmt.Sprintf("acknowledged edits (1 post in 10) and deletions (1 in 20) after the kills: the edited body, or the tombstone, and the index following (%d sent without an answer, either state accepted)", uncertain),
		campfire: fmt.Sprintf("%d edits, %d deletions exact; %d wrong; %d stale index rows", editedOK, deletedOK, changeWrong, ftsStale),
		target:   "all", result: cres})
	ores := verdict(lost == 0)
	if lost > 0 {
		ores = "LOST"
	}
	h.add(line{row: "audit", measure: fmt.Sprintf("push outbox rows of the %d stored audit messages (%d committed without an answer: the kill cut it; %d refused posts; %d undecryptable pushes)", len(stored), unacked, refused.Load(), bad),
		campfire: fmt.Sprintf("%d owed: %d delivered (%d more than once), %d queued, %d withdrawn (message deleted first), %d lost", expected, delivered, twice, stillQueued, withdrawn, lost),
		target:   "delivered, queued or withdrawn", result: ores})

	return h.startMain(ctx) // for the next row
}

func roundAll(ds []time.Duration) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond).String()
	}
	return out
}

// rowOverload: 256 concurrent posters. Every answer must be 200, 429 or 503 with Retry-After, no
// other 5xx, and no acknowledged post lost.
func (h *harness) rowOverload(ctx context.Context) error {
	if h.main == nil {
		if err := h.startMain(ctx); err != nil {
			return err
		}
	}
	n := h.cfg.overloadPosters
	a := api{base: h.main.url, hc: &http.Client{Transport: newTransport(n + 16), Timeout: 60 * time.Second}}
	toks := make([]string, n)
	for i := range toks {
		toks[i] = h.seed.token(fanSubsFrom + i)
	}
	room := h.seed.overloadRoom
	st := &statuses{}
	var noRetryAfter atomic.Int64
	var mu sync.Mutex
	acked := map[string]bool{}
	stop := h.profileDuring("overload", h.main, int(h.cfg.overloadDur/time.Second))
	ok, lat, _, _ := closedLoop(ctx, n, h.cfg.overloadDur, func(w, i int) (bool, error) {
		cmid := fmt.Sprintf("ov%s%03dn%06d", h.runTag, w, i)
		r, err := a.do("POST", "/api/collections/messages/records", toks[w], postBody(room, fmt.Sprintf("Overload %d: %s", i, sampleText), cmid))
		if err != nil {
			st.add(0)
			return false, nil
		}
		st.add(r.status)
		if (r.status == 429 || r.status == 503) && r.header.Get("Retry-After") == "" {
			noRetryAfter.Add(1)
		}
		if r.status == 200 {
			mu.Lock()
			acked[cmid] = true
			mu.Unlock()
			return true, nil
		}
		return false, nil
	})
	stop()
	db, err := openDB(filepath.Join(h.seed.dir, "data.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query("SELECT client_message_id FROM messages WHERE room = ?", room)
	if err != nil {
		return err
	}
	found := 0
	for rows.Next() {
		var c string
		_ = rows.Scan(&c)
		if acked[c] {
			found++
		}
	}
	rows.Close()
	st.mu.Lock()
	other5xx, other := 0, 0
	for code, c := range st.m {
		switch {
		case code == 200 || code == 429 || code == 503:
		case code >= 500:
			other5xx += c
		default:
			other += c
		}
	}
	st.mu.Unlock()
	h.add(line{row: "overload", measure: fmt.Sprintf("answers to %d concurrent posters for %s (status: count; 0 = transport error)", n, h.cfg.overloadDur),
		campfire: st.String(), target: "200, 429, 503+Retry-After only",
		result: verdict(other5xx == 0 && other == 0 && noRetryAfter.Load() == 0) + fmt.Sprintf(" (%d other 5xx, %d other, %d without Retry-After)", other5xx, other, noRetryAfter.Load())})
	res := "meets"
	if found < len(acked) {
		res = "LOST"
	}
	h.add(line{row: "overload", measure: "acknowledged posts stored", campfire: fmt.Sprintf("%d of %d", found, len(acked)), target: "all", result: res})
	h.add(line{row: "overload", measure: "posts/s and p99 of a 200", campfire: fmt.Sprintf("%.0f/s, p99 %s", perSec(ok, h.cfg.overloadDur), ms(lat.pct(99))), result: "context"})
	return nil
}
