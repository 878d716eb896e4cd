package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/idna"
)

// Sentinel errors. Every refusal is a *Error whose Err is one of these, so
// callers test with errors.Is(err, netguard.ErrNotPublic) and friends.
var (
	ErrURL              = errors.New("netguard: invalid URL")
	ErrScheme           = errors.New("netguard: URL scheme not allowed")
	ErrUserinfo         = errors.New("netguard: URL must not contain user info")
	ErrPort             = errors.New("netguard: port not allowed")
	ErrHost             = errors.New("netguard: invalid host")
	ErrResolve          = errors.New("netguard: host did not resolve")
	ErrNotPublic        = errors.New("netguard: address is not public")
	ErrTooManyRedirects = errors.New("netguard: too many redirects")
)

// Error describes a refusal: which step refused (Op: "check", "dial",
// "redirect"), the host and the offending address when known.
type Error struct {
	Op    string
	Host  string
	Addr  netip.Addr // the refused address, if any
	Err   error      // one of the sentinel errors above
	Cause error      // underlying error (parse or DNS failure), may be nil
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Op != "" {
		b.WriteString(" [")
		b.WriteString(e.Op)
		b.WriteString("]")
	}
	if e.Host != "" {
		b.WriteString(" host=")
		b.WriteString(strconv.Quote(e.Host))
	}
	if e.Addr.IsValid() {
		b.WriteString(" addr=")
		b.WriteString(e.Addr.String())
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Unwrap exposes both the sentinel and the cause to errors.Is / errors.As.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// IsRefused reports whether err (possibly wrapped, e.g. in a *url.Error from
// http.Client) is a refusal by the guard.
func IsRefused(err error) bool {
	var ge *Error
	return errors.As(err, &ge)
}

// Resolver resolves host names. *net.Resolver satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Default timeouts.
const (
	DefaultLookupTimeout         = 5 * time.Second
	DefaultDialTimeout           = 5 * time.Second
	DefaultTLSHandshakeTimeout   = 5 * time.Second
	DefaultResponseHeaderTimeout = 5 * time.Second
	DefaultMaxRedirects          = 10
	maxURLLen                    = 8192
)

// Guard decides which URLs and addresses may be contacted. The zero value is
// ready to use and safe: public addresses only, http and https, any port.
// A Guard must not be modified after first use.
type Guard struct {
	// Resolver resolves host names; nil means net.DefaultResolver.
	Resolver Resolver
	// AllowPrivate, when non-nil, may allow an address IsPublic refuses.
	// It is meant for tests only (e.g. exactly 127.0.0.1 to reach an
	// httptest server); keep it nil in production. It receives the address
	// with any IPv4-mapped form unmapped.
	AllowPrivate func(netip.Addr) bool
	// RequireHTTPS refuses plain http (web-push endpoints).
	RequireHTTPS bool
	// AllowPort, when non-nil, restricts ports (after the 1..65535 check).
	AllowPort func(port uint16) bool

	LookupTimeout         time.Duration // default 5 s
	DialTimeout           time.Duration // default 5 s
	TLSHandshakeTimeout   time.Duration // default 5 s
	ResponseHeaderTimeout time.Duration // default 5 s

	// dialHook replaces the real TCP dial (tests only). It is only ever
	// called with an "ip:port" that passed the checks.
	dialHook func(ctx context.Context, network, address string) (net.Conn, error)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (g *Guard) resolver() Resolver {
	if g.Resolver != nil {
		return g.Resolver
	}
	return net.DefaultResolver
}

// Allowed reports whether the guard lets connections reach ip: IsPublic, or
// the explicit AllowPrivate allowance.
func (g *Guard) Allowed(ip netip.Addr) bool {
	if IsPublic(ip) {
		return true
	}
	if g == nil || g.AllowPrivate == nil || !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	return g.AllowPrivate(ip.Unmap())
}

// target is a syntactically checked destination.
type target struct {
	host string     // normalized host name (ASCII, lower case) or IP text
	ip   netip.Addr // valid when the host is an IP literal
	port uint16
}

// CheckURL parses raw and verifies everything the guard can know before
// connecting: absolute http(s) URL (https only with RequireHTTPS), no user
// info, a sane port, a valid host, and every address the host resolves to is
// allowed (any refused address refuses the URL). It is an early check: the
// client from HTTPClient re-resolves and re-checks at connect time and only
// connects to the addresses it checked.
func (g *Guard) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	if g == nil {
		g = &Guard{}
	}
	if len(raw) > maxURLLen {
		return nil, &Error{Op: "check", Err: ErrURL, Cause: errors.New("URL too long")}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &Error{Op: "check", Err: ErrURL, Cause: err}
	}
	t, err := g.checkStatic("check", u)
	if err != nil {
		return nil, err
	}
	if _, err := g.resolve(ctx, "check", t.host, t.ip, "ip"); err != nil {
		return nil, err
	}
	return u, nil
}

// checkStatic performs every check that needs no DNS.
func (g *Guard) checkStatic(op string, u *url.URL) (target, error) {
	var t target
	switch u.Scheme {
	case "https":
	case "http":
		if g.RequireHTTPS {
			return t, &Error{Op: op, Err: ErrScheme, Cause: errors.New("https required")}
		}
	default:
		return t, &Error{Op: op, Err: ErrScheme, Cause: errors.New(strconv.Quote(u.Scheme))}
	}
	if u.Opaque != "" {
		return t, &Error{Op: op, Err: ErrURL, Cause: errors.New("opaque URL")}
	}
	if u.User != nil {
		return t, &Error{Op: op, Host: u.Hostname(), Err: ErrUserinfo}
	}
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	p, err := g.checkPort(op, port)
	if err != nil {
		return t, err
	}
	t.port = p
	if u.Host == "" || u.Hostname() == "" {
		return t, &Error{Op: op, Err: ErrHost, Cause: errors.New("empty host")}
	}
	host, ip, err := g.checkHost(op, u.Hostname())
	if err != nil {
		return t, err
	}
	t.host, t.ip = host, ip
	return t, nil
}

func (g *Guard) checkPort(op, port string) (uint16, error) {
	if port == "" || len(port) > 5 {
		return 0, &Error{Op: op, Err: ErrPort, Cause: errors.New(strconv.Quote(port))}
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return 0, &Error{Op: op, Err: ErrPort, Cause: errors.New(strconv.Quote(port))}
	}
	if g.AllowPort != nil && !g.AllowPort(uint16(n)) {
		return 0, &Error{Op: op, Err: ErrPort, Cause: errors.New(strconv.Quote(port))}
	}
	return uint16(n), nil
}

// reservedSuffixes are special-use names that never denote a public host.
var reservedSuffixes = []string{"localhost", "localdomain", "local", "internal", "home.arpa", "onion"}

// checkHost normalizes a host (IDNA mapping, so full-width digits and
// ideographic dots become ASCII first), recognizes IP literals in every
// spelling, and otherwise requires a plausible multi-label DNS name.
func (g *Guard) checkHost(op, host string) (string, netip.Addr, error) {
	orig := host
	bad := func(cause string) (string, netip.Addr, error) {
		return "", netip.Addr{}, &Error{Op: op, Host: orig, Err: ErrHost, Cause: errors.New(cause)}
	}
	if len(host) > 512 {
		return bad("host too long")
	}
	if ip, ok := ParseHostIP(host); ok {
		return g.checkLiteral(op, orig, ip)
	}
	if strings.ContainsAny(host, "[]%:") {
		return bad("malformed IP literal or zone id")
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			a, err := idna.Lookup.ToASCII(host)
			if err != nil {
				return bad("invalid international name")
			}
			host = a
			break
		}
	}
	host = strings.ToLower(host)
	if ip, ok := ParseHostIP(host); ok {
		return g.checkLiteral(op, orig, ip)
	}
	if endsInNumber(host) {
		return bad("host ends in a number but is not an IPv4 address")
	}
	name := strings.TrimSuffix(host, ".")
	if name == "" || len(name) > 253 {
		return bad("bad length")
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return "", netip.Addr{}, &Error{Op: op, Host: orig, Err: ErrNotPublic, Cause: errors.New("single-label host name")}
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return bad("bad label")
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return bad("bad character in host name")
			}
		}
	}
	for _, s := range reservedSuffixes {
		if name == s || strings.HasSuffix(name, "."+s) {
			return "", netip.Addr{}, &Error{Op: op, Host: orig, Err: ErrNotPublic, Cause: errors.New("special-use name")}
		}
	}
	return name, netip.Addr{}, nil
}

func (g *Guard) checkLiteral(op, host string, ip netip.Addr) (string, netip.Addr, error) {
	if !g.Allowed(ip) {
		return "", netip.Addr{}, &Error{Op: op, Host: host, Addr: ip, Err: ErrNotPublic}
	}
	return ip.String(), ip, nil
}

// resolve returns the addresses for a checked host; every one must be
// allowed, otherwise the whole answer is refused. network is "ip", "ip4" or
// "ip6".
func (g *Guard) resolve(ctx context.Context, op, host string, literal netip.Addr, network string) ([]netip.Addr, error) {
	if literal.IsValid() {
		if !g.Allowed(literal) {
			return nil, &Error{Op: op, Host: host, Addr: literal, Err: ErrNotPublic}
		}
		return []netip.Addr{literal}, nil
	}
	lctx, cancel := context.WithTimeout(ctx, orDefault(g.LookupTimeout, DefaultLookupTimeout))
	defer cancel()
	// The trailing dot makes the name absolute: no search-domain expansion
	// can turn "example.com" into "example.com.corp.internal".
	addrs, err := g.resolver().LookupNetIP(lctx, network, host+".")
	if err != nil {
		return nil, &Error{Op: op, Host: host, Err: ErrResolve, Cause: err}
	}
	if len(addrs) == 0 {
		return nil, &Error{Op: op, Host: host, Err: ErrResolve, Cause: errors.New("no addresses")}
	}
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		if !g.Allowed(a) {
			return nil, &Error{Op: op, Host: host, Addr: a, Err: ErrNotPublic}
		}
		a = a.Unmap()
		dup := false
		for _, b := range out {
			if a == b {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out, nil
}
