package memstore

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/hmkg/hmkg/graph"
)

// Search ranks with graph's BM25 (see graph/search.go): the constants and
// the formula are graph's, this file only keeps the index.
const nameWeight = graph.SearchNameWeight

type posting struct {
	doc int32
	tf  float32
}

// searchIndex is an inverted index over node handles. Each posting list
// is in handle order.
type searchIndex struct {
	terms    map[string]int32
	postings [][]posting
	docLen   []float32
	totalLen float64
	docs     int
	// gen counts changes; norms caches the BM25 length norm of every
	// document for the index as of generation gen.
	gen   uint64
	norms atomic.Pointer[normCache]
}

// normCache holds BM25's length norm k1·(1 − b + b·dl/avgdl) per document,
// which depends on the average length and so on every document: it is
// computed by the first search after a change (concurrent searches may
// both compute it; they get the same values).
type normCache struct {
	gen  uint64
	norm []float64
}

// lengthNorms returns the norms for the index as it is now; the caller
// holds the store's read lock.
func (ix *searchIndex) lengthNorms() []float64 {
	if c := ix.norms.Load(); c != nil && c.gen == ix.gen {
		return c.norm
	}
	avgdl := ix.totalLen / float64(ix.docs)
	norm := make([]float64, len(ix.docLen))
	for h, dl := range ix.docLen {
		norm[h] = lengthNorm(float64(dl), avgdl)
	}
	ix.norms.Store(&normCache{gen: ix.gen, norm: norm})
	return norm
}

// lengthNorm and termScore split graph.BM25Score in two with the same
// operations in the same order, so that scores agree to the last bit
// (TestSearchMatchesReference checks it).
func lengthNorm(dl, avgdl float64) float64 {
	return graph.SearchK1 * (1 - graph.SearchB + graph.SearchB*dl/avgdl)
}

func termScore(idf, tf, norm float64) float64 { return idf * tf / (tf + norm) }

func newSearchIndex() *searchIndex {
	return &searchIndex{terms: make(map[string]int32)}
}

// docTerms returns the weighted term frequencies and length of a node.
func docTerms(n *nodeRec, buf []string) (map[string]float32, float32) {
	buf = graph.Tokenize(buf[:0], n.name())
	for _, a := range n.aliases() {
		buf = graph.Tokenize(buf, a)
	}
	named := len(buf)
	buf = graph.Tokenize(buf, n.summary())
	tf := make(map[string]float32, len(buf))
	for i, t := range buf {
		if i < named {
			tf[t] += nameWeight
		} else {
			tf[t]++
		}
	}
	return tf, float32(nameWeight*named + len(buf) - named)
}

func (ix *searchIndex) add(h int32, n *nodeRec) {
	tf, dl := docTerms(n, nil)
	for t, f := range tf {
		id, ok := ix.terms[t]
		if !ok {
			id = int32(len(ix.postings))
			ix.terms[strings.Clone(t)] = id
			ix.postings = append(ix.postings, nil)
		}
		// Keep the list in handle order: a replaced node keeps its handle.
		ps := ix.postings[id]
		i := len(ps)
		if i > 0 && ps[i-1].doc > h {
			i, _ = slices.BinarySearchFunc(ps, h, func(p posting, h int32) int { return cmp.Compare(p.doc, h) })
		}
		ix.postings[id] = slices.Insert(ps, i, posting{doc: h, tf: f})
	}
	for int(h) >= len(ix.docLen) {
		ix.docLen = append(ix.docLen, 0)
	}
	ix.docLen[h] = dl
	ix.totalLen += float64(dl)
	ix.docs++
	ix.gen++
}

func (ix *searchIndex) remove(h int32, n *nodeRec) {
	if int(h) >= len(ix.docLen) {
		return
	}
	tf, _ := docTerms(n, nil)
	for t := range tf {
		if id, ok := ix.terms[t]; ok {
			ix.postings[id] = slices.DeleteFunc(ix.postings[id], func(p posting) bool { return p.doc == h })
		}
	}
	ix.totalLen -= float64(ix.docLen[h])
	ix.docLen[h] = 0
	ix.docs--
	ix.gen++
}

// rebuild indexes every live node of s from scratch. It tokenizes into a
// reused buffer so that only new terms allocate, and finally packs the
// posting lists into one block without spare capacity.
func (ix *searchIndex) rebuild(s *Store) {
	gen := ix.gen + 1
	ix.norms.Store(nil)
	ix.terms, ix.postings, ix.docLen, ix.totalLen, ix.docs, ix.gen = make(map[string]int32), nil, make([]float32, len(s.nodes)), 0, 0, gen
	var tb tokenBuf
	total := 0
	for h := range s.nodes {
		rec := &s.nodes[h]
		if !rec.alive() {
			continue
		}
		tb.reset()
		tb.add(rec.name())
		for _, a := range rec.aliases() {
			tb.add(a)
		}
		named := len(tb.ends)
		tb.add(rec.summary())
		// A repeated term in the same node is always the last posting of its list.
		var dl float32
		for i := range tb.ends {
			w := float32(1)
			if i < named {
				w = nameWeight
			}
			dl += w
			t := tb.token(i)
			id, ok := ix.terms[string(t)]
			if !ok {
				id = int32(len(ix.postings))
				ix.terms[string(t)] = id
				ix.postings = append(ix.postings, nil)
			}
			ps := ix.postings[id]
			if k := len(ps) - 1; k >= 0 && ps[k].doc == int32(h) {
				ps[k].tf += w
			} else {
				ix.postings[id] = append(ps, posting{doc: int32(h), tf: w})
				total++
			}
		}
		ix.docLen[h] = dl
		ix.totalLen += float64(dl)
		ix.docs++
	}
	block := make([]posting, total)
	for id, ps := range ix.postings {
		n := copy(block, ps)
		ix.postings[id] = block[:n:n]
		block = block[n:]
	}
}

// tokenBuf holds the tokens of a text (as graph.Tokenize makes them) back to
// back in one reused buffer.
type tokenBuf struct {
	text  []byte
	ends  []int
	order []int // scratch for sameTokens
}

func (tb *tokenBuf) reset() { tb.text, tb.ends = tb.text[:0], tb.ends[:0] }

func (tb *tokenBuf) token(i int) []byte {
	start := 0
	if i > 0 {
		start = tb.ends[i-1]
	}
	return tb.text[start:tb.ends[i]]
}

// add appends the tokens of text, exactly as graph.Tokenize would.
func (tb *tokenBuf) add(text string) {
	start := -1
	ascii := true
	flush := func(tok string) {
		if ascii {
			for i := 0; i < len(tok); i++ {
				c := tok[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				tb.text = append(tb.text, c)
			}
		} else {
			tb.text = append(tb.text, strings.ToLower(tok)...)
		}
		tb.ends = append(tb.ends, len(tb.text))
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
				ascii = true
			}
			if r >= unicode.MaxASCII {
				ascii = false
			}
			continue
		}
		if start >= 0 {
			flush(text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		flush(text[start:])
	}
}

// topK returns the k smallest elements of xs under less, sorted; xs is
// reordered.
func topK[T any](xs []T, k int, compare func(a, b T) int) []T {
	if k >= len(xs) {
		slices.SortFunc(xs, compare)
		return xs
	}
	// Keep a max-heap of the k best seen so far.
	h := xs[:0:0]
	h = append(h, xs[:k]...)
	slices.SortFunc(h, func(a, b T) int { return compare(b, a) })
	// h is sorted worst first; maintain it as a heap with the worst at 0.
	heapify(h, compare)
	for _, x := range xs[k:] {
		if compare(x, h[0]) < 0 {
			h[0] = x
			siftDown(h, 0, compare)
		}
	}
	slices.SortFunc(h, compare)
	return h
}

func heapify[T any](h []T, compare func(a, b T) int) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i, compare)
	}
}

// siftDown restores the max-heap property (worst element at the root).
func siftDown[T any](h []T, i int, compare func(a, b T) int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		j := l
		if r := l + 1; r < len(h) && compare(h[r], h[l]) > 0 {
			j = r
		}
		if compare(h[j], h[i]) <= 0 {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}

// kindSet validates kinds and returns them as a bit set of their codes (0 =
// any kind); TestVocabularyFitsBitSets keeps every code below 64.
func kindSet(kinds []graph.Kind) (uint64, error) {
	var set uint64
	for _, k := range kinds {
		i, ok := k.Code()
		if !ok {
			return 0, graph.Errorf(graph.EINVALID, "unknown kind %q", k)
		}
		set |= 1 << i
	}
	return set, nil
}

// scratch holds per-query score accumulators indexed by node handle, reused
// across queries so that a search allocates little on large graphs.
type scratch struct {
	score   []float64
	named   []uint8
	touched []int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (sc *scratch) reset(n int) {
	for _, h := range sc.touched {
		sc.score[h], sc.named[h] = 0, 0
	}
	sc.touched = sc.touched[:0]
	if len(sc.score) < n {
		sc.score = make([]float64, n)
		sc.named = make([]uint8, n)
	}
}

func (sc *scratch) add(h int32, v float64, named bool) {
	if sc.score[h] == 0 && sc.named[h] == 0 {
		sc.touched = append(sc.touched, h)
	}
	sc.score[h] += v
	if named && sc.named[h] < 255 {
		sc.named[h]++
	}
}
