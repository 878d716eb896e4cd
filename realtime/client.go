package realtime

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// client is PocketBase's default realtime client with a quick answer to "your subscriptions that start
// with this prefix" when it holds none outside Campfire's topics. PocketBase asks every connected
// client that question six times for every record saved in any collection (its record subscriptions),
// and the default client builds a map for each answer: with thousands of chat connections, which
// subscribe only to campfire/ topics, that was a tenth of the server's time in the fan-out benchmark.
type client struct {
	*subscriptions.DefaultClient

	mu      sync.Mutex  // serializes changes with the recount
	foreign atomic.Bool // holds a subscription outside campfire/
}

// wrapClient returns PocketBase's default client wrapped (any other client type is left as it is).
func wrapClient(c subscriptions.Client) subscriptions.Client {
	if d, ok := c.(*subscriptions.DefaultClient); ok {
		return &client{DefaultClient: d}
	}
	return c
}

// Subscribe implements subscriptions.Client.
func (c *client) Subscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.DefaultClient.Subscribe(subs...)
	c.recount()
}

// Unsubscribe implements subscriptions.Client.
func (c *client) Unsubscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.DefaultClient.Unsubscribe(subs...)
	c.recount()
}

func (c *client) recount() {
	foreign := false
	for s := range c.DefaultClient.Subscriptions() {
		if !strings.HasPrefix(s, "campfire/") {
			foreign = true
			break
		}
	}
	c.foreign.Store(foreign)
}

// Subscriptions implements subscriptions.Client: a client with only Campfire topics has nothing under
// any other prefix.
func (c *client) Subscriptions(prefixes ...string) map[string]subscriptions.SubscriptionOptions {
	if len(prefixes) > 0 && !c.foreign.Load() {
		ours := false
		for _, p := range prefixes {
			if strings.HasPrefix(p, "campfire/") || strings.HasPrefix("campfire/", p) {
				ours = true
				break
			}
		}
		if !ours {
			return nil
		}
	}
	return c.DefaultClient.Subscriptions(prefixes...)
}
