package memstore

import (
	"math/bits"
	"sync"
)

// handleSet is a set of node handles for one traversal: an open-addressing
// table with linear probing whose size follows the number of handles in it,
// not the size of the graph, so that many traversals at once on a large
// graph hold little memory and a small table stays in cache. Slots hold
// handle+1; 0 is empty. Pooled in setPool.
type handleSet struct {
	slots []int32
	shift uint8 // 32 - log2(len(slots))
	n     int
}

var setPool = sync.Pool{New: func() any { return new(handleSet) }}

// keptSlots is the largest table a pooled set keeps (256 KiB): a traversal
// that grew beyond it gives it back to the collector.
const keptSlots = 1 << 16

// getSet returns an empty set from the pool; put it back in setPool.
func getSet() *handleSet {
	s := setPool.Get().(*handleSet)
	size := cap(s.slots)
	if size < 64 || size > keptSlots {
		size = 64
		s.slots = make([]int32, size)
	} else {
		s.slots = s.slots[:size]
		clear(s.slots)
	}
	s.shift = uint8(32 - bits.TrailingZeros(uint(size)))
	s.n = 0
	return s
}

func (s *handleSet) home(h int32) int { return int((uint32(h) * 0x9E3779B1) >> s.shift) }

func (s *handleSet) has(h int32) bool {
	mask := len(s.slots) - 1
	for i := s.home(h); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			return false
		case h + 1:
			return true
		}
	}
}

// mark adds h.
func (s *handleSet) mark(h int32) {
	if 2*(s.n+1) > len(s.slots) {
		old := s.slots
		s.slots = make([]int32, 2*len(old))
		s.shift--
		s.n = 0
		for _, v := range old {
			if v != 0 {
				s.put(v - 1)
			}
		}
	}
	s.put(h)
}

func (s *handleSet) put(h int32) {
	mask := len(s.slots) - 1
	i := s.home(h)
	for ; s.slots[i] != 0; i = (i + 1) & mask {
		if s.slots[i] == h+1 {
			return
		}
	}
	s.slots[i] = h + 1
	s.n++
}

// unmark removes h, shifting later entries of its probe run back so that
// no tombstones are needed.
func (s *handleSet) unmark(h int32) {
	mask := len(s.slots) - 1
	i := s.home(h)
	for s.slots[i] != h+1 {
		if s.slots[i] == 0 {
			return
		}
		i = (i + 1) & mask
	}
	for j := i; ; {
		j = (j + 1) & mask
		v := s.slots[j]
		if v == 0 {
			break
		}
		k := s.home(v - 1)
		// Leave v where it is if its home slot lies cyclically in (i, j].
		if (i <= j && i < k && k <= j) || (i > j && (i < k || k <= j)) {
			continue
		}
		s.slots[i] = v
		i = j
	}
	s.slots[i] = 0
	s.n--
}
