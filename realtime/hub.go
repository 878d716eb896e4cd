// Package realtime carries Campfire's live events over PocketBase's SSE connections.
//
// Clients subscribe, through PocketBase's realtime subscribe call, to `campfire/rooms/{roomId}` and
// `campfire/users/{userId}`. Topics are authorized once, at subscribe time (forbidden ones are dropped,
// a subscribe naming only forbidden topics is refused with 403), and indexed in memory, so a broadcast
// costs one JSON encoding and one queue push per subscriber: no rule evaluation and no serialization
// per client, unlike PocketBase's record subscriptions. Each connection has a bounded queue that its
// connection loop writes out in bursts, so events reach a client in order and a slow client never
// slows the others: when its queue overflows it is disconnected and catches up with `changes?since=`
// after reconnecting.
package realtime

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Topic prefixes.
const (
	RoomTopicPrefix = "campfire/rooms/"
	UserTopicPrefix = "campfire/users/"
)

// QueueSize bounds the events waiting for one connection before it is dropped as too slow.
const QueueSize = 512

// RoomTopic is the topic of a room's events.
func RoomTopic(roomID string) string { return RoomTopicPrefix + roomID }

// UserTopic is the topic of a user's own events (unread marks, rooms appearing and going).
func UserTopic(userID string) string { return UserTopicPrefix + userID }

// conn is one SSE connection as the hub knows it.
//
// Its queue costs nothing while idle: events wait in a slice that grows only while the client is
// behind. Queued events are written by PocketBase's connection loop all at once, with one flush:
// the queue hands that loop a single wake-up message, and the send hook (writeQueued) writes every
// event queued by then. One write and flush per burst instead of per event is what lets a busy room
// reach a thousand clients; the events keep their order.
type conn struct {
	client subscriptions.Client

	qmu     sync.Mutex
	pending []subscriptions.Message
	woken   bool // a wake-up is on its way to the connection loop, which will take pending
	closed  bool

	// guarded by Hub.mu
	userID string
	topics map[string][]string // bare topic -> the subscription names the client used for it
}

// wakeName names the wake-up message; writeQueued takes it and writes the queued events instead.
const wakeName = "campfire/wake"

// push queues a message; it reports false when the client is too far behind.
func (c *conn) push(msg subscriptions.Message) bool {
	c.qmu.Lock()
	if c.closed {
		c.qmu.Unlock()
		return true
	}
	if len(c.pending) >= QueueSize {
		c.qmu.Unlock()
		return false
	}
	c.pending = append(c.pending, msg)
	wake := !c.woken
	c.woken = true
	c.qmu.Unlock()
	if wake && !c.tryWake() {
		go c.client.Send(subscriptions.Message{Name: wakeName}) // the loop is busy writing: wait for it
	}
	return true
}

// tryWake hands the wake-up to a connection loop that is waiting for one, without blocking.
func (c *conn) tryWake() (ok bool) {
	defer func() {
		if recover() != nil { // the channel closed under us: the connection is gone
			ok = true
		}
	}()
	select {
	case c.client.Channel() <- subscriptions.Message{Name: wakeName}:
		return true
	default:
		return false
	}
}

// take returns every queued event and lets the next push wake the loop again.
func (c *conn) take() []subscriptions.Message {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	batch := c.pending
	c.pending = nil
	c.woken = false
	return batch
}

func (c *conn) close() {
	c.qmu.Lock()
	c.closed = true
	c.pending = nil
	c.qmu.Unlock()
}

// Hub indexes live connections by topic and user.
type Hub struct {
	app core.App

	mu     sync.RWMutex
	conns  map[string]*conn              // client id -> conn
	topics map[string]map[*conn]struct{} // topic -> subscribers
	users  map[string]map[*conn]struct{} // user id -> that user's subscribed conns

	presence *presence

	order ordered
}

// ordered runs functions one at a time in the order they were handed over, on a goroutine that
// exists only while there is something to run.
type ordered struct {
	mu      sync.Mutex
	pending []func()
	running bool
	onPanic func(r any) // told about a hand-over that panicked (nil: the default logger)
}

func (o *ordered) add(f func()) {
	o.mu.Lock()
	o.pending = append(o.pending, f)
	start := !o.running
	o.running = true
	o.mu.Unlock()
	if start {
		go o.run()
	}
}

func (o *ordered) run() {
	for {
		o.mu.Lock()
		batch := o.pending
		o.pending = nil
		if len(batch) == 0 {
			o.running = false
			o.mu.Unlock()
			return
		}
		o.mu.Unlock()
		for _, f := range batch {
			o.runSafely(f)
		}
	}
}

// runSafely runs one hand-over; a panic in it must not stop the ones after it (the goroutine would
// stay marked as running and no event would leave again).
func (o *ordered) runSafely(f func()) {
	defer func() {
		if r := recover(); r != nil {
			if o.onPanic != nil {
				o.onPanic(r)
			} else {
				slog.Error("realtime: publishing an event panicked", "panic", fmt.Sprint(r))
			}
		}
	}()
	f()
}

// InOrder runs publish after every function handed to InOrder before it, off the caller's goroutine.
//
// Events that carry a `seq` must reach each client in seq order: a client that drops its connection
// catches up with `changes?since=<highest seq it saw>`, so a lower seq arriving after a higher one
// would be lost to it. The writes that draw seqs commit one after another on the group-commit writer
// (package groupcommit), and each hands its events over from there, at commit, through InOrder; the
// encoding and queueing then happen here, not on the writer.
func (h *Hub) InOrder(publish func()) { h.order.add(publish) }

const storeKey = "campfire.realtime"

// HubFor returns the hub of app (one per app; transaction apps share it).
func HubFor(app core.App) *Hub {
	return app.Store().GetOrSet(storeKey, func() any {
		h := &Hub{
			app:    app,
			conns:  map[string]*conn{},
			topics: map[string]map[*conn]struct{}{},
			users:  map[string]map[*conn]struct{}{},
		}
		h.presence = newPresence(h)
		h.order.onPanic = func(r any) {
			app.Logger().Error("realtime: publishing an event panicked", "panic", fmt.Sprint(r))
		}
		return h
	}).(*Hub)
}

// conn returns the hub's view of a connection (nil when it is not open).
func (h *Hub) conn(clientID string) *conn {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.conns[clientID]
}

// open registers a new connection.
func (h *Hub) open(client subscriptions.Client) *conn {
	c := &conn{client: client, topics: map[string][]string{}}
	h.mu.Lock()
	h.conns[client.Id()] = c
	h.mu.Unlock()
	return c
}

// close forgets a connection that ended.
func (h *Hub) close(clientID string) {
	rooms := h.roomsOf(clientID)
	h.mu.Lock()
	c := h.conns[clientID]
	if c != nil {
		delete(h.conns, clientID)
		h.unindexLocked(c)
	}
	h.mu.Unlock()
	if c != nil {
		c.close()
		h.presence.disconnected(clientID, rooms)
	}
}

func (h *Hub) unindexLocked(c *conn) {
	for topic := range c.topics {
		if set := h.topics[topic]; set != nil {
			delete(set, c)
			if len(set) == 0 {
				delete(h.topics, topic)
			}
		}
	}
	if set := h.users[c.userID]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.users, c.userID)
		}
	}
	c.topics = map[string][]string{}
}

// subscriptionsOf returns a connection's user and indexed topics (a copy).
func (h *Hub) subscriptionsOf(clientID string) (string, map[string][]string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	c := h.conns[clientID]
	if c == nil {
		return "", map[string][]string{}
	}
	out := make(map[string][]string, len(c.topics))
	for k, v := range c.topics {
		out[k] = v
	}
	return c.userID, out
}

// setSubscriptions replaces the indexed topics of a connection (PocketBase replaces them too).
func (h *Hub) setSubscriptions(client subscriptions.Client, userID string, subs map[string][]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.conns[client.Id()]
	if c == nil {
		return
	}
	h.unindexLocked(c)
	c.userID = userID
	c.topics = subs
	for topic := range subs {
		set := h.topics[topic]
		if set == nil {
			set = map[*conn]struct{}{}
			h.topics[topic] = set
		}
		set[c] = struct{}{}
	}
	if userID != "" && len(subs) > 0 {
		set := h.users[userID]
		if set == nil {
			set = map[*conn]struct{}{}
			h.users[userID] = set
		}
		set[c] = struct{}{}
	}
}

// Publish sends payload, encoded once, to every connection subscribed to topic, except those of the
// users in skipUsers.
func (h *Hub) Publish(topic string, payload any, skipUsers ...string) error {
	data, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", topic, err)
	}
	h.PublishRaw(topic, data, skipUsers...)
	return nil
}

// PublishRaw sends already encoded bytes (shared, never modified) to a topic's subscribers.
func (h *Hub) PublishRaw(topic string, data []byte, skipUsers ...string) {
	var slow []subscriptions.Client
	h.mu.RLock()
	for c := range h.topics[topic] {
		if len(skipUsers) > 0 && contains(skipUsers, c.userID) {
			continue
		}
		for _, name := range c.topics[topic] {
			if !c.push(subscriptions.Message{Name: name, Data: data}) {
				slow = append(slow, c.client)
			}
		}
	}
	h.mu.RUnlock()
	for _, client := range slow {
		// too slow: drop the connection; the client reconnects and catches up with changes?since=
		h.app.SubscriptionsBroker().Unregister(client.Id())
	}
}

// PublishRoom sends an event to a room's subscribers.
func (h *Hub) PublishRoom(roomID string, payload any, skipUsers ...string) error {
	return h.Publish(RoomTopic(roomID), payload, skipUsers...)
}

// PublishUser sends an event to all connections of a user that subscribed to their user topic.
func (h *Hub) PublishUser(userID string, payload any) error {
	return h.Publish(UserTopic(userID), payload)
}

// EndRoomAccess stops a user's connections from receiving a room at once (removed from the room, the
// room closed or deleted). The user topic gets nothing here; callers send room.deleted themselves.
func (h *Hub) EndRoomAccess(userID, roomID string) {
	topic := RoomTopic(roomID)
	h.mu.Lock()
	for c := range h.users[userID] {
		if names, ok := c.topics[topic]; ok {
			c.client.Unsubscribe(names...)
			delete(c.topics, topic)
			if set := h.topics[topic]; set != nil {
				delete(set, c)
				if len(set) == 0 {
					delete(h.topics, topic)
				}
			}
		}
	}
	h.mu.Unlock()
	h.presence.leftRoom(userID, roomID)
}

// EndRoom stops everyone's subscription to a deleted room.
func (h *Hub) EndRoom(roomID string) {
	topic := RoomTopic(roomID)
	h.mu.Lock()
	var users []string
	for c := range h.topics[topic] {
		c.client.Unsubscribe(c.topics[topic]...)
		delete(c.topics, topic)
		users = append(users, c.userID)
	}
	delete(h.topics, topic)
	h.mu.Unlock()
	for _, u := range users {
		h.presence.leftRoom(u, roomID)
	}
}

// EndUser disconnects every connection of a user (deactivated, banned, signed out everywhere).
func (h *Hub) EndUser(userID string) {
	h.mu.RLock()
	var ids []string
	for c := range h.users[userID] {
		ids = append(ids, c.client.Id())
	}
	h.mu.RUnlock()
	// connections that never subscribed are not indexed by user: look through PocketBase's broker too
	for _, client := range h.app.SubscriptionsBroker().Clients() {
		if auth, ok := client.Get(apis.RealtimeClientAuthKey).(*core.Record); ok && auth != nil && auth.Id == userID && auth.Collection().Name == "users" {
			ids = append(ids, client.Id())
		}
	}
	for _, id := range ids {
		h.app.SubscriptionsBroker().Unregister(id)
	}
}

// Subscribers reports how many connections listen on a topic (metrics, tests).
func (h *Hub) Subscribers(topic string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.topics[topic])
}

// Connections reports how many SSE connections are open.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.conns)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// bareTopic strips PocketBase's `?options=` suffix from a subscription name.
func bareTopic(sub string) string {
	topic, _, _ := strings.Cut(sub, "?")
	return topic
}
