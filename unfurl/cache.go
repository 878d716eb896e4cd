package unfurl

import (
	"container/list"
	"sync"
	"time"
)

// cache is a bounded, concurrency-safe LRU of fetch results with per-entry
// expiry. It stores positive results, "no preview" (nil, nil) and errors.
type cache struct {
	mu  sync.Mutex
	max int
	ll  *list.List // front = most recently used
	m   map[string]*list.Element
}

type cacheEntry struct {
	key     string
	p       *Preview
	err     error
	expires time.Time
}

func newCache(max int) *cache {
	return &cache{max: max, ll: list.New(), m: make(map[string]*list.Element)}
}

func (c *cache) get(key string, now time.Time) (*Preview, error, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[key]
	if !ok {
		return nil, nil, false
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		c.ll.Remove(el)
		delete(c.m, key)
		return nil, nil, false
	}
	c.ll.MoveToFront(el)
	return e.p.clone(), e.err, true
}

func (c *cache) put(key string, p *Preview, err error, expires time.Time) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[key]; ok {
		e := el.Value.(*cacheEntry)
		e.p, e.err, e.expires = p.clone(), err, expires
		c.ll.MoveToFront(el)
		return
	}
	c.m[key] = c.ll.PushFront(&cacheEntry{key: key, p: p.clone(), err: err, expires: expires})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*cacheEntry).key)
	}
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
