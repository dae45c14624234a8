package memstore

// Exact top-k pruning for Search: MaxScore over the two tiers of each
// query term's postings (search.go), in two phases.
//
//  1. seed: the nodes in the name tier of every query term, the only ones
//     that can earn the exact-name bonus, are found by intersecting those
//     tiers (the two shortest side by side, galloping when one is much
//     longer; the others probed) and offered with their full score. On a
//     name query this fills the heap with bonus hits, whose scores no
//     other node can reach.
//  2. run, when the seeded heap is full and puts some tier out of play
//     (otherwise Search runs the plain merge, skipping the seeded nodes):
//     every other node. Each tier has an upper bound on its scores,
//     idf·maxTf/(maxTf + norm(minDl)), from the bounds the index keeps up
//     to date on every write. Tiers are sorted by bound; the longest
//     prefix whose bounds add up to less than the score to beat is
//     non-essential: a node in none of the other tiers cannot rank, so
//     only the essential tiers are walked. A node found there is dropped
//     if its hits' scores with their tiers' smallest norm, plus the best
//     non-essential bound of each term it lacks, cannot reach the heap;
//     then the same with its own norm; it is completed from the
//     non-essential tiers only while that bound still can. A node is in
//     at most one tier of a term.
//
// Pruning changes which nodes are scored, never a score: a node that is
// offered has its exact score, summed in term order as everywhere else,
// and the heap decides ties by id as before. Bounds are inflated by
// boundSlack so that rounding (sums in another order) cannot make one
// fall below a score: a node is skipped only if it scores strictly less
// than the heap's worst hit, which it could never displace, whatever its
// id. Kind filters only decide what enters the heap, so the score to beat
// is always that of k hits of the wanted kinds.

import "math"

// boundSlack inflates every score bound relative to the scores it bounds
// (a few ulps of rounding at most). Tests lower it below 1 to check that
// a wrong bound makes the property test fail.
var boundSlack = 1 + 1e-9

// cursor walks one tier of a query term's postings.
type cursor struct {
	ps    []posting
	pos   int
	term  int // index of the term in the query's lists
	name  bool
	idf   float64
	maxTf float64
	norm  float64 // the smallest length norm in the tier
	ub    float64 // bound on the tier's scores, inflated by boundSlack
}

func (c *cursor) doc() int32 {
	if c.pos < len(c.ps) {
		return c.ps[c.pos].doc
	}
	return math.MaxInt32
}

// pruner is one search's state: the query terms' lists (in term order),
// the number of query terms (nterms > len(lists) when some term is in no
// node), the length norms, the heap and the function that offers a hit.
type pruner struct {
	lists  []termList
	nterms int
	norms  []float64
	avgdl  float64
	top    *hitHeap
	offer  func(h int32, score float64, named int)

	cur    [2 * mergeTerms]cursor // by ub, lowest first
	docs   [2 * mergeTerms]int32  // the node each cursor is at (MaxInt32: done)
	n      int
	prefix [2*mergeTerms + 1]float64 // prefix[i]: the sum of cur[:i]'s ubs
	ess    int                       // cur[ess:] are essential
	neUB   [mergeTerms]float64       // per term: the largest ub of its non-essential tiers
	seeded bool                      // seed has offered the nodes in every name tier
	theta  float64                   // the score to beat (the heap's worst) once the heap is full
	// neSum[mask] is the sum of neUB over the terms not in mask.
	neSum [1 << mergeTerms]float64
}

// seed offers every node that is in the name tier of every query term.
func (p *pruner) seed() {
	m := len(p.lists)
	if m != p.nterms || m == 0 {
		return
	}
	var order [mergeTerms]int
	for t := range m {
		if len(p.lists[t].tiers[nameTier].ps) == 0 {
			return
		}
		order[t] = t
		for j := t; j > 0 && len(p.lists[order[j]].tiers[nameTier].ps) < len(p.lists[order[j-1]].tiers[nameTier].ps); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	p.seeded = true
	var pos [mergeTerms]int
	// found offers the node at pos in every name tier, if the tiers after
	// the first two have it too; done reports that one of them has ended.
	rest := order[min(2, m):m]
	found := func(d int32) (done bool) {
		for _, t := range rest {
			ps := p.lists[t].tiers[nameTier].ps
			j := seek(ps, pos[t], d)
			pos[t] = j
			if j == len(ps) {
				return true
			}
			if ps[j].doc != d {
				return false
			}
		}
		norm := p.norms[d]
		score := 0.0
		for t := range m {
			l := &p.lists[t]
			score += termScore(l.idf, float64(l.tiers[nameTier].ps[pos[t]].tf), norm)
		}
		p.offer(d, score, p.nterms)
		return false
	}
	a := p.lists[order[0]].tiers[nameTier].ps
	if m == 1 {
		for i := range a {
			pos[order[0]] = i
			found(a[i].doc)
		}
		return
	}
	// The two shortest tiers side by side: a plain merge when they are of
	// similar length, galloping through the longer one otherwise.
	b := p.lists[order[1]].tiers[nameTier].ps
	dense := len(b) <= 8*len(a)
	for i, j := 0, 0; i < len(a) && j < len(b); {
		da, db := a[i].doc, b[j].doc
		switch {
		case da < db:
			i++
		case da > db:
			if dense {
				j++
			} else if j = seek(b, j+1, da); j == len(b) {
				return
			}
		default:
			pos[order[0]], pos[order[1]] = i, j
			if found(da) {
				return
			}
			i++
			j++
		}
	}
}

// prepare sets up the cursors and reports whether pruning pays: whether
// the heap is full and some tier is already out of play.
func (p *pruner) prepare() bool {
	for t := range p.lists {
		l := &p.lists[t]
		for k := range l.tiers {
			tr := &l.tiers[k]
			if len(tr.ps) == 0 || k == nameTier && p.seeded && len(p.lists) == 1 {
				continue // nothing, or only nodes seeded
			}
			maxTf, norm := float64(tr.maxTf), lengthNorm(float64(tr.minDl), p.avgdl)
			c := cursor{ps: tr.ps, term: t, name: k == nameTier, idf: l.idf, maxTf: maxTf, norm: norm,
				ub: termScore(l.idf, maxTf, norm) * boundSlack}
			i := p.n
			for ; i > 0 && p.cur[i-1].ub > c.ub; i-- {
				p.cur[i] = p.cur[i-1]
			}
			p.cur[i] = c
			p.n++
		}
	}
	for i := range p.n {
		p.prefix[i+1] = p.prefix[i] + p.cur[i].ub
		p.docs[i] = p.cur[i].ps[0].doc
	}
	p.theta = math.Inf(-1)
	p.raise()
	return p.ess > 0
}

// run offers every node not seeded that can rank.
func (p *pruner) run() {
	for p.ess < p.n {
		d := int32(math.MaxInt32)
		for _, c := range p.docs[p.ess:p.n] {
			d = min(d, c)
		}
		if d == math.MaxInt32 {
			return
		}
		var tfs [mergeTerms]float32
		var mask uint32
		named := 0
		hitUB := 0.0 // the hits' scores with their tiers' smallest norms
		for i := p.ess; i < p.n; i++ {
			if p.docs[i] != d {
				continue
			}
			c := &p.cur[i]
			tf := c.ps[c.pos].tf
			tfs[c.term] = tf
			mask |= 1 << c.term
			if c.name {
				named++
			}
			if p.ess > 0 {
				hitUB += termScore(c.idf, float64(tf), c.norm)
			}
			p.step(i)
		}
		if p.ess > 0 {
			// Without reading the node's norm: the tiers' bounds.
			if hitUB*boundSlack+p.neSum[mask] < p.theta {
				continue
			}
			if !p.complete(d, &tfs, &mask, &named) {
				continue
			}
		}
		if named == p.nterms {
			continue // seeded
		}
		norm := p.norms[d]
		score := 0.0
		for t := range p.lists {
			if mask&(1<<t) != 0 {
				score += termScore(p.lists[t].idf, float64(tfs[t]), norm)
			}
		}
		p.offer(d, score, named)
		p.raise()
	}
}

// step moves cursor i to its next posting.
func (p *pruner) step(i int) {
	c := &p.cur[i]
	if c.pos++; c.pos < len(c.ps) {
		p.docs[i] = c.ps[c.pos].doc
	} else {
		p.docs[i] = math.MaxInt32
	}
}

// raise takes the score to beat from the heap and moves tiers out of the
// essential set while the sum of their bounds stays below it.
func (p *pruner) raise() {
	if !p.top.full() {
		return
	}
	p.theta = p.top.hs[0].score
	ess := p.ess
	for ess < p.n && p.prefix[ess+1] < p.theta {
		ess++
	}
	if ess == p.ess {
		return
	}
	p.ess = ess
	p.neUB = [mergeTerms]float64{}
	for i := range ess {
		c := &p.cur[i]
		p.neUB[c.term] = max(p.neUB[c.term], c.ub)
	}
	m := len(p.lists)
	for mask := range 1 << m {
		sum := 0.0
		for t := range m {
			if mask&(1<<t) == 0 {
				sum += p.neUB[t]
			}
		}
		p.neSum[mask] = sum
	}
}

// complete finds node d's terms in the non-essential tiers, given those
// found in the essential ones (tfs, mask, named), and reports whether d
// can still rank. The heap is full.
func (p *pruner) complete(d int32, tfs *[mergeTerms]float32, mask *uint32, named *int) bool {
	theta := p.theta
	// This node's exact scores so far, and bounds with its length norm.
	norm := p.norms[d]
	partial := 0.0
	for t := range p.lists {
		if *mask&(1<<t) != 0 {
			partial += termScore(p.lists[t].idf, float64(tfs[t]), norm)
		}
	}
	var b [2 * mergeTerms]float64
	for i := range p.ess {
		if c := &p.cur[i]; *mask&(1<<c.term) == 0 {
			b[i] = termScore(c.idf, c.maxTf, norm)
		}
	}
	checked := false
	for i := p.ess - 1; i >= 0; i-- {
		c := &p.cur[i]
		if *mask&(1<<c.term) != 0 {
			continue
		}
		// The best each unknown term can add from the tiers left, cur[:i+1].
		var best [mergeTerms]float64
		for j := 0; j <= i; j++ {
			if t := p.cur[j].term; *mask&(1<<t) == 0 {
				best[t] = max(best[t], b[j])
			}
		}
		rest := 0.0
		for _, v := range best[:len(p.lists)] {
			rest += v
		}
		if (partial+rest)*boundSlack < theta {
			return false
		}
		if !checked {
			if k := p.top.kinds; k != 0 && k&(1<<p.top.s.nodes[d].kind) == 0 {
				return false
			}
			checked = true
		}
		c.pos = seek(c.ps, c.pos, d)
		if c.pos < len(c.ps) && c.ps[c.pos].doc == d {
			tf := c.ps[c.pos].tf
			tfs[c.term] = tf
			*mask |= 1 << c.term
			if c.name {
				*named++
			}
			partial += termScore(c.idf, float64(tf), norm)
			c.pos++
		}
		p.docs[i] = c.doc()
	}
	return true
}

// seek returns the index of the first posting of ps from i on whose node
// is d or after it: a few steps, as the lists of frequent terms are dense,
// then galloping, so that the cost grows with the log of the distance.
func seek(ps []posting, i int, d int32) int {
	for end := min(i+4, len(ps)); i < end; i++ {
		if ps[i].doc >= d {
			return i
		}
	}
	if i >= len(ps) || ps[i].doc >= d {
		return i
	}
	// ps[lo].doc < d; hi is len(ps) or ps[hi].doc >= d.
	lo, step := i, 1
	hi := lo + step
	for hi < len(ps) && ps[hi].doc < d {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	hi = min(hi, len(ps))
	for lo+1 < hi {
		m := int(uint(lo+hi) >> 1)
		if ps[m].doc < d {
			lo = m
		} else {
			hi = m
		}
	}
	return hi
}
