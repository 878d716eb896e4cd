package netguard

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ClientOption configures HTTPClient.
type ClientOption func(*clientConfig)

type clientConfig struct {
	maxRedirects int
	timeout      time.Duration
	tlsConfig    *tls.Config
}

// WithMaxRedirects sets how many redirects are followed (default 10; 0 means
// none: a redirect response is an ErrTooManyRedirects error).
func WithMaxRedirects(n int) ClientOption {
	return func(c *clientConfig) {
		if n < 0 {
			n = 0
		}
		c.maxRedirects = n
	}
}

// WithTimeout sets http.Client.Timeout (default none: the caller's context
// bounds the request).
func WithTimeout(d time.Duration) ClientOption {
	return func(c *clientConfig) { c.timeout = d }
}

// WithTLSConfig sets the base TLS configuration (e.g. RootCAs in tests). It
// is cloned; ServerName is always the request's host name.
func WithTLSConfig(cfg *tls.Config) ClientOption {
	return func(c *clientConfig) { c.tlsConfig = cfg }
}

// HTTPClient returns a client that can only reach addresses the guard allows:
// its dialer resolves the host through the guard's Resolver, checks every
// address and connects only to those checked addresses (one lookup per
// connection, so DNS rebinding cannot switch the answer after the check).
// Proxies are disabled; TLS verifies the host name; every redirect is
// re-checked (scheme, user info, port, host) and limited in number.
func (g *Guard) HTTPClient(opts ...ClientOption) *http.Client {
	if g == nil {
		g = &Guard{}
	}
	cfg := clientConfig{maxRedirects: DefaultMaxRedirects}
	for _, o := range opts {
		o(&cfg)
	}
	var tlsCfg *tls.Config
	if cfg.tlsConfig != nil {
		tlsCfg = cfg.tlsConfig.Clone()
	} else {
		tlsCfg = &tls.Config{}
	}
	tlsCfg.ServerName = "" // let the transport use the URL's host name
	tlsCfg.InsecureSkipVerify = false
	if tlsCfg.MinVersion < tls.VersionTLS12 {
		tlsCfg.MinVersion = tls.VersionTLS12
	}
	tr := &http.Transport{
		Proxy:                  nil, // never via a proxy: it would resolve names for us
		DialContext:            g.DialContext,
		TLSClientConfig:        tlsCfg,
		TLSHandshakeTimeout:    orDefault(g.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout),
		ResponseHeaderTimeout:  orDefault(g.ResponseHeaderTimeout, DefaultResponseHeaderTimeout),
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        30 * time.Second,
		MaxIdleConns:           32,
		MaxIdleConnsPerHost:    2,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	max := cfg.maxRedirects
	return &http.Client{
		Transport: tr,
		Timeout:   cfg.timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > max {
				return &Error{Op: "redirect", Host: req.URL.Hostname(), Err: ErrTooManyRedirects,
					Cause: fmt.Errorf("limit is %d", max)}
			}
			_, err := g.checkStatic("redirect", req.URL)
			return err
		},
	}
}

// DialContext is the guarded dialer used by HTTPClient's transport; it is
// exported so other transports (e.g. a web-push library) can reuse it.
// address is "host:port"; the host may be a name or any IP spelling.
func (g *Guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if g == nil {
		g = &Guard{}
	}
	var lookupNet string
	switch network {
	case "tcp":
		lookupNet = "ip"
	case "tcp4":
		lookupNet = "ip4"
	case "tcp6":
		lookupNet = "ip6"
	default:
		return nil, &Error{Op: "dial", Err: ErrURL, Cause: fmt.Errorf("network %q", network)}
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &Error{Op: "dial", Err: ErrHost, Cause: err}
	}
	port, err := g.checkPort("dial", portStr)
	if err != nil {
		return nil, err
	}
	name, literal, err := g.checkHost("dial", host)
	if err != nil {
		return nil, err
	}
	addrs, err := g.resolve(ctx, "dial", name, literal, lookupNet)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, ip := range addrs {
		if lookupNet == "ip4" && !ip.Is4() || lookupNet == "ip6" && !ip.Is6() {
			continue
		}
		conn, err := g.dialChecked(ctx, network, netip.AddrPortFrom(ip, port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if firstErr == nil {
		firstErr = &Error{Op: "dial", Host: name, Err: ErrResolve, Cause: errors.New("no address of the requested family")}
	}
	return nil, firstErr
}

// dialChecked connects to exactly ap, which has passed the checks. The
// socket Control hook re-verifies the address the kernel is asked to
// connect to, as a last line of defence.
func (g *Guard) dialChecked(ctx context.Context, network string, ap netip.AddrPort) (net.Conn, error) {
	if !g.Allowed(ap.Addr()) { // never reached with unchecked input; cheap insurance
		return nil, &Error{Op: "dial", Addr: ap.Addr(), Err: ErrNotPublic}
	}
	if g.dialHook != nil {
		return g.dialHook(ctx, network, ap.String())
	}
	d := net.Dialer{
		Timeout:   orDefault(g.DialTimeout, DefaultDialTimeout),
		KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			got, err := netip.ParseAddrPort(address)
			if err != nil || got.Addr().Unmap() != ap.Addr().Unmap() || got.Port() != ap.Port() || !g.Allowed(got.Addr()) {
				return &Error{Op: "dial", Host: address, Err: ErrNotPublic,
					Cause: errors.New("connect address differs from the checked address")}
			}
			return nil
		},
	}
	return d.DialContext(ctx, network, ap.String())
}
