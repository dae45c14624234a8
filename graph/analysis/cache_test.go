package analysis

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestCache(t *testing.T) {
	ctx := context.Background()
	var c Cache
	var runs atomic.Int32
	compute := func(context.Context) (*Result, error) {
		runs.Add(1)
		return &Result{Edges: int(runs.Load())}, nil
	}
	r1, hit, err := c.Get(ctx, "v1", "whole", compute)
	if err != nil || hit || r1.Edges != 1 {
		t.Fatalf("first get: %v %v %v", r1, hit, err)
	}
	r2, hit, _ := c.Get(ctx, "v1", "whole", compute)
	if !hit || r2 != r1 || runs.Load() != 1 {
		t.Fatalf("repeat: hit %v, same %v, runs %d; want a hit without computing", hit, r2 == r1, runs.Load())
	}
	if _, hit, _ := c.Get(ctx, "v1", "other", compute); hit || runs.Load() != 2 {
		t.Fatalf("another selection must compute: hit %v runs %d", hit, runs.Load())
	}
	// A new dataset state drops everything.
	r3, hit, _ := c.Get(ctx, "v2", "whole", compute)
	if hit || r3 == r1 || runs.Load() != 3 {
		t.Fatalf("after a change of state: hit %v runs %d", hit, runs.Load())
	}
	if _, hit, _ := c.Get(ctx, "v2", "other", compute); hit {
		t.Fatal("an entry of the old state survived the change")
	}

	// Errors are not cached.
	boom := errors.New("boom")
	if _, _, err := c.Get(ctx, "v2", "bad", func(context.Context) (*Result, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("error: %v", err)
	}
	if _, hit, err := c.Get(ctx, "v2", "bad", compute); hit || err != nil {
		t.Fatalf("after an error: hit %v err %v; want a fresh computation", hit, err)
	}

	// The cap evicts the oldest.
	small := Cache{Max: 2}
	for _, k := range []string{"a", "b", "c"} {
		small.Get(ctx, "s", k, compute)
	}
	if _, hit, _ := small.Get(ctx, "s", "a", compute); hit {
		t.Error("the oldest entry outlived the cap")
	}
	if _, hit, _ := small.Get(ctx, "s", "c", compute); !hit {
		t.Error("the newest entry was evicted")
	}
}

// Concurrent requests for the same selection share one computation.
func TestCacheSharesComputation(t *testing.T) {
	var c Cache
	var runs atomic.Int32
	release := make(chan struct{})
	compute := func(context.Context) (*Result, error) {
		runs.Add(1)
		<-release
		return &Result{}, nil
	}
	var wg sync.WaitGroup
	results := make([]*Result, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _, err := c.Get(context.Background(), "v", "k", compute)
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Errorf("%d computations for one key, want 1", runs.Load())
	}
	for _, r := range results {
		if r != results[0] {
			t.Error("callers got different results")
		}
	}
}
