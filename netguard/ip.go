// Package netguard is Campfire's SSRF guard. It decides which network
// addresses the server may talk to on behalf of users (link previews, web-push
// endpoints) and provides an *http.Client that enforces that decision at
// connect time, on the very address it checked, so DNS rebinding cannot slip
// a private address in between the check and the connection.
package netguard

import (
	"net/netip"
	"strings"
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// blocked4 lists every IPv4 range that is not a normal, globally reachable
// unicast destination.
var blocked4 = mustPrefixes(
	"0.0.0.0/8",          // "this network", includes the unspecified address
	"10.0.0.0/8",         // private
	"100.64.0.0/10",      // CGNAT (includes Alibaba metadata 100.100.100.200)
	"127.0.0.0/8",        // loopback
	"169.254.0.0/16",     // link-local (includes 169.254.169.254 metadata)
	"172.16.0.0/12",      // private
	"192.0.0.0/24",       // IETF protocol assignments
	"192.0.2.0/24",       // TEST-NET-1
	"192.88.99.0/24",     // deprecated 6to4 relay anycast
	"192.168.0.0/16",     // private
	"198.18.0.0/15",      // benchmarking
	"198.51.100.0/24",    // TEST-NET-2
	"203.0.113.0/24",     // TEST-NET-3
	"224.0.0.0/4",        // multicast
	"240.0.0.0/4",        // reserved, includes broadcast 255.255.255.255
	"168.63.129.16/32",   // Azure WireServer / platform DNS (public range, host-only)
	"169.254.169.254/32", // AWS/GCP/Azure/Oracle metadata (already link-local)
	"100.100.100.200/32", // Alibaba metadata (already CGNAT)
)

var (
	// global6 is the only IPv6 block with globally routable unicast space.
	// Everything outside it (::/8 incl. ::1, :: and IPv4-compatible ::/96,
	// 100::/64 discard, fc00::/7 ULA incl. fd00:ec2::254, fe80::/10,
	// fec0::/10, ff00::/8, 64:ff9b:1::/48 local NAT64, ...) is refused.
	global6 = netip.MustParsePrefix("2000::/3")
	// nat64WKP is the well-known NAT64 prefix; the embedded IPv4 is judged.
	nat64WKP = netip.MustParsePrefix("64:ff9b::/96")
	// sixToFour embeds an IPv4 address in bits 16..47; it is judged.
	sixToFour = netip.MustParsePrefix("2002::/16")
	blocked6  = mustPrefixes(
		"2001::/23",     // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID, AMT, AS112
		"2001:db8::/32", // documentation
		"3fff::/20",     // documentation (RFC 9637)
	)
	metadata6 = []netip.Addr{
		netip.MustParseAddr("fd00:ec2::254"), // AWS IMDS over IPv6 (also in fc00::/7)
		netip.MustParseAddr("fd00:ec2::253"), // AWS DNS over IPv6
	}
)

// IsPublic reports whether ip is a globally reachable unicast address that the
// server may connect to on a user's behalf. It refuses unspecified, loopback,
// private, link-local, CGNAT, documentation, benchmarking, reserved,
// broadcast and multicast addresses, cloud metadata addresses, and every
// IPv6 transition form that smuggles a refused IPv4 address (IPv4-mapped,
// NAT64 64:ff9b::/96 and 6to4 are judged by their embedded IPv4;
// IPv4-compatible, local-use NAT64 64:ff9b:1::/48 and Teredo are refused).
// Addresses carrying a zone are refused.
func IsPublic(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	if ip.Is4In6() {
		return isPublic4(ip.Unmap())
	}
	if ip.Is4() {
		return isPublic4(ip)
	}
	if nat64WKP.Contains(ip) {
		b := ip.As16()
		return isPublic4(netip.AddrFrom4([4]byte(b[12:16])))
	}
	if !global6.Contains(ip) {
		return false
	}
	if sixToFour.Contains(ip) {
		b := ip.As16()
		return isPublic4(netip.AddrFrom4([4]byte(b[2:6])))
	}
	for _, p := range blocked6 {
		if p.Contains(ip) {
			return false
		}
	}
	for _, m := range metadata6 {
		if ip == m {
			return false
		}
	}
	return true
}

func isPublic4(ip netip.Addr) bool {
	for _, p := range blocked4 {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// ParseHostIP reports whether host (a URL host without port, optionally a
// bracketed IPv6 literal) is an IP literal, and returns the address.
//
// IPv4 is parsed the way browsers (WHATWG URL) and inet_aton do: one to four
// dot-separated parts, each decimal, octal (leading 0) or hexadecimal (0x),
// the last part filling the remaining bytes (127.1, 127.0.1, 2130706433,
// 0x7f000001, 0177.0.0.1, 0x7f.1, mixed forms) and one trailing dot allowed.
// IPv6 literals with a zone id (fe80::1%eth0) are refused: ok is false.
func ParseHostIP(host string) (netip.Addr, bool) {
	if host == "" || len(host) > 512 {
		return netip.Addr{}, false
	}
	if host[0] == '[' {
		if len(host) < 2 || host[len(host)-1] != ']' {
			return netip.Addr{}, false
		}
		return parse6(host[1 : len(host)-1])
	}
	if strings.IndexByte(host, ':') >= 0 {
		return parse6(host)
	}
	return parse4Loose(host)
}

func parse6(s string) (netip.Addr, bool) {
	if strings.IndexByte(s, '%') >= 0 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

func parse4Loose(s string) (netip.Addr, bool) {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return netip.Addr{}, false
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var nums [4]uint64
	for i, p := range parts {
		n, ok := parse4Part(p)
		if !ok {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	last := len(parts) - 1
	for i := 0; i < last; i++ {
		if nums[i] > 255 {
			return netip.Addr{}, false
		}
	}
	if nums[last] >= uint64(1)<<(8*(4-last)) {
		return netip.Addr{}, false
	}
	v := nums[last]
	for i := 0; i < last; i++ {
		v |= nums[i] << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// parse4Part parses one part of a loose IPv4 literal. Leading zeros never
// overflow; a value above 2^32-1 is rejected.
func parse4Part(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := uint64(10)
	switch {
	case len(p) >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'):
		base, p = 16, p[2:]
		if p == "" { // "0x" alone is 0 for browsers
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	var n uint64
	for i := 0; i < len(p); i++ {
		c := p[i]
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		n = n*base + d
		if n > 0xFFFFFFFF {
			return 0, false
		}
	}
	return n, true
}

// endsInNumber reports whether a host that is not an IP literal still ends in
// a numeric label (e.g. "1.2.3.4.5", "foo.0x1", "1..2"). Browsers refuse such
// hosts and resolvers may treat them as addresses, so the guard refuses them.
func endsInNumber(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if i := strings.LastIndexByte(host, '.'); i >= 0 {
		host = host[i+1:]
	}
	if host == "" {
		return false
	}
	if len(host) >= 2 && host[0] == '0' && (host[1] == 'x' || host[1] == 'X') {
		for i := 2; i < len(host); i++ {
			c := host[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(host); i++ {
		if host[i] < '0' || host[i] > '9' {
			return false
		}
	}
	return true
}
