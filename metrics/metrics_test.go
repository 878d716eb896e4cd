package metrics_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/metrics"
	"github.com/pocketcampfire/campfire/testkit"
)

func scrape(t *testing.T, base, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if res.StatusCode == http.StatusOK && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("content type %q", res.Header.Get("Content-Type"))
	}
	return res.StatusCode, b.String()
}

func value(t *testing.T, text, series string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMetricsEndpoint(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)

	// off while no token is configured
	if status, _ := scrape(t, base, ""); status != http.StatusNotFound {
		t.Fatalf("no token configured: %d", status)
	}
	cfg := config.Default()
	cfg.MetricsToken = "s3cret-metrics-token"
	config.Set(w.App, cfg)
	if status, _ := scrape(t, base, ""); status != http.StatusUnauthorized {
		t.Fatalf("no bearer: %d", status)
	}
	if status, _ := scrape(t, base, "wrong"); status != http.StatusUnauthorized {
		t.Fatalf("wrong bearer: %d", status)
	}
	_, before := scrape(t, base, cfg.MetricsToken)

	// posts, realtime connections, outcomes other areas report
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	for i := 0; i < 3; i++ {
		if r := admin.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]string{"room": w.AllTalk.Id, "body": "counted"}); r.Status != http.StatusOK {
			t.Fatalf("post: %d %s", r.Status, r.Body)
		}
	}
	sse := testkit.Connect(t, base)
	if r := sse.Subscribe(t, admin.Token, "campfire/rooms/"+w.AllTalk.Id); r.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d", r.Status)
	}
	metrics.WebhookDelivery("delivered")
	metrics.WebhookDelivery("Not A Label!") // unsafe values are folded into "other"
	metrics.PushSend("gone")

	status, after := scrape(t, base, cfg.MetricsToken)
	if status != http.StatusOK {
		t.Fatalf("scrape: %d", status)
	}
	if d := value(t, after, "campfire_messages_posted_total") - value(t, before, "campfire_messages_posted_total"); d != 3 {
		t.Fatalf("posted went up by %v, want 3\n%s", d, after)
	}
	if v := value(t, after, "campfire_realtime_connections"); v < 1 {
		t.Fatalf("realtime connections %v", v)
	}
	for _, series := range []string{
		`campfire_webhook_deliveries_total{outcome="delivered"}`,
		`campfire_webhook_deliveries_total{outcome="other"}`,
		`campfire_push_sends_total{outcome="gone"}`,
		`campfire_http_requests_total{method="POST",code="200"}`,
		`campfire_outbox_pending`,
	} {
		if !strings.Contains(after, series+" ") {
			t.Fatalf("missing %s in\n%s", series, after)
		}
	}
	if value(t, after, `campfire_http_requests_total{method="GET",code="401"}`) < 2 {
		t.Fatalf("refused scrapes are requests too:\n%s", after)
	}
	// every sample line is well-formed text exposition
	sample := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*\})? [-+0-9.eE]+|\+Inf$`)
	for _, line := range strings.Split(strings.TrimSpace(after), "\n") {
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		if !sample.MatchString(line) {
			t.Fatalf("malformed line %q", line)
		}
	}
}
