package memstore

import (
	"math/rand/v2"
	"testing"
)

// TestHandleSetMatchesMap drives the set and a map with the same random
// marks and unmarks (many colliding handles, growth, deletion inside probe
// runs) and compares every membership.
func TestHandleSetMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 20 {
		s := getSet()
		want := map[int32]bool{}
		span := int32(50 + rng.IntN(5000))
		for range 20000 {
			h := rng.Int32N(span)
			if rng.IntN(3) == 0 {
				s.unmark(h)
				delete(want, h)
			} else {
				s.mark(h)
				want[h] = true
			}
		}
		for h := range span + 10 {
			if s.has(h) != want[h] {
				t.Fatalf("round %d: has(%d) = %v, want %v", round, h, s.has(h), want[h])
			}
		}
		if s.n != len(want) {
			t.Fatalf("round %d: %d handles, want %d", round, s.n, len(want))
		}
		setPool.Put(s)
	}
}
