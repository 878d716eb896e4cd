package previews_test

import (
	"bytes"
	"image/jpeg"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/netguard"
	"github.com/pocketcampfire/campfire/previews"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/testkit"
)

func loopbackGuard() *netguard.Guard {
	return &netguard.Guard{AllowPrivate: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }}
}

func download(t *testing.T, base, path string) (int, http.Header, []byte) {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, data
}

func TestUnfurlRoute(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	s := newSite(t, hostilePage, imageBytes(t, 640, 480, true, "png"))

	// off by default: private targets are refused (204, nothing contacted)
	for _, u := range []string{s.URL + "/", strings.Replace(s.URL, "127.0.0.1", "localhost", 1) + "/",
		"http://[::1]:1/", "http://169.254.169.254/latest/meta-data/"} {
		if res := c.Do(t, http.MethodPost, "/api/campfire/unfurl", map[string]any{"url": u}); res.Status != http.StatusNoContent {
			t.Errorf("%s: %d %s, want 204", u, res.Status, res.Body)
		}
	}
	if s.hits.Load() != 0 {
		t.Fatalf("the private server was contacted %d times", s.hits.Load())
	}
	for _, u := range []string{"", "javascript:alert(1)", "file:///etc/passwd", "not a url"} {
		if res := c.Do(t, http.MethodPost, "/api/campfire/unfurl", map[string]any{"url": u}); res.Status != http.StatusBadRequest {
			t.Errorf("%q: %d, want 400", u, res.Status)
		}
	}
	if res := (testkit.Client{Base: base}).Do(t, http.MethodPost, "/api/campfire/unfurl", map[string]any{"url": s.URL}); res.Status != http.StatusUnauthorized {
		t.Errorf("signed out: %d, want 401", res.Status)
	}

	// the explicit test allowance
	previews.AllowLoopbackForTests(w.App)
	res := c.Do(t, http.MethodPost, "/api/campfire/unfurl", map[string]any{"url": s.URL + "/story"})
	if res.Status != http.StatusOK {
		t.Fatalf("allowed: %d %s", res.Status, res.Body)
	}
	card := res.JSON(t)
	if card["url"] != s.URL+"/story" || !strings.Contains(card["title"].(string), "News") ||
		strings.ContainsAny(card["title"].(string)+card["description"].(string), "<>") {
		t.Errorf("card: %v", card)
	}
	if img, _ := card["image"].(string); !strings.HasPrefix(img, "data:image/jpeg;base64,") || strings.Contains(img, s.URL) {
		t.Errorf("image: %.60s", img)
	}
	empty := newSite(t, "<html><head></head><body>nothing</body></html>", nil)
	if res := c.Do(t, http.MethodPost, "/api/campfire/unfurl", map[string]any{"url": empty.URL}); res.Status != http.StatusNoContent {
		t.Errorf("page without preview: %d", res.Status)
	}
}

// TestPostWithPreview: the client names only the URL; the server fetches the card, keeps its text as
// plain text and its image as our own protected file.
func TestPostWithPreview(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	previews.AllowLoopbackForTests(w.App)
	base := testkit.Serve(t, w.App)
	bobTok := testkit.Token(t, bob)
	c := testkit.Client{Base: base, Token: bobTok}
	s := newSite(t, hostilePage, imageBytes(t, 1200, 630, true, "png"))

	sse := testkit.Connect(t, base)
	if res := sse.Subscribe(t, bobTok, realtime.RoomTopic(w.AllTalk.Id)); res.Status != http.StatusNoContent {
		t.Fatal(res.Status)
	}
	res := c.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]any{
		"room": w.AllTalk.Id, "body": "look " + s.URL + "/story", "preview_url": s.URL + "/story",
		"preview_title": "<img src=x onerror=alert(1)>forged", "preview_description": "forged",
	})
	if res.Status != http.StatusOK {
		t.Fatalf("post: %d %s", res.Status, res.Body)
	}
	m := res.JSON(t)
	title, desc := m["preview_title"].(string), m["preview_description"].(string)
	if title != "Big News today" || strings.ContainsAny(title+desc, "<>") || strings.Contains(title+desc, "forged") ||
		!strings.Contains(desc, "Read all about it") {
		t.Errorf("stored text: %q / %q", title, desc)
	}
	if m["preview_url"] != s.URL+"/story" {
		t.Errorf("preview_url %v", m["preview_url"])
	}
	imgName, _ := m["preview_image"].(string)
	imgURL, _ := m["preview_image_url"].(string)
	if !strings.HasPrefix(imgName, "preview_") || !strings.HasPrefix(imgURL, "/api/files/messages/"+m["id"].(string)+"/"+imgName+"?token=") {
		t.Fatalf("image: %q %q", imgName, imgURL)
	}
	if strings.Contains(string(res.Body), s.URL+"/img.png") {
		t.Errorf("the answer names the third-party image: %s", res.Body)
	}
	// our own file, protected
	hits := s.hits.Load()
	status, h, data := download(t, base, imgURL)
	if status != http.StatusOK || h.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("download: %d %s", status, h.Get("Content-Type"))
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width > previews.MaxImageWidth {
		t.Errorf("stored image: %v %d", err, cfg.Width)
	}
	if s.hits.Load() != hits {
		t.Error("viewing the card contacted the third party")
	}
	if status, _, _ := download(t, base, strings.Split(imgURL, "?")[0]); status != http.StatusNotFound {
		t.Errorf("image without a token: %d, want 404", status)
	}

	// the realtime event carries the card and a tokenless image URL
	ev := sse.WaitFor(t, "message.created", 5*time.Second)
	live := ev.Data["message"].(map[string]any)
	if live["preview_title"] != title || live["preview_image_url"] != strings.Split(imgURL, "?")[0] {
		t.Errorf("realtime: %v", live)
	}

	// an edit cannot change the card
	patch := c.Do(t, http.MethodPatch, "/api/collections/messages/records/"+m["id"].(string), map[string]any{
		"body": "edited", "preview_title": "changed", "preview_url": "https://evil.example/"})
	if patch.Status != http.StatusOK || patch.JSON(t)["preview_title"] != title || patch.JSON(t)["preview_url"] != s.URL+"/story" {
		t.Errorf("edit: %d %s", patch.Status, patch.Body)
	}
	// deleting the message removes the card and its file
	if res := c.Do(t, http.MethodDelete, "/api/collections/messages/records/"+m["id"].(string), nil); res.Status != http.StatusNoContent {
		t.Fatal(res.Status)
	}
	tomb, _ := w.App.FindRecordById("messages", m["id"].(string))
	if tomb.GetString("preview_title") != "" || tomb.GetString("preview_image") != "" || tomb.GetString("preview_url") != "" {
		t.Errorf("tombstone keeps the card: %v", tomb.PublicExport())
	}
}

func TestPostWithRefusedPreviewPostsWithoutCard(t *testing.T) {
	w := testkit.Setup(t) // no allowance: 127.0.0.1 is private
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	s := newSite(t, hostilePage, imageBytes(t, 10, 10, true, "png"))

	res := c.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]any{
		"room": w.AllTalk.Id, "body": "see " + s.URL, "preview_url": s.URL, "preview_title": "forged"})
	if res.Status != http.StatusOK {
		t.Fatalf("post: %d %s", res.Status, res.Body)
	}
	m := res.JSON(t)
	if m["preview_url"] != "" || m["preview_title"] != "" || m["preview_image"] != "" || s.hits.Load() != 0 {
		t.Errorf("refused preview: %v (hits %d)", m, s.hits.Load())
	}
	bad := c.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]any{
		"room": w.AllTalk.Id, "body": "x", "preview_url": "javascript:alert(1)"})
	if bad.Status != http.StatusBadRequest || !strings.Contains(string(bad.Body), "http or https") {
		t.Errorf("javascript: preview_url: %d %s", bad.Status, bad.Body)
	}
}

func TestPreviewsSwitchedOff(t *testing.T) {
	w := testkit.Setup(t)
	cfg := config.Default()
	cfg.Disabled[config.Previews] = true
	config.Set(w.App, cfg)
	previews.AllowLoopbackForTests(w.App)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	s := newSite(t, hostilePage, imageBytes(t, 10, 10, true, "png"))

	res := c.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]any{
		"room": w.AllTalk.Id, "body": "see " + s.URL, "preview_url": s.URL})
	if res.Status != http.StatusOK || res.JSON(t)["preview_url"] != "" || s.hits.Load() != 0 {
		t.Errorf("post with previews off: %d %s (hits %d)", res.Status, res.Body, s.hits.Load())
	}
	if res := c.Do(t, http.MethodPost, "/api/campfire/unfurl", map[string]any{"url": s.URL}); res.Status != http.StatusNotFound {
		t.Errorf("unfurl with previews off: %d", res.Status)
	}
}
