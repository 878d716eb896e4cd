// Package previews makes link preview cards for messages. The server fetches the page itself (through
// unfurl, behind the netguard SSRF guard: public addresses only), keeps its title and description as
// plain text, downloads its image once through the same guard (JPEG, PNG, GIF or WebP, sniffed from
// the bytes), decodes it within pixel bounds and re-encodes it (JPEG, or PNG when it has transparency,
// at most MaxImageWidth x MaxImageHeight), so the message stores the image as its own protected file
// and viewers never load a third-party URL. Nothing a client says about a page is trusted: a client
// only names the URL.
//
// Pages and images are cached (an hour, failures five minutes), so the composer's preview
// (POST /api/campfire/unfurl) and the post that follows fetch once.
//
// The guard allows no private address. Tests that serve pages from 127.0.0.1 opt in explicitly with
// AllowLoopbackForTests; nothing else turns that on.
package previews

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/disintegration/imaging"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"golang.org/x/image/webp"

	"github.com/pocketcampfire/campfire/netguard"
	"github.com/pocketcampfire/campfire/unfurl"
)

// Limits.
const (
	MaxURLLen      = 2048
	MaxImageWidth  = 800
	MaxImageHeight = 600
	// MaxSourcePixels bounds the third-party image that is decoded (64 MB of pixels at most).
	MaxSourcePixels = 16_000_000
	// MaxConcurrentFetches bounds the pages and images fetched at once, server-wide.
	MaxConcurrentFetches = 8
	// MaxConcurrentDecodes bounds the images decoded at once.
	MaxConcurrentDecodes = 2
	// FetchTimeout bounds one page or image fetch.
	FetchTimeout = 6 * time.Second
)

// ErrInvalidURL refuses a preview URL that is not an absolute http(s) URL of sane length.
var ErrInvalidURL = validation.NewError("validation_invalid_preview_url", "The link to preview must be an http or https URL.")

// Card is a link preview as stored on a message. Title and Description are plain text; Image is our
// re-encoded copy (nil when the page has none usable).
type Card struct {
	URL         string
	Title       string
	Description string
	Image       []byte
	ImageType   string // "image/jpeg" or "image/png" when Image is set
}

// ImageDataURL returns the card's image as a data: URL ("" without an image), for the composer to
// show before the message exists (the web app's CSP allows data: images).
func (c *Card) ImageDataURL() string {
	if c == nil || len(c.Image) == 0 {
		return ""
	}
	return "data:" + c.ImageType + ";base64," + encodeBase64(c.Image)
}

// Options configure a Service.
type Options struct {
	// Guard checks every URL and connection; nil means the zero guard: public addresses only.
	Guard *netguard.Guard
	// CacheTTL is how long cards are cached (default an hour).
	CacheTTL time.Duration
}

// Service fetches and caches cards. One per app (For).
type Service struct {
	fetcher *unfurl.Fetcher
	images  *imageCache
	fetches chan struct{}
	decodes chan struct{}
}

// New returns a Service.
func New(opts Options) *Service {
	ttl := opts.CacheTTL
	if ttl == 0 {
		ttl = unfurl.DefaultCacheTTL
	}
	return &Service{
		fetcher: &unfurl.Fetcher{
			Guard:          opts.Guard,
			MaxImageBytes:  5 << 20,
			MaxImagePixels: MaxSourcePixels,
			Timeout:        FetchTimeout,
			CacheTTL:       ttl,
		},
		images:  newImageCache(64, 32<<20, ttl, unfurl.DefaultNegativeTTL),
		fetches: make(chan struct{}, MaxConcurrentFetches),
		decodes: make(chan struct{}, MaxConcurrentDecodes),
	}
}

const storeKey = "campfire.previews"

// For returns app's Service, public addresses only unless Configure said otherwise.
func For(app core.App) *Service {
	return app.Store().GetOrSet(storeKey, func() any { return New(Options{}) }).(*Service)
}

// Configure replaces app's Service.
func Configure(app core.App, opts Options) *Service {
	s := New(opts)
	app.Store().Set(storeKey, s)
	return s
}

// AllowLoopbackForTests lets app's previews reach 127.0.0.1 and ::1 (and nothing else private), so
// tests can serve pages from an httptest server. Never call it in production code.
func AllowLoopbackForTests(app core.App) *Service {
	loop4, loop6 := netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()
	return Configure(app, Options{Guard: &netguard.Guard{AllowPrivate: func(a netip.Addr) bool {
		return a == loop4 || a == loop6
	}}})
}

// NormalizeURL checks that raw is an absolute http(s) URL with a host, no user info, at most
// MaxURLLen bytes, and returns it trimmed. It does not resolve anything: the guard judges the address
// when fetching.
func NormalizeURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxURLLen || strings.ContainsAny(raw, " \t\r\n") {
		return "", ErrInvalidURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		u.User != nil || u.Opaque != "" {
		return "", ErrInvalidURL
	}
	return u.String(), nil
}

func acquire(ctx context.Context, sem chan struct{}) error {
	select {
	case sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Card fetches (or recalls) the card of a page. (nil, nil) means the page has no preview. The URL of
// the card is rawURL normalized (not the page's own og:url, which the page chooses).
func (s *Service) Card(ctx context.Context, rawURL string) (*Card, error) {
	u, err := NormalizeURL(rawURL)
	if err != nil {
		return nil, err
	}
	if err := acquire(ctx, s.fetches); err != nil {
		return nil, err
	}
	p, err := s.fetcher.Fetch(ctx, u)
	<-s.fetches
	if err != nil || p == nil {
		return nil, err
	}
	card := &Card{URL: u, Title: p.Title, Description: p.Description}
	if p.ImageURL != "" {
		if data, ct, err := s.image(ctx, p.ImageURL); err == nil {
			card.Image, card.ImageType = data, ct
		}
	}
	return card, nil
}

// image downloads, checks and re-encodes a page's image, cached by URL.
func (s *Service) image(ctx context.Context, imageURL string) ([]byte, string, error) {
	if data, ct, err, ok := s.images.get(imageURL, time.Now()); ok {
		return data, ct, err
	}
	data, ct, err := s.fetchImage(ctx, imageURL)
	if ctx.Err() == nil {
		s.images.put(imageURL, data, ct, err, time.Now())
	}
	return data, ct, err
}

func (s *Service) fetchImage(ctx context.Context, imageURL string) ([]byte, string, error) {
	if err := acquire(ctx, s.fetches); err != nil {
		return nil, "", err
	}
	raw, sniffed, err := s.fetcher.FetchImage(ctx, imageURL)
	<-s.fetches
	if err != nil {
		return nil, "", err
	}
	if err := acquire(ctx, s.decodes); err != nil {
		return nil, "", err
	}
	defer func() { <-s.decodes }()
	return Reencode(raw, sniffed)
}

// Reencode decodes a JPEG, PNG, GIF (first frame) or WebP image (whose header the caller already
// checked), scales it down to fit MaxImageWidth x MaxImageHeight and encodes it anew: JPEG when it is
// opaque, PNG otherwise. Nothing of the original file but its pixels survives.
func Reencode(data []byte, mediaType string) (out []byte, outType string, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, outType, err = nil, "", fmt.Errorf("previews: decode image: %v", p)
		}
	}()
	var decode func(io.Reader) (image.Image, error)
	switch mediaType {
	case "image/jpeg":
		decode = jpeg.Decode
	case "image/png":
		decode = png.Decode
	case "image/gif":
		decode = gif.Decode
	case "image/webp":
		decode = webp.Decode
	default:
		return nil, "", fmt.Errorf("previews: unsupported image type %q", mediaType)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("previews: decode image: %w", err)
	}
	fitted := imaging.Fit(img, MaxImageWidth, MaxImageHeight, imaging.Lanczos)
	if fitted.Bounds().Empty() {
		return nil, "", errors.New("previews: empty image")
	}
	var buf bytes.Buffer
	if fitted.Opaque() {
		err, outType = jpeg.Encode(&buf, fitted, &jpeg.Options{Quality: 85}), "image/jpeg"
	} else {
		err, outType = png.Encode(&buf, fitted), "image/png"
	}
	if err != nil {
		return nil, "", fmt.Errorf("previews: encode image: %w", err)
	}
	return buf.Bytes(), outType, nil
}

// Apply turns the preview_url a new message carries into a card: the server fetches the page itself
// and sets preview_url, preview_title, preview_description and preview_image (a new file); whatever
// else a client put in those fields is dropped first. A page without a preview, or one the guard
// refuses or that fails to load, leaves the message without a card (and without preview_url). Only
// an unusable URL is an error (a validation error for preview_url). Call it before the message is
// saved and outside any write transaction (it waits on the network, at most ctx's deadline).
//
// Example (a post from another source than the record API):
//
//	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
//	defer cancel()
//	if err := previews.For(app).Apply(ctx, msg); err != nil { ... }
//	err = app.Save(msg)
func (s *Service) Apply(ctx context.Context, msg *core.Record) error {
	raw := strings.TrimSpace(msg.GetString("preview_url"))
	Clear(msg)
	if raw == "" {
		return nil
	}
	u, err := NormalizeURL(raw)
	if err != nil {
		return validation.Errors{"preview_url": ErrInvalidURL}
	}
	card, err := s.Card(ctx, u)
	if err != nil || card == nil {
		return nil
	}
	return Set(msg, card)
}

// Clear removes every preview field from a message record.
func Clear(msg *core.Record) {
	msg.Set("preview_url", "")
	msg.Set("preview_title", "")
	msg.Set("preview_description", "")
	msg.Set("preview_image", nil)
}

// Set stores a card on a message record (the image as a new file named preview.jpg or preview.png).
func Set(msg *core.Record, card *Card) error {
	msg.Set("preview_url", card.URL)
	msg.Set("preview_title", card.Title)
	msg.Set("preview_description", card.Description)
	msg.Set("preview_image", nil)
	if len(card.Image) > 0 {
		name := "preview.jpg"
		if card.ImageType == "image/png" {
			name = "preview.png"
		}
		f, err := filesystem.NewFileFromBytes(card.Image, name)
		if err != nil {
			return fmt.Errorf("previews: image file: %w", err)
		}
		msg.Set("preview_image", f)
	}
	return nil
}
