package previews

import (
	"container/list"
	"encoding/base64"
	"sync"
	"time"
)

func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// imageCache is a bounded LRU (entries and bytes) of re-encoded images and failures, by image URL.
type imageCache struct {
	mu          sync.Mutex
	maxEntries  int
	maxBytes    int
	bytes       int
	ttl, negTTL time.Duration
	ll          *list.List
	m           map[string]*list.Element
}

type imageEntry struct {
	key     string
	data    []byte
	ct      string
	err     error
	expires time.Time
}

func newImageCache(maxEntries, maxBytes int, ttl, negTTL time.Duration) *imageCache {
	return &imageCache{maxEntries: maxEntries, maxBytes: maxBytes, ttl: ttl, negTTL: negTTL,
		ll: list.New(), m: map[string]*list.Element{}}
}

func (c *imageCache) get(key string, now time.Time) ([]byte, string, error, bool) {
	if c.ttl < 0 {
		return nil, "", nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[key]
	if !ok {
		return nil, "", nil, false
	}
	e := el.Value.(*imageEntry)
	if !now.Before(e.expires) {
		c.removeLocked(el)
		return nil, "", nil, false
	}
	c.ll.MoveToFront(el)
	return e.data, e.ct, e.err, true
}

func (c *imageCache) put(key string, data []byte, ct string, err error, now time.Time) {
	if c.ttl < 0 || len(data) > c.maxBytes {
		return
	}
	ttl := c.ttl
	if err != nil {
		ttl = c.negTTL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[key]; ok {
		c.removeLocked(el)
	}
	c.m[key] = c.ll.PushFront(&imageEntry{key: key, data: data, ct: ct, err: err, expires: now.Add(ttl)})
	c.bytes += len(data)
	for c.ll.Len() > c.maxEntries || c.bytes > c.maxBytes {
		c.removeLocked(c.ll.Back())
	}
}

func (c *imageCache) removeLocked(el *list.Element) {
	e := el.Value.(*imageEntry)
	c.ll.Remove(el)
	delete(c.m, e.key)
	c.bytes -= len(e.data)
}
