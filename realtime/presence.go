package realtime

import (
	"sync"
	"time"
)

// Presence timing (SPEC §4): heartbeats come at most every 50 s and go stale after 60 s; a dropped
// connection keeps its presence for a short grace period so that a reconnect is not a departure.
const (
	PresenceStaleAfter = 60 * time.Second
	PresenceGrace      = 15 * time.Second
)

// beat is the last heartbeat of one connection.
type beat struct {
	userID  string
	visible bool
	seen    time.Time
}

// presence is in-memory state: never written per heartbeat.
type presence struct {
	hub *Hub
	now func() time.Time

	mu        sync.Mutex
	beats     map[string]beat                 // client id -> last heartbeat
	grace     map[string]map[string]time.Time // user id -> room id -> present until (after a disconnect)
	announced map[string]map[string]bool      // room id -> user id -> last presence announced
}

func newPresence(h *Hub) *presence {
	return &presence{hub: h, now: time.Now, beats: map[string]beat{}, grace: map[string]map[string]time.Time{},
		announced: map[string]map[string]bool{}}
}

// roomsOf lists the rooms a connection is subscribed to.
func (h *Hub) roomsOf(clientID string) []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	c := h.conns[clientID]
	if c == nil {
		return nil
	}
	rooms := make([]string, 0, len(c.topics))
	for topic := range c.topics {
		if len(topic) > len(RoomTopicPrefix) && topic[:len(RoomTopicPrefix)] == RoomTopicPrefix {
			rooms = append(rooms, topic[len(RoomTopicPrefix):])
		}
	}
	return rooms
}

// Heartbeat records that a connection of userID is alive and whether its page is visible. It returns
// false when the client id is unknown or belongs to someone else.
func (h *Hub) Heartbeat(clientID, userID string, visible bool) bool {
	h.mu.RLock()
	c := h.conns[clientID]
	ok := c != nil && c.userID == userID
	h.mu.RUnlock()
	if !ok {
		return false
	}
	rooms := h.roomsOf(clientID)
	before := h.presentIn(userID, rooms)
	p := h.presence
	p.mu.Lock()
	p.beats[clientID] = beat{userID: userID, visible: visible, seen: p.now()}
	p.mu.Unlock()
	h.announce(userID, rooms, before)
	return true
}

// Present reports whether userID is present in roomID: one of their connections is subscribed to the
// room with the page visible and a fresh heartbeat, or one was and dropped within the grace period.
func (h *Hub) Present(roomID, userID string) bool {
	topic := RoomTopic(roomID)
	h.mu.RLock()
	var clients []string
	for c := range h.users[userID] {
		if _, ok := c.topics[topic]; ok {
			clients = append(clients, c.client.Id())
		}
	}
	h.mu.RUnlock()
	p := h.presence
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, id := range clients {
		if b, ok := p.beats[id]; ok && b.userID == userID && b.visible && now.Sub(b.seen) < PresenceStaleAfter {
			return true
		}
	}
	if until, ok := p.grace[userID][roomID]; ok {
		if now.Before(until) {
			return true
		}
		delete(p.grace[userID], roomID)
	}
	return false
}

// PresentIn lists the users present in roomID: only users with a connection subscribed to the room
// (or in their grace period) can be, so this is proportional to the room's live audience, not its
// membership.
func (h *Hub) PresentIn(roomID string) []string {
	topic := RoomTopic(roomID)
	h.mu.RLock()
	type candidate struct{ clientID, userID string }
	cands := make([]candidate, 0, len(h.topics[topic]))
	for c := range h.topics[topic] {
		cands = append(cands, candidate{c.client.Id(), c.userID})
	}
	h.mu.RUnlock()
	p := h.presence
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	seen := map[string]bool{}
	var out []string
	for _, c := range cands {
		if seen[c.userID] {
			continue
		}
		if b, ok := p.beats[c.clientID]; ok && b.userID == c.userID && b.visible && now.Sub(b.seen) < PresenceStaleAfter {
			seen[c.userID] = true
			out = append(out, c.userID)
		}
	}
	for userID, rooms := range p.grace {
		if until, ok := rooms[roomID]; ok && now.Before(until) && !seen[userID] {
			seen[userID] = true
			out = append(out, userID)
		}
	}
	return out
}

// PresentUsers filters userIDs down to those present in roomID.
func (h *Hub) PresentUsers(roomID string, userIDs []string) map[string]bool {
	out := make(map[string]bool, len(userIDs))
	for _, id := range userIDs {
		if h.Present(roomID, id) {
			out[id] = true
		}
	}
	return out
}

func (h *Hub) presentIn(userID string, rooms []string) map[string]bool {
	out := make(map[string]bool, len(rooms))
	for _, r := range rooms {
		out[r] = h.Present(r, userID)
	}
	return out
}

// announce publishes presence events for the rooms whose presence of userID changed.
func (h *Hub) announce(userID string, rooms []string, before map[string]bool) {
	for _, r := range rooms {
		now := h.Present(r, userID)
		if now != before[r] || now != h.presence.lastAnnounced(r, userID) {
			h.publishPresence(r, userID, now)
		}
	}
}

func (h *Hub) publishPresence(roomID, userID string, present bool) {
	p := h.presence
	p.mu.Lock()
	if p.announced[roomID] == nil {
		p.announced[roomID] = map[string]bool{}
	}
	if present {
		p.announced[roomID][userID] = true
	} else {
		delete(p.announced[roomID], userID)
	}
	p.mu.Unlock()
	_ = h.PublishRoom(roomID, map[string]any{
		"type": "presence", "room": roomID, "present": present,
		"user": map[string]any{"id": userID, "name": h.userName(userID)},
	})
}

func (p *presence) lastAnnounced(roomID, userID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.announced[roomID][userID]
}

// SweepPresence announces departures nobody reported: heartbeats gone stale, grace periods over.
// The server runs it every few seconds.
func (h *Hub) SweepPresence() {
	p := h.presence
	p.mu.Lock()
	var pairs [][2]string
	for room, users := range p.announced {
		for user := range users {
			pairs = append(pairs, [2]string{room, user})
		}
	}
	now := p.now()
	for id, b := range p.beats {
		if now.Sub(b.seen) > 2*PresenceStaleAfter {
			delete(p.beats, id) // a connection that stopped beating long ago
		}
	}
	p.mu.Unlock()
	for _, pr := range pairs {
		if !h.Present(pr[0], pr[1]) {
			h.publishPresence(pr[0], pr[1], false)
		}
	}
}

// disconnected turns a dropped connection's presence into a grace period.
func (p *presence) disconnected(clientID string, rooms []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.beats[clientID]
	if !ok {
		return
	}
	delete(p.beats, clientID)
	if !b.visible || p.now().Sub(b.seen) >= PresenceStaleAfter {
		return
	}
	if p.grace[b.userID] == nil {
		p.grace[b.userID] = map[string]time.Time{}
	}
	for _, r := range rooms {
		p.grace[b.userID][r] = p.now().Add(PresenceGrace)
	}
}

// leftRoom ends any grace a user had in a room they can no longer see.
func (p *presence) leftRoom(userID, roomID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.grace[userID], roomID)
}
