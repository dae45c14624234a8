package analysis

import (
	"context"
	"sync"
)

// DefaultCacheEntries is how many analyses a Cache keeps for one dataset
// state when Max is zero.
const DefaultCacheEntries = 64

// Cache keeps analyses for one state of a dataset, keyed by selection. A
// state is an opaque string that changes whenever the dataset does (its
// version, last change and audit count): a Get with another state drops
// every entry, so a mutation invalidates all cached figures at once. Callers
// asking for the same key at the same time share one computation. Errors
// are not cached. The zero value is ready to use.
type Cache struct {
	// Max caps the entries kept; 0 means DefaultCacheEntries. When full, the
	// oldest entry goes.
	Max int

	mu      sync.Mutex
	state   string
	entries map[string]*cacheEntry
	order   []string
}

type cacheEntry struct {
	done chan struct{}
	res  *Result
	err  error
}

// Get returns the analysis cached under (state, key), or runs compute,
// caches its result and returns it. hit reports whether compute was spared.
func (c *Cache) Get(ctx context.Context, state, key string, compute func(context.Context) (*Result, error)) (res *Result, hit bool, err error) {
	for {
		c.mu.Lock()
		if c.entries == nil || c.state != state {
			c.state, c.entries, c.order = state, map[string]*cacheEntry{}, nil
		}
		e, ok := c.entries[key]
		if !ok {
			e = &cacheEntry{done: make(chan struct{})}
			c.entries[key] = e
			c.order = append(c.order, key)
			c.evict()
			c.mu.Unlock()
			e.res, e.err = compute(ctx)
			if e.err != nil {
				c.forget(state, key, e)
			}
			close(e.done)
			return e.res, false, e.err
		}
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		if e.err == nil {
			return e.res, true, nil
		}
		// The computation of another request failed (its deadline, say):
		// it has been forgotten, so try again with this request's own.
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
	}
}

// evict drops the oldest entries beyond the cap; c.mu is held.
func (c *Cache) evict() {
	limit := c.Max
	if limit <= 0 {
		limit = DefaultCacheEntries
	}
	for len(c.order) > limit {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}

// forget removes a failed entry if it is still the one cached.
func (c *Cache) forget(state, key string, e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != state || c.entries[key] != e {
		return
	}
	delete(c.entries, key)
	for i, k := range c.order {
		if k == key {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
}
