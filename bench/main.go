// Command bench is Campfire's benchmark harness ("Proof under load"): it builds nothing itself (the
// Makefile builds ./campfire first), seeds a data dir with `campfire seed`, starts the real binary on
// 127.0.0.1, drives it over real HTTP and SSE, and prints one table in which every figure is a ratio
// against a baseline measured in the same run on the same machine: a plain PocketBase collection
// (bench_plain, no hooks, public rules) and its record subscriptions served by the same binary, raw
// SQLite inserts through the same driver, and plain PocketBase + jsvm (CAMPFIRE_BASELINE=plain) for
// the start row. See BENCHMARKS.md.
//
//	go run ./bench -bin ./campfire          # the full run (make bench), stops within 10 minutes
//	go run ./bench -bin ./campfire -smoke   # every row with small counts (make bench-smoke, CI)
//
// It never asserts on timings: it exits non-zero only when it could not run (or an audit found a lost
// or duplicated message).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// sizes are the counts of one run.
type sizes struct {
	users, messages  int
	postDur          time.Duration
	fanSubs, fanMsgs int
	fanBaseMsgs      int
	fanDur           time.Duration // phase A and the baseline stop posting after this
	fanPaceDur       time.Duration
	connClients      int
	connMsgs         int
	searchQueries    int
	openDur          time.Duration
	startReps        int
	rawDur           time.Duration
	auditDur         time.Duration
	overloadPosters  int
	overloadDur      time.Duration
	budget           time.Duration
}

var full = sizes{
	users: 10000, messages: 1_000_000,
	postDur: 8 * time.Second,
	fanSubs: 1000, fanMsgs: 3000, fanBaseMsgs: 150, fanDur: 12 * time.Second, fanPaceDur: 4 * time.Second,
	connClients: 10000, connMsgs: 6,
	searchQueries: 1000, openDur: 5 * time.Second, startReps: 5, rawDur: 3 * time.Second,
	auditDur: 30 * time.Second, overloadPosters: 256, overloadDur: 6 * time.Second,
	budget: 8*time.Minute + 30*time.Second, // the build and the last server stop fit in the 10 minutes
}

var smoke = sizes{
	users: 1000, messages: 20000,
	postDur: 2 * time.Second,
	fanSubs: 200, fanMsgs: 300, fanBaseMsgs: 30, fanDur: 4 * time.Second, fanPaceDur: time.Second,
	connClients: 1000, connMsgs: 2,
	searchQueries: 100, openDur: time.Second, startReps: 2, rawDur: time.Second,
	auditDur: 10 * time.Second, overloadPosters: 256, overloadDur: 2 * time.Second,
	budget: 2*time.Minute + 15*time.Second,
}

// line is one line of the results table.
type line struct {
	row, measure, campfire, baseline, ratio, target, result string
}

type harness struct {
	runTag    string // a tag of this run in every client_message_id: a reused data dir already holds the last run's
	bin       string
	work      string
	smoke     bool
	cfg       sizes
	serverEnv []string
	hc        *http.Client
	deadline  time.Time
	seed      *seedInfo
	main      *server
	suToken   string
	lines     []line
	notes     []string
	profile   map[string]bool
	push      *pushService
	fdLimit   uint64
	rateNote  string
	only      map[string]bool
	rawRate   float64
	reuse     bool
	version   string
	plainRate float64
}

func main() {
	bin := flag.String("bin", "./campfire", "the campfire binary (make bench builds it)")
	smokeRun := flag.Bool("smoke", false, "a short run of every row with small counts (CI)")
	work := flag.String("work", "", "work directory (default: a new temporary one, removed afterwards)")
	keep := flag.Bool("keep", false, "keep the work directory (data dirs, server logs, profiles)")
	prof := flag.String("profile", "", "comma-separated rows to take a 10 s server CPU profile of (post, fanout, connections, search, open, overload)")
	out := flag.String("out", "", "also write the results (markdown) to this file")
	only := flag.String("only", "", "comma-separated rows to run (default: all)")
	reuse := flag.Bool("reuse", false, "with -work: use the data dir an earlier run seeded there (investigations; its rows have changed it)")
	msgs := flag.Int("messages", 0, "override the number of seeded messages (investigations)")
	dur := flag.Duration("dur", 0, "override the measuring time of the post, room open and overload rows (investigations)")
	flag.Parse()

	h := &harness{smoke: *smokeRun, cfg: full, profile: map[string]bool{}, only: map[string]bool{},
		runTag: strconv.FormatInt(time.Now().UnixMilli()%(36*36*36*36), 36) + "r"}
	if h.smoke {
		h.cfg = smoke
	}
	if *msgs > 0 {
		h.cfg.messages = *msgs
	}
	if *dur > 0 {
		h.cfg.postDur, h.cfg.openDur, h.cfg.overloadDur = *dur, *dur, *dur
	}
	for _, p := range strings.Split(*prof, ",") {
		if p = strings.TrimSpace(p); p != "" {
			h.profile[p] = true
		}
	}
	for _, p := range strings.Split(*only, ",") {
		if p = strings.TrimSpace(p); p != "" {
			h.only[p] = true
		}
	}
	started := time.Now()
	h.deadline = started.Add(h.cfg.budget)
	abs, err := filepath.Abs(*bin)
	if err != nil {
		fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		fatal(fmt.Errorf("%s: %w (run `make build-go` first)", abs, err))
	}
	h.bin = abs
	if *work == "" {
		dir, err := os.MkdirTemp("", "campfire-bench-")
		if err != nil {
			fatal(err)
		}
		h.work = dir
		if !*keep {
			defer os.RemoveAll(dir)
		}
	} else {
		h.work, _ = filepath.Abs(*work)
		_ = os.MkdirAll(h.work, 0o755)
	}
	h.reuse = *reuse
	code := h.run(started)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(h.markdown(started)), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if *keep || *work != "" {
		fmt.Printf("work directory kept: %s\n", h.work)
	}
	if code != 0 {
		os.RemoveAll(h.work) // deferred calls do not run through os.Exit
		os.Exit(code)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(2)
}

// run runs every row and prints the table; it returns the exit code.
func (h *harness) run(started time.Time) int {
	ctx, cancel := context.WithDeadline(context.Background(), h.deadline)
	defer cancel()
	h.logf("campfire bench (%s), work dir %s, load %s", h.mode(), h.work, loadavg())

	var err error
	if h.fdLimit, err = raiseFileLimit(); err != nil {
		fatal(fmt.Errorf("file limit: %w", err))
	}
	if need := uint64(h.cfg.connClients + 2000); h.fdLimit < need {
		h.cfg.connClients = int(h.fdLimit) - 2000
		h.note(fmt.Sprintf("the open-file limit (%d) allows only %d SSE clients", h.fdLimit, h.cfg.connClients))
	}
	h.hc = &http.Client{Transport: newTransport(1024), Timeout: 60 * time.Second}
	if h.push, err = startPushService(h.work); err != nil {
		fatal(err)
	}
	defer h.push.close()
	h.serverEnv = []string{
		// rate limits are set explicitly for the run (and PATCHed off through /api/settings after each start)
		"CAMPFIRE_RATE_LIMITS=false",
		"CAMPFIRE_POST_LIMIT=off",
		"CAMPFIRE_HOOKS_WATCH=false",
		"CAMPFIRE_AUTOMIGRATE=false",
		"CAMPFIRE_PUSH_SUBJECT=mailto:bench@pocketcampfire.org",
		"CAMPFIRE_BENCH_PUSH_CA=" + h.push.caFile,
	}

	seedDir := filepath.Join(h.work, "seeded")
	if h.reuse {
		if h.seed, err = loadSeed(seedDir); err != nil {
			fatal(fmt.Errorf("-reuse: %w", err))
		}
		h.note("the data dir was reused from an earlier run (-reuse): earlier rows have posted into it")
	} else {
		h.logf("seeding %d users, 100 rooms, %d messages with `campfire seed`...", h.cfg.users, h.cfg.messages)
		if h.seed, err = h.seedData(ctx, seedDir); err != nil {
			fatal(fmt.Errorf("seed: %w", err))
		}
	}
	h.logf("seeded in %s (%s) + %s for the bench rooms; %d messages", h.seed.seedTook.Round(time.Millisecond),
		h.seed.seedOutput, h.seed.extraTook.Round(time.Millisecond), h.seed.messages)

	failed := false
	step := func(name string, fn func(context.Context) error) {
		if len(h.only) > 0 && !h.only[name] {
			return
		}
		if ctx.Err() != nil {
			h.add(line{row: name, measure: "not run", result: "time budget used up"})
			return
		}
		h.logf("row %s...", name)
		t0 := time.Now()
		if err := fn(ctx); err != nil {
			h.add(line{row: name, measure: "error", campfire: truncate(err.Error(), 200), result: "ERROR"})
			h.logf("row %s: %v", name, err)
			failed = true
		}
		h.logf("row %s done in %s, load %s", name, time.Since(t0).Round(100*time.Millisecond), loadavg())
	}
	step("start", h.rowStart)
	if err := h.startMain(ctx); err != nil {
		fatal(err)
	}
	step("search", h.rowSearch)
	step("open", h.rowOpen)
	step("raw", h.rowRaw)
	step("post", h.rowPost)
	step("fanout", h.rowFanout)
	step("connections", h.rowConnections)
	step("audit", h.rowAudit)
	step("overload", h.rowOverload)
	if h.main != nil {
		h.main.stop()
	}
	fmt.Println()
	fmt.Print(h.markdown(started))
	for _, l := range h.lines {
		if l.result == "LOST" {
			return 1
		}
	}
	if failed {
		return 1
	}
	return 0
}

func (h *harness) mode() string {
	if h.smoke {
		return "smoke: small counts, figures are not the targets' conditions"
	}
	return "full"
}

func (h *harness) add(l line) { h.lines = append(h.lines, l) }

func (h *harness) note(s string) { h.notes = append(h.notes, s) }

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// startMain starts the Campfire server the rows share (with pprof on loopback) and prepares it:
// superuser token, rate limits off, the baseline collection.
func (h *harness) startMain(ctx context.Context) error {
	if h.main != nil {
		h.main.stop()
	}
	pport, err := freePort()
	if err != nil {
		return err
	}
	s, err := startServer(h, "campfire", h.seed.dir, 0, []string{fmt.Sprintf("CAMPFIRE_PPROF=127.0.0.1:%d", pport)})
	if err != nil {
		return err
	}
	s.pprof = fmt.Sprintf("http://127.0.0.1:%d", pport)
	h.main = s
	if err := h.prepare(s); err != nil {
		return err
	}
	if h.version == "" {
		var st struct {
			Version string `json:"version"`
		}
		if err := (api{base: s.url, hc: h.hc}).json("GET", "/api/campfire/status", "", nil, &st); err == nil {
			h.version = st.Version
		}
	}
	return nil
}

// prepare waits for a (re)started Campfire server and switches its rate limits off.
func (h *harness) prepare(s *server) error {
	if _, err := s.waitHealthy(60 * time.Second); err != nil {
		return err
	}
	a := api{base: s.url, hc: h.hc}
	if h.suToken == "" {
		tok, err := superuserToken(a, h.seed.adminEmail, h.seed.password)
		if err != nil {
			return fmt.Errorf("superuser sign-in: %w", err)
		}
		h.suToken = tok
	}
	enabled, err := rateLimitsOff(a, h.suToken)
	if err != nil {
		return fmt.Errorf("rate limits: %w", err)
	}
	h.rateNote = fmt.Sprintf("PocketBase's rate limiter switched off with PATCH /api/settings {rateLimits:{enabled:false}} after every start (read back: enabled=%v); Campfire's per-user post limit off with CAMPFIRE_POST_LIMIT=off (not a setting: in memory, from the environment); CAMPFIRE_RATE_LIMITS=false", enabled)
	if err := createPlainCollection(a, h.suToken); err != nil {
		return fmt.Errorf("baseline collection: %w", err)
	}
	return nil
}

// saveMemStats keeps a server's heap profile text (its runtime.MemStats at the end: heap, stacks) as
// profiles/<row>.<name>.memstats.txt, and a heap profile after a GC as <row>.<name>.heap.pprof, when
// the row is profiled.
func (h *harness) saveMemStats(row, name string, s *server) {
	if !h.profile[row] || s == nil || s.pprof == "" {
		return
	}
	_ = os.MkdirAll(filepath.Join(h.work, "profiles"), 0o755)
	for file, path := range map[string]string{"memstats.txt": "/debug/pprof/heap?debug=1", "heap.pprof": "/debug/pprof/heap?gc=1"} {
		res, err := http.Get(s.pprof + path)
		if err != nil {
			return
		}
		if f, err := os.Create(filepath.Join(h.work, "profiles", row+"."+name+"."+file)); err == nil {
			_, _ = io.Copy(f, res.Body)
			f.Close()
		}
		res.Body.Close()
	}
}

// profileDuring takes a CPU profile of the main server while a row runs, when asked for.
func (h *harness) profileDuring(row string, s *server, seconds int) func() {
	if !h.profile[row] || s == nil || s.pprof == "" {
		return func() {}
	}
	_ = os.MkdirAll(filepath.Join(h.work, "profiles"), 0o755)
	done := make(chan struct{})
	go func() { // and the server's goroutines and heap halfway through
		time.Sleep(time.Duration(seconds) * time.Second / 2)
		for name, path := range map[string]string{"goroutines.txt": "/debug/pprof/goroutine?debug=1", "heap.pprof": "/debug/pprof/heap", "heap.txt": "/debug/pprof/heap?debug=1"} {
			res, err := http.Get(s.pprof + path)
			if err != nil {
				return
			}
			if f, err := os.Create(filepath.Join(h.work, "profiles", row+"."+name)); err == nil {
				_, _ = io.Copy(f, res.Body)
				f.Close()
			}
			res.Body.Close()
		}
	}()
	go func() {
		defer close(done)
		path := filepath.Join(h.work, "profiles", row+".pprof")
		_ = os.MkdirAll(filepath.Dir(path), 0o755)
		res, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", s.pprof, seconds))
		if err != nil {
			h.logf("profile %s: %v", row, err)
			return
		}
		defer res.Body.Close()
		f, err := os.Create(path)
		if err != nil {
			return
		}
		_, _ = io.Copy(f, res.Body)
		f.Close()
		h.note(fmt.Sprintf("server CPU profile of the %s row: %s (go tool pprof -top %s %s)", row, path, h.bin, path))
	}()
	return func() { <-done }
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func machine() string {
	cpu := "?"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "model name") {
				if _, v, ok := strings.Cut(l, ":"); ok {
					cpu = strings.TrimSpace(v)
				}
				break
			}
		}
	}
	mem := "?"
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(data), "\n", 2)[0])
		if len(f) >= 2 {
			var kb int64
			fmt.Sscan(f[1], &kb)
			mem = fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%s/%s, %d cores (%s), %s RAM, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, mem, runtime.Version())
}

// markdown renders the results: command, date, machine, conditions, the table and notes.
func (h *harness) markdown(started time.Time) string {
	var b strings.Builder
	mode := h.mode()
	if len(h.only) > 0 {
		mode += ", only some rows, at full size unless stated"
	}
	fmt.Fprintf(&b, "### Results (%s)\n\n", mode)
	fmt.Fprintf(&b, "- command: `go run ./bench %s` (`make bench` is `go run ./bench -bin ./campfire`, `make bench-smoke` adds `-smoke`)\n", strings.Join(os.Args[1:], " "))
	fmt.Fprintf(&b, "- date: %s, took %s\n", started.Format("2006-01-02 15:04 MST"), time.Since(started).Round(time.Second))
	fmt.Fprintf(&b, "- binary: %s, version %s (from /api/campfire/status)\n", h.bin, h.version)
	fmt.Fprintf(&b, "- machine: %s\n", machine())
	fmt.Fprintf(&b, "- load average (1/5/15 min) at the end: %s\n", loadavg())
	fmt.Fprintf(&b, "- open-file limit (harness and servers): %d\n", h.fdLimit)
	if h.rateNote != "" {
		fmt.Fprintf(&b, "- rate limits: %s\n", h.rateNote)
	}
	if h.seed != nil {
		fmt.Fprintf(&b, "- data: %d messages (%s; %s), %d members, the search user in %d of %d rooms\n",
			h.seed.messages, h.seed.seedOutput, "seed took "+h.seed.seedTook.Round(time.Second).String(),
			len(h.seed.users), len(h.seed.searchRooms), len(h.seed.sharedRooms))
	}
	b.WriteString("\n| row | measure | Campfire | baseline | ratio | target | result |\n|---|---|---|---|---|---|---|\n")
	for _, l := range h.lines {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", l.row, l.measure, l.campfire, l.baseline, l.ratio, l.target, l.result)
	}
	if len(h.notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range h.notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}
