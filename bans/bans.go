// Package bans keeps the in-memory side of IP bans: the public addresses each user was recently seen
// at (fed by a request middleware and by sign-ins, read when an administrator bans the user) and the
// set of banned addresses (loaded from the bans collection, reloaded whenever it changes), so that
// refusing a banned address costs one map lookup per request.
//
// Only public addresses are ever recorded (netguard.IsPublic): banning loopback, a private network or
// a documentation range would lock out a whole office or the proxy itself. Behind a reverse proxy the
// address is PocketBase's e.RealIP(), which honours Settings.TrustedProxy.
package bans

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/netguard"
)

// RecentPerUser is how many distinct recent addresses are kept per user.
const RecentPerUser = 4

// PublicIP returns the canonical form of a public address, or "" for an invalid or non-public one.
func PublicIP(s string) string {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	ip = ip.Unmap().WithZone("")
	if !netguard.IsPublic(ip) {
		return ""
	}
	return ip.String()
}

type state struct {
	mu     sync.RWMutex
	recent map[string][]string // user id -> distinct public IPs, most recent first

	banned atomic.Pointer[map[string]struct{}] // nil until loaded
	loadMu sync.Mutex
}

const storeKey = "campfire.bans"

func stateOf(app core.App) *state {
	return app.Store().GetOrSet(storeKey, func() any {
		return &state{recent: map[string][]string{}}
	}).(*state)
}

// Seen notes that userID made a request from ip (ignored unless the address is public).
func Seen(app core.App, userID, ip string) {
	if userID == "" {
		return
	}
	addr := PublicIP(ip)
	if addr == "" {
		return
	}
	s := stateOf(app)
	s.mu.RLock()
	list := s.recent[userID]
	same := len(list) > 0 && list[0] == addr
	s.mu.RUnlock()
	if same {
		return // the common case: no write
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list = s.recent[userID]
	next := make([]string, 0, RecentPerUser)
	next = append(next, addr)
	for _, v := range list {
		if v != addr && len(next) < RecentPerUser {
			next = append(next, v)
		}
	}
	s.recent[userID] = next
}

// RecentIPs returns the public addresses userID was recently seen at, most recent first.
func RecentIPs(app core.App, userID string) []string {
	s := stateOf(app)
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.recent[userID]...)
}

// Forget drops what is known about userID's addresses.
func Forget(app core.App, userID string) {
	s := stateOf(app)
	s.mu.Lock()
	delete(s.recent, userID)
	s.mu.Unlock()
}

// IsBanned reports whether ip (any spelling) is banned. The set is loaded from the database on first
// use and kept in memory.
func IsBanned(app core.App, ip string) bool {
	addr := PublicIP(ip)
	if addr == "" {
		return false
	}
	s := stateOf(app)
	set := s.banned.Load()
	if set == nil {
		if err := Reload(app); err != nil {
			app.Logger().Error("load banned IPs", "error", err)
			return false
		}
		set = s.banned.Load()
	}
	_, ok := (*set)[addr]
	return ok
}

// Reload re-reads the banned addresses from the bans collection. Hooks on the collection call it
// after every committed change (bans, unbans, dashboard edits).
func Reload(app core.App) error {
	s := stateOf(app)
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	var ips []string
	if err := app.DB().NewQuery("SELECT DISTINCT ip FROM bans").Column(&ips); err != nil {
		return fmt.Errorf("load banned IPs: %w", err)
	}
	set := make(map[string]struct{}, len(ips))
	for _, ip := range ips {
		if addr := PublicIP(ip); addr != "" {
			set[addr] = struct{}{}
		}
	}
	s.banned.Store(&set)
	return nil
}
