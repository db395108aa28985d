package scanner

import (
	"sort"
	"sync"

	"golang.org/x/sync/singleflight"
)

// onceCache reads each key once per scan: concurrent callers of the same key wait
// for the one read in flight (singleflight), later callers get the stored value.
type onceCache[V any] struct {
	group singleflight.Group

	mu sync.Mutex
	m  map[string]V
}

func newOnceCache[V any]() *onceCache[V] {
	return &onceCache[V]{m: map[string]V{}}
}

// get returns the value of key, calling read only if no value is stored yet.
func (c *onceCache[V]) get(key string, read func() V) V {
	if v, ok := c.lookup(key); ok {
		return v
	}
	v, _, _ := c.group.Do(key, func() (any, error) {
		// A read that finished between lookup and Do has already stored its value.
		if v, ok := c.lookup(key); ok {
			return v, nil
		}
		v := read()
		c.mu.Lock()
		c.m[key] = v
		c.mu.Unlock()
		return v, nil
	})
	return v.(V)
}

func (c *onceCache[V]) lookup(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

// sortErrorsFully orders errors by every field so that the order does not depend
// on which read finished first, whatever sort the snapshot applies afterwards.
func sortErrorsFully(es []CollectionError) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
}
