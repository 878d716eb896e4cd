package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// tracker follows messages from their POST to every subscriber: live over SSE or by catch-up.
type tracker struct {
	base         time.Time
	subs         int
	sent         []atomic.Int64 // ns since base when the POST started (0: not sent)
	count        []atomic.Int32 // subscribers that have the message
	acked        []atomic.Bool  // the POST was answered 200
	completed    atomic.Int64
	lastComplete atomic.Int64
	live         atomic.Int64
	caughtUp     atomic.Int64
	disconnects  atomic.Int64
	outOfOrder   atomic.Int64 // live events with a lower seq than one the subscriber saw before
	split        int          // messages below split go to lat[0], the others to lat[1]
	lat          [2]latencies
	postLat      latencies      // how long each POST took to be answered
	seqOf        []atomic.Int64 // the seq a subscriber saw the message with (diagnostics)

	mu      sync.Mutex
	subsAll []*sub // every subscriber, for the report of what is missing
}

func newTracker(messages, subs, split int) *tracker {
	return &tracker{base: time.Now(), subs: subs, sent: make([]atomic.Int64, messages), count: make([]atomic.Int32, messages),
		acked: make([]atomic.Bool, messages), seqOf: make([]atomic.Int64, messages), split: split}
}

func (t *tracker) now() int64 { return int64(time.Since(t.base)) }

func (t *tracker) send(idx int) { t.sent[idx].Store(max(1, t.now())) }

// sub is one subscriber's view: which messages it has, its latencies and the highest seq it saw.
type sub struct {
	n      int // which subscriber
	seen   []uint64
	lat    [2][]time.Duration
	maxSeq int64
	log    []string // its connection history, for the report of what is missing
}

func (t *tracker) newSub(n int) *sub {
	s := &sub{n: n, seen: make([]uint64, (len(t.sent)+63)/64)}
	t.mu.Lock()
	t.subsAll = append(t.subsAll, s)
	t.mu.Unlock()
	return s
}

// note adds a line to a subscriber's connection history.
func (t *tracker) note(s *sub, format string, args ...any) {
	s.log = append(s.log, fmt.Sprintf("%7.3fs ", time.Duration(t.now()).Seconds())+fmt.Sprintf(format, args...))
}

// missing describes, for up to limit acknowledged messages that did not reach every subscriber,
// who lacks them and those subscribers' connection histories. Call it after the subscribers ended.
func (t *tracker) missing(from, to, limit int) string {
	var b strings.Builder
	shown := 0
	logged := map[*sub]bool{}
	var histories []*sub
	for i := from; i < to && i < len(t.count); i++ {
		if !t.acked[i].Load() || int(t.count[i].Load()) >= t.subs {
			continue
		}
		if shown++; shown > limit {
			break
		}
		fmt.Fprintf(&b, "message %d (seq %d, sent at %.3fs) lacks:", i, t.seqOf[i].Load(), time.Duration(t.sent[i].Load()).Seconds())
		t.mu.Lock()
		lacking := 0
		for _, s := range t.subsAll {
			if s.seen[i/64]&(uint64(1)<<(i%64)) != 0 {
				continue
			}
			if lacking++; lacking <= 10 {
				fmt.Fprintf(&b, " subscriber %d", s.n)
				if !logged[s] && len(histories) < 5 {
					logged[s] = true
					histories = append(histories, s)
				}
			}
		}
		t.mu.Unlock()
		if lacking > 10 {
			fmt.Fprintf(&b, " and %d more", lacking-10)
		}
		b.WriteString("\n")
	}
	for _, s := range histories {
		fmt.Fprintf(&b, "subscriber %d (highest seq %d):\n  %s\n", s.n, s.maxSeq, strings.Join(s.log, "\n  "))
	}
	return b.String()
}

func (t *tracker) mark(s *sub, idx int, seq int64, live bool) {
	if idx < 0 || idx >= len(t.sent) {
		return
	}
	w, b := idx/64, uint64(1)<<(idx%64)
	if s.seen[w]&b != 0 {
		return
	}
	s.seen[w] |= b
	now := t.now()
	if seq > 0 {
		t.seqOf[idx].Store(seq)
	}
	if live {
		t.live.Add(1)
		if sent := t.sent[idx].Load(); sent > 0 {
			k := 0
			if idx >= t.split {
				k = 1
			}
			s.lat[k] = append(s.lat[k], time.Duration(now-sent))
		}
	} else {
		t.caughtUp.Add(1)
	}
	if int(t.count[idx].Add(1)) == t.subs {
		t.completed.Add(1)
		for {
			old := t.lastComplete.Load()
			if now <= old || t.lastComplete.CompareAndSwap(old, now) {
				break
			}
		}
	}
}

// all returns every live latency of both parts.
func (t *tracker) all() *latencies {
	l := &latencies{}
	l.addAll(t.lat[0].d)
	l.addAll(t.lat[1].d)
	return l
}

func (t *tracker) flush(s *sub) {
	t.lat[0].addAll(s.lat[0])
	t.lat[1].addAll(s.lat[1])
	s.lat = [2][]time.Duration{}
}

// completeIn counts the acknowledged messages among [from, to) and the complete ones of those.
func (t *tracker) completeIn(from, to int) (complete, acked int) {
	for i := from; i < to && i < len(t.count); i++ {
		if !t.acked[i].Load() {
			continue
		}
		acked++
		if int(t.count[i].Load()) >= t.subs {
			complete++
		}
	}
	return complete, acked
}

// ackedCount counts the acknowledged messages.
func (t *tracker) ackedCount() int {
	n := 0
	for i := range t.acked {
		if t.acked[i].Load() {
			n++
		}
	}
	return n
}

// subscriberSpec says how one subscriber connects.
type subscriberSpec struct {
	base    string
	token   string
	topics  []string
	prefix  string // client_message_id prefix of the tracked messages
	catchUp string // the room to catch up on with changes?since= after a disconnect ("" for none)
	bufSize int
	// dropAfter > 0: the subscriber closes its connection once after that many tracked events, stays
	// away for half a second and comes back (a flaky client: it must catch up)
	dropAfter int
}

// runSubscriber keeps one subscriber connected until ctx ends; ready is told once it is subscribed
// (nil error) or could not be (the error).
func (h *harness) runSubscriber(ctx context.Context, hc *http.Client, t *tracker, n int, spec subscriberSpec, ready func(error)) {
	a := api{base: spec.base, hc: h.hc}
	s := t.newSub(n)
	defer t.flush(s)
	first := true
	seen := 0
	for ctx.Err() == nil {
		c, err := dialSSE(ctx, hc, spec.base, spec.bufSize)
		if err == nil {
			t.note(s, "connected as %s", c.id)
			if err = subscribe(a, c.id, spec.token, spec.topics); err != nil {
				c.close()
			}
		}
		if err != nil {
			t.note(s, "connect or subscribe failed: %v", err)
			if first {
				ready(err)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		t.note(s, "subscribed (highest seq seen %d)", s.maxSeq)
		if first {
			first = false
			ready(nil)
		} else if spec.catchUp != "" {
			h.catchUp(a, t, s, spec)
		}
		dropped := false
		var firstLive, lastLive int64
		for {
			_, data, err := c.next()
			if err != nil {
				if ctx.Err() == nil {
					t.note(s, "connection ended: %v (live seqs %d..%d)", err, firstLive, lastLive)
				}
				break
			}
			if idx, ok := benchIndex(data, spec.prefix); ok {
				seq := eventSeq(data)
				if firstLive == 0 {
					firstLive = seq
				}
				if seq < lastLive {
					t.outOfOrder.Add(1)
					t.note(s, "live seq %d after %d: out of order", seq, lastLive)
				}
				lastLive = seq
				t.mark(s, idx, seq, true)
				if seq > s.maxSeq {
					s.maxSeq = seq
				}
				if seen++; spec.dropAfter > 0 && seen == spec.dropAfter {
					t.note(s, "dropping on purpose (live seqs %d..%d)", firstLive, lastLive)
					dropped = true
					break
				}
			}
		}
		c.close()
		if ctx.Err() == nil {
			t.disconnects.Add(1)
		}
		if dropped {
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
}

// catchUp reads changes?since=<highest seq seen> until nothing more is left, as the web app does
// after a reconnect.
func (h *harness) catchUp(a api, t *tracker, s *sub, spec subscriberSpec) {
	for {
		var cs struct {
			Messages []struct {
				ClientMessageID string `json:"client_message_id"`
			} `json:"messages"`
			Seq     int64 `json:"seq"`
			HasMore bool  `json:"has_more"`
		}
		path := fmt.Sprintf("/api/campfire/rooms/%s/changes?since=%d", spec.catchUp, s.maxSeq)
		var err error
		for try := 0; try < 10; try++ { // a failed catch-up would lose the gap: try again, as the web app does
			if err = a.json("GET", path, spec.token, nil, &cs); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.note(s, "catch-up since %d failed: %v", s.maxSeq, err)
			return
		}
		t.note(s, "caught up since %d: %d messages, seq %d, more %v", s.maxSeq, len(cs.Messages), cs.Seq, cs.HasMore)
		for _, m := range cs.Messages {
			var idx int
			if n, _ := fmt.Sscanf(m.ClientMessageID, spec.prefix+"%d", &idx); n == 1 {
				t.mark(s, idx, 0, false)
			}
		}
		if cs.Seq > s.maxSeq {
			s.maxSeq = cs.Seq
		}
		if !cs.HasMore {
			return
		}
	}
}

// connectAll starts n subscribers (at most 64 connecting at once) and waits until every one is
// subscribed or failed; it returns how many are connected and the first error.
func (h *harness) connectAll(ctx context.Context, n int, t *tracker, spec func(i int) subscriberSpec, wg *sync.WaitGroup) (int, error) {
	hc := &http.Client{Transport: newTransport(64)}
	sem := make(chan struct{}, 64)
	var ok atomic.Int64
	var firstErr atomic.Value
	var readyWG sync.WaitGroup
	for i := 0; i < n && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		readyWG.Add(1)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			once := sync.Once{}
			h.runSubscriber(ctx, hc, t, i, spec(i), func(err error) {
				once.Do(func() {
					if err == nil {
						ok.Add(1)
					} else {
						firstErr.CompareAndSwap(nil, err)
					}
					<-sem
					readyWG.Done()
				})
			})
		}(i)
	}
	readyWG.Wait()
	var err error
	if v := firstErr.Load(); v != nil {
		err = v.(error)
	}
	return int(ok.Load()), err
}

// waitComplete waits until every acknowledged message is complete, progress stalls for stall, or
// ctx ends.
func waitComplete(ctx context.Context, t *tracker, stall time.Duration) {
	last, lastChange := int64(-1), time.Now()
	for ctx.Err() == nil {
		if int(t.completed.Load()) >= t.ackedCount() {
			return
		}
		seen := t.live.Load() + t.caughtUp.Load()
		if seen != last {
			last, lastChange = seen, time.Now()
		} else if time.Since(lastChange) > stall {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// statuses counts answers by status (0: transport error).
type statuses struct {
	mu sync.Mutex
	m  map[int]int
}

func (s *statuses) add(code int) {
	s.mu.Lock()
	if s.m == nil {
		s.m = map[int]int{}
	}
	s.m[code]++
	s.mu.Unlock()
}

func (s *statuses) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := json.Marshal(s.m)
	return string(b)
}

func (s *statuses) get(code int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[code]
}
