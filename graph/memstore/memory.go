package memstore

import (
	"hash/maphash"
	"unsafe"
)

// arena hands out memory for records in large blocks, so that loading a
// million records makes thousands of allocations, not millions. A nil
// arena allocates each request on its own (single writes). A block stays
// alive while any record carved from it does.
type arena struct {
	ints  []int32
	bytes []byte
}

const (
	arenaInts  = 1 << 16
	arenaBytes = 1 << 20
)

// int32s returns a zeroed slice of n elements whose capacity is n, so that
// appending to it never writes into a neighbour's memory.
func (a *arena) int32s(n int) []int32 {
	if a == nil || n > arenaInts/4 {
		return make([]int32, n)
	}
	if len(a.ints) < n {
		a.ints = make([]int32, arenaInts)
	}
	s := a.ints[:n:n]
	a.ints = a.ints[n:]
	return s
}

// concat returns the strings back to back as one string.
func (a *arena) concat(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := a.alloc(n)
	b = b[:0]
	for _, p := range parts {
		b = append(b, p...)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// concatBytes is concat for byte slices.
func (a *arena) concatBytes(parts ...[]byte) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := a.alloc(n)[:0]
	for _, p := range parts {
		b = append(b, p...)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// str returns a string copy of b.
func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	c := a.alloc(len(b))
	copy(c, b)
	return unsafe.String(unsafe.SliceData(c), len(c))
}

// alloc returns n bytes that are written once, turned into a string, and
// never written again.
func (a *arena) alloc(n int) []byte {
	if a == nil || n > arenaBytes/16 {
		return make([]byte, n)
	}
	if len(a.bytes) < n {
		a.bytes = make([]byte, arenaBytes)
	}
	b := a.bytes[:n:n]
	a.bytes = a.bytes[n:]
	return b
}

// idTable maps node or relationship ids to handles without storing the
// ids: a linear-probing hash table whose slots hold the low 32 bits of the id's
// hash and the handle plus one (0 is an empty slot). The caller confirms a
// candidate by rebuilding its id.
type idTable struct {
	seed  maphash.Seed
	slots []uint64
	n     int
}

func hashID(seed maphash.Seed, id string) uint32 { return uint32(maphash.String(seed, id)) }

// hashIDBytes equals hashID of the same bytes.
func hashIDBytes(seed maphash.Seed, id []byte) uint32 { return uint32(maphash.Bytes(seed, id)) }

func (t *idTable) init(n int) {
	if t.slots == nil {
		t.seed = maphash.MakeSeed()
	}
	size := 16
	for size*3/4 < n {
		size *= 2
	}
	t.slots = make([]uint64, size)
	t.n = 0
}

func (t *idTable) find(hash uint32, match func(h int32) bool) (int32, bool) {
	mask := uint32(len(t.slots) - 1)
	for i := hash & mask; ; i = (i + 1) & mask {
		v := t.slots[i]
		if v == 0 {
			return -1, false
		}
		if uint32(v>>32) == hash && match(int32(uint32(v)-1)) {
			return int32(uint32(v) - 1), true
		}
	}
}

func (t *idTable) insert(hash uint32, h int32) {
	if (t.n+1)*4 > len(t.slots)*3 {
		old := t.slots
		t.slots = make([]uint64, 2*len(old))
		t.n = 0
		for _, v := range old {
			if v != 0 {
				t.put(v)
			}
		}
	}
	t.put(uint64(hash)<<32 | uint64(uint32(h)+1))
}

func (t *idTable) put(v uint64) {
	mask := uint32(len(t.slots) - 1)
	i := uint32(v>>32) & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = v
	t.n++
}

// remove deletes handle h, whose id hashes to hash, shifting later entries
// of its probe run back so that no tombstones are needed.
func (t *idTable) remove(hash uint32, h int32) {
	mask := uint32(len(t.slots) - 1)
	want := uint64(hash)<<32 | uint64(uint32(h)+1)
	i := hash & mask
	for t.slots[i] != want {
		if t.slots[i] == 0 {
			return
		}
		i = (i + 1) & mask
	}
	for j := i; ; {
		j = (j + 1) & mask
		v := t.slots[j]
		if v == 0 {
			break
		}
		k := uint32(v>>32) & mask
		// Leave v where it is if its home slot lies cyclically in (i, j].
		if (i <= j && i < k && k <= j) || (i > j && (i < k || k <= j)) {
			continue
		}
		t.slots[i] = v
		i = j
	}
	t.slots[i] = 0
	t.n--
}
