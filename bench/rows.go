package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// rowStart: the first healthy answer and idle RSS of Campfire on the seeded data dir against plain
// PocketBase + jsvm on an empty one, interleaved, medians.
func (h *harness) rowStart(ctx context.Context) error {
	var cfT, pbT []time.Duration
	var cfR, pbR []int64
	for i := 0; i < h.cfg.startReps && ctx.Err() == nil; i++ {
		s, err := startServer(h, "start-campfire", h.seed.dir, 0, nil)
		if err != nil {
			return err
		}
		d, err := s.waitHealthy(60 * time.Second)
		if err != nil {
			s.stop()
			return err
		}
		time.Sleep(time.Second)
		cfT, cfR = append(cfT, d), append(cfR, s.rss())
		s.stop()

		dir := filepath.Join(h.work, fmt.Sprintf("plain-start-%d", i))
		p, err := startServer(h, "start-plain", dir, 0, []string{"CAMPFIRE_BASELINE=plain"})
		if err != nil {
			return err
		}
		d, err = p.waitHealthy(60 * time.Second)
		if err != nil {
			p.stop()
			return err
		}
		time.Sleep(time.Second)
		pbT, pbR = append(pbT, d), append(pbR, p.rss())
		p.stop()
	}
	ct, pt := median(cfT), median(pbT)
	cr, pr := medianInt(cfR), medianInt(pbR)
	h.add(line{row: "start", measure: fmt.Sprintf("first healthy answer, median of %d (%d messages vs empty dir)", len(cfT), h.seed.messages),
		campfire: ms(ct), baseline: ms(pt) + " (PocketBase+jsvm)", ratio: ratio(float64(ct), float64(pt)), target: "≤ 1.1x",
		result: verdict(float64(ct) <= 1.1*float64(pt))})
	h.add(line{row: "start", measure: "idle RSS 1 s after healthy, median", campfire: mb(cr), baseline: mb(pr),
		ratio: ratio(float64(cr), float64(pr)), target: "≤ 1.2x", result: verdict(float64(cr) <= 1.2*float64(pr))})
	return nil
}

// rowSearch: scoped search over HTTP as the search user, rare and common words, one client; the
// baseline is the same FTS5 MATCH run raw (unscoped, ids only) through the driver in this process.
func (h *harness) rowSearch(ctx context.Context) error {
	a := api{base: h.main.url, hc: h.hc}
	tok := h.seed.token(searchUserIdx)
	allowed := map[string]bool{h.seed.crowdRoom: true}
	for _, r := range h.seed.searchRooms {
		allowed[r] = true
	}
	type q struct {
		text string
		rare bool
	}
	var qs []q
	for i := 0; i < max(len(h.seed.rareWords), len(h.seed.commonWords)); i++ {
		if i < len(h.seed.rareWords) {
			qs = append(qs, q{h.seed.rareWords[i], true})
		}
		if i < len(h.seed.commonWords) {
			qs = append(qs, q{h.seed.commonWords[i], false})
		}
	}
	for i := 0; i < 20; i++ { // warm up
		if _, err := a.do("GET", "/api/campfire/search?q="+url.QueryEscape(qs[i%len(qs)].text), tok, nil); err != nil {
			return err
		}
	}
	stop := h.profileDuring("search", h.main, 10)
	defer stop()
	var rare, common, all latencies
	outside, results, errors := 0, 0, 0
	cpu0 := h.main.cpu()
	for i := 0; i < h.cfg.searchQueries && ctx.Err() == nil; i++ {
		qq := qs[i%len(qs)]
		t0 := time.Now()
		r, err := a.do("GET", "/api/campfire/search?q="+url.QueryEscape(qq.text), tok, nil)
		d := time.Since(t0)
		if err != nil || r.status != 200 {
			errors++
			continue
		}
		all.add(d)
		if qq.rare {
			rare.add(d)
		} else {
			common.add(d)
		}
		var out struct {
			Items []struct {
				Room string `json:"room"`
			} `json:"items"`
		}
		if json.Unmarshal(r.body, &out) == nil {
			results += len(out.Items)
			for _, it := range out.Items {
				if !allowed[it.Room] {
					outside++
				}
			}
		}
	}
	searchCPU := h.main.cpu() - cpu0
	// the baseline: the same MATCH, unscoped, raw
	db, err := openDB(filepath.Join(h.seed.dir, "data.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	var raw latencies
	for i := 0; i < h.cfg.searchQueries && ctx.Err() == nil; i++ {
		qq := qs[i%len(qs)]
		t0 := time.Now()
		n, err := rawMatch(db, ftsQuery(qq.text))
		if err != nil {
			return err
		}
		_ = n
		raw.add(time.Since(t0))
	}
	scoped := "meets"
	if outside > 0 {
		scoped = fmt.Sprintf("LEAK: %d results outside the user's rooms", outside)
	}
	h.add(line{row: "search", measure: fmt.Sprintf("p50 over HTTP, scoped, %d queries (%d results, %d errors)", all.count(), results, errors),
		campfire: ms(all.pct(50)), baseline: ms(raw.pct(50)) + " (raw FTS5 MATCH, unscoped)", ratio: ratio(float64(all.pct(50)), float64(raw.pct(50))),
		target: "< 2 ms", result: verdict(all.pct(50) < 2*time.Millisecond && errors == 0)})
	h.add(line{row: "search", measure: "p99 over HTTP, scoped", campfire: ms(all.pct(99)), baseline: ms(raw.pct(99)),
		ratio: ratio(float64(all.pct(99)), float64(raw.pct(99))), target: "< 20 ms", result: verdict(all.pct(99) < 20*time.Millisecond)})
	h.add(line{row: "search", measure: "server CPU per search", campfire: cpuPer(searchCPU, int64(all.count())), result: "context"})
	h.add(line{row: "search", measure: "rare words p50 / p99", campfire: ms(rare.pct(50)) + " / " + ms(rare.pct(99)), result: "context"})
	h.add(line{row: "search", measure: "common words p50 / p99", campfire: ms(common.pct(50)) + " / " + ms(common.pct(99)), result: "context"})
	h.add(line{row: "search", measure: "scoping: every result in the user's rooms", campfire: fmt.Sprintf("%d outside", outside), result: scoped})
	return nil
}

// ftsQuery quotes each word as Campfire's search does.
func ftsQuery(s string) string {
	out := ""
	for _, w := range splitWords(s) {
		if out != "" {
			out += " "
		}
		out += `"` + w + `"`
	}
	return out
}

func splitWords(s string) []string {
	var out []string
	cur := ""
	for _, r := range s {
		if r == ' ' {
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
			continue
		}
		cur += string(r)
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

func rawMatch(db *sql.DB, match string) (int, error) {
	rows, err := db.Query("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 100", match)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// closedLoop runs workers that each call fn back to back for d and returns the calls that
// succeeded, the latencies of those and the failures.
func closedLoop(ctx context.Context, workers int, d time.Duration, fn func(w, i int) (bool, error)) (int64, *latencies, int64, error) {
	var ok, failed atomic.Int64
	lat := &latencies{}
	var firstErr atomic.Value
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
				t0 := time.Now()
				good, err := fn(w, i)
				el := time.Since(t0)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
				}
				if good {
					ok.Add(1)
					local = append(local, el)
				} else {
					failed.Add(1)
				}
			}
			lat.addAll(local)
		}(w)
	}
	wg.Wait()
	var err error
	if v := firstErr.Load(); v != nil {
		err = v.(error)
	}
	return ok.Load(), lat, failed.Load(), err
}

// rowOpen: the newest 40 messages of a busy room with creators and boosts, 16 clients, against a
// plain PocketBase list of 40 records (skipTotal).
func (h *harness) rowOpen(ctx context.Context) error {
	a := api{base: h.main.url, hc: h.hc}
	// the baseline collection needs 40 records to list
	for i := 0; i < 60; i++ {
		body := map[string]any{"room": "r1", "body": "Morning all! the release build looks good, merge the branch after review.", "client_message_id": fmt.Sprintf("open%04d", i)}
		if err := a.json("POST", "/api/collections/"+plainCollection+"/records", "", body, nil); err != nil {
			return err
		}
	}
	const workers = 16
	toks := make([]string, workers)
	for i := range toks {
		toks[i] = h.seed.token(postersFrom + i) // members of every open seeded room
	}
	path := "/api/campfire/rooms/" + h.seed.openRoom + "/messages"
	if r, err := a.do("GET", path, toks[0], nil); err != nil || r.status != 200 {
		return fmt.Errorf("room open: %v %d %s", err, r.status, truncate(string(r.body), 200))
	} else {
		var page struct {
			Items []struct {
				Boosts []any `json:"boosts"`
				Expand struct {
					Creator map[string]any `json:"creator"`
				} `json:"expand"`
			} `json:"items"`
		}
		_ = json.Unmarshal(r.body, &page)
		boosted := 0
		for _, it := range page.Items {
			if len(it.Boosts) > 0 {
				boosted++
			}
		}
		h.note(fmt.Sprintf("room open: %d items, %d with boosts, %d bytes", len(page.Items), boosted, len(r.body)))
	}
	plainPath := "/api/collections/" + plainCollection + "/records?perPage=40&skipTotal=1"
	get := func(p, tok string) func(w, i int) (bool, error) {
		return func(w, i int) (bool, error) {
			t := tok
			if tok == "user" {
				t = toks[w]
			}
			r, err := a.do("GET", p, t, nil)
			return err == nil && r.status == 200, err
		}
	}
	c0 := h.main.cpu()
	bn, blat, bfail, err := closedLoop(ctx, workers, h.cfg.openDur, get(plainPath, ""))
	if err != nil {
		return err
	}
	c1 := h.main.cpu()
	stop := h.profileDuring("open", h.main, int(h.cfg.openDur/time.Second))
	cn, clat, cfail, err := closedLoop(ctx, workers, h.cfg.openDur, get(path, "user"))
	c2 := h.main.cpu()
	stop()
	if err != nil {
		return err
	}
	cr, br := perSec(cn, h.cfg.openDur), perSec(bn, h.cfg.openDur)
	h.add(line{row: "room open", measure: fmt.Sprintf("requests/s, 16 clients (%d/%d failed)", cfail, bfail),
		campfire: fmt.Sprintf("%.0f/s", cr), baseline: fmt.Sprintf("%.0f/s (list 40, skipTotal)", br), ratio: ratio(cr, br),
		target: "≥ 1.0x", result: verdict(cr >= br && cfail == 0)})
	h.add(line{row: "room open", measure: "server CPU per request", campfire: cpuPer(c2-c1, cn), baseline: cpuPer(c1-c0, bn),
		ratio: ratio(float64(c2-c1)/float64(max(cn, 1)), float64(c1-c0)/float64(max(bn, 1))), result: "context"})
	h.add(line{row: "room open", measure: "p50 / p99", campfire: ms(clat.pct(50)) + " / " + ms(clat.pct(99)),
		baseline: ms(blat.pct(50)) + " / " + ms(blat.pct(99)), result: "context"})
	return nil
}

// rowRaw: single-row transactions through modernc.org/sqlite in this process, PocketBase's pragmas.
func (h *harness) rowRaw(ctx context.Context) error {
	db, err := openDB(filepath.Join(h.work, "raw.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY NOT NULL, room TEXT, body TEXT, client_message_id TEXT)"); err != nil {
		return err
	}
	end := time.Now().Add(h.cfg.rawDur)
	n := 0
	t0 := time.Now()
	for time.Now().Before(end) && ctx.Err() == nil {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO t (id, room, body, client_message_id) VALUES (?, ?, ?, ?)",
			newID(), "r1", "the release build looks good, merge the branch after review", fmt.Sprint(n)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		n++
	}
	h.rawRate = perSec(int64(n), time.Since(t0))
	h.add(line{row: "raw SQLite", measure: "single-row transactions/s (modernc.org/sqlite, WAL, synchronous=NORMAL)",
		campfire: "", baseline: fmt.Sprintf("%.0f/s", h.rawRate), result: "context"})
	return nil
}
