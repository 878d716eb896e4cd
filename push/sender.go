package push

import (
	"context"
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// Defaults used when the Sender fields are zero.
const (
	DefaultTTL         = 24 * time.Hour
	DefaultTimeout     = 15 * time.Second
	DefaultConcurrency = 8
	// MaxEndpointLength bounds the endpoint URLs accepted by
	// DefaultCheckEndpoint and Subscription.Validate.
	MaxEndpointLength = 2048
)

// Errors reported in Result.Err (test them with errors.Is).
var (
	// ErrGone: the push service answered 404 or 410; Result.Gone is set and
	// the caller should delete the subscription.
	ErrGone = errors.New("push: subscription gone")
	// ErrInvalidSubscription: the subscription keys or endpoint are malformed.
	ErrInvalidSubscription = errors.New("push: invalid subscription")
	// ErrEndpointRefused: CheckEndpoint refused the endpoint.
	ErrEndpointRefused = errors.New("push: endpoint refused")
	// ErrInvalidSender: the Sender's keys or subject are unusable.
	ErrInvalidSender = errors.New("push: invalid sender")
)

// Subscription is a browser PushSubscription: its endpoint and its
// keys.p256dh / keys.auth (base64url, padded or not; standard base64 is
// accepted too, as webpush-go does).
type Subscription struct {
	Endpoint string `json:"endpoint"`
	P256dh   string `json:"p256dh"`
	Auth     string `json:"auth"`
}

// Validate checks the shape of s (not the endpoint's address policy, which
// is Sender.CheckEndpoint's): a non-empty endpoint of sane length, p256dh a
// P-256 uncompressed point, auth 16 bytes.
func (s Subscription) Validate() error {
	if s.Endpoint == "" || len(s.Endpoint) > MaxEndpointLength {
		return fmt.Errorf("%w: endpoint missing or longer than %d bytes", ErrInvalidSubscription, MaxEndpointLength)
	}
	p, err := decodeB64(s.P256dh)
	if err != nil || len(p) != 65 || p[0] != 4 {
		return fmt.Errorf("%w: p256dh is not a base64 uncompressed P-256 point", ErrInvalidSubscription)
	}
	if _, err := ecdh.P256().NewPublicKey(p); err != nil {
		return fmt.Errorf("%w: p256dh is not on P-256", ErrInvalidSubscription)
	}
	a, err := decodeB64(s.Auth)
	if err != nil || len(a) != 16 {
		return fmt.Errorf("%w: auth is not a base64 16-byte secret", ErrInvalidSubscription)
	}
	return nil
}

// Result is the outcome of one delivery. Err is nil on success (a 2xx
// answer). Gone means 404/410: delete the subscription (Err wraps ErrGone).
type Result struct {
	Status     int           // HTTP status from the push service, 0 if none
	Gone       bool          // 404 or 410: the subscription is dead
	Err        error         // nil on success
	RetryAfter time.Duration // from a Retry-After header on 429/503, else 0
}

// StatusError is Result.Err for a non-2xx answer other than 404/410. Its
// message holds only the status; Body (the first bytes of the answer, for
// deliberate debugging) is kept out of the message so it never reaches logs
// by accident.
type StatusError struct {
	Status int
	Host   string
	Body   string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("push: %s answered %d %s", e.Host, e.Status, http.StatusText(e.Status))
}

// Sender delivers encrypted notifications. Its fields are read-only once it
// is in use; a Sender is safe for concurrent use.
type Sender struct {
	// Keys is the VAPID key pair (see GenerateKeys, KeysFromEnv).
	Keys Keys
	// Subject is the VAPID contact: "mailto:ops@your.domain" or
	// "https://your.domain/...". Placeholder domains (example.com, .test,
	// localhost, ...) are refused: push services such as Apple's reject them.
	Subject string
	// HTTPClient sends the requests. Nil: a client with timeouts that does
	// not follow redirects. A custom client should not follow redirects
	// either (a redirect would bypass CheckEndpoint) and, for SSRF safety,
	// should refuse non-public addresses at dial time as well (DNS may
	// change between CheckEndpoint and the dial).
	HTTPClient *http.Client
	// Concurrency bounds SendAll's parallel requests (default 8).
	Concurrency int
	// TTL is how long the push service keeps an undelivered message
	// (default 24 h).
	TTL time.Duration
	// Timeout bounds every Send, CheckEndpoint included (default 15 s).
	Timeout time.Duration
	// CheckEndpoint vets an endpoint before each request (the SSRF guard:
	// https on a public address). Nil: DefaultCheckEndpoint.
	CheckEndpoint func(ctx context.Context, endpoint string) error
}

// DefaultCheckEndpoint requires an absolute https URL with a non-empty host
// and no user info, at most MaxEndpointLength bytes. It does not resolve the
// host: plug a real SSRF guard into Sender.CheckEndpoint.
func DefaultCheckEndpoint(_ context.Context, endpoint string) error {
	if len(endpoint) > MaxEndpointLength {
		return errors.New("endpoint too long")
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return errors.New("endpoint is not a URL")
	}
	if u.Scheme != "https" {
		return errors.New("endpoint is not https")
	}
	if u.Hostname() == "" {
		return errors.New("endpoint has no host")
	}
	if u.User != nil {
		return errors.New("endpoint has user info")
	}
	return nil
}

var defaultClient = &http.Client{
	Transport: func() http.RoundTripper {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = DefaultConcurrency
		t.ResponseHeaderTimeout = DefaultTimeout
		return t
	}(),
	Timeout: 2 * DefaultTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// ValidateSubject checks a VAPID subject: "mailto:" with a real-looking
// address, or an "https:" URL with a host; placeholder and local domains are
// refused.
func ValidateSubject(subject string) error {
	switch {
	case strings.HasPrefix(subject, "mailto:"):
		addr := strings.TrimPrefix(subject, "mailto:")
		a, err := mail.ParseAddress(addr)
		if err != nil || a.Address != addr || a.Name != "" {
			return errors.New("VAPID subject is not mailto:<address>")
		}
		at := strings.LastIndexByte(addr, '@')
		if err := checkSubjectHost(addr[at+1:]); err != nil {
			return err
		}
		return nil
	case strings.HasPrefix(subject, "https:"):
		u, err := url.Parse(subject)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return errors.New("VAPID subject is not an https URL with a host")
		}
		return checkSubjectHost(u.Hostname())
	default:
		return errors.New("VAPID subject must start with mailto: or https:")
	}
}

func checkSubjectHost(host string) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if ip := net.ParseIP(h); ip != nil {
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() {
			return errors.New("VAPID subject host is not public")
		}
		return nil
	}
	if !strings.Contains(h, ".") {
		return errors.New("VAPID subject host is not a public domain")
	}
	for _, p := range []string{"example.com", "example.net", "example.org"} {
		if h == p || strings.HasSuffix(h, "."+p) {
			return errors.New("VAPID subject uses a placeholder domain")
		}
	}
	tld := h[strings.LastIndexByte(h, '.')+1:]
	switch tld {
	case "example", "test", "invalid", "localhost", "local", "internal", "lan", "home":
		return errors.New("VAPID subject uses a reserved or local domain")
	}
	return nil
}

// Validate checks the keys and the subject.
func (s *Sender) Validate() error {
	if err := s.Keys.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidSender, err)
	}
	if err := ValidateSubject(s.Subject); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidSender, err)
	}
	return nil
}

// TopicFor derives a Topic header value (RFC 8030 §5.4: at most 32
// characters of the base64url alphabet) from a room id. An id that already
// fits is used as is; any other is replaced by the first 32 characters of the
// base64url SHA-256 of it. "" stays "" (no Topic header).
func TopicFor(roomID string) string {
	if roomID == "" || validTopic(roomID) {
		return roomID
	}
	sum := sha256.Sum256([]byte(roomID))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:32]
}

func validTopic(t string) bool {
	if len(t) > 32 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Sender) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultTTL
}

func (s *Sender) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

func (s *Sender) client() *http.Client {
	if s.HTTPClient != nil {
		return s.HTTPClient
	}
	return defaultClient
}

// Send encrypts payload for sub and posts it to the push service with
// TTL, "Urgency: high" and, when topic is not empty, "Topic: TopicFor(topic)"
// (pass the room id: a newer pending message for the room replaces an
// undelivered older one). The whole call is bounded by s.Timeout and ctx.
func (s *Sender) Send(ctx context.Context, sub Subscription, payload []byte, topic string) Result {
	if len(payload) > MaxEncryptedPlaintext {
		return Result{Err: ErrPayloadTooLarge}
	}
	// webpush-go v1.4.0 wraps the message in bytes.NewBuffer and appends the
	// padding delimiter and padding to it: when the slice has spare capacity
	// that write lands in the caller's backing array, a data race (and
	// corrupted plaintext) as soon as one payload is shared by concurrent
	// sends, which is exactly what SendAll does (upstream issue #83). Every
	// send therefore gets its own copy.
	msg := make([]byte, len(payload))
	copy(msg, payload)

	if err := s.Validate(); err != nil {
		return Result{Err: err}
	}
	if err := sub.Validate(); err != nil {
		return Result{Err: err}
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()

	check := s.CheckEndpoint
	if check == nil {
		check = DefaultCheckEndpoint
	}
	if err := check(ctx, sub.Endpoint); err != nil {
		return Result{Err: fmt.Errorf("%w: %v", ErrEndpointRefused, err)}
	}
	host := endpointHost(sub.Endpoint)

	subscriber := s.Subject
	// webpush-go v1.4.0 prefixes "mailto:" to any subject that does not start
	// with "https:", so it must receive the bare address.
	if strings.HasPrefix(subscriber, "mailto:") {
		subscriber = strings.TrimPrefix(subscriber, "mailto:")
	}

	resp, err := webpush.SendNotificationWithContext(ctx, msg, &webpush.Subscription{
		Endpoint: sub.Endpoint,
		Keys:     webpush.Keys{Auth: sub.Auth, P256dh: sub.P256dh},
	}, &webpush.Options{
		HTTPClient:      s.client(),
		Subscriber:      subscriber,
		Topic:           TopicFor(topic),
		TTL:             int(s.ttl() / time.Second),
		Urgency:         webpush.UrgencyHigh,
		VAPIDPublicKey:  s.Keys.PublicKey,
		VAPIDPrivateKey: s.Keys.PrivateKey,
	})
	if err != nil {
		return Result{Err: redact(err, host)}
	}
	defer resp.Body.Close()

	head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	// Drain a little more so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))

	r := Result{Status: resp.StatusCode}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		r.Gone = true
		r.Err = fmt.Errorf("%w (%s answered %d)", ErrGone, host, resp.StatusCode)
	default:
		r.Err = &StatusError{Status: resp.StatusCode, Host: host, Body: printable(head)}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			r.RetryAfter = retryAfter(resp.Header.Get("Retry-After"))
		}
	}
	return r
}

// SendAll sends payload to every subscription with at most s.Concurrency
// requests in flight. results[i] is the outcome for subs[i].
func (s *Sender) SendAll(ctx context.Context, subs []Subscription, payload []byte, topic string) []Result {
	results := make([]Result, len(subs))
	n := s.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	n = min(n, len(subs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = s.Send(ctx, subs[i], payload, topic)
			}
		}()
	}
	for i := range subs {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// endpointHost is the only part of an endpoint that errors may show.
func endpointHost(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		return u.Host
	}
	return "push service"
}

// redact strips the endpoint URL (a secret) from transport errors, keeping
// the cause so errors.Is(err, context.DeadlineExceeded) still works.
func redact(err error, host string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("push: %s %s: %w", ue.Op, host, ue.Err)
	}
	return fmt.Errorf("push: %s: %w", host, err)
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func printable(b []byte) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return -1
		}
		return r
	}, strings.ToValidUTF8(string(b), ""))
}
