package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	// DefaultTimeout is Campfire's limit for a bot to answer.
	DefaultTimeout = 7 * time.Second
	// TimeoutReplyText is what the bot says in the room when its endpoint
	// did not answer within DefaultTimeout; it equals
	// TimeoutText(DefaultTimeout), which a test checks. For another
	// Deliverer.Timeout use Deliverer.TimeoutText.
	TimeoutReplyText = "Failed to respond within 7 seconds"
	// DefaultMaxReplyBytes is the default upload limit (50 MB).
	DefaultMaxReplyBytes int64 = 50 << 20
	// DefaultUserAgent is sent when Deliverer.UserAgent is empty.
	DefaultUserAgent = "Campfire-on-PocketBase-Webhook/1"
)

// Errors an Outcome's Err wraps.
var (
	ErrTimeout       = errors.New("webhooks: endpoint did not answer in time")
	ErrReplyTooLarge = errors.New("webhooks: reply larger than the upload limit")
	ErrRedirect      = errors.New("webhooks: redirect not followed")
	ErrGone          = errors.New("webhooks: endpoint gone (410), webhook to be disabled")
	ErrStatus        = errors.New("webhooks: endpoint answered an error status")
	ErrBadURL        = errors.New("webhooks: bad webhook URL")
)

// TimeoutText is the message the bot posts when its endpoint did not answer
// within d: "Failed to respond within 7 seconds".
func TimeoutText(d time.Duration) string {
	secs := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	unit := " seconds"
	if secs == "1" {
		unit = " second"
	}
	return "Failed to respond within " + secs + unit
}

// Deliverer posts webhooks. The zero value is ready to use.
type Deliverer struct {
	// Client sends the requests; nil means a client with the default
	// transport. Redirects are never followed, whatever its CheckRedirect:
	// Deliver uses a copy whose CheckRedirect returns http.ErrUseLastResponse.
	Client *http.Client
	// Timeout bounds a whole attempt, from connecting to reading the reply
	// body; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxReplyBytes is the largest reply body accepted (the upload limit);
	// zero or less means DefaultMaxReplyBytes.
	MaxReplyBytes int64
	// UserAgent is sent as User-Agent; empty means DefaultUserAgent.
	UserAgent string
	// Permanent, if set, marks transport errors that retrying cannot fix,
	// such as a destination refused by an SSRF guard (netguard.IsRefused):
	// they fail without Retryable. Other connection errors are retried.
	Permanent func(error) bool
}

// Outcome is the result of one delivery attempt.
type Outcome struct {
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	// Duration is the time from sending to the end of reading the reply.
	Duration time.Duration
	// Reply is what the bot answered, nil if nothing is to be posted.
	Reply *Reply
	// Retryable is set for connection errors and 5xx (see ShouldRetry).
	Retryable bool
	// Disable is set for 410 Gone: the caller turns the webhook off.
	Disable bool
	// TimedOut is set when the endpoint did not answer within the timeout;
	// the caller posts TimeoutText and does not retry.
	TimedOut bool
	// Err is nil on success (any 2xx); it says why the attempt failed.
	Err error
}

// OK reports whether the attempt succeeded.
func (o Outcome) OK() bool { return o.Err == nil }

// Reply is a bot's answer to post in the room.
type Reply struct {
	// ContentType is the media type without parameters, lower case:
	// "text/plain" or "text/html" for a text reply, anything else for an
	// attachment.
	ContentType string
	// Body is the reply; for a text reply it is valid UTF-8 (a Latin-1
	// charset is converted, invalid bytes become U+FFFD).
	Body []byte
	// Filename is empty for a text reply; for an attachment it comes from a
	// safe Content-Disposition filename, else "reply" plus an extension
	// for the type.
	Filename string
}

// IsText reports whether the reply is posted as a message rather than an
// attachment.
func (r *Reply) IsText() bool { return r != nil && r.Filename == "" }

// TimeoutText is TimeoutText of the Deliverer's effective timeout.
func (d *Deliverer) TimeoutText() string { return TimeoutText(d.timeout()) }

func (d *Deliverer) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return DefaultTimeout
}

func (d *Deliverer) maxReply() int64 {
	if d.MaxReplyBytes > 0 {
		return d.MaxReplyBytes
	}
	return DefaultMaxReplyBytes
}

func (d *Deliverer) client() *http.Client {
	var c http.Client
	if d.Client != nil {
		c = *d.Client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// errDeadline marks the expiry of the Deliverer's own timeout, as opposed to
// the caller's context ending.
var errDeadline = errors.New("webhooks: delivery deadline")

// Deliver makes one attempt to POST payload (JSON) to rawURL, signed with
// secret under msgID (the same for every retry of a message; each attempt
// gets a fresh timestamp and signature), and classifies the answer:
//
//   - 200 with text/plain or text/html: a text Reply (at most MaxReplyBytes,
//     else ErrReplyTooLarge, not retried);
//   - 200 with another Content-Type: an attachment Reply (same limit);
//   - 200 with an empty body or no Content-Type, 204 and other 2xx: success,
//     no Reply;
//   - 3xx: ErrRedirect, not followed, not retried;
//   - 410: ErrGone, Disable;
//   - 5xx: ErrStatus, Retryable;
//   - other 4xx: ErrStatus, not retried;
//   - no answer within Timeout (or the Client's own timeouts): ErrTimeout,
//     TimedOut, not retried;
//   - connection errors, and errors reading the reply: Retryable, unless
//     Permanent says otherwise;
//   - ctx ending first: ctx's error, Retryable (the attempt was cut short
//     by the caller, e.g. at shutdown).
func (d *Deliverer) Deliver(ctx context.Context, rawURL, secret, msgID string, payload []byte) (out Outcome) {
	start := time.Now()
	defer func() { out.Duration = time.Since(start) }()

	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Outcome{Err: fmt.Errorf("%w: need an absolute http or https URL", ErrBadURL)}
	}
	sig, err := Sign(secret, msgID, start, payload)
	if err != nil {
		return Outcome{Err: err}
	}

	actx, cancel := context.WithTimeoutCause(ctx, d.timeout(), errDeadline)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return Outcome{Err: fmt.Errorf("%w: %v", ErrBadURL, err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", cmpOr(d.UserAgent, DefaultUserAgent))
	req.Header.Set(HeaderID, msgID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(start.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)

	resp, err := d.client().Do(req)
	if err != nil {
		return d.failed(ctx, actx, err, 0)
	}
	defer func() {
		drain(resp.Body) // lets the connection be reused
		resp.Body.Close()
	}()
	out.Status = resp.StatusCode

	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		return d.readReply(ctx, actx, resp)
	case code >= 200 && code < 300:
		// Delivered; only a 200 carries a reply.
	case code >= 300 && code < 400:
		out.Err = fmt.Errorf("%w: %d to %q", ErrRedirect, code, resp.Header.Get("Location"))
	case code == http.StatusGone:
		out.Disable = true
		out.Err = ErrGone
	case code >= 500:
		out.Retryable = true
		out.Err = fmt.Errorf("%w: %s", ErrStatus, resp.Status)
	default:
		out.Err = fmt.Errorf("%w: %s", ErrStatus, resp.Status)
	}
	return out
}

// failed classifies an error from sending or from reading the reply.
func (d *Deliverer) failed(ctx, actx context.Context, err error, status int) Outcome {
	o := Outcome{Status: status}
	var nerr net.Error
	switch {
	case ctx.Err() != nil:
		o.Retryable = true
		o.Err = fmt.Errorf("webhooks: delivery cut short: %w", ctx.Err())
	case errors.Is(context.Cause(actx), errDeadline),
		errors.As(err, &nerr) && nerr.Timeout():
		o.TimedOut = true
		o.Err = fmt.Errorf("%w (%s)", ErrTimeout, d.timeout())
	case d.Permanent != nil && d.Permanent(err):
		o.Err = fmt.Errorf("webhooks: delivery refused: %w", err)
	default:
		o.Retryable = true
		o.Err = fmt.Errorf("webhooks: delivery failed: %w", err)
	}
	return o
}

func (d *Deliverer) readReply(ctx, actx context.Context, resp *http.Response) Outcome {
	out := Outcome{Status: resp.StatusCode}
	limit := d.maxReply()
	if resp.ContentLength > limit {
		out.Err = fmt.Errorf("%w: %d bytes announced, limit %d", ErrReplyTooLarge, resp.ContentLength, limit)
		return out
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return d.failed(ctx, actx, err, resp.StatusCode)
	}
	if int64(len(body)) > limit {
		out.Err = fmt.Errorf("%w: limit %d bytes", ErrReplyTooLarge, limit)
		return out
	}
	ct := resp.Header.Get("Content-Type")
	if len(body) == 0 || ct == "" {
		// Nothing to post; Campfire also ignores a reply without a type.
		return out
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		out.Err = fmt.Errorf("webhooks: reply has an unreadable Content-Type: %v", err)
		return out
	}
	if mediaType == "text/plain" || mediaType == "text/html" {
		out.Reply = &Reply{ContentType: mediaType, Body: toUTF8(body, params["charset"])}
		return out
	}
	name, ok := dispositionFilename(resp.Header.Get("Content-Disposition"))
	if !ok {
		name = "reply" + extensionFor(mediaType)
	}
	out.Reply = &Reply{ContentType: mediaType, Body: body, Filename: name}
	return out
}

// drain reads what is left of a small body so the connection can be reused.
func drain(r io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10)) }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// toUTF8 returns a text reply as valid UTF-8: Latin-1 is converted, other
// charsets are taken as UTF-8 with invalid bytes replaced.
func toUTF8(b []byte, charset string) []byte {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "l1":
		if !utf8.Valid(b) {
			out := make([]rune, len(b))
			for i, c := range b {
				out[i] = rune(c)
			}
			return []byte(string(out))
		}
	}
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

// dispositionFilename returns the filename of a Content-Disposition header
// when it is safe to use as is: valid UTF-8, 1 to 255 bytes, a plain name
// with no path separators, no leading dot, no control or bidi-formatting
// characters, no characters that Windows forbids, no surrounding spaces.
func dispositionFilename(header string) (string, bool) {
	if header == "" {
		return "", false
	}
	_, params, err := mime.ParseMediaType(header)
	if err != nil {
		return "", false
	}
	name := params["filename"] // mime decodes filename* (RFC 2231) into it
	if name == "" || len(name) > 255 || !utf8.ValidString(name) || strings.TrimSpace(name) != name {
		return "", false
	}
	if name[0] == '.' || strings.ContainsAny(name, "/\\:*?\"<>|") {
		return "", false
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return "", false
		}
	}
	return name, true
}

// extensions maps common reply types to extensions, so names do not depend
// on the host's MIME tables.
var extensions = map[string]string{
	"application/gzip":         ".gz",
	"application/json":         ".json",
	"application/octet-stream": ".bin",
	"application/pdf":          ".pdf",
	"application/xml":          ".xml",
	"application/zip":          ".zip",
	"audio/mpeg":               ".mp3",
	"audio/ogg":                ".ogg",
	"audio/wav":                ".wav",
	"image/avif":               ".avif",
	"image/gif":                ".gif",
	"image/jpeg":               ".jpg",
	"image/png":                ".png",
	"image/svg+xml":            ".svg",
	"image/webp":               ".webp",
	"text/calendar":            ".ics",
	"text/css":                 ".css",
	"text/csv":                 ".csv",
	"text/markdown":            ".md",
	"text/xml":                 ".xml",
	"video/mp4":                ".mp4",
	"video/quicktime":          ".mov",
	"video/webm":               ".webm",
}

// extensionFor returns an extension for a media type, "" if none is known.
func extensionFor(mediaType string) string {
	if ext, ok := extensions[mediaType]; ok {
		return ext
	}
	if exts, err := mime.ExtensionsByType(mediaType); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ""
}
