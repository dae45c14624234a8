package memstore

// Search's query side: the query terms' posting lists scored into a
// bounded heap of hits, pruned (prune.go) or merged in full; the index it
// reads is in search.go.

import (
	"bytes"
	"context"
	"math"
	"slices"

	"github.com/hmkg/hmkg/graph"
)

// Search ranks nodes by BM25 relevance; see the scoring notes in
// graph/search.go.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	return s.rankedSearch(ctx, q, false)
}

// rankedSearch is Search; with exhaustive set it scores every node that holds a
// query term instead of pruning (the way Search worked before pruning, kept
// for the tests and benchmarks that compare the two).
func (s *Store) rankedSearch(ctx context.Context, q graph.SearchQuery, exhaustive bool) ([]graph.SearchHit, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	limit := q.Limit
	kinds, err := kindSet(q.Kinds)
	if err != nil {
		return nil, err
	}
	qkey := graph.NameKey(q.Text)
	terms := graph.SearchTerms(q.Text)

	s.mu.RLock()
	defer s.mu.RUnlock()
	ix := s.search
	if ix.docs == 0 || len(terms) == 0 {
		return []graph.SearchHit{}, nil
	}
	norms := ix.lengthNorms()
	lists := make([]termList, 0, len(terms))
	for _, t := range terms {
		if id, ok := ix.terms[t]; ok {
			lists = append(lists, termList{tiers: &ix.postings[id], idf: graph.BM25IDF(float64(ix.docs), float64(ix.df(id)))})
		}
	}
	top := hitHeap{s: s, k: limit, kinds: kinds}
	var tb tokenBuf
	// offer completes the score of a matching node with the exact-name
	// bonus and keeps it if it ranks among the best so far. Only a node
	// with every query term in its name or aliases (named: in the name
	// tier) and the query key's bits in its filter can match exactly; the
	// others skip the re-tokenizing, and so do those that could not rank
	// even with the bonus.
	qbits := keyBits(qkey)
	offer := func(h int32, score float64, named int) {
		if named == len(terms) && ix.keys[h]&qbits == qbits && top.wants(score+graph.SearchExactBonus) {
			if sameTokens(&tb, s.nodes[h].name(), qkey) {
				score += graph.SearchExactBonus
			} else {
				for _, a := range s.nodes[h].aliases() {
					if sameTokens(&tb, a, qkey) {
						score += graph.SearchExactBonus
						break
					}
				}
			}
		}
		top.offer(h, score)
	}
	switch {
	case len(lists) > mergeTerms:
		sc := scratchPool.Get().(*scratch)
		defer scratchPool.Put(sc)
		sc.reset(len(s.nodes))
		for _, l := range lists {
			for k := range l.tiers {
				for _, p := range l.tiers[k].ps {
					sc.add(p.doc, termScore(l.idf, float64(p.tf), norms[p.doc]), k == nameTier)
				}
			}
		}
		for _, h := range sc.touched {
			offer(h, sc.score[h], int(sc.named[h]))
		}
	default:
		// Prune when the exact-name seeds fill the heap with a score that
		// puts some tier out of play; otherwise (a rare name, a low score
		// to beat) the plain merge costs less than bounds checked on every
		// node, and it skips the nodes already seeded.
		p := pruner{lists: lists, nterms: len(terms), norms: norms, avgdl: ix.avgLen(), top: &top, offer: offer}
		if !exhaustive {
			p.seed()
			if p.prepare() {
				p.run()
				break
			}
		}
		var flat [2 * mergeTerms]flatList
		n := 0
		for _, l := range lists {
			for k := range l.tiers {
				flat[n] = flatList{ps: l.tiers[k].ps, idf: l.idf}
				n++
			}
		}
		mergeLists(flat[:n], norms, func(score float64, named int) bool {
			return named == len(terms) && !p.seeded || top.wants(score)
		}, func(h int32, score float64, named int) {
			if named < len(terms) || !p.seeded {
				offer(h, score, named)
			}
		})
	}
	hits := top.sorted()
	hs := make([]int32, len(hits))
	for i, h := range hits {
		hs[i] = h.h
	}
	nodes := s.nodesOut(hs)
	out := make([]graph.SearchHit, len(hits))
	for i, h := range hits {
		out[i] = graph.SearchHit{Node: nodes[i], Score: h.score}
	}
	return out, graph.CtxError(ctx, "memstore.Search")
}

// mergeTerms is the most query terms whose posting lists Search merges
// document by document; more are added up term by term into scratch
// arrays, whose cost does not grow with the number of terms.
const mergeTerms = 8

// termList is the postings of one query term, both tiers, with its idf.
type termList struct {
	tiers *[2]tier
	idf   float64
}

// flatList is one tier of a term's postings with the term's idf.
type flatList struct {
	ps  []posting
	idf float64
}

// mergeLists walks the posting lists (each in handle order) together and
// calls fn for every node in any of them with its BM25 score, summed in
// the order of lists, and the number of lists that have it in its name
// tier, unless worth says the node cannot be among the hits. A node is in
// at most one tier of a term, so the order of lists (both tiers of each
// term in term order) sums the terms in term order.
func mergeLists(lists []flatList, norms []float64, worth func(score float64, named int) bool, fn func(h int32, score float64, named int)) {
	const done = math.MaxInt32
	// cur[i] is the next node of list i (done at its end), at pos[i].
	var cur [2 * mergeTerms]int32
	var pos [2 * mergeTerms]int
	n := len(lists)
	for i := range n {
		cur[i] = done
		if len(lists[i].ps) > 0 {
			cur[i] = lists[i].ps[0].doc
		}
	}
	for {
		doc := int32(done)
		for _, c := range cur[:n] {
			doc = min(doc, c)
		}
		if doc == done {
			return
		}
		norm := norms[doc]
		score, named := 0.0, 0
		for i := range n {
			if cur[i] != doc {
				continue
			}
			l := &lists[i]
			tf := l.ps[pos[i]].tf
			score += termScore(l.idf, float64(tf), norm)
			if tf >= nameWeight {
				named++
			}
			if pos[i]++; pos[i] < len(l.ps) {
				cur[i] = l.ps[pos[i]].doc
			} else {
				cur[i] = done
			}
		}
		if worth(score, named) {
			fn(doc, score, named)
		}
	}
}

type hit struct {
	h     int32
	score float64
}

// hitHeap keeps the k best hits offered (score high first, ties by id),
// of the kinds in the set (0: any), as a heap with the worst at the root.
type hitHeap struct {
	s     *Store
	k     int
	kinds uint64
	hs    []hit
}

// full reports whether the heap holds k hits, so that its root's score
// is the one to beat.
func (t *hitHeap) full() bool { return t.k > 0 && len(t.hs) >= t.k }

// wants reports whether a hit with this score (before any exact-name
// bonus) may enter the heap.
func (t *hitHeap) wants(score float64) bool {
	return len(t.hs) < t.k || score >= t.hs[0].score
}

// before reports whether a ranks before b.
func (t *hitHeap) before(a, b hit) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return t.s.nodes[a.h].id() < t.s.nodes[b.h].id()
}

func (t *hitHeap) offer(h int32, score float64) {
	x := hit{h, score}
	full := len(t.hs) >= t.k
	if t.k <= 0 {
		return
	}
	if full && (score < t.hs[0].score || !t.before(x, t.hs[0])) {
		return
	}
	if t.kinds != 0 && t.kinds&(1<<t.s.nodes[h].kind) == 0 {
		return
	}
	if !full {
		t.hs = append(t.hs, x)
		for i := len(t.hs) - 1; i > 0; {
			p := (i - 1) / 2
			if !t.before(t.hs[p], t.hs[i]) {
				break
			}
			t.hs[p], t.hs[i] = t.hs[i], t.hs[p]
			i = p
		}
		return
	}
	t.hs[0] = x
	for i := 0; ; {
		w, l := i, 2*i+1
		if l < len(t.hs) && t.before(t.hs[w], t.hs[l]) {
			w = l
		}
		if r := l + 1; r < len(t.hs) && t.before(t.hs[w], t.hs[r]) {
			w = r
		}
		if w == i {
			return
		}
		t.hs[i], t.hs[w] = t.hs[w], t.hs[i]
		i = w
	}
}

// sorted returns the hits kept, best first.
func (t *hitHeap) sorted() []hit {
	slices.SortFunc(t.hs, func(a, b hit) int {
		if a.h == b.h {
			return 0
		}
		if t.before(a, b) {
			return -1
		}
		return 1
	})
	return t.hs
}

// sameTokens reports whether text has the tokens of the query whose
// graph.NameKey is key, in any order. It tokenizes into tb, so that it
// allocates nothing once tb has grown, and most texts fail on length
// before any sorting.
func sameTokens(tb *tokenBuf, text string, key string) bool {
	tb.reset()
	tb.add(text)
	n := len(tb.ends)
	if n == 0 || len(tb.text)+n-1 != len(key) {
		return key == "" && n == 0
	}
	tb.order = tb.order[:0]
	for i := range n {
		tb.order = append(tb.order, i)
	}
	slices.SortFunc(tb.order, func(a, b int) int { return bytes.Compare(tb.token(a), tb.token(b)) })
	for k, i := range tb.order {
		if k > 0 {
			if key[0] != ' ' {
				return false
			}
			key = key[1:]
		}
		t := tb.token(i)
		if len(key) < len(t) || key[:len(t)] != string(t) {
			return false
		}
		key = key[len(t):]
	}
	return key == ""
}
