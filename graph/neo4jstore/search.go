package neo4jstore

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Search ranking is graph's (graph/search.go), computed in the database:
//
//   - The store tokenises text itself with graph.Tokenize and writes each
//     node's tokens into the property searchText, with the tokens of the
//     name and aliases repeated graph.SearchNameWeight times, and the
//     weighted document length into dl. A counter keeps the sum of all dl.
//   - The full-text index (whitespace analyser over searchText) finds the
//     nodes holding each query term. The statement then scores them with
//     graph's BM25 (its constants are parameters; terms in graph.SearchTerms
//     order), not with Lucene's score, whose document lengths are rounded to
//     one byte: so scores agree with the embedded store's to the last bits
//     and rankings are the same, ties included.
//   - graph.SearchExactBonus is added when the query's tokens, in any order,
//     are those of the name or an alias (graph.NameKey, property nameKeys).
const (
	nameWeight = graph.SearchNameWeight
	keySep     = "\x1f"
)

// searchText returns the text the full-text index reads, the exact-match
// keys (name and aliases as graph.NameKey, each between keySep) and the
// weighted document length.
func searchText(n *graph.Node) (string, string, int) {
	dl := 0
	var b strings.Builder
	keys := keySep
	named := func(text string) {
		toks := graph.Tokenize(nil, text)
		keys += graph.NameKey(text) + keySep
		dl += nameWeight * len(toks)
		for range nameWeight {
			for _, t := range toks {
				b.WriteString(t)
				b.WriteByte(' ')
			}
		}
	}
	named(n.Name)
	for _, a := range n.Aliases {
		named(a)
	}
	for _, t := range graph.Tokenize(nil, n.Summary) {
		b.WriteString(t)
		b.WriteByte(' ')
		dl++
	}
	return b.String(), keys, dl
}

// cypherSearch scores the full-text hits. tf is the weighted count of each
// term in a hit, df the number of hits holding it (all kinds: every node
// holding a term is a hit), N the number of nodes and avgdl the mean dl;
// the arithmetic follows the embedded store's operation order so that both
// compute the same floating-point sums.
var cypherSearch = searchScores + `
ORDER BY score DESC, node.id
LIMIT $limit
RETURN ` + nodeMap("node") + ` AS node, score`

// searchScores binds node and score for every hit that can reach the top
// $limit (see cypherSearch). Scoring a hit (reading its searchText, dl and
// nameKeys and counting terms) is most of the statement's time, far more
// than the index lookups, so it scores as few hits as the answer allows,
// bounding scores before computing them (as MaxScore does), without
// changing the answer:
//
//  1. Each term is looked up on its own; its hits (staged nodes left out)
//     are kept as a list, so df is the list's size and idf follows before
//     any hit is read.
//  2. A hit's bound is the sum of the idfs of the terms it holds (known from
//     the lists alone), plus the exact-name bonus when it holds them all
//     (the bonus needs every query token). Its score is below its bound:
//     each term adds idf × tf/(tf+norm) < idf, and norm ≥ k1·(1−b) = 0.3
//     keeps the factor below 1 by at least 0.3/(tf+0.3), over 10⁻⁷ for
//     any tf under a million, where rounding moves sums by about 10⁻¹⁶.
//  3. The hits whose bound is at least the $limit-th highest bound (beta)
//     are scored: at least $limit of them, so their $limit-th best score
//     (theta) is a score that the answer's last hit reaches.
//  4. Of the rest, only hits whose bound is above theta are scored; the
//     others score below theta, under at least $limit hits, ties included.
//
// For "ACT UP" on the curated graph step 3 scores the 39 hits holding both
// terms and step 4 none (a hit with one of them cannot reach the tenth
// score), where scoring every hit meant 125.
//
// A hit's score is computed as before, in the embedded store's operation
// order (graph/search.go), so scores are the same to the last bit:
//
//   - tf: searchText is tokens each followed by one space, so an
//     occurrence of term t is a split of " "+searchText at " t" whose next
//     part starts with a space or is empty (the next token is t again;
//     $sterms holds " t").
//   - idf is computed once per term, with graph.SearchLog (searchLog), and the
//     length norm once per hit.
//   - Only dl, nameKeys and searchText are read per scored hit, and id for
//     the final order (kind is read per hit when kinds are asked); the
//     node's fields are projected after the cut, for the top $limit only.
//   - Nodes of an import still being staged are neither hits nor counted.
var searchScores = `CALL () {
  UNWIND range(0, size($terms) - 1) AS i
  CALL (i) {
    CALL db.index.fulltext.queryNodes('` + fulltextIndex + `', $terms[i]) YIELD node
    WHERE NOT node:` + stagedLabel + `
    RETURN collect(node) AS termHits
  }
  WITH i, termHits ORDER BY i
  RETURN collect(termHits) AS hits
}
OPTIONAL MATCH (k:Counter {name: 'searchLength'})
WITH hits, toFloat(coalesce(k.value, 0)) AS totalLen, toFloat(COUNT { (:Node) } - COUNT { (:` + stagedLabel + `) }) AS docs
WITH hits, totalLen / docs AS avgdl, [h IN hits | 1.0 + (docs - toFloat(size(h)) + 0.5) / (toFloat(size(h)) + 0.5)] AS xs
` + searchLog("xs", "idf") + `
WITH hits, avgdl, idf
CALL (hits, idf) {
  UNWIND range(0, size(hits) - 1) AS i
  UNWIND hits[i] AS node
  WITH node, sum(idf[i]) AS bound, count(*) AS held
  WHERE size($kinds) = 0 OR node.kind IN $kinds
  WITH node, bound + CASE WHEN held = size(hits) THEN $bonus ELSE 0.0 END AS bound
  ORDER BY bound DESC
  RETURN collect(node) AS cands, collect(bound) AS bounds
}
WITH avgdl, idf, cands, bounds,
  CASE WHEN size(bounds) > $limit THEN size([x IN bounds WHERE x >= bounds[$limit - 1]]) ELSE size(bounds) END AS first
CALL (avgdl, idf, cands, first) {
  UNWIND cands[0..first] AS node
  WITH node, avgdl, idf
` + scoreHit + `
  WITH node, score ORDER BY score DESC
  RETURN collect(node) AS ns1, collect(score) AS scores1
}
WITH avgdl, idf, cands, bounds, first, ns1, scores1, scores1[$limit - 1] AS theta
CALL (avgdl, idf, cands, bounds, first, theta) {
  UNWIND cands[first..first + size([x IN bounds[first..] WHERE x > theta])] AS node
  WITH node, avgdl, idf
` + scoreHit + `
  RETURN collect(node) AS ns2, collect(score) AS scores2
}
WITH ns1 + ns2 AS ns, scores1 + scores2 AS scores
UNWIND range(0, size(ns) - 1) AS j
WITH ns[j] AS node, scores[j] AS score`

// scoreHit binds tf and score for the hit node, given avgdl and idf.
const scoreHit = `  WITH node, avgdl, idf, [t IN $sterms | toFloat(size([p IN tail(split(' ' + node.searchText, t)) WHERE p = '' OR p STARTS WITH ' ']))] AS tf
  WITH node, tf, idf, $k1 * (1.0 - $b + $b * toFloat(node.dl) / avgdl) AS norm
  WITH node, tf, reduce(score = 0.0, i IN range(0, size(tf) - 1) |
    CASE WHEN tf[i] = 0.0 THEN score ELSE score + idf[i] * tf[i] / (tf[i] + norm) END)
    + CASE WHEN node.nameKeys CONTAINS $key THEN $bonus ELSE 0.0 END AS score`

// searchLog is a subquery that binds out to graph.SearchLog of each value
// in the list xs (each above 0), bit for bit: the same IEEE-754 operations
// in the same order (Java rounds each one, as the Go code makes Go do),
// with the series' coefficients, √2/2 and ln 2 passed as $logc, $sqrtHalf
// and $ln2. Cypher's log() (Java's Math.log) differs in the last bit for
// about 5% of idf's arguments, which changed the scores of the terms
// concerned. m·2^k = x is found exactly: k first estimated with log(), then
// corrected, and division by a power of two is exact. It runs once per
// query term.
func searchLog(xs, out string) string {
	return `CALL (` + xs + `) {
  UNWIND range(0, size(` + xs + `) - 1) AS i
  WITH i, ` + xs + `[i] AS x
  WITH i, x, toInteger(floor(log(x) / log(2.0))) + 1 AS k
  WITH i, x, CASE WHEN x / (2.0 ^ k) >= 1.0 THEN k + 1 WHEN x / (2.0 ^ k) < 0.5 THEN k - 1 ELSE k END AS k
  WITH i, x / (2.0 ^ k) AS m, k
  WITH i, CASE WHEN m < $sqrtHalf THEN m * 2.0 ELSE m END AS m, CASE WHEN m < $sqrtHalf THEN k - 1 ELSE k END AS k
  WITH i, k, (m - 1.0) / (m + 1.0) AS s
  WITH i, k, s, s * s AS s2
  WITH i, k, s, reduce(p = $logc[size($logc) - 1], j IN range(size($logc) - 2, 0, -1) | p * s2 + $logc[j]) AS p
  WITH i, toFloat(k) * $ln2 + 2.0 * s * p AS ln ORDER BY i
  RETURN collect(ln) AS ` + out + `
}`
}

// logParams are the parameters searchLog reads.
func logParams(params map[string]any) {
	params["logc"] = graph.SearchLogSeries
	params["sqrtHalf"] = math.Sqrt2 / 2
	params["ln2"] = math.Ln2
}

// planSearchStatement answers a graph.SearchPlan in one statement: the
// hits exactly as cypherSearch ranks them, then the planned levels
// (plan.go).
func planSearchStatement(t tailSpec) string {
	return cachedStatement("search "+t.key(), func() string {
		return `CALL () {
` + searchScores + `
  WITH node, score ORDER BY score DESC, node.id LIMIT $limit
  RETURN collect(node) AS ns, collect(score) AS scores
}` + t.text() + `, scores`
	})
}

// searchParams returns the parameters of cypherSearch for q, normalised,
// or nil when q has no terms (no hits).
func searchParams(q graph.SearchQuery) map[string]any {
	terms := graph.SearchTerms(q.Text)
	if len(terms) == 0 {
		return nil
	}
	spaced := make([]string, len(terms))
	for i, t := range terms {
		spaced[i] = " " + t
	}
	params := map[string]any{
		// Each term is a Lucene query: tokens hold only letters and
		// digits, so none is Lucene syntax; lower-case "and"/"or"/"not"
		// are plain terms to Lucene.
		"terms":  terms,
		"sterms": spaced,
		"kinds":  kindParams(q.Kinds),
		"key":    keySep + graph.NameKey(q.Text) + keySep,
		"bonus":  graph.SearchExactBonus,
		"k1":     graph.SearchK1,
		"b":      graph.SearchB,
		"limit":  q.Limit,
	}
	logParams(params)
	return params
}

// PlanSearch answers search hits with their nodes' sources and
// relationships level in one round trip (graph.SearchPlanner).
func (s *Store) PlanSearch(ctx context.Context, p graph.SearchPlan) (*graph.SearchPlanResult, error) {
	q := p.Query
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	params := searchParams(q)
	if params == nil {
		params = map[string]any{}
	}
	dir, err := relLevelParams(p.Rels, params)
	if err != nil {
		return nil, err
	}
	if _, ok := params["sterms"]; !ok {
		r := &graph.SearchPlanResult{Hits: []graph.SearchHit{}}
		if p.Rels != nil {
			r.Rels = &graph.RelPlanResult{Relationships: []*graph.Relationship{}}
		}
		return r, nil
	}
	t := newTail(dir, p.Sources, p.Rels, true, p.Fields)
	out, err := read(ctx, s, func(tx *txn) (*graph.SearchPlanResult, error) {
		rec, err := tx.single(ctx, planSearchStatement(t), params)
		if err != nil {
			return nil, err
		}
		ns, err := decodeNodeList(value(rec, "ns"), t.nf)
		if err != nil {
			return nil, err
		}
		scores, _ := value(rec, "scores").([]any)
		if len(scores) != len(ns) {
			return nil, fmt.Errorf("%d scores for %d hits", len(scores), len(ns))
		}
		r := &graph.SearchPlanResult{Hits: make([]graph.SearchHit, len(ns))}
		for i, n := range ns {
			sc, _ := scores[i].(float64)
			r.Hits[i] = graph.SearchHit{Node: n, Score: sc}
		}
		r.Sources, r.Rels, err = decodePlanned(rec, t, ns)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("plan search: %w", err)
	}
	return out, nil
}

// Search ranks nodes by BM25 relevance to q.Text, best first; ties by id.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	params := searchParams(q)
	if params == nil {
		return []graph.SearchHit{}, nil
	}
	return read(ctx, s, func(tx *txn) ([]graph.SearchHit, error) {
		recs, err := tx.collect(ctx, cypherSearch, params)
		if err != nil {
			return nil, err
		}
		out := make([]graph.SearchHit, 0, len(recs))
		for _, r := range recs {
			n, err := toNode(value(r, "node"))
			if err != nil {
				return nil, err
			}
			sc, _ := value(r, "score").(float64)
			out = append(out, graph.SearchHit{Node: n, Score: sc})
		}
		return out, nil
	})
}

// kindParams returns kinds, already checked by a query's Normalize, as a
// parameter list.
func kindParams(kinds []graph.Kind) []any {
	out := make([]any, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, string(k))
	}
	return out
}

// typeParams returns relationship types, already checked by a query's
// Normalize, as a parameter list.
func typeParams(types []graph.RelType) []any {
	out := make([]any, 0, len(types))
	for _, t := range types {
		out = append(out, string(t))
	}
	return out
}
