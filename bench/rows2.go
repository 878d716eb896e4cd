package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// postBody is the JSON of a message post (or a baseline record create).
func postBody(room, body, cmid string) []byte {
	return []byte(fmt.Sprintf(`{"room":%q,"body":%q,"client_message_id":%q}`, room, body, cmid))
}

const sampleText = "the release build looks good, merge the branch after review and ship it to staging"

// rowPost: 16 members posting to 4 rooms with 100 SSE subscribers, against 16 clients creating
// plain PocketBase records.
func (h *harness) rowPost(ctx context.Context) error {
	a := api{base: h.main.url, hc: h.hc}
	bst := &statuses{}
	bcpu0 := h.main.cpu()
	bn, blat, _, err := closedLoop(ctx, nPosters, h.cfg.postDur, func(w, i int) (bool, error) {
		r, err := a.do("POST", "/api/collections/"+plainCollection+"/records", "",
			postBody(fmt.Sprintf("room%d", w%4), fmt.Sprintf("Post %d: %s", i, sampleText), fmt.Sprintf("pb%s%02d%07d", h.runTag, w, i)))
		bst.add(r.status)
		return err == nil && r.status == 200, nil
	})
	if err != nil {
		return err
	}
	bcpu := h.main.cpu() - bcpu0
	h.plainRate = perSec(bn, h.cfg.postDur)

	// 100 subscribers on their room and user topics
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var events atomic.Int64
	var wg sync.WaitGroup
	hc := &http.Client{Transport: newTransport(64)}
	var ready sync.WaitGroup
	var subErr atomic.Value
	for i := 0; i < nPostSubs; i++ {
		ready.Add(1)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			u := postSubsFrom + i
			once := sync.Once{}
			done := func(err error) {
				once.Do(func() {
					if err != nil {
						subErr.CompareAndSwap(nil, err)
					}
					ready.Done()
				})
			}
			c, err := dialSSE(sctx, hc, h.main.url, 16<<10)
			if err == nil {
				err = subscribe(a, c.id, h.seed.token(u), []string{"campfire/rooms/" + h.seed.postRooms[i%4], "campfire/users/" + h.seed.users[u].id})
			}
			done(err)
			if err != nil {
				return
			}
			defer c.close()
			for {
				_, data, err := c.next()
				if err != nil {
					return
				}
				if bytes.Contains(data, []byte(`"message.created"`)) {
					events.Add(1)
				}
			}
		}(i)
	}
	ready.Wait()
	if v := subErr.Load(); v != nil {
		return fmt.Errorf("post subscribers: %w", v.(error))
	}
	toks := make([]string, nPosters)
	for i := range toks {
		toks[i] = h.seed.token(postersFrom + i)
	}
	perRoom := make([]atomic.Int64, 4)
	cst := &statuses{}
	stop := h.profileDuring("post", h.main, int(h.cfg.postDur/time.Second))
	ccpu0 := h.main.cpu()
	cn, clat, _, err := closedLoop(ctx, nPosters, h.cfg.postDur, func(w, i int) (bool, error) {
		r, err := a.do("POST", "/api/collections/messages/records", toks[w],
			postBody(h.seed.postRooms[w%4], fmt.Sprintf("Post %d from poster %d: %s", i, w, sampleText), fmt.Sprintf("pc%s%02dx%07d", h.runTag, w, i)))
		cst.add(r.status)
		if err == nil && r.status == 200 {
			perRoom[w%4].Add(1)
			return true, nil
		}
		return false, nil
	})
	ccpu := h.main.cpu() - ccpu0
	stop()
	if err != nil {
		return err
	}
	time.Sleep(time.Second) // let the subscribers drain
	cancel()
	wg.Wait()
	expected := int64(0)
	for k := range perRoom {
		expected += perRoom[k].Load() * nPostSubs / 4
	}
	cr := perSec(cn, h.cfg.postDur)
	h.add(line{row: "post", measure: fmt.Sprintf("posts/s, 16 members, 4 rooms, 100 SSE subscribers (answers %s; baseline %s)", cst, bst),
		campfire: fmt.Sprintf("%.0f/s", cr), baseline: fmt.Sprintf("%.0f/s (plain creates, 16 clients)", h.plainRate), ratio: ratio(cr, h.plainRate),
		target: "≥ 1.0x", result: verdict(cr >= h.plainRate && cst.get(200) == int(cn)) + rateLimited(cst)})
	h.add(line{row: "post", measure: "p99 / p50 of a post", campfire: ms(clat.pct(99)) + " / " + ms(clat.pct(50)),
		baseline: ms(blat.pct(99)) + " / " + ms(blat.pct(50)), ratio: ratio(float64(clat.pct(99)), float64(blat.pct(99))),
		target: "p99 < 50 ms", result: verdict(clat.pct(99) < 50*time.Millisecond)})
	h.add(line{row: "post", measure: "server CPU per post (user+system; less noisy than rates on a shared machine)", campfire: cpuPer(ccpu, cn),
		baseline: cpuPer(bcpu, bn), ratio: ratio(float64(ccpu)/float64(max(cn, 1)), float64(bcpu)/float64(max(bn, 1))), result: "context"})
	if h.rawRate > 0 {
		h.add(line{row: "post", measure: "posts/s against raw SQLite single-row transactions", campfire: fmt.Sprintf("%.0f/s", cr),
			baseline: fmt.Sprintf("%.0f/s", h.rawRate), ratio: ratio(cr, h.rawRate), result: "context"})
	}
	h.add(line{row: "post", measure: "message.created events at the 100 subscribers", campfire: fmt.Sprintf("%d of %d", events.Load(), expected),
		result: verdict(events.Load() >= expected)})
	return nil
}

// poster posts messages [from, to) of a tracker: n workers take the next index; pace > 0 spaces the
// POSTs at that rate overall. It returns the answers by status.
func (h *harness) poster(ctx context.Context, t *tracker, workers, from, to int, pace float64, post func(w, idx int) (int, error)) *statuses {
	return h.posterUntil(ctx, time.Time{}, t, workers, from, to, pace, post)
}

// posterUntil is poster that also stops taking new messages at deadline (zero: none).
func (h *harness) posterUntil(ctx context.Context, deadline time.Time, t *tracker, workers, from, to int, pace float64, post func(w, idx int) (int, error)) *statuses {
	st := &statuses{}
	var next atomic.Int64
	next.Store(int64(from))
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				if !deadline.IsZero() && time.Now().After(deadline) {
					return
				}
				idx := int(next.Add(1) - 1)
				if idx >= to {
					return
				}
				if pace > 0 {
					at := start.Add(time.Duration(float64(idx-from) / pace * float64(time.Second)))
					if d := time.Until(at); d > 0 {
						time.Sleep(d)
					}
				}
				t.send(idx)
				t0 := time.Now()
				code, _ := post(w, idx)
				t.postLat.add(time.Since(t0))
				st.add(code)
				if code == 200 {
					t.acked[idx].Store(true)
				}
			}
		}(w)
	}
	wg.Wait()
	return st
}

// rateLimited flags 429 answers in a row that runs with the limits off.
func rateLimited(st *statuses) string {
	if n := st.get(429); n > 0 {
		return fmt.Sprintf(" (%d answers 429: a rate limit was still on)", n)
	}
	return ""
}

// rowFanout: 1,000 SSE subscribers of one room and 4 posters, every message to every subscriber
// (live or by catch-up), against PocketBase's record subscriptions on the baseline collection.
func (h *harness) rowFanout(ctx context.Context) error {
	a := api{base: h.main.url, hc: h.hc}
	subs := h.cfg.fanSubs

	// baseline: record subscriptions
	bctx, bcancel := context.WithCancel(ctx)
	bt := newTracker(h.cfg.fanBaseMsgs, subs, h.cfg.fanBaseMsgs)
	var bwg sync.WaitGroup
	bn, err := h.connectAll(bctx, subs, bt, func(i int) subscriberSpec {
		return subscriberSpec{base: h.main.url, topics: []string{plainCollection + "/*"}, prefix: "bf" + h.runTag, bufSize: 16 << 10}
	}, &bwg)
	if err != nil || bn < subs {
		bcancel()
		bwg.Wait()
		return fmt.Errorf("baseline subscribers: %d of %d connected: %v", bn, subs, err)
	}
	bc0 := h.main.cpu()
	bst := h.posterUntil(ctx, time.Now().Add(h.cfg.fanDur), bt, nFanPosters, 0, h.cfg.fanBaseMsgs, 0, func(w, idx int) (int, error) {
		r, err := a.do("POST", "/api/collections/"+plainCollection+"/records", "",
			postBody("fan", "Fan-out "+sampleText, fmt.Sprintf("bf%s%07d", h.runTag, idx)))
		return r.status, err
	})
	waitComplete(ctx, bt, 15*time.Second)
	bcpu := h.main.cpu() - bc0
	bcancel()
	bwg.Wait()
	bRate := perSec(bt.completed.Load(), time.Duration(bt.lastComplete.Load()-bt.sent[0].Load()))

	// Campfire: room topic subscribers with catch-up; phase A as fast as 4 posters go, phase B paced
	n := h.cfg.fanMsgs
	paceMax := 250 * int(h.cfg.fanPaceDur/time.Second)
	ct := newTracker(n+paceMax, subs, n)
	cctx, ccancel := context.WithCancel(ctx)
	defer ccancel()
	var cwg sync.WaitGroup
	room := h.seed.fanRoom
	cn, err := h.connectAll(cctx, subs, ct, func(i int) subscriberSpec {
		spec := subscriberSpec{base: h.main.url, token: h.seed.token(fanSubsFrom + i), topics: []string{"campfire/rooms/" + room},
			prefix: "cf" + h.runTag, catchUp: room, bufSize: 16 << 10}
		if i%100 == 99 { // 1% of the subscribers drop out once and must catch up
			spec.dropAfter = 20
		}
		return spec
	}, &cwg)
	if err != nil || cn < subs {
		ccancel()
		cwg.Wait()
		return fmt.Errorf("campfire subscribers: %d of %d connected: %v", cn, subs, err)
	}
	toks := make([]string, nFanPosters)
	for i := range toks {
		toks[i] = h.seed.token(fanPosterFrom + i)
	}
	post := func(w, idx int) (int, error) {
		r, err := a.do("POST", "/api/collections/messages/records", toks[w],
			postBody(room, fmt.Sprintf("Fan-out %d: %s", idx, sampleText), fmt.Sprintf("cf%s%07d", h.runTag, idx)))
		return r.status, err
	}
	stop := h.profileDuring("fanout", h.main, 10)
	cc0, gc0 := h.main.cpu(), selfCPU()
	cst := h.posterUntil(ctx, time.Now().Add(h.cfg.fanDur), ct, nFanPosters, 0, n, 0, post)
	waitComplete(ctx, ct, 15*time.Second)
	ccpu, gcpu := h.main.cpu()-cc0, selfCPU()-gc0
	stop()
	doneA, ackedA := ct.completeIn(0, n)
	cRate := perSec(int64(doneA), time.Duration(ct.lastComplete.Load()-ct.sent[0].Load()))
	liveA, catchA, discA := ct.live.Load(), ct.caughtUp.Load(), ct.disconnects.Load()

	if doneA == 0 {
		ccancel()
		cwg.Wait()
		return fmt.Errorf("fan-out: no message reached every subscriber (answers %s)", cst)
	}
	pace := min(250, 0.8*cRate)
	paced := int(pace * h.cfg.fanPaceDur.Seconds())
	var pst *statuses
	if paced > 0 && ctx.Err() == nil {
		pst = h.poster(ctx, ct, nFanPosters, n, n+paced, pace, post)
		waitComplete(ctx, ct, 10*time.Second)
	}
	ccancel()
	cwg.Wait()
	doneB, ackedB := ct.completeIn(n, n+paced)
	if doneA != ackedA || doneB != ackedB {
		fmt.Fprintf(os.Stderr, "fan-out: messages missing at subscribers:\n%s", ct.missing(0, n+paced, 5))
	}

	h.add(line{row: "fan-out", measure: fmt.Sprintf("complete messages/s to %d subscribers, 4 posters (%d/%d complete; live %d, by catch-up %d, %d disconnects, %d of them planned; answers %s; baseline %d/%d complete, answers %s)",
		subs, doneA, ackedA, liveA, catchA, discA, subs/100, cst, bt.completed.Load(), bt.ackedCount(), bst),
		campfire: fmt.Sprintf("%.0f/s", cRate), baseline: fmt.Sprintf("%.1f/s (record subscriptions)", bRate), ratio: ratio(cRate, bRate),
		target: "≥ 10x, aim ≥ 250/s", result: verdict(cRate >= 10*bRate && doneA == ackedA) + fmt.Sprintf(" (aim %s)", verdict(cRate >= 250))})
	// a message that never reached a subscriber, or an event overtaken by a later seq (which a
	// reconnecting client's catch-up would skip), is a lost message: the run fails
	lostIf := func(bad bool) string {
		if bad {
			return "LOST"
		}
		return "meets"
	}
	h.add(line{row: "fan-out", measure: "every acknowledged message reached every subscriber", campfire: fmt.Sprintf("%d of %d", doneA+doneB, ackedA+ackedB),
		result: lostIf(doneA != ackedA || doneB != ackedB)})
	h.add(line{row: "fan-out", measure: "live events in seq order at every subscriber (a later seq first would make catch-up skip the earlier)",
		campfire: fmt.Sprintf("%d out of order", ct.outOfOrder.Load()), result: lostIf(ct.outOfOrder.Load() > 0)})
	if pst != nil {
		h.add(line{row: "fan-out", measure: fmt.Sprintf("p99 / p50 post→receive, paced at %.0f messages/s (%d messages, answers %s; baseline unpaced)", pace, paced, pst),
			campfire: ms(ct.lat[1].pct(99)) + " / " + ms(ct.lat[1].pct(50)), baseline: ms(bt.lat[0].pct(99)) + " / " + ms(bt.lat[0].pct(50)),
			target: "p99 < 250 ms", result: verdict(ct.lat[1].pct(99) < 250*time.Millisecond && ct.lat[1].count() > 0)})
	}
	bev := bt.live.Load() + bt.caughtUp.Load()
	h.add(line{row: "fan-out", measure: "server CPU per delivered event (phase A; baseline: all)", campfire: cpuPer(ccpu, liveA+catchA), baseline: cpuPer(bcpu, bev),
		ratio: ratio(float64(ccpu)/float64(max(liveA+catchA, 1)), float64(bcpu)/float64(max(bev, 1))), result: "context"})
	h.add(line{row: "fan-out", measure: "CPU per received event: load generator (reading and checking the SSE streams, on the same cores) / server (phase A)",
		campfire: usPer(gcpu, liveA+catchA) + " / " + usPer(ccpu, liveA+catchA), result: "context"})
	h.add(line{row: "fan-out", measure: "p50 / p99 of a POST (its answer; each of the 4 posters waits for it before the next)",
		campfire: ms(ct.postLat.pct(50)) + " / " + ms(ct.postLat.pct(99)), result: "context"})
	h.add(line{row: "fan-out", measure: "p99 post→receive as fast as 4 posters go (live deliveries)", campfire: ms(ct.lat[0].pct(99)), result: "context"})
	return nil
}

// rowConnections: 10,000 SSE clients on their room and user topics, against plain PocketBase
// (CAMPFIRE_BASELINE=plain) holding 10,000 record subscribers: all connected, RSS, delivery p99 of
// messages posted one a second.
func (h *harness) rowConnections(ctx context.Context) error {
	n, m := h.cfg.connClients, h.cfg.connMsgs

	// baseline: plain PocketBase on its own data dir, superuser made with its CLI
	dir := filepath.Join(h.work, "plain-connections")
	if out, err := runCLI(ctx, h, []string{"CAMPFIRE_BASELINE=plain"}, "superuser", "upsert", h.seed.adminEmail, h.seed.password, "--dir", dir); err != nil {
		return fmt.Errorf("plain superuser: %v %s", err, out)
	}
	plainEnv := []string{"CAMPFIRE_BASELINE=plain"}
	pport := 0
	if h.profile["connections"] { // its memory statistics beside Campfire's, when the row is profiled
		var err error
		if pport, err = freePort(); err != nil {
			return err
		}
		plainEnv = append(plainEnv, fmt.Sprintf("CAMPFIRE_PPROF=127.0.0.1:%d", pport))
	}
	p, err := startServer(h, "plain-connections", dir, 0, plainEnv)
	if err != nil {
		return err
	}
	if pport != 0 {
		p.pprof = fmt.Sprintf("http://127.0.0.1:%d", pport)
	}
	defer p.stop()
	if _, err := p.waitHealthy(60 * time.Second); err != nil {
		return err
	}
	pa := api{base: p.url, hc: h.hc}
	ptok, err := superuserToken(pa, h.seed.adminEmail, h.seed.password)
	if err != nil {
		return err
	}
	if _, err := rateLimitsOff(pa, ptok); err != nil {
		return err
	}
	if err := createPlainCollection(pa, ptok); err != nil {
		return err
	}
	idle := p.rss()
	bt := newTracker(m, n, 1)
	bctx, bcancel := context.WithCancel(ctx)
	var bwg sync.WaitGroup
	t0 := time.Now()
	bn, berr := h.connectAll(bctx, n, bt, func(i int) subscriberSpec {
		return subscriberSpec{base: p.url, topics: []string{plainCollection + "/*"}, prefix: "kb" + h.runTag, bufSize: 4 << 10}
	}, &bwg)
	bConnect := time.Since(t0)
	time.Sleep(2 * time.Second)
	bRSS := p.rss()
	h.saveMemStats("connections", "plain", p)
	h.poster(ctx, bt, 1, 0, m, 1, func(w, idx int) (int, error) {
		r, err := pa.do("POST", "/api/collections/"+plainCollection+"/records", "", postBody("crowd", "Crowd "+sampleText, fmt.Sprintf("kb%s%07d", h.runTag, idx)))
		return r.status, err
	})
	waitComplete(ctx, bt, 10*time.Second)
	bcancel()
	bwg.Wait()
	p.stop()
	if berr != nil && bn == 0 {
		return fmt.Errorf("baseline connections: %w", berr)
	}

	// Campfire: a fresh server on the seeded data
	if h.main != nil {
		h.main.stop()
		h.main = nil
	}
	if err := h.startMain(ctx); err != nil {
		return err
	}
	cidle := h.main.rss()
	a := api{base: h.main.url, hc: h.hc}
	ct := newTracker(m, n, 1)
	cctx, ccancel := context.WithCancel(ctx)
	defer ccancel()
	var cwg sync.WaitGroup
	room := h.seed.crowdRoom
	t0 = time.Now()
	cn, cerr := h.connectAll(cctx, n, ct, func(i int) subscriberSpec {
		return subscriberSpec{base: h.main.url, token: h.seed.token(i), topics: []string{"campfire/rooms/" + room, "campfire/users/" + h.seed.users[i].id},
			prefix: "kc" + h.runTag, bufSize: 4 << 10}
	}, &cwg)
	cConnect := time.Since(t0)
	time.Sleep(2 * time.Second)
	cRSS := h.main.rss()
	h.saveMemStats("connections", "campfire", h.main)
	tok := h.seed.token(1)
	stop := h.profileDuring("connections", h.main, 10)
	h.poster(ctx, ct, 1, 0, m, 1, func(w, idx int) (int, error) {
		r, err := a.do("POST", "/api/collections/messages/records", tok, postBody(room, "Crowd "+sampleText, fmt.Sprintf("kc%s%07d", h.runTag, idx)))
		return r.status, err
	})
	waitComplete(ctx, ct, 10*time.Second)
	stop()
	ccancel()
	cwg.Wait()
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return "; first error: " + truncate(err.Error(), 80)
	}
	h.add(line{row: "connections", measure: fmt.Sprintf("SSE clients connected and subscribed (Campfire in %s%s; baseline in %s%s)", cConnect.Round(time.Millisecond), errText(cerr), bConnect.Round(time.Millisecond), errText(berr)),
		campfire: fmt.Sprintf("%d of %d", cn, n), baseline: fmt.Sprintf("%d of %d", bn, n), target: "all", result: verdict(cn == n)})
	h.add(line{row: "connections", measure: fmt.Sprintf("RSS holding them (idle before: %s vs %s)", mb(cidle), mb(idle)), campfire: mb(cRSS), baseline: mb(bRSS) + " (plain PocketBase)",
		ratio: ratio(float64(cRSS), float64(bRSS)), target: "≤ 0.6x", result: verdict(float64(cRSS) <= 0.6*float64(bRSS))})
	cp, bp := ct.all().pct(99), bt.all().pct(99)
	h.add(line{row: "connections", measure: fmt.Sprintf("p99 delivery of %d messages, one a second, to every client (%d/%d vs %d/%d complete)", m, ct.completed.Load(), ct.ackedCount(), bt.completed.Load(), bt.ackedCount()),
		campfire: ms(cp), baseline: ms(bp), ratio: ratio(float64(cp), float64(bp)), target: "≤ 0.6x", result: verdict(cp > 0 && bp > 0 && float64(cp) <= 0.6*float64(bp) && int(ct.completed.Load()) == m)})
	h.add(line{row: "connections", measure: fmt.Sprintf("p99 of the first message (Campfire marks the room unread for %d members) / of the others", n-1),
		campfire: ms(ct.lat[0].pct(99)) + " / " + ms(ct.lat[1].pct(99)), baseline: ms(bt.lat[0].pct(99)) + " / " + ms(bt.lat[1].pct(99)), result: "context"})
	return nil
}
