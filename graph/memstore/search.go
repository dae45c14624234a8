package memstore

import (
	"bytes"
	"cmp"
	"hash/maphash"
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

// The two tiers of a term's postings: nameTier holds the nodes where the
// term weighs at least nameWeight (it is in the name or an alias, or
// repeated in the summary), bodyTier the others. A node is in at most one
// tier of a term. Only a node in the name tier of every query term can
// earn the exact-name bonus, and the body tier's scores are bounded by a
// small tf, which is what lets Search prune (rank.go).
const (
	nameTier = iota
	bodyTier
)

func tierOf(tf float32) int {
	if tf >= nameWeight {
		return nameTier
	}
	return bodyTier
}

// tier is one tier of a term's postings, in handle order, with what bounds
// their BM25 scores: the largest tf and the smallest document length among
// them, and how many postings reach each. Writes keep them exact: an add
// widens them, a remove that takes the last posting at a bound rescans.
type tier struct {
	ps         []posting
	maxTf      float32
	minDl      float32
	nMax, nMin int32
}

// note widens the bounds for a posting of tf in a document of length dl.
func (tr *tier) note(tf, dl float32) {
	switch {
	case tr.nMax == 0 || tf > tr.maxTf:
		tr.maxTf, tr.nMax = tf, 1
	case tf == tr.maxTf:
		tr.nMax++
	}
	switch {
	case tr.nMin == 0 || dl < tr.minDl:
		tr.minDl, tr.nMin = dl, 1
	case dl == tr.minDl:
		tr.nMin++
	}
}

// bounds recomputes the bounds from the postings.
func (tr *tier) bounds(docLen []float32) {
	tr.maxTf, tr.minDl, tr.nMax, tr.nMin = 0, 0, 0, 0
	for _, p := range tr.ps {
		tr.note(p.tf, docLen[p.doc])
	}
}

// insert adds the posting of document h (length dl), keeping handle order:
// a replaced node keeps its handle.
func (tr *tier) insert(h int32, tf, dl float32) {
	ps := tr.ps
	i := len(ps)
	if i > 0 && ps[i-1].doc > h {
		i, _ = slices.BinarySearchFunc(ps, h, func(p posting, h int32) int { return cmp.Compare(p.doc, h) })
	}
	tr.ps = slices.Insert(ps, i, posting{doc: h, tf: tf})
	tr.note(tf, dl)
}

// delete removes the posting of document h (length dl), if there is one.
func (tr *tier) delete(h int32, dl float32, docLen []float32) bool {
	i, ok := slices.BinarySearchFunc(tr.ps, h, func(p posting, h int32) int { return cmp.Compare(p.doc, h) })
	if !ok {
		return false
	}
	tf := tr.ps[i].tf
	tr.ps = slices.Delete(tr.ps, i, i+1)
	if tf == tr.maxTf {
		tr.nMax--
	}
	if dl == tr.minDl {
		tr.nMin--
	}
	if tr.nMax <= 0 || tr.nMin <= 0 {
		tr.bounds(docLen)
	}
	return true
}

// searchIndex is an inverted index over node handles: for each term, its
// postings in two tiers.
type searchIndex struct {
	terms    map[string]int32
	postings [][2]tier
	docLen   []float32
	// keys is, per node, a filter of its name keys (graph.NameKey of its
	// name and aliases): the two bits keyBits gives each. A node whose
	// filter lacks a query key's bits cannot earn the exact-name bonus, so
	// Search tokenizes only the few others.
	keys     []uint32
	totalLen float64
	docs     int
	// gen counts changes; norms caches the BM25 length norm of every
	// document for the index as of generation gen.
	gen   uint64
	norms atomic.Pointer[normCache]
}

// df is the number of documents that hold term id.
func (ix *searchIndex) df(id int32) int {
	return len(ix.postings[id][nameTier].ps) + len(ix.postings[id][bodyTier].ps)
}

// normCache holds BM25's length norm k1·(1 − b + b·dl/avgdl) per document,
// which depends on the average length and so on every document: it is
// computed by the first search after a change (concurrent searches may
// both compute it; they get the same values).
type normCache struct {
	gen  uint64
	norm []float64
}

// avgLen is the average document length, avgdl.
func (ix *searchIndex) avgLen() float64 { return ix.totalLen / float64(ix.docs) }

// lengthNorms returns the norms for the index as it is now; the caller
// holds the store's read lock.
func (ix *searchIndex) lengthNorms() []float64 {
	if c := ix.norms.Load(); c != nil && c.gen == ix.gen {
		return c.norm
	}
	avgdl := ix.avgLen()
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
			ix.postings = append(ix.postings, [2]tier{})
		}
		ix.postings[id][tierOf(f)].insert(h, f, dl)
	}
	for int(h) >= len(ix.docLen) {
		ix.docLen = append(ix.docLen, 0)
		ix.keys = append(ix.keys, 0)
	}
	ix.docLen[h] = dl
	ix.keys[h] = keyBits(graph.NameKey(n.name()))
	for _, a := range n.aliases() {
		ix.keys[h] |= keyBits(graph.NameKey(a))
	}
	ix.totalLen += float64(dl)
	ix.docs++
	ix.gen++
}

// remove takes out the postings of node h, whose record n is the one that
// was added.
func (ix *searchIndex) remove(h int32, n *nodeRec) {
	if int(h) >= len(ix.docLen) {
		return
	}
	tf, _ := docTerms(n, nil)
	dl := ix.docLen[h]
	for t, f := range tf {
		if id, ok := ix.terms[t]; ok {
			tiers := &ix.postings[id]
			if !tiers[tierOf(f)].delete(h, dl, ix.docLen) {
				tiers[1-tierOf(f)].delete(h, dl, ix.docLen)
			}
		}
	}
	ix.totalLen -= float64(dl)
	ix.docLen[h] = 0
	ix.keys[h] = 0
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
	ix.keys = make([]uint32, len(s.nodes))
	var tb tokenBuf
	var acc []float32 // tf of each term in the current node
	var touched []int32
	total := 0
	for h := range s.nodes {
		rec := &s.nodes[h]
		if !rec.alive() {
			continue
		}
		tb.reset()
		tb.add(rec.name())
		keys := tb.keyBits(0, len(tb.ends))
		for _, a := range rec.aliases() {
			from := len(tb.ends)
			tb.add(a)
			keys |= tb.keyBits(from, len(tb.ends))
		}
		ix.keys[h] = keys
		named := len(tb.ends)
		tb.add(rec.summary())
		var dl float32
		touched = touched[:0]
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
				ix.postings = append(ix.postings, [2]tier{})
				acc = append(acc, 0)
			}
			if acc[id] == 0 {
				touched = append(touched, id)
			}
			acc[id] += w
		}
		for _, id := range touched {
			tf := acc[id]
			acc[id] = 0
			tr := &ix.postings[id][tierOf(tf)]
			tr.ps = append(tr.ps, posting{doc: int32(h), tf: tf})
			tr.note(tf, dl)
			total++
		}
		ix.docLen[h] = dl
		ix.totalLen += float64(dl)
		ix.docs++
	}
	block := make([]posting, total)
	for id := range ix.postings {
		for k := range ix.postings[id] {
			tr := &ix.postings[id][k]
			n := copy(block, tr.ps)
			tr.ps = block[:n:n]
			block = block[n:]
		}
	}
}

// keySeed seeds the hash of name keys.
var keySeed = maphash.MakeSeed()

// keyBits returns the two bits of a name-key filter that stand for key.
func keyBits(key string) uint32 { return bitsOf(maphash.String(keySeed, key)) }

func bitsOf(h uint64) uint32 { return 1<<(h&31) | 1<<(h>>5&31) }

// keyBits is the package's keyBits for the key of tokens [from, to):
// those tokens sorted and joined by spaces, graph.NameKey's form.
func (tb *tokenBuf) keyBits(from, to int) uint32 {
	tb.order = tb.order[:0]
	for i := from; i < to; i++ {
		tb.order = append(tb.order, i)
	}
	slices.SortFunc(tb.order, func(a, b int) int { return bytes.Compare(tb.token(a), tb.token(b)) })
	var h maphash.Hash
	h.SetSeed(keySeed)
	for k, i := range tb.order {
		if k > 0 {
			h.WriteByte(' ')
		}
		h.Write(tb.token(i))
	}
	return bitsOf(h.Sum64())
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
