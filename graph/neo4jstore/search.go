package neo4jstore

import (
	"context"
	"fmt"
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
//     nodes holding any query term. The statement then scores them with
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
// term in a hit, df the number of nodes holding it (all kinds), N the number
// of nodes and avgdl the mean dl; the arithmetic follows the embedded
// store's operation order so that both compute the same floating-point sums.
var cypherSearch = searchScores + `
ORDER BY score DESC, node.id
LIMIT $limit
RETURN ` + nodeMap("node") + ` AS node, score`

// searchScores binds node and score for every hit (see cypherSearch).
const searchScores = `OPTIONAL MATCH (k:Counter {name: 'searchLength'})
WITH coalesce(k.value, 0) AS totalLen, COUNT { (:Node) } - COUNT { (:` + stagedLabel + `) } AS docs
CALL db.index.fulltext.queryNodes('` + fulltextIndex + `', $query) YIELD node
WHERE NOT node:` + stagedLabel + `
WITH totalLen, docs, node, split(node.searchText, ' ') AS toks
WITH totalLen, docs, collect({n: node, tf: [t IN $terms | toFloat(size([w IN toks WHERE w = t]))]}) AS hits
WITH toFloat(totalLen) / toFloat(docs) AS avgdl, toFloat(docs) AS docs, hits,
  [i IN range(0, size($terms) - 1) | toFloat(size([h IN hits WHERE h.tf[i] > 0.0]))] AS df
UNWIND hits AS h
WITH h.n AS node, h.tf AS tf, avgdl, docs, df
WHERE size($kinds) = 0 OR node.kind IN $kinds
WITH node, reduce(score = 0.0, i IN range(0, size($terms) - 1) |
  CASE WHEN tf[i] = 0.0 THEN score
  ELSE score + log(1.0 + (docs - df[i] + 0.5) / (df[i] + 0.5)) * tf[i]
    / (tf[i] + $k1 * (1.0 - $b + $b * toFloat(node.dl) / avgdl)) END) AS score
WITH node, score + CASE WHEN node.nameKeys CONTAINS $key THEN $bonus ELSE 0.0 END AS score`

// planSearchStatement answers a graph.SearchPlan in one statement: the
// hits exactly as cypherSearch ranks them, then the planned levels
// (plan.go).
func planSearchStatement(shape relShape, nf, rf *graph.Fields) string {
	return cachedStatement("search "+shape.key()+fieldsKey(nf)+"/"+fieldsKey(rf), func() string {
		return `CALL () {
` + searchScores + `
  WITH node, score ORDER BY score DESC, node.id LIMIT $limit
  RETURN collect(node) AS ns, collect(score) AS scores
}` + nodesTail(shape, nf, rf) + `, scores`
	})
}

// searchParams returns the parameters of cypherSearch for q, normalised,
// or nil when q has no terms (no hits).
func searchParams(q graph.SearchQuery) map[string]any {
	terms := graph.SearchTerms(q.Text)
	if len(terms) == 0 {
		return nil
	}
	return map[string]any{
		// Tokens hold only letters and digits, so none is Lucene syntax;
		// lower-case "and"/"or"/"not" are plain terms to Lucene.
		"query": strings.Join(terms, " OR "),
		"terms": terms,
		"kinds": kindParams(q.Kinds),
		"key":   keySep + graph.NameKey(q.Text) + keySep,
		"bonus": graph.SearchExactBonus,
		"k1":    graph.SearchK1,
		"b":     graph.SearchB,
		"limit": q.Limit,
	}
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
	params["sources"] = p.Sources
	dir, err := relLevelParams(p.Rels, params)
	if err != nil {
		return nil, err
	}
	if _, ok := params["terms"]; !ok {
		r := &graph.SearchPlanResult{Hits: []graph.SearchHit{}}
		if p.Rels != nil {
			r.Rels = &graph.RelPlanResult{Relationships: []*graph.Relationship{}}
		}
		return r, nil
	}
	out, err := read(ctx, s, func(tx *txn) (*graph.SearchPlanResult, error) {
		rec, err := tx.single(ctx, planSearchStatement(dir, p.Fields, relFields(p.Rels)), params)
		if err != nil {
			return nil, err
		}
		ns, err := decodeNodes(value(rec, "ns"))
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
		r.Sources, r.Rels, err = decodeTail(rec, p.Rels != nil)
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
