package previews_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/previews"
)

func TestNormalizeURL(t *testing.T) {
	for _, ok := range []string{"https://example.com", " http://example.com/a?b=c#d ", "https://例え.jp/"} {
		if _, err := previews.NormalizeURL(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "example.com", "javascript:alert(1)", "ftp://example.com", "file:///etc/passwd",
		"https://user:pass@example.com/", "http:///path", "https://exa mple.com", "data:text/html,hi",
		"https://example.com/" + strings.Repeat("a", 3000)} {
		if _, err := previews.NormalizeURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func imageBytes(t testing.TB, w, h int, opaque bool, format string) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	a := uint8(255)
	if !opaque {
		a = 100
	}
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 90, a})
		}
	}
	var buf bytes.Buffer
	var err error
	if format == "jpeg" {
		err = jpeg.Encode(&buf, img, nil)
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReencode(t *testing.T) {
	// an opaque PNG larger than the bound becomes a JPEG that fits
	out, ct, err := previews.Reencode(imageBytes(t, 1600, 900, true, "png"), "image/png")
	if err != nil || ct != "image/jpeg" {
		t.Fatalf("opaque png: %v %s", err, ct)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil || cfg.Width != previews.MaxImageWidth || cfg.Height != 450 {
		t.Errorf("fitted: %v %dx%d", err, cfg.Width, cfg.Height)
	}
	// transparency is kept as PNG; small images are not enlarged
	out, ct, err = previews.Reencode(imageBytes(t, 40, 30, false, "png"), "image/png")
	if err != nil || ct != "image/png" {
		t.Fatalf("transparent png: %v %s", err, ct)
	}
	if cfg, _ := png.DecodeConfig(bytes.NewReader(out)); cfg.Width != 40 || cfg.Height != 30 {
		t.Errorf("small image resized: %dx%d", cfg.Width, cfg.Height)
	}
	// what is not an image of the named type is refused, never passed through
	if _, _, err := previews.Reencode([]byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), "image/svg+xml"); err == nil {
		t.Error("svg accepted")
	}
	if _, _, err := previews.Reencode([]byte("\x89PNG\r\n\x1a\nnot really"), "image/png"); err == nil {
		t.Error("broken png accepted")
	}
}

// site is a 127.0.0.1 test server with a page, its image, and a request counter.
type site struct {
	*httptest.Server
	hits atomic.Int64
}

func newSite(t *testing.T, page string, img []byte) *site {
	t.Helper()
	s := &site{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		switch r.URL.Path {
		case "/img.png":
			w.Header().Set("Content-Type", "text/html") // the header lies; the bytes decide
			w.Write(img)
		case "/evil.svg":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		}
	}))
	t.Cleanup(s.Close)
	return s
}

const hostilePage = `<!DOCTYPE html><html><head>
<title>Plain &lt;title&gt;</title>
<meta property="og:title" content="Big &lt;b&gt;News&lt;/b&gt; <script>alert(1)</script>today">
<meta property="og:description" content="&lt;img src=x onerror=alert(1)&gt;Read <i>all</i> about it">
<meta property="og:image" content="/img.png">
<meta property="og:url" content="https://phishing.example/">
</head><body>hi</body></html>`

func TestServiceCard(t *testing.T) {
	s := newSite(t, hostilePage, imageBytes(t, 1200, 630, true, "png"))
	svc := previews.New(previews.Options{Guard: loopbackGuard()})
	card, err := svc.Card(context.Background(), s.URL+"/article")
	if err != nil || card == nil {
		t.Fatalf("card: %v %v", card, err)
	}
	if strings.ContainsAny(card.Title+card.Description, "<>") || !strings.Contains(card.Title, "News") ||
		!strings.Contains(card.Description, "about it") {
		t.Errorf("card text: %q / %q", card.Title, card.Description)
	}
	if card.URL != s.URL+"/article" {
		t.Errorf("card URL %q: the posted URL, not the page's og:url", card.URL)
	}
	if card.ImageType != "image/jpeg" || !strings.HasPrefix(card.ImageDataURL(), "data:image/jpeg;base64,") {
		t.Errorf("image: %s", card.ImageType)
	}
	// cached: a second call fetches nothing
	before := s.hits.Load()
	if again, _ := svc.Card(context.Background(), s.URL+"/article"); again == nil || s.hits.Load() != before {
		t.Errorf("second call fetched again (%d -> %d)", before, s.hits.Load())
	}

	// an SVG (whatever its Content-Type) is no image: the card has none
	svgPage := strings.Replace(hostilePage, "/img.png", "/evil.svg", 1)
	s2 := newSite(t, svgPage, nil)
	card, err = svc.Card(context.Background(), s2.URL+"/")
	if err != nil || card == nil || card.Image != nil {
		t.Errorf("svg image: %v %v", card, err)
	}
}

func TestServiceRefusesPrivateAddressesByDefault(t *testing.T) {
	s := newSite(t, hostilePage, imageBytes(t, 10, 10, true, "png"))
	svc := previews.New(previews.Options{})
	for _, u := range []string{s.URL + "/", strings.Replace(s.URL, "127.0.0.1", "localhost", 1) + "/",
		strings.Replace(s.URL, "127.0.0.1", "2130706433", 1) + "/"} {
		if card, err := svc.Card(context.Background(), u); card != nil || err == nil {
			t.Errorf("%s: %v %v", u, card, err)
		}
	}
	if s.hits.Load() != 0 {
		t.Errorf("the private server was contacted %d times", s.hits.Load())
	}
}

func TestApplyIgnoresClientFields(t *testing.T) {
	s := newSite(t, hostilePage, imageBytes(t, 300, 200, true, "png"))
	svc := previews.New(previews.Options{Guard: loopbackGuard()})
	col := core.NewBaseCollection("messages")
	col.Fields.Add(&core.TextField{Name: "preview_url"}, &core.TextField{Name: "preview_title"},
		&core.TextField{Name: "preview_description"}, &core.FileField{Name: "preview_image", MaxSelect: 1})
	msg := core.NewRecord(col)
	msg.Set("preview_url", s.URL+"/x")
	msg.Set("preview_title", "<script>forged</script>")
	if err := svc.Apply(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	if msg.GetString("preview_title") == "<script>forged</script>" || !strings.Contains(msg.GetString("preview_title"), "News") {
		t.Errorf("title %q", msg.GetString("preview_title"))
	}
	if files := msg.GetUnsavedFiles("preview_image"); len(files) != 1 || files[0].OriginalName != "preview.jpg" {
		t.Errorf("image files: %v", files)
	}

	// a URL the guard refuses leaves no card at all
	refused := core.NewRecord(col)
	refused.Set("preview_url", "http://10.0.0.1/")
	refused.Set("preview_title", "forged")
	if err := previews.New(previews.Options{}).Apply(context.Background(), refused); err != nil {
		t.Fatal(err)
	}
	if refused.GetString("preview_url") != "" || refused.GetString("preview_title") != "" {
		t.Errorf("refused: %v", refused.PublicExport())
	}
	bad := core.NewRecord(col)
	bad.Set("preview_url", "javascript:alert(1)")
	if err := svc.Apply(context.Background(), bad); err == nil {
		t.Error("javascript: URL accepted")
	}
}
