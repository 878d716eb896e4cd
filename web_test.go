package campfire_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketcampfire/campfire"
	"github.com/pocketcampfire/campfire/testkit"
)

func TestWebAppFallbackAndHeaders(t *testing.T) {
	app := testkit.NewApp(t)
	campfire.ServeWebApp(app)
	base := testkit.Serve(t, app)
	c := testkit.Client{Base: base}

	for _, path := range []string{"/", "/rooms/abc", "/join/AAAA-BBBB-CCCC", "/search?q=x"} {
		res := c.Do(t, http.MethodGet, path, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "<html") {
			t.Errorf("GET %s: %d, want the web app", path, res.Status)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
	}
	for _, path := range []string{"/api/nope", "/api/campfire/nope"} {
		res := c.Do(t, http.MethodGet, path, nil)
		if res.Status != http.StatusNotFound || !strings.Contains(string(res.Body), `"status":404`) {
			t.Errorf("GET %s: %d %s, want a JSON 404", path, res.Status, res.Body)
		}
	}
	css := c.Do(t, http.MethodGet, "/api/campfire/account/styles.css", nil)
	if css.Status != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") || css.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("styles.css: %d %v", css.Status, css.Header)
	}
}

func TestCustomCSSIsNeverHTML(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	acc, _ := w.App.FindFirstRecordByFilter("account", "singleton = '1'")
	evil := `</style><script>alert(1)</script> body { color: red }`
	if res := admin.Do(t, http.MethodPatch, "/api/collections/account/records/"+acc.Id, map[string]any{"custom_styles": evil}); res.Status != http.StatusOK {
		t.Fatalf("save css: %d %s", res.Status, res.Body)
	}
	res := testkit.Client{Base: base}.Do(t, http.MethodGet, "/api/campfire/account/styles.css", nil)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("content type %q", ct)
	}
	if string(res.Body) != evil {
		t.Errorf("css body changed: %q", res.Body)
	}
}
