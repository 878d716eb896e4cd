package unfurl

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketcampfire/campfire/netguard"
)

var loop4 = netip.MustParseAddr("127.0.0.1")

// only127 is the test-only allowance: exactly 127.0.0.1, nothing else.
func only127(a netip.Addr) bool { return a == loop4 }

type fakeResolver map[string][]string

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range r[strings.TrimSuffix(host, ".")] {
		out = append(out, netip.MustParseAddr(s))
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}

func testGuard() *netguard.Guard {
	return &netguard.Guard{
		Resolver:     fakeResolver{"site.example": {"127.0.0.1"}, "private.example": {"10.0.0.1"}},
		AllowPrivate: only127,
	}
}

type page struct {
	status int
	ct     string // "-" = no Content-Type header at all
	body   string
	loc    string
}

type testSite struct {
	*httptest.Server
	hits  atomic.Int64
	mu    sync.Mutex
	pages map[string]page
}

func newSite(t *testing.T, pages map[string]page) *testSite {
	t.Helper()
	s := &testSite{pages: pages}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		p, ok := s.pages[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if p.ct == "-" {
			w.Header()["Content-Type"] = nil // suppress sniffing
		} else if p.ct != "" {
			w.Header().Set("Content-Type", p.ct)
		}
		if p.loc != "" {
			w.Header().Set("Location", p.loc)
		}
		if p.status == 0 {
			p.status = 200
		}
		w.WriteHeader(p.status)
		io.WriteString(w, p.body)
	}))
	t.Cleanup(s.Close)
	return s
}

const htmlCT = "text/html; charset=utf-8"

func htmlPage(body string) page { return page{ct: htmlCT, body: body} }

func TestFetchExtraction(t *testing.T) {
	longTitle := strings.Repeat("é", 400)
	longDesc := strings.Repeat("word ", 400)
	site := newSite(t, map[string]page{
		"/og": htmlPage(`<!doctype html><html><head>
			<title>Fallback title</title>
			<meta property="og:title" content="OG Title">
			<meta property="og:description" content="OG description">
			<meta property="og:url" content="https://canonical.example/article">
			<meta property="og:image" content="/img/cover.png">
			<meta name="description" content="plain description">
			</head><body>x</body></html>`),
		"/twitter": htmlPage(`<html><head>
			<meta name="twitter:title" content="Tw title">
			<meta name="twitter:description" content="Tw description">
			<meta name="twitter:image" content="https://cdn.example/tw.jpg">
			</head></html>`),
		"/plain": htmlPage(`<html><head><title>  Just a   title </title>
			<meta name="description" content="Meta description"></head><body></body></html>`),
		"/html-in-og": htmlPage(`<head><meta property="og:title"
			content="&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;News &amp;amp; Views">
			<meta property="og:description" content="&lt;img src=x onerror=alert(1)&gt;&lt;p&gt;Para&lt;/p&gt;&lt;p&gt;two&lt;/p&gt;"></head>`),
		"/double-escaped": htmlPage(`<head><meta property="og:title" content="&amp;lt;img src=x onerror=alert(1)&amp;gt;Hi"></head>`),
		"/entities":       htmlPage(`<head><title>Caf&eacute; &amp; cr&#232;me &#x1F525; &lt;3 &quot;q&quot; &#39;s&#39;</title></head>`),
		"/tags-in-title":  htmlPage(`<head><title>A <b>B</b> <script>evil()</script>C</title></head>`),
		"/whitespace":     htmlPage("<head><title>\n\t Hello \u202e\u0007 world\u200f \r\n</title></head>"),
		"/lt":             htmlPage(`<head><title>a &lt; b and c &gt; d</title></head>`),
		"/bad-urls": htmlPage(`<head><title>T</title>
			<meta property="og:url" content="javascript:alert(1)">
			<meta property="og:image" content="data:image/png;base64,AAAA">
			<meta property="og:image:secure_url" content="javascript:alert(1)">
			<meta name="twitter:image" content="http://user:pw@cdn.example/x.png"></head>`),
		"/relative": htmlPage(`<head><title>T</title>
			<meta property="og:url" content="/canonical?a=1">
			<meta property="og:image" content="//cdn.example/x.png"></head>`),
		"/long": htmlPage(`<head><title>` + longTitle + `</title><meta name="description" content="` + longDesc + `"></head>`),
		"/svg-title": htmlPage(`<head><meta name="description" content="only description"></head>
			<body><svg><title>icon</title></svg></body>`),
		"/empty-og": htmlPage(`<head><meta property="og:title" content="   "><title>Real</title></head>`),
		"/nothing":  htmlPage(`<html><body><p>No metadata here</p></body></html>`),
		"/empty":    htmlPage(``),
		"/latin1":   {ct: "text/html; charset=iso-8859-1", body: "<head><title>caf\xe9</title></head>"},
		"/meta-charset": {ct: "text/html", body: `<head><meta charset="windows-1252"><title>caf` + "\xe9 \x93q\x94" +
			`</title></head>`},
		"/invalid-utf8": htmlPage("<head><title>ok\xff\xfe</title></head>"),
		"/redirect":     {status: 302, loc: "/plain"},
		"/upper-ct":     {ct: "TEXT/HTML; Charset=UTF-8", body: `<title>Upper</title>`},
		"/body-meta":    htmlPage(`<html><head></head><body><meta property="og:title" content="In body"></body></html>`),
	})
	f := &Fetcher{Guard: testGuard()}
	u := site.URL
	cases := []struct {
		path string
		want *Preview
	}{
		{"/og", &Preview{"OG Title", "OG description", "https://canonical.example/article", u + "/img/cover.png"}},
		{"/twitter", &Preview{"Tw title", "Tw description", u + "/twitter", "https://cdn.example/tw.jpg"}},
		{"/plain", &Preview{"Just a title", "Meta description", u + "/plain", ""}},
		{"/html-in-og", &Preview{"Bold News & Views", "Para two", u + "/html-in-og", ""}},
		{"/double-escaped", &Preview{"Hi", "", u + "/double-escaped", ""}},
		{"/entities", &Preview{"Café & crème 🔥 <3 \"q\" 's'", "", u + "/entities", ""}},
		{"/tags-in-title", &Preview{"A B C", "", u + "/tags-in-title", ""}},
		{"/whitespace", &Preview{"Hello world", "", u + "/whitespace", ""}},
		{"/lt", &Preview{"a < b and c > d", "", u + "/lt", ""}},
		{"/bad-urls", &Preview{"T", "", u + "/bad-urls", ""}},
		{"/relative", &Preview{"T", "", u + "/canonical?a=1", "http://cdn.example/x.png"}},
		{"/long", &Preview{strings.Repeat("é", 299) + "…", strings.TrimSpace(strings.Repeat("word ", 200)) + "…", u + "/long", ""}},
		{"/svg-title", &Preview{"", "only description", u + "/svg-title", ""}},
		{"/empty-og", &Preview{"Real", "", u + "/empty-og", ""}},
		{"/nothing", nil},
		{"/empty", nil},
		{"/latin1", &Preview{"café", "", u + "/latin1", ""}},
		{"/meta-charset", &Preview{"café “q”", "", u + "/meta-charset", ""}},
		{"/invalid-utf8", &Preview{"ok\uFFFD\uFFFD", "", u + "/invalid-utf8", ""}},
		{"/redirect", &Preview{"Just a title", "Meta description", u + "/plain", ""}},
		{"/upper-ct", &Preview{"Upper", "", u + "/upper-ct", ""}},
		{"/body-meta", &Preview{"In body", "", u + "/body-meta", ""}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			got, err := f.Fetch(context.Background(), u+c.path)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if c.want == nil {
				if got != nil {
					t.Fatalf("got %+v, want no preview", got)
				}
				return
			}
			if got == nil {
				t.Fatalf("got no preview, want %+v", c.want)
			}
			if *got != *c.want {
				t.Fatalf("got  %+q\nwant %+q", *got, *c.want)
			}
			for _, s := range []string{got.Title, got.Description} {
				if hasTag(s) || strings.ContainsAny(s, "\x00\x07\u202e") {
					t.Fatalf("markup or control characters survived: %q", s)
				}
			}
		})
	}
}

func TestFetchRefusals(t *testing.T) {
	site := newSite(t, map[string]page{
		"/json":       {ct: "application/json", body: `{"title":"x"}`},
		"/png":        {ct: "image/png", body: "\x89PNG\r\n\x1a\n"},
		"/text":       {ct: "text/plain", body: "<title>x</title>"},
		"/xhtml":      {ct: "application/xhtml+xml", body: "<title>x</title>"},
		"/no-ct":      {ct: "-", body: "<title>x</title>"},
		"/bad-ct":     {ct: "text/html; charset", body: "<title>x</title>"},
		"/404":        {status: 404, ct: htmlCT, body: "<title>Not found</title>"},
		"/500":        {status: 500, ct: htmlCT, body: "<title>Oops</title>"},
		"/204":        {status: 204, ct: htmlCT},
		"/206":        {status: 206, ct: htmlCT, body: "<title>partial</title>"},
		"/301-noloc":  {status: 301, ct: htmlCT, body: "<title>moved</title>"},
		"/to-private": {status: 302, loc: "http://10.0.0.1/"},
		"/to-loop2":   {status: 302, loc: "http://127.0.0.2/"},
		"/to-meta":    {status: 302, loc: "http://169.254.169.254/latest/meta-data/"},
		"/to-file":    {status: 302, loc: "file:///etc/passwd"},
	})
	f := &Fetcher{Guard: testGuard()}
	cases := []struct {
		url  string
		want error
	}{
		{site.URL + "/json", ErrNotHTML},
		{site.URL + "/png", ErrNotHTML},
		{site.URL + "/text", ErrNotHTML},
		{site.URL + "/xhtml", ErrNotHTML},
		{site.URL + "/no-ct", ErrNotHTML},
		{site.URL + "/bad-ct", ErrNotHTML},
		{site.URL + "/404", ErrStatus},
		{site.URL + "/500", ErrStatus},
		{site.URL + "/204", ErrStatus},
		{site.URL + "/206", ErrStatus},
		{site.URL + "/301-noloc", ErrStatus},
		{site.URL + "/to-private", netguard.ErrNotPublic},
		{site.URL + "/to-loop2", netguard.ErrNotPublic},
		{site.URL + "/to-meta", netguard.ErrNotPublic},
		{site.URL + "/to-file", netguard.ErrScheme},
		{"http://private.example/", netguard.ErrNotPublic},
		{"http://169.254.169.254/latest/meta-data/", netguard.ErrNotPublic},
		{"ftp://site.example/", netguard.ErrScheme},
		{"javascript:alert(1)", netguard.ErrScheme},
		{"http://u:p@site.example/", netguard.ErrUserinfo},
		{"", netguard.ErrScheme},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			p, err := f.Fetch(context.Background(), c.url)
			if p != nil || !errors.Is(err, c.want) {
				t.Fatalf("Fetch(%s) = %+v, %v; want %v", c.url, p, err, c.want)
			}
		})
	}
	var se *StatusError
	_, err := f.Fetch(context.Background(), site.URL+"/404")
	if !errors.As(err, &se) || se.StatusCode != 404 {
		t.Fatalf("StatusError: %v", err)
	}
}

// TestDefaultGuardRefusesLoopback: without the explicit test allowance the
// fetcher never reaches the 127.0.0.1 server.
func TestDefaultGuardRefusesLoopback(t *testing.T) {
	site := newSite(t, map[string]page{"/": htmlPage("<title>secret</title>"), "/i.png": {ct: "image/png", body: string(pngBytes(t, 2, 2))}})
	for _, f := range []*Fetcher{{}, {Guard: &netguard.Guard{}}} {
		if p, err := f.Fetch(context.Background(), site.URL+"/"); p != nil || !errors.Is(err, netguard.ErrNotPublic) {
			t.Fatalf("Fetch = %+v, %v", p, err)
		}
		if b, _, err := f.FetchImage(context.Background(), site.URL+"/i.png"); b != nil || !errors.Is(err, netguard.ErrNotPublic) {
			t.Fatalf("FetchImage = %d bytes, %v", len(b), err)
		}
	}
	if n := site.hits.Load(); n != 0 {
		t.Fatalf("server reached %d times", n)
	}
}

// endless serves the given prefix and then filler forever (until the client
// goes away), counting the bytes it managed to write.
func endless(t *testing.T, prefix string) (*httptest.Server, *atomic.Int64) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", htmlCT)
		n, _ := io.WriteString(w, prefix)
		written.Add(int64(n))
		chunk := strings.Repeat("<p>filler filler filler filler</p>\n", 1000)
		for r.Context().Err() == nil {
			n, err := io.WriteString(w, chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &written
}

func TestFetchBodyIsBounded(t *testing.T) {
	t.Run("prefix is parsed, the rest never read", func(t *testing.T) {
		// No </head>: the parser would go on forever without the limit.
		srv, _ := endless(t, `<html><head><title>Early title</title><meta name="description" content="early">`)
		f := &Fetcher{Guard: testGuard(), MaxBytes: 64 << 10, Timeout: 5 * time.Second}
		start := time.Now()
		p, err := f.Fetch(context.Background(), srv.URL+"/")
		if err != nil || p == nil || p.Title != "Early title" || p.Description != "early" {
			t.Fatalf("Fetch = %+v, %v", p, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("took %v: body not bounded", d)
		}
	})
	t.Run("metadata past the limit is not seen", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", htmlCT)
			io.WriteString(w, "<html><head>"+strings.Repeat("<!-- padding -->", 10000)+"<title>Late</title></head>")
		}))
		defer srv.Close()
		f := &Fetcher{Guard: testGuard(), MaxBytes: 4096}
		if p, err := f.Fetch(context.Background(), srv.URL+"/"); p != nil || err != nil {
			t.Fatalf("Fetch = %+v, %v; want no preview", p, err)
		}
		f2 := &Fetcher{Guard: testGuard()} // default 5 MB sees it
		if p, err := f2.Fetch(context.Background(), srv.URL+"/"); err != nil || p == nil || p.Title != "Late" {
			t.Fatalf("Fetch = %+v, %v", p, err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", htmlCT)
			w.WriteHeader(200)
			io.WriteString(w, "<html><head>")
			w.(http.Flusher).Flush()
			<-r.Context().Done() // never finishes
		}))
		defer srv.Close()
		f := &Fetcher{Guard: testGuard(), Timeout: 300 * time.Millisecond}
		start := time.Now()
		p, err := f.Fetch(context.Background(), srv.URL+"/")
		if p != nil || err == nil {
			t.Fatalf("Fetch = %+v, %v", p, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}

func TestPlainText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"  many   spaces\n\tand lines ", "many spaces and lines"},
		{"<b>bold</b> and <i>it</i>", "bold and it"},
		{"<script>alert(1)</script>after", "after"},
		{"<style>p{}</style>x", "x"},
		{"a<br>b<p>c</p>", "a b c"},
		{"&lt;b&gt;x&lt;/b&gt;", "x"},
		{"&amp;lt;b&amp;gt;x", "x"},
		{"AT&amp;T &copy; 2024", "AT&T © 2024"},
		{"1 < 2 > 0", "1 < 2 > 0"},
		{"<!-- comment -->text", "text"},
		{"\u202eevil\u202c \u2066x\u2069", "evil x"},
		{"zero\u200bwidth", "zero\u200bwidth"},
		{"nul\x00byte", "nulbyte"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"👩‍👩‍👧 family", "👩‍👩‍👧 family"},
		{strings.Repeat("&amp;", 10) + "lt;b&gt;", ""},
	}
	for _, c := range cases {
		got := PlainText(c.in, 100)
		if c.want == "" {
			if hasTag(got) {
				t.Errorf("PlainText(%q) = %q contains markup", c.in, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("PlainText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := PlainText("abcdef", 4); got != "abc…" {
		t.Errorf("truncate = %q", got)
	}
	if got := PlainText("ab cdef", 4); got != "ab…" {
		t.Errorf("truncate trims space = %q", got)
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngWithSize rewrites a PNG's IHDR to claim w x h (a decompression bomb
// header), fixing the CRC so the header itself is valid.
func pngWithSize(t *testing.T, w, h uint32) []byte {
	b := pngBytes(t, 1, 1)
	// signature(8) + length(4) + "IHDR"(4) + data(13) + crc(4)
	binary.BigEndian.PutUint32(b[16:20], w)
	binary.BigEndian.PutUint32(b[20:24], h)
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func gifBytes(t *testing.T) []byte {
	img := image.NewPaletted(image.Rect(0, 0, 3, 3), color.Palette{color.Black, color.White})
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpBytes is a minimal lossless WebP header for a w x h image.
func webpBytes(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14
	vp8l := []byte{0x2f, byte(bits), byte(bits >> 8), byte(bits >> 16), byte(bits >> 24), 0, 0, 0}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(4+8+len(vp8l)))
	b.WriteString("WEBPVP8L")
	binary.Write(&b, binary.LittleEndian, uint32(len(vp8l)))
	b.Write(vp8l)
	return b.Bytes()
}

func TestFetchImage(t *testing.T) {
	png4 := pngBytes(t, 4, 4)
	site := newSite(t, map[string]page{
		"/ok.png":      {ct: "image/png", body: string(png4)},
		"/png-as-html": {ct: "text/html", body: string(png4)},
		"/ok.gif":      {ct: "image/gif", body: string(gifBytes(t))},
		"/ok.jpg":      {ct: "image/jpeg", body: string(jpegBytes(t))},
		"/ok.webp":     {ct: "image/webp", body: string(webpBytes(16, 9))},
		"/x.svg": {ct: "image/svg+xml", body: `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">` +
			`<script>alert(1)</script></svg>`},
		"/svg-as-png": {ct: "image/png", body: `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`},
		"/html":       {ct: "image/png", body: `<html><script>alert(1)</script></html>`},
		"/fake.png":   {ct: "image/png", body: "\x89PNG\r\n\x1a\n" + strings.Repeat("garbage", 10)},
		"/bomb.png":   {ct: "image/png", body: string(pngWithSize(t, 30000, 30000))},
		"/big.png":    {ct: "image/png", body: string(png4) + strings.Repeat("\x00", 6000)},
		"/bmp":        {ct: "image/bmp", body: "BM" + strings.Repeat("\x00", 100)},
		"/404.png":    {status: 404, ct: "image/png", body: string(png4)},
	})
	f := &Fetcher{Guard: testGuard(), MaxImageBytes: 4096}
	ok := []struct{ path, ct string }{
		{"/ok.png", "image/png"},
		{"/png-as-html", "image/png"}, // the bytes decide, not the header
		{"/ok.gif", "image/gif"},
		{"/ok.jpg", "image/jpeg"},
		{"/ok.webp", "image/webp"},
	}
	for _, c := range ok {
		t.Run(c.path, func(t *testing.T) {
			b, ct, err := f.FetchImage(context.Background(), site.URL+c.path)
			if err != nil || ct != c.ct || len(b) == 0 {
				t.Fatalf("FetchImage = %d bytes, %q, %v", len(b), ct, err)
			}
		})
	}
	if b, _, _ := f.FetchImage(context.Background(), site.URL+"/ok.png"); !bytes.Equal(b, png4) {
		t.Fatal("bytes differ")
	}
	bad := []struct {
		path string
		want error
	}{
		{"/x.svg", ErrImageType},
		{"/svg-as-png", ErrImageType},
		{"/html", ErrImageType},
		{"/fake.png", ErrImageType},
		{"/bmp", ErrImageType},
		{"/bomb.png", ErrImageDimensions},
		{"/big.png", ErrTooLarge},
		{"/404.png", ErrStatus},
	}
	for _, c := range bad {
		t.Run(c.path, func(t *testing.T) {
			b, ct, err := f.FetchImage(context.Background(), site.URL+c.path)
			if b != nil || ct != "" || !errors.Is(err, c.want) {
				t.Fatalf("FetchImage(%s) = %d bytes, %q, %v; want %v", c.path, len(b), ct, err, c.want)
			}
		})
	}
	// Chunked (no Content-Length) oversized body is still refused.
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		for i := 0; i < 10; i++ {
			w.Write(png4)
			w.(http.Flusher).Flush()
		}
		w.Write(bytes.Repeat([]byte{0}, 8192))
	}))
	defer chunked.Close()
	if _, _, err := f.FetchImage(context.Background(), chunked.URL+"/"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("chunked oversized: %v", err)
	}
	for _, raw := range []string{"http://private.example/x.png", "file:///etc/passwd", "data:image/png;base64,AAAA"} {
		if _, _, err := f.FetchImage(context.Background(), raw); !netguard.IsRefused(err) {
			t.Fatalf("FetchImage(%s): %v", raw, err)
		}
	}
}

func TestCache(t *testing.T) {
	site := newSite(t, map[string]page{
		"/a":    htmlPage(`<title>A</title>`),
		"/b":    htmlPage(`<title>B</title>`),
		"/c":    htmlPage(`<title>C</title>`),
		"/none": htmlPage(`<p>nothing</p>`),
	})
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	f := &Fetcher{Guard: testGuard(), CacheSize: 2, now: clock}
	ctx := context.Background()
	fetch := func(path string) (*Preview, error) { return f.Fetch(ctx, site.URL+path) }

	p1, err := fetch("/a")
	if err != nil || p1 == nil || p1.Title != "A" {
		t.Fatalf("first fetch %+v %v", p1, err)
	}
	p1.Title = "mutated by caller"
	p2, _ := fetch("/a")
	if site.hits.Load() != 1 {
		t.Fatalf("cache miss: %d hits", site.hits.Load())
	}
	if p2.Title != "A" {
		t.Fatalf("cache returned a shared pointer: %q", p2.Title)
	}

	// Negative results: "no preview" and errors, cached briefly.
	for i := 0; i < 3; i++ {
		if p, err := fetch("/none"); p != nil || err != nil {
			t.Fatalf("none: %+v %v", p, err)
		}
		if _, err := fetch("/missing"); !errors.Is(err, ErrStatus) {
			t.Fatalf("missing: %v", err)
		}
	}
	if h := site.hits.Load(); h != 3 {
		t.Fatalf("negative results not cached: %d hits", h)
	}
	advance(DefaultNegativeTTL + time.Second)
	fetch("/none")
	if h := site.hits.Load(); h != 4 {
		t.Fatalf("negative entry did not expire: %d hits", h)
	}

	// Positive TTL: still cached before 1 h, refetched after.
	f2 := &Fetcher{Guard: testGuard(), now: clock}
	fetch2 := func(path string) { f2.Fetch(ctx, site.URL+path) }
	before := site.hits.Load()
	fetch2("/b")
	advance(59 * time.Minute)
	fetch2("/b")
	if site.hits.Load() != before+1 {
		t.Fatal("expired too early")
	}
	advance(2 * time.Minute)
	fetch2("/b")
	if site.hits.Load() != before+2 {
		t.Fatal("did not expire after the TTL")
	}

	// Bounded size: LRU eviction.
	f3 := &Fetcher{Guard: testGuard(), CacheSize: 2, now: clock}
	for _, p := range []string{"/a", "/b", "/c"} {
		f3.Fetch(ctx, site.URL+p)
	}
	if n := f3.cache.len(); n != 2 {
		t.Fatalf("cache size %d", n)
	}
	before = site.hits.Load()
	f3.Fetch(ctx, site.URL+"/c")
	f3.Fetch(ctx, site.URL+"/b")
	if site.hits.Load() != before {
		t.Fatal("recent entries evicted")
	}
	f3.Fetch(ctx, site.URL+"/a")
	if site.hits.Load() != before+1 {
		t.Fatal("oldest entry not evicted")
	}

	// A cancelled caller context is not cached.
	f4 := &Fetcher{Guard: testGuard(), now: clock}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := f4.Fetch(cctx, site.URL+"/a"); err == nil {
		t.Fatal("cancelled fetch succeeded")
	}
	if p, err := f4.Fetch(ctx, site.URL+"/a"); err != nil || p == nil {
		t.Fatalf("after cancellation: %+v %v", p, err)
	}

	// Concurrency: many goroutines on a shared fetcher.
	f5 := &Fetcher{Guard: testGuard(), CacheSize: 3}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			path := []string{"/a", "/b", "/c", "/none"}[i%4]
			if _, err := f5.Fetch(ctx, site.URL+path); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if n := f5.cache.len(); n > 3 {
		t.Fatalf("cache grew to %d", n)
	}
}

func ExampleFetcher() {
	f := &Fetcher{Guard: &netguard.Guard{}}
	p, err := f.Fetch(context.Background(), "http://127.0.0.1/")
	fmt.Println(p, errors.Is(err, netguard.ErrNotPublic))
	// Output: <nil> true
}
