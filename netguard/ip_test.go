package netguard

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"testing"
)

func TestIsPublic(t *testing.T) {
	cases := []struct {
		ip   string
		want bool
		why  string
	}{
		// public
		{"8.8.8.8", true, "public v4"},
		{"1.1.1.1", true, "public v4"},
		{"93.184.215.14", true, "public v4"},
		{"11.0.0.1", true, "just above 10/8"},
		{"172.32.0.1", true, "just above 172.16/12"},
		{"100.128.0.1", true, "just above CGNAT"},
		{"192.0.3.1", true, "just above TEST-NET-1"},
		{"168.63.129.17", true, "neighbour of Azure WireServer"},
		{"2606:4700:4700::1111", true, "public v6"},
		{"2a00:1450:4001::1", true, "public v6"},
		{"::ffff:8.8.8.8", true, "mapped public v4"},
		{"64:ff9b::808:808", true, "NAT64 of public v4"},
		{"2002:808:808::1", true, "6to4 of public v4"},
		// IPv4 refusals
		{"0.0.0.0", false, "unspecified"},
		{"0.1.2.3", false, "0/8"},
		{"127.0.0.1", false, "loopback"},
		{"127.255.255.254", false, "loopback /8"},
		{"10.1.2.3", false, "private 10/8"},
		{"172.16.0.1", false, "private 172.16/12"},
		{"172.31.255.255", false, "private 172.16/12 top"},
		{"192.168.1.1", false, "private 192.168/16"},
		{"169.254.1.1", false, "link-local"},
		{"169.254.169.254", false, "metadata AWS/GCP/Azure"},
		{"100.64.0.1", false, "CGNAT"},
		{"100.127.255.255", false, "CGNAT top"},
		{"100.100.100.200", false, "metadata Alibaba"},
		{"168.63.129.16", false, "Azure WireServer"},
		{"192.0.0.8", false, "192.0.0/24"},
		{"192.0.2.1", false, "TEST-NET-1"},
		{"192.88.99.1", false, "6to4 relay anycast"},
		{"198.18.0.1", false, "benchmarking"},
		{"198.19.255.255", false, "benchmarking top"},
		{"198.51.100.7", false, "TEST-NET-2"},
		{"203.0.113.9", false, "TEST-NET-3"},
		{"224.0.0.1", false, "multicast"},
		{"239.255.255.250", false, "multicast top"},
		{"240.0.0.1", false, "reserved 240/4"},
		{"255.255.255.255", false, "broadcast"},
		// IPv6 refusals
		{"::", false, "unspecified v6"},
		{"::1", false, "loopback v6"},
		{"fc00::1", false, "ULA"},
		{"fd12:3456::1", false, "ULA fd"},
		{"fd00:ec2::254", false, "metadata AWS v6"},
		{"fe80::1", false, "link-local v6"},
		{"febf::1", false, "link-local v6 top"},
		{"fec0::1", false, "site-local"},
		{"ff02::1", false, "multicast v6"},
		{"ff0e::1", false, "global multicast v6"},
		{"::ffff:127.0.0.1", false, "mapped loopback"},
		{"::ffff:10.0.0.1", false, "mapped private"},
		{"::ffff:169.254.169.254", false, "mapped metadata"},
		{"::7f00:1", false, "IPv4-compatible loopback"},
		{"::808:808", false, "IPv4-compatible (deprecated) public"},
		{"64:ff9b::7f00:1", false, "NAT64 of loopback"},
		{"64:ff9b::a9fe:a9fe", false, "NAT64 of metadata"},
		{"64:ff9b:1::808:808", false, "local-use NAT64"},
		{"2002:7f00:1::1", false, "6to4 of loopback"},
		{"2002:a00:1::", false, "6to4 of 10/8"},
		{"2002:a9fe:a9fe::1", false, "6to4 of metadata"},
		{"2001::1", false, "Teredo"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false, "Teredo real-looking"},
		{"2001:2::1", false, "benchmarking v6"},
		{"2001:db8::1", false, "documentation v6"},
		{"3fff::1", false, "documentation v6 (RFC 9637)"},
		{"100::1", false, "discard"},
		{"fe80::1%eth0", false, "zone"},
	}
	for _, c := range cases {
		t.Run(c.why+"/"+c.ip, func(t *testing.T) {
			ip := netip.MustParseAddr(c.ip)
			if got := IsPublic(ip); got != c.want {
				t.Fatalf("IsPublic(%s) = %v, want %v (%s)", c.ip, got, c.want, c.why)
			}
		})
	}
	if IsPublic(netip.Addr{}) {
		t.Fatal("invalid address must not be public")
	}
}

var loop4 = netip.MustParseAddr("127.0.0.1")

func TestParseHostIP(t *testing.T) {
	cases := []struct {
		host string
		want string // "" = not an IP literal
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0X7F000001", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0177.0000.0000.0001", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"127.0.0.1.", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"0x7f.0.0.1", "127.0.0.1"},
		{"0x7f.0.1", "127.0.0.1"},
		{"0x7f.0x0.0.01", "127.0.0.1"},
		{"0x0000000000007f.1", "127.0.0.1"},
		{"169.254.43518", "169.254.169.254"},
		{"0xa9fea9fe", "169.254.169.254"},
		{"0", "0.0.0.0"},
		{"0x", "0.0.0.0"},
		{"4294967295", "255.255.255.255"},
		{"[::1]", "::1"},
		{"::1", "::1"},
		{"[::ffff:127.0.0.1]", "::ffff:127.0.0.1"},
		{"[::ffff:7f00:1]", "::ffff:127.0.0.1"},
		{"[0:0:0:0:0:ffff:127.0.0.1]", "::ffff:127.0.0.1"},
		{"[64:ff9b::7f00:1]", "64:ff9b::7f00:1"},
		{"[64:ff9b::127.0.0.1]", "64:ff9b::7f00:1"},
		// not IP literals
		{"4294967296", ""},
		{"256.0.0.1", ""},
		{"1.2.3.256", ""},
		{"1.2.3.0x100", ""},
		{"127.16777216", ""},
		{"1.2.3.4.5", ""},
		{"127..1", ""},
		{"127.0.0.1..", ""},
		{".127.0.0.1", ""},
		{"08.0.0.1", ""},
		{"0x1g", ""},
		{"-1", ""},
		{"+1", ""},
		{" 127.0.0.1", ""},
		{"example.com", ""},
		{"", ""},
		{".", ""},
		{"[fe80::1%25eth0]", ""},
		{"[fe80::1%eth0]", ""},
		{"fe80::1%eth0", ""},
		{"[127.0.0.1]", ""},
		{"[::1", ""},
		{"::1]", ""},
		{"[]", ""},
	}
	for _, c := range cases {
		t.Run(c.host, func(t *testing.T) {
			got, ok := ParseHostIP(c.host)
			if c.want == "" {
				if ok {
					t.Fatalf("ParseHostIP(%q) = %v, true; want not an IP", c.host, got)
				}
				return
			}
			if !ok || got != netip.MustParseAddr(c.want) {
				t.Fatalf("ParseHostIP(%q) = %v, %v; want %s", c.host, got, ok, c.want)
			}
			if got.Unmap() == loop4 && IsPublic(got) {
				t.Fatalf("%q parsed to loopback but IsPublic says true", c.host)
			}
		})
	}
}

func TestEndsInNumber(t *testing.T) {
	for h, want := range map[string]bool{
		"1.2.3.4.5": true, "foo.0x1": true, "foo.0x": true, "a.b.123.": true,
		"example.com": false, "1.example": false, "x1": false, "foo.0xg": false,
	} {
		if got := endsInNumber(h); got != want {
			t.Errorf("endsInNumber(%q) = %v, want %v", h, got, want)
		}
	}
}

// referencePublic is an independent judgement built on the standard
// library's predicates plus a separately written table, used to validate
// IsPublic in the fuzz test.
func referencePublic(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	if ip.Is4In6() {
		return referencePublic(ip.Unmap())
	}
	b := ip.AsSlice()
	nip := net.IP(b)
	if nip.IsLoopback() || nip.IsPrivate() || nip.IsUnspecified() || nip.IsLinkLocalUnicast() ||
		nip.IsMulticast() || nip.IsInterfaceLocalMulticast() || nip.IsLinkLocalMulticast() {
		return false
	}
	if ip.Is4() {
		for _, c := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24",
			"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4"} {
			_, n, _ := net.ParseCIDR(c)
			if n.Contains(nip) {
				return false
			}
		}
		return true
	}
	if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && binary.BigEndian.Uint64(b[4:12]) == 0 {
		return referencePublic(netip.AddrFrom4([4]byte(b[12:16])))
	}
	if b[0]&0xe0 != 0x20 { // outside 2000::/3
		return false
	}
	if b[0] == 0x20 && b[1] == 0x02 {
		return referencePublic(netip.AddrFrom4([4]byte(b[2:6])))
	}
	for _, c := range []string{"2001::/32", "2001:db8::/32"} {
		_, n, _ := net.ParseCIDR(c)
		if n.Contains(nip) {
			return false
		}
	}
	return true
}

func FuzzParseHostIP(f *testing.F) {
	for _, s := range []string{
		"127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.0.1.", "0x7f.1",
		"[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]", "[64:ff9b::7f00:1]",
		"8.8.8.8", "0x08080808", "134744072", "[2606:4700:4700::1111]", "[2002:7f00:1::1]",
		"[fe80::1%25eth0]", "1.2.3.4.5", "example.com", "0x", "00000000000000000000000001",
		"169.254.169.254", "[fd00:ec2::254]", "[::]", "255.255.255.255",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ip, ok := ParseHostIP(s)
		pub := IsPublic(ip)
		if !ok {
			if ip.IsValid() {
				t.Fatalf("ParseHostIP(%q) returned %v with ok=false", s, ip)
			}
			return
		}
		if !ip.IsValid() || ip.Zone() != "" {
			t.Fatalf("ParseHostIP(%q) = %v: invalid or zoned", s, ip)
		}
		if pub && !referencePublic(ip) {
			t.Fatalf("IsPublic(%v) from %q is true but the reference says not public", ip, s)
		}
		if ip.Is4() {
			// Every spelling of the same v4 address agrees.
			v := binary.BigEndian.Uint32(ip.AsSlice())
			for _, alt := range []string{ip.String(), strconv.FormatUint(uint64(v), 10),
				fmt.Sprintf("0x%x", v), fmt.Sprintf("0%o", v), ip.String() + "."} {
				got, ok2 := ParseHostIP(alt)
				if !ok2 || got != ip {
					t.Fatalf("%q -> %v but spelling %q -> %v,%v", s, ip, alt, got, ok2)
				}
			}
		}
		if IsPublic(ip) != pub {
			t.Fatal("IsPublic not deterministic")
		}
	})
}
