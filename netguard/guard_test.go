package netguard

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeResolver answers from a table. A name may have several successive
// answers (DNS rebinding); the last one repeats.
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]string
	calls   map[string]int
}

func newResolver(m map[string][][]string) *fakeResolver {
	return &fakeResolver{answers: m, calls: map[string]int{}}
}

func (r *fakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	r.mu.Lock()
	defer r.mu.Unlock()
	seq := r.answers[host]
	if len(seq) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := r.calls[host]
	r.calls[host]++
	if i >= len(seq) {
		i = len(seq) - 1
	}
	var out []netip.Addr
	for _, s := range seq[i] {
		a := netip.MustParseAddr(s)
		if network == "ip4" && !a.Unmap().Is4() || network == "ip6" && a.Is4() {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

func (r *fakeResolver) count(host string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[host]
}

func one(addrs ...string) [][]string { return [][]string{addrs} }

const publicIP = "93.184.215.14"

// baseAnswers is the fake DNS used by most tests.
func baseAnswers() map[string][][]string {
	return map[string][][]string{
		"public.example":           one(publicIP),
		"public6.example":          one("2606:4700:4700::1111"),
		"xn--bcher-kva.example":    one(publicIP),
		"loop.example":             one("127.0.0.1"),
		"loop2.example":            one("127.0.0.2"),
		"loop6.example":            one("::1"),
		"mapped.example":           one("::ffff:127.0.0.1"),
		"mixed.example":            one(publicIP, "10.0.0.1"),
		"mixed6.example":           one("2606:4700:4700::1111", "fd00:ec2::254"),
		"meta.example":             one("169.254.169.254"),
		"alibaba.example":          one("100.100.100.200"),
		"metadata.google.internal": one("169.254.169.254"),
	}
}

func only127(a netip.Addr) bool { return a == loop4 }

// countingServer is an httptest server on 127.0.0.1 that counts requests.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64, string) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if h != nil {
			h(w, r)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return srv, &hits, port
}

// loopbackSpellings are every way of writing 127.0.0.1 (or loopback) in a
// URL host that a browser or libc would accept.
func loopbackSpellings(port string) []string {
	hosts := []string{
		"127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.0.1.", "0x7f.1",
		"0x7f.0.1", "0177.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]",
		"[64:ff9b::7f00:1]", "[::1]", "[::127.0.0.1]", "%EF%BC%91%EF%BC%92%EF%BC%97.0.0.1", "１２７.０.０.１", "127。0。0。1",
		"localhost", "LOCALHOST", "foo.localhost", "loop.example", "loop6.example", "mapped.example",
	}
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = "http://" + h + ":" + port + "/"
	}
	return out
}

func TestCheckURL(t *testing.T) {
	_, hits, port := countingServer(t, nil)
	g := &Guard{Resolver: newResolver(baseAnswers())}
	ctx := context.Background()

	type tc struct {
		raw  string
		want error // nil = allowed
	}
	var cases []tc
	for _, u := range loopbackSpellings(port) {
		cases = append(cases, tc{u, ErrNotPublic})
	}
	for _, h := range []string{
		"10.0.0.1", "172.16.5.4", "192.168.0.1", "169.254.169.254", "100.100.100.200", "0.0.0.0",
		"100.64.0.1", "198.18.0.1", "192.0.2.1", "198.51.100.1", "203.0.113.1", "192.0.0.1",
		"240.0.0.1", "255.255.255.255", "224.0.0.1", "0xa9fea9fe", "169.254.43518", "0",
		"[fd00:ec2::254]", "[fe80::1]", "[fc00::1]", "[ff02::1]", "[2001:db8::1]", "[2001::1]",
		"[2002:7f00:1::]", "[::]", "[100::1]", "[fec0::1]", "[64:ff9b:1::a00:1]", "[::ffff:a9fe:a9fe]",
		"meta.example", "alibaba.example", "metadata.google.internal", "mixed.example", "mixed6.example",
		"intranet", "printer.local", "db.internal", "nas.home.arpa",
	} {
		cases = append(cases, tc{"http://" + h + "/", ErrNotPublic})
	}
	cases = append(cases,
		tc{"ftp://public.example/", ErrScheme},
		tc{"file:///etc/passwd", ErrScheme},
		tc{"gopher://public.example:70/_GET", ErrScheme},
		tc{"javascript:alert(1)", ErrScheme},
		tc{"data:text/html,<script>alert(1)</script>", ErrScheme},
		tc{"ws://public.example/", ErrScheme},
		tc{"//public.example/x", ErrScheme},
		tc{"/relative", ErrScheme},
		tc{"http:public.example", ErrURL},
		tc{"http://user:pass@public.example/", ErrUserinfo},
		tc{"http://user@public.example/", ErrUserinfo},
		tc{"http://public.example@127.0.0.1/", ErrUserinfo},
		tc{"http://public.example:0/", ErrPort},
		tc{"http://public.example:65536/", ErrPort},
		tc{"http://public.example:99999999/", ErrPort},
		tc{"http://[fe80::1%25eth0]/", ErrHost},
		tc{"http://1.2.3.4.5/", ErrHost},
		tc{"http://foo.0x10/", ErrHost},
		tc{"http://a..b/", ErrHost},
		tc{"http://exa$mple.com/", ErrHost},
		tc{"http://" + strings.Repeat("a", 64) + ".example/", ErrHost},
		tc{"http:///nohost", ErrHost},
		tc{"http://[::1/", ErrURL},
		tc{"http://127%2e0%2e0%2e1/", ErrURL}, // Go refuses escaped ASCII in hosts
		tc{"http://%zz/", ErrURL},
		tc{"http://nx.example/", ErrResolve},
		tc{"http://" + strings.Repeat("a", 9000) + "/", ErrURL},
		// allowed
		tc{"http://public.example/", nil},
		tc{"https://public.example:8443/path?q=1#f", nil},
		tc{"http://PUBLIC.example./", nil},
		tc{"http://public6.example/", nil},
		tc{"http://8.8.8.8/", nil},
		tc{"http://0x08080808/", nil},
		tc{"http://134744072/", nil},
		tc{"http://[2606:4700:4700::1111]/", nil},
		tc{"http://[::ffff:8.8.8.8]/", nil},
		tc{"http://[64:ff9b::808:808]/", nil},
		tc{"http://bücher.example/", nil},
	)
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			u, err := g.CheckURL(ctx, c.raw)
			if c.want == nil {
				if err != nil || u == nil {
					t.Fatalf("CheckURL(%q) = %v, want allowed", c.raw, err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("CheckURL(%q) err = %v, want %v", c.raw, err, c.want)
			}
			if !IsRefused(err) {
				t.Fatalf("IsRefused(%v) = false", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("CheckURL must not contact anything, server saw %d requests", n)
	}
}

func TestCheckURLRequireHTTPS(t *testing.T) {
	g := &Guard{Resolver: newResolver(baseAnswers()), RequireHTTPS: true}
	if _, err := g.CheckURL(context.Background(), "http://public.example/push"); !errors.Is(err, ErrScheme) {
		t.Fatalf("http with RequireHTTPS: %v", err)
	}
	if _, err := g.CheckURL(context.Background(), "https://public.example/push"); err != nil {
		t.Fatalf("https: %v", err)
	}
	if _, err := g.CheckURL(context.Background(), "https://127.0.0.1/push"); !errors.Is(err, ErrNotPublic) {
		t.Fatalf("https loopback: %v", err)
	}
	g.AllowPort = func(p uint16) bool { return p == 443 }
	if _, err := g.CheckURL(context.Background(), "https://public.example:8443/push"); !errors.Is(err, ErrPort) {
		t.Fatalf("AllowPort: %v", err)
	}
}

// TestClientRefusesLoopbackSpellings: the guarded client never connects to
// any spelling of loopback, nor to names that resolve to it.
func TestClientRefusesLoopbackSpellings(t *testing.T) {
	_, hits, port := countingServer(t, nil)
	g := &Guard{Resolver: newResolver(baseAnswers())}
	c := g.HTTPClient()
	for _, raw := range loopbackSpellings(port) {
		t.Run(raw, func(t *testing.T) {
			resp, err := c.Get(raw)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("GET %s succeeded", raw)
			}
			if !errors.Is(err, ErrNotPublic) {
				t.Fatalf("GET %s: %v is not an ErrNotPublic refusal", raw, err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("server was reached %d times", n)
	}
}

func TestClientAllowPrivateIsExact(t *testing.T) {
	_, hits, port := countingServer(t, nil)
	g := &Guard{Resolver: newResolver(baseAnswers()), AllowPrivate: only127}
	c := g.HTTPClient()
	for _, raw := range []string{"http://127.0.0.1:" + port + "/", "http://loop.example:" + port + "/"} {
		resp, err := c.Get(raw)
		if err != nil {
			t.Fatalf("GET %s with AllowPrivate(127.0.0.1): %v", raw, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	for _, raw := range []string{
		"http://127.0.0.2:" + port + "/", "http://loop2.example:" + port + "/", "http://[::1]:" + port + "/",
		"http://10.0.0.1:" + port + "/", "http://localhost:" + port + "/",
	} {
		resp, err := c.Get(raw)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s allowed", raw)
		}
		if !IsRefused(err) {
			t.Fatalf("GET %s: %v", raw, err)
		}
	}
	if n := hits.Load(); n != 2 {
		t.Fatalf("hits = %d, want 2", n)
	}
}

// recordingDialer connects every "checked" address to the test server and
// records which addresses the guard asked for.
type recordingDialer struct {
	mu     sync.Mutex
	target string
	dialed []string
}

func (d *recordingDialer) dial(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, address)
	d.mu.Unlock()
	var nd net.Dialer
	return nd.DialContext(ctx, "tcp", d.target)
}

func (d *recordingDialer) list() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dialed...)
}

func TestDNSRebinding(t *testing.T) {
	srv, hits, _ := countingServer(t, nil)
	ctx := context.Background()

	t.Run("check then rebind is refused at connect", func(t *testing.T) {
		res := newResolver(map[string][][]string{"rebind.example": {{publicIP}, {"127.0.0.1"}}})
		rd := &recordingDialer{target: srv.Listener.Addr().String()}
		g := &Guard{Resolver: res, dialHook: rd.dial}
		if _, err := g.CheckURL(ctx, "http://rebind.example/"); err != nil {
			t.Fatalf("first answer is public, CheckURL: %v", err)
		}
		before := hits.Load()
		resp, err := g.HTTPClient().Get("http://rebind.example/")
		if err == nil {
			resp.Body.Close()
			t.Fatal("rebinding to 127.0.0.1 was followed")
		}
		if !errors.Is(err, ErrNotPublic) {
			t.Fatalf("err = %v, want ErrNotPublic", err)
		}
		if d := rd.list(); len(d) != 0 {
			t.Fatalf("dialed %v", d)
		}
		if hits.Load() != before {
			t.Fatal("server reached")
		}
	})

	t.Run("connection goes to the checked answer only", func(t *testing.T) {
		res := newResolver(map[string][][]string{"rebind.example": {{publicIP}, {"127.0.0.1"}}})
		rd := &recordingDialer{target: srv.Listener.Addr().String()}
		g := &Guard{Resolver: res, dialHook: rd.dial}
		c := g.HTTPClient()
		resp, err := c.Get("http://rebind.example/")
		if err != nil {
			t.Fatalf("GET: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if got := rd.list(); len(got) != 1 || got[0] != publicIP+":80" {
			t.Fatalf("dialed %v, want exactly [%s:80]", got, publicIP)
		}
		if n := res.count("rebind.example"); n != 1 {
			t.Fatalf("resolver called %d times for one connection, want 1", n)
		}
		// A new connection (fresh client, nothing pooled) resolves again,
		// gets 127.0.0.1 and is refused.
		resp, err = g.HTTPClient().Get("http://rebind.example/")
		if err == nil {
			resp.Body.Close()
			t.Fatal("second connection followed the rebinding")
		}
		if !errors.Is(err, ErrNotPublic) {
			t.Fatalf("err = %v", err)
		}
		for _, a := range rd.list() {
			if strings.HasPrefix(a, "127.") {
				t.Fatalf("dialed loopback %s", a)
			}
		}
	})

	t.Run("real dialer with exact allowance", func(t *testing.T) {
		_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
		res := newResolver(map[string][][]string{"rebind.example": {{"127.0.0.1"}, {"10.0.0.1"}}})
		g := &Guard{Resolver: res, AllowPrivate: only127}
		resp, err := g.HTTPClient().Get("http://rebind.example:" + port + "/")
		if err != nil {
			t.Fatalf("GET: %v", err)
		}
		resp.Body.Close()
		_, err = g.HTTPClient().Get("http://rebind.example:" + port + "/")
		if !errors.Is(err, ErrNotPublic) {
			t.Fatalf("rebind to 10.0.0.1: %v", err)
		}
	})
}

func TestDialContext(t *testing.T) {
	ctx := context.Background()
	rd := &recordingDialer{target: "127.0.0.1:1"}
	g := &Guard{Resolver: newResolver(baseAnswers()), dialHook: rd.dial}
	for _, addr := range []string{"mixed.example:80", "mixed6.example:443", "loop.example:80", "127.0.0.1:80",
		"2130706433:80", "[::1]:80", "meta.example:80", "public.example:0", "public.example", "[fe80::1%eth0]:80"} {
		if c, err := g.DialContext(ctx, "tcp", addr); err == nil {
			c.Close()
			t.Fatalf("DialContext(%s) allowed", addr)
		} else if !IsRefused(err) {
			t.Fatalf("DialContext(%s): %v", addr, err)
		}
	}
	if _, err := g.DialContext(ctx, "udp", "public.example:53"); err == nil {
		t.Fatal("udp allowed")
	}
	if d := rd.list(); len(d) != 0 {
		t.Fatalf("dial hook called for refused addresses: %v", d)
	}
	// Family filtering.
	if _, err := g.DialContext(ctx, "tcp6", "public.example:80"); !errors.Is(err, ErrResolve) {
		t.Fatalf("tcp6 to v4-only name: %v", err)
	}
	if c, err := g.DialContext(ctx, "tcp4", "public.example:80"); err == nil {
		c.Close()
	}
	if d := rd.list(); len(d) != 1 || d[0] != publicIP+":80" {
		t.Fatalf("dialed %v", d)
	}
}

func TestRedirects(t *testing.T) {
	var srvURL string
	srv, _, port := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/to":
			http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/chain/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/chain/"))
			if n > 0 {
				http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusFound)
				return
			}
			io.WriteString(w, "end")
		default:
			io.WriteString(w, "ok")
		}
	})
	srvURL = srv.URL
	g := &Guard{Resolver: newResolver(baseAnswers()), AllowPrivate: only127}
	c := g.HTTPClient()
	get := func(c *http.Client, u string) error {
		resp, err := c.Get(u)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	refused := []struct {
		target string
		want   error
	}{
		{"http://127.0.0.2:" + port + "/", ErrNotPublic},
		{"http://[::1]:" + port + "/", ErrNotPublic},
		{"http://localhost:" + port + "/", ErrNotPublic},
		{"http://0x7f000002:" + port + "/", ErrNotPublic},
		{"http://[::ffff:127.0.0.2]:" + port + "/", ErrNotPublic},
		{"http://10.0.0.1/", ErrNotPublic},
		{"http://169.254.169.254/latest/meta-data/", ErrNotPublic},
		{"http://[fd00:ec2::254]/latest/meta-data/", ErrNotPublic},
		{"http://loop2.example:" + port + "/", ErrNotPublic}, // refused at dial time
		{"http://meta.example/", ErrNotPublic},
		{"ftp://public.example/", ErrScheme},
		{"file:///etc/passwd", ErrScheme},
		{"gopher://public.example/", ErrScheme},
		{"http://u:p@127.0.0.1:" + port + "/", ErrUserinfo},
	}
	for _, r := range refused {
		t.Run("to "+r.target, func(t *testing.T) {
			err := get(c, srvURL+"/to?u="+url.QueryEscape(r.target))
			if !errors.Is(err, r.want) {
				t.Fatalf("redirect to %s: err = %v, want %v", r.target, err, r.want)
			}
		})
	}
	t.Run("allowed redirect", func(t *testing.T) {
		if err := get(c, srvURL+"/to?u="+url.QueryEscape(srvURL+"/x")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("chain of 10 ok", func(t *testing.T) {
		if err := get(c, srvURL+"/chain/10"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("chain of 11 refused", func(t *testing.T) {
		if err := get(c, srvURL+"/chain/11"); !errors.Is(err, ErrTooManyRedirects) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("chain of 50 refused", func(t *testing.T) {
		if err := get(c, srvURL+"/chain/50"); !errors.Is(err, ErrTooManyRedirects) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("max 0 follows none", func(t *testing.T) {
		c0 := g.HTTPClient(WithMaxRedirects(0))
		if err := get(c0, srvURL+"/chain/0"); err != nil {
			t.Fatal(err)
		}
		if err := get(c0, srvURL+"/chain/1"); !errors.Is(err, ErrTooManyRedirects) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("max 3", func(t *testing.T) {
		c3 := g.HTTPClient(WithMaxRedirects(3))
		if err := get(c3, srvURL+"/chain/3"); err != nil {
			t.Fatal(err)
		}
		if err := get(c3, srvURL+"/chain/4"); !errors.Is(err, ErrTooManyRedirects) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("https required on redirect", func(t *testing.T) {
		gh := &Guard{Resolver: newResolver(baseAnswers()), AllowPrivate: only127, RequireHTTPS: true}
		ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, srvURL+"/x", http.StatusFound) // https -> http downgrade
		}))
		defer ts.Close()
		pool := x509.NewCertPool()
		pool.AddCert(ts.Certificate())
		ch := gh.HTTPClient(WithTLSConfig(&tls.Config{RootCAs: pool}))
		if err := get(ch, ts.URL+"/"); !errors.Is(err, ErrScheme) {
			t.Fatalf("downgrade redirect: %v", err)
		}
	})
}

// TestTLSServerNameIsHost: the transport connects to the checked IP but
// verifies the certificate against (and sends SNI for) the host name.
func TestTLSServerNameIsHost(t *testing.T) {
	var sni atomic.Value
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sni.Store(r.TLS.ServerName)
		io.WriteString(w, "secure")
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the wrong-name handshake below is expected
	ts.StartTLS()
	defer ts.Close()
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	rd := &recordingDialer{target: ts.Listener.Addr().String()}
	res := newResolver(map[string][][]string{"www.example.com": one(publicIP), "other.test": one(publicIP)})
	g := &Guard{Resolver: res, dialHook: rd.dial}
	c := g.HTTPClient(WithTLSConfig(&tls.Config{RootCAs: pool, ServerName: "evil.invalid"}), WithTimeout(10*time.Second))
	resp, err := c.Get("https://www.example.com/")
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	resp.Body.Close()
	if got := sni.Load(); got != "www.example.com" {
		t.Fatalf("SNI = %v", got)
	}
	if d := rd.list(); len(d) != 1 || d[0] != publicIP+":443" {
		t.Fatalf("dialed %v", d)
	}
	// The test certificate does not cover other.test: verification by name fails.
	if _, err := c.Get("https://other.test/"); err == nil || IsRefused(err) {
		t.Fatalf("certificate for the wrong name accepted or wrong error: %v", err)
	}
}

func TestHTTPClientTransport(t *testing.T) {
	g := &Guard{}
	c := g.HTTPClient()
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport %T", c.Transport)
	}
	if tr.Proxy != nil {
		t.Fatal("proxy must be disabled")
	}
	if tr.TLSHandshakeTimeout != 5*time.Second || tr.ResponseHeaderTimeout != 5*time.Second {
		t.Fatalf("timeouts %v %v", tr.TLSHandshakeTimeout, tr.ResponseHeaderTimeout)
	}
	if tr.TLSClientConfig.InsecureSkipVerify || tr.TLSClientConfig.ServerName != "" {
		t.Fatal("TLS config must verify the host name")
	}
	// The zero Guard and a nil *Guard refuse loopback through the default resolver.
	var ng *Guard
	if _, err := ng.CheckURL(context.Background(), "http://127.0.0.1/"); !errors.Is(err, ErrNotPublic) {
		t.Fatalf("nil guard: %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	g := &Guard{Resolver: newResolver(baseAnswers())}
	_, err := g.CheckURL(context.Background(), "http://mixed.example/")
	var ge *Error
	if !errors.As(err, &ge) || ge.Addr != netip.MustParseAddr("10.0.0.1") || ge.Host != "mixed.example" || ge.Op != "check" {
		t.Fatalf("err = %#v", err)
	}
	if s := err.Error(); !strings.Contains(s, "not public") || !strings.Contains(s, "10.0.0.1") {
		t.Fatalf("message %q", s)
	}
	_, err = g.CheckURL(context.Background(), "http://nx.example/")
	var dnsErr *net.DNSError
	if !errors.Is(err, ErrResolve) || !errors.As(err, &dnsErr) {
		t.Fatalf("resolve error should wrap the DNS error: %v", err)
	}
}
