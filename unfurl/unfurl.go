// Package unfurl fetches link previews (title, description, canonical URL,
// image) for URLs posted in messages. Every request goes through a
// netguard.Guard, so only public addresses are contacted, and everything
// returned is plain text or a checked http(s) URL; image bytes are fetched
// separately (FetchImage) so the caller can store them as its own file and
// viewers never load third-party URLs.
package unfurl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/webp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/pocketcampfire/campfire/netguard"
)

// Preview is a link preview. All fields are plain text / plain URLs: Title
// and Description never contain markup, URL and ImageURL are absolute http(s)
// URLs (ImageURL may be empty). Renderers still escape them as text.
type Preview struct {
	Title       string
	Description string
	URL         string
	ImageURL    string
}

func (p *Preview) clone() *Preview {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// Errors returned by Fetch and FetchImage (guard refusals are netguard
// errors: test them with errors.Is(err, netguard.ErrNotPublic) etc.).
var (
	ErrNotHTML         = errors.New("unfurl: response is not text/html")
	ErrStatus          = errors.New("unfurl: response status is not 200")
	ErrTooLarge        = errors.New("unfurl: image larger than the limit")
	ErrImageType       = errors.New("unfurl: not a JPEG, PNG, GIF or WebP image")
	ErrImageDimensions = errors.New("unfurl: image dimensions out of bounds")
)

// StatusError reports a non-200 answer; errors.Is(err, ErrStatus) is true.
type StatusError struct{ StatusCode int }

func (e *StatusError) Error() string {
	return fmt.Sprintf("unfurl: response status %d, want 200", e.StatusCode)
}

// Is makes errors.Is(err, ErrStatus) work.
func (e *StatusError) Is(target error) bool { return target == ErrStatus }

// Defaults.
const (
	DefaultMaxBytes       = 5 << 20
	DefaultMaxImageBytes  = 5 << 20
	DefaultMaxImagePixels = 40_000_000
	DefaultMaxImageSide   = 16384
	DefaultTimeout        = 8 * time.Second
	DefaultCacheTTL       = time.Hour
	DefaultNegativeTTL    = 5 * time.Minute
	DefaultCacheSize      = 1024
	DefaultUserAgent      = "CampfireLinkPreview/1.0 (+https://github.com/pocketcampfire/campfire)"
	maxMetaContent        = 32 << 10
)

// Fetcher fetches and caches link previews. The zero value is usable
// (a zero netguard.Guard: public addresses only). Configure fields before
// the first call; a Fetcher is safe for concurrent use afterwards.
type Fetcher struct {
	// Guard checks every URL and connection; nil means &netguard.Guard{}.
	Guard *netguard.Guard
	// MaxBytes bounds how much of an HTML page is read (default 5 MB).
	// A longer page is not refused: reading stops at MaxBytes and the
	// prefix read so far is parsed (the tags that matter live in <head>).
	MaxBytes int64
	// MaxImageBytes bounds an image (default 5 MB); larger is refused.
	MaxImageBytes int64
	// MaxImagePixels bounds width*height of an image (default 40 MP), so
	// a tiny file cannot decompress into a huge bitmap when thumbnailed.
	MaxImagePixels int64
	// Timeout bounds one Fetch or FetchImage, body included (default 8 s).
	Timeout time.Duration
	// CacheTTL is how long a preview is cached (default 1 h; negative
	// disables caching). NegativeTTL is for "no preview" and errors
	// (default 5 min). CacheSize bounds the number of entries (default 1024).
	CacheTTL    time.Duration
	NegativeTTL time.Duration
	CacheSize   int
	// UserAgent sent with requests (default DefaultUserAgent).
	UserAgent string

	once   sync.Once
	guard  *netguard.Guard
	client *http.Client
	cache  *cache
	now    func() time.Time // tests
}

func (f *Fetcher) init() {
	f.once.Do(func() {
		f.guard = f.Guard
		if f.guard == nil {
			f.guard = &netguard.Guard{}
		}
		f.client = f.guard.HTTPClient()
		size := f.CacheSize
		if size == 0 {
			size = DefaultCacheSize
		}
		f.cache = newCache(size)
		if f.now == nil {
			f.now = time.Now
		}
	})
}

func pick[T int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// Fetch returns the preview of the page at rawURL. (nil, nil) means the page
// was fetched but has no usable title or description: "no preview". Only a
// 200 text/html answer is parsed; other answers are errors. Results, "no
// preview" and errors are cached (errors and "no preview" briefly), except
// when ctx itself was cancelled.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Preview, error) {
	f.init()
	key := strings.TrimSpace(rawURL)
	if p, err, ok := f.cache.get(key, f.now()); ok {
		return p, err
	}
	p, err := f.fetch(ctx, key)
	if ctx.Err() == nil {
		ttl := pick(f.CacheTTL, DefaultCacheTTL)
		if p == nil || err != nil {
			ttl = pick(f.NegativeTTL, DefaultNegativeTTL)
		}
		if f.CacheTTL >= 0 {
			f.cache.put(key, p, err, f.now().Add(ttl))
		}
	}
	return p.clone(), err
}

func (f *Fetcher) get(ctx context.Context, raw, accept string) (*http.Response, error) {
	u, err := f.guard.CheckURL(ctx, raw)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	ua := f.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept", accept)
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &StatusError{StatusCode: resp.StatusCode}
	}
	return resp, nil
}

func (f *Fetcher) fetch(ctx context.Context, raw string) (*Preview, error) {
	ctx, cancel := context.WithTimeout(ctx, pick(f.Timeout, DefaultTimeout))
	defer cancel()
	resp, err := f.get(ctx, raw, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "text/html" {
		return nil, fmt.Errorf("%w (Content-Type %q)", ErrNotHTML, ct)
	}
	// Bounded read: at most MaxBytes of the body are ever read.
	br := bufio.NewReaderSize(io.LimitReader(resp.Body, pick(f.MaxBytes, DefaultMaxBytes)), 4096)
	peek, _ := br.Peek(1024)
	enc, _, _ := charset.DetermineEncoding(peek, ct)
	m, perr := parsePage(enc.NewDecoder().Reader(br))
	p := m.preview(resp.Request.URL)
	if p == nil && perr != nil {
		return nil, perr
	}
	return p, nil
}

// pageMeta is what the parser collected.
type pageMeta struct {
	props    map[string]string // first non-empty content per wanted meta key
	title    string
	gotTitle bool
}

var wantedMeta = map[string]bool{
	"og:title": true, "twitter:title": true,
	"og:description": true, "twitter:description": true, "description": true,
	"og:url":   true,
	"og:image": true, "og:image:url": true, "og:image:secure_url": true,
	"twitter:image": true, "twitter:image:src": true,
}

func (m *pageMeta) enough() bool {
	return m.gotTitle && strings.TrimSpace(m.title) != "" || m.props["og:title"] != "" || m.props["twitter:title"] != ""
}

// parsePage scans the document with the x/net/html tokenizer, collecting
// <title> and the wanted <meta> tags. It stops at the end of <head> (or the
// start of <body>) once a title is known, else at the end of the input.
func parsePage(r io.Reader) (*pageMeta, error) {
	m := &pageMeta{props: map[string]string{}}
	z := html.NewTokenizer(r)
	foreign := 0 // depth inside <svg>/<math>, whose <title> is not the page's
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return m, err
			}
			return m, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "svg", "math":
				if tt == html.StartTagToken {
					foreign++
				}
			case "meta":
				if hasAttr {
					m.addMeta(z)
				}
			case "title":
				if tt != html.StartTagToken || foreign > 0 || m.gotTitle {
					continue
				}
				var b strings.Builder
				for z.Next() == html.TextToken { // <title> is RCDATA: text, then </title>
					if b.Len() < maxMetaContent {
						b.Write(z.Text())
					}
				}
				m.title, m.gotTitle = b.String(), true
			case "body":
				if m.enough() {
					return m, nil
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "svg", "math":
				if foreign > 0 {
					foreign--
				}
			case "head":
				if m.enough() {
					return m, nil
				}
			}
		}
	}
}

func (m *pageMeta) addMeta(z *html.Tokenizer) {
	var prop, name, content string
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch string(k) {
		case "property":
			prop = strings.ToLower(strings.TrimSpace(string(v)))
		case "name":
			name = strings.ToLower(strings.TrimSpace(string(v)))
		case "content":
			if len(v) > maxMetaContent {
				v = v[:maxMetaContent]
			}
			content = string(v)
		}
	}
	if strings.TrimSpace(content) == "" {
		return
	}
	for _, key := range []string{prop, name} {
		if key == "" || !wantedMeta[key] {
			continue
		}
		if _, ok := m.props[key]; !ok {
			m.props[key] = content
		}
	}
}

// preview builds the result; page is the final URL after redirects.
func (m *pageMeta) preview(page *url.URL) *Preview {
	if m == nil {
		return nil
	}
	title := firstText(MaxTitleRunes, m.props["og:title"], m.props["twitter:title"], m.title)
	desc := firstText(MaxDescriptionRunes, m.props["og:description"], m.props["twitter:description"], m.props["description"])
	if title == "" && desc == "" {
		return nil
	}
	p := &Preview{Title: title, Description: desc}
	p.URL = resolveHTTP(page, m.props["og:url"])
	if p.URL == "" {
		p.URL = resolveHTTP(page, page.String())
	}
	for _, k := range []string{"og:image", "og:image:secure_url", "og:image:url", "twitter:image", "twitter:image:src"} {
		if u := resolveHTTP(page, m.props[k]); u != "" {
			p.ImageURL = u
			break
		}
	}
	return p
}

func firstText(max int, candidates ...string) string {
	for _, c := range candidates {
		if t := PlainText(c, max); t != "" {
			return t
		}
	}
	return ""
}

// resolveHTTP resolves ref against base and returns it only if it is an
// absolute http(s) URL with a host, no user info, of sane length.
func resolveHTTP(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > maxURLLen || base == nil {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	s := u.String()
	if len(s) > maxURLLen {
		return ""
	}
	return s
}

// FetchImage downloads an image through the guard. It must answer 200, be
// at most MaxImageBytes, and its bytes (not its Content-Type header) must be
// a JPEG, PNG, GIF or WebP whose header decodes with sane dimensions. SVG and
// everything else is refused. contentType is the sniffed type.
func (f *Fetcher) FetchImage(ctx context.Context, imageURL string) ([]byte, string, error) {
	f.init()
	ctx, cancel := context.WithTimeout(ctx, pick(f.Timeout, DefaultTimeout))
	defer cancel()
	resp, err := f.get(ctx, strings.TrimSpace(imageURL), "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1")
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	max := pick(f.MaxImageBytes, DefaultMaxImageBytes)
	if resp.ContentLength > max {
		return nil, "", fmt.Errorf("%w (%d > %d bytes)", ErrTooLarge, resp.ContentLength, max)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > max {
		return nil, "", fmt.Errorf("%w (more than %d bytes)", ErrTooLarge, max)
	}
	ct := http.DetectContentType(data)
	var decodeConfig func(io.Reader) (image.Config, error)
	switch ct {
	case "image/jpeg":
		decodeConfig = jpeg.DecodeConfig
	case "image/png":
		decodeConfig = png.DecodeConfig
	case "image/gif":
		decodeConfig = gif.DecodeConfig
	case "image/webp":
		decodeConfig = webp.DecodeConfig
	default:
		return nil, "", fmt.Errorf("%w (sniffed %q)", ErrImageType, ct)
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("%w (%s header: %v)", ErrImageType, ct, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > DefaultMaxImageSide || cfg.Height > DefaultMaxImageSide ||
		int64(cfg.Width)*int64(cfg.Height) > pick(f.MaxImagePixels, DefaultMaxImagePixels) {
		return nil, "", fmt.Errorf("%w (%dx%d)", ErrImageDimensions, cfg.Width, cfg.Height)
	}
	return data, ct, nil
}
