// Package metrics exposes Campfire's Prometheus metrics at /metrics (text exposition format 0.0.4),
// behind a bearer token: HTTP requests and their durations, posted messages, realtime connections,
// the outbox queue, webhook and push outcomes, SQLite statement durations.
//
// The counters are process-wide, like Prometheus' default registry. Areas bump theirs with the
// exported functions:
//
//	metrics.WebhookDelivery("delivered")  // or "replied", "retry", "failed", "timeout", "disabled", "skipped"
//	metrics.PushSend("sent")              // or "gone", "retry", "failed", "skipped"
package metrics

import (
	"crypto/subtle"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/groupcommit"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/realtime"
)

var (
	httpBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	dbBuckets   = []float64{0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1}

	requests     = newCounterVec("campfire_http_requests_total", "HTTP requests answered, by method and status code.", "method", "code")
	requestTimes = newHistogram("campfire_http_request_duration_seconds", "Time to answer an HTTP request (realtime streams excluded).", httpBuckets)
	posted       = newCounterVec("campfire_messages_posted_total", "Messages committed.")
	webhooks     = newCounterVec("campfire_webhook_deliveries_total", "Outgoing webhook attempts by outcome.", "outcome")
	pushes       = newCounterVec("campfire_push_sends_total", "Web push sends by outcome.", "outcome")
	dbTimes      = newHistogramVec("campfire_db_write_duration_seconds", "Shared write transactions on data.db (group commits of posts), by kind.", dbBuckets, "kind")
	started      = time.Now()
)

// WebhookDelivery counts one outgoing webhook attempt with its outcome (a short lower-case word).
func WebhookDelivery(outcome string) { webhooks.inc(label(outcome)) }

// PushSend counts one web push send with its outcome (a short lower-case word).
func PushSend(outcome string) { pushes.inc(label(outcome)) }

// MessagePosted counts a committed message (Register binds it to OnMessagePosted).
func MessagePosted() { posted.inc() }

// ObserveDB records how long one SQLite statement took; kind is "query" or "exec".
func ObserveDB(kind string, d time.Duration) { dbTimes.observe(d.Seconds(), kind) }

// ObserveRequest records one answered HTTP request.
func ObserveRequest(method string, code int, d time.Duration, timed bool) {
	requests.inc(method, strconv.Itoa(code))
	if timed {
		requestTimes.observe(d.Seconds())
	}
}

// Register serves /metrics and counts requests and posts. /metrics answers 404 while no metrics
// token is configured, 401 without the right Authorization: Bearer <token>.
func Register(app core.App) {
	groupcommit.SetObserver(func(_ int, d time.Duration) { ObserveDB("group_commit", d) })
	events.For(app).MessagePosted.BindFunc(func(e *events.MessageEvent) error {
		MessagePosted()
		return e.Next()
	})
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfireMetrics",
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id:       "campfireRequestMetrics",
				Priority: apis.DefaultWWWRedirectMiddlewarePriority + 1, // outermost: every answer counts
				Func: func(e *core.RequestEvent) error {
					start := time.Now()
					err := e.Next()
					code := http.StatusOK
					if err != nil {
						code = router.ToApiError(err).Status
					} else if s := e.Status(); s != 0 {
						code = s
					}
					stream := e.Request.URL.Path == "/api/realtime" && e.Request.Method == http.MethodGet
					ObserveRequest(method(e.Request.Method), code, time.Since(start), !stream)
					return err
				},
			})
			se.Router.GET("/metrics", func(e *core.RequestEvent) error {
				token := config.Get(e.App).MetricsToken
				if token == "" {
					return e.NotFoundError("", nil)
				}
				got, ok := strings.CutPrefix(e.Request.Header.Get("Authorization"), "Bearer ")
				if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
					e.Response.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
					return e.UnauthorizedError("A valid metrics token is required.", nil)
				}
				e.Response.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
				e.Response.Header().Set("Cache-Control", "no-store")
				e.Response.WriteHeader(http.StatusOK)
				return Write(e.Response, e.App)
			}).Bind(apis.SkipSuccessActivityLog())
			return se.Next()
		},
	})
}

// Draining reports whether the app is shutting down; the root package sets it.
var Draining = func(app core.App) bool { return false }

// Write writes every metric of app in the Prometheus text format.
func Write(w io.Writer, app core.App) error {
	b := &strings.Builder{}
	requests.write(b)
	requestTimes.write(b)
	posted.write(b)
	webhooks.write(b)
	pushes.write(b)
	dbTimes.write(b)
	gauge(b, "campfire_realtime_connections", "Open realtime (SSE) connections.", float64(realtime.HubFor(app).Connections()))
	gauge(b, "campfire_outbox_pending", "Deliveries (webhooks, pushes) waiting in the outbox.", float64(outbox.Pending(app)))
	draining := 0.0
	if Draining(app) {
		draining = 1
	}
	gauge(b, "campfire_draining", "1 while the server is shutting down and refusing new writes.", draining)
	gauge(b, "campfire_goroutines", "Goroutines of the process.", float64(runtime.NumGoroutine()))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gauge(b, "campfire_heap_bytes", "Heap bytes in use.", float64(ms.HeapAlloc))
	gauge(b, "campfire_start_time_seconds", "When the process started, in Unix seconds.", float64(started.Unix()))
	_, err := io.WriteString(w, b.String())
	return err
}

func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// label keeps outcome labels short and safe; a runaway set of values would blow up the series count.
func label(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 32 || strings.IndexFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '_' || r >= '0' && r <= '9') }) >= 0 {
		return "other"
	}
	return s
}

func gauge(b *strings.Builder, name, help string, v float64) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", name, help, name, name, num(v))
}

func num(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// counterVec is a counter with labels.
type counterVec struct {
	name, help string
	labels     []string
	mu         sync.RWMutex
	values     map[string]*atomic.Uint64 // key: label values joined by \xff
	maxSeries  int
}

func newCounterVec(name, help string, labels ...string) *counterVec {
	return &counterVec{name: name, help: help, labels: labels, values: map[string]*atomic.Uint64{}, maxSeries: 200}
}

func (c *counterVec) inc(values ...string) {
	key := strings.Join(values, "\xff")
	c.mu.RLock()
	v, ok := c.values[key]
	c.mu.RUnlock()
	if !ok {
		c.mu.Lock()
		if v, ok = c.values[key]; !ok {
			if len(c.values) >= c.maxSeries {
				c.mu.Unlock()
				return
			}
			v = &atomic.Uint64{}
			c.values[key] = v
		}
		c.mu.Unlock()
	}
	v.Add(1)
}

func (c *counterVec) write(b *strings.Builder) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	c.mu.RLock()
	keys := make([]string, 0, len(c.values))
	for k := range c.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]uint64, len(keys))
	for i, k := range keys {
		vals[i] = c.values[k].Load()
	}
	c.mu.RUnlock()
	if len(c.labels) == 0 && len(keys) == 0 {
		fmt.Fprintf(b, "%s 0\n", c.name)
	}
	for i, k := range keys {
		fmt.Fprintf(b, "%s%s %d\n", c.name, labelSet(c.labels, splitKey(k, len(c.labels))), vals[i])
	}
}

func splitKey(k string, n int) []string {
	if n == 0 {
		return nil
	}
	return strings.Split(k, "\xff")
}

func labelSet(names, values []string, extra ...string) string {
	if len(names) == 0 && len(extra) == 0 {
		return ""
	}
	parts := make([]string, 0, len(names)+1)
	for i, n := range names {
		parts = append(parts, n+`="`+escape(values[i])+`"`)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		parts = append(parts, extra[i]+`="`+escape(extra[i+1])+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// histogramVec is a histogram with labels.
type histogramVec struct {
	name, help string
	labels     []string
	buckets    []float64
	mu         sync.RWMutex
	series     map[string]*series
}

// series is one histogram, updated without locks (DB timings are observed on every statement).
type series struct {
	counts []atomic.Uint64 // per bucket, not cumulative
	count  atomic.Uint64
	sum    atomic.Uint64 // float64 bits
}

func newHistogramVec(name, help string, buckets []float64, labels ...string) *histogramVec {
	return &histogramVec{name: name, help: help, labels: labels, buckets: slices.Clone(buckets), series: map[string]*series{}}
}

func newHistogram(name, help string, buckets []float64) *histogramVec {
	return newHistogramVec(name, help, buckets)
}

func (h *histogramVec) observe(v float64, values ...string) {
	key := strings.Join(values, "\xff")
	h.mu.RLock()
	s, ok := h.series[key]
	h.mu.RUnlock()
	if !ok {
		h.mu.Lock()
		if s, ok = h.series[key]; !ok {
			s = &series{counts: make([]atomic.Uint64, len(h.buckets))}
			h.series[key] = s
		}
		h.mu.Unlock()
	}
	if i := sort.SearchFloat64s(h.buckets, v); i < len(s.counts) { // first bucket with le >= v
		s.counts[i].Add(1)
	}
	for {
		old := s.sum.Load()
		if s.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			break
		}
	}
	s.count.Add(1)
}

func (h *histogramVec) write(b *strings.Builder) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	h.mu.RLock()
	keys := make([]string, 0, len(h.series))
	for k := range h.series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	all := make([]*series, len(keys))
	for i, k := range keys {
		all[i] = h.series[k]
	}
	h.mu.RUnlock()
	if len(h.labels) == 0 && len(keys) == 0 {
		keys, all = []string{""}, []*series{{counts: make([]atomic.Uint64, len(h.buckets))}}
	}
	for i, k := range keys {
		values := splitKey(k, len(h.labels))
		s := all[i]
		// read the total first: buckets observed after it can only make the +Inf line lag, never lead
		count := s.count.Load()
		sum := math.Float64frombits(s.sum.Load())
		var cum uint64
		for j, le := range h.buckets {
			cum += s.counts[j].Load()
			fmt.Fprintf(b, "%s_bucket%s %d\n", h.name, labelSet(h.labels, values, "le", num(le)), min(cum, count))
		}
		fmt.Fprintf(b, "%s_bucket%s %d\n", h.name, labelSet(h.labels, values, "le", "+Inf"), count)
		fmt.Fprintf(b, "%s_sum%s %s\n", h.name, labelSet(h.labels, values), num(sum))
		fmt.Fprintf(b, "%s_count%s %d\n", h.name, labelSet(h.labels, values), count)
	}
}
