package neo4jstore

import (
	"context"
	"strings"
	"unicode"

	"github.com/hmkg/hmkg/graph"
)

// Search ranking follows the embedded store's scoring (see the notes in
// graph/memstore/search.go) as closely as Lucene allows:
//
//   - The store tokenises text itself, exactly like the embedded store
//     (lower-cased runs of Unicode letters and digits), and writes each
//     node's tokens into the property searchText, with the tokens of the
//     name and aliases repeated nameWeight (3) times. The full-text index
//     reads searchText with the whitespace analyser, so Lucene sees the same
//     term frequencies and document lengths as the embedded store.
//   - The query is tokenised the same way and its distinct terms are OR-ed;
//     Lucene 9's BM25 (k1 1.2, b 0.75, idf ln(1+(N−df+0.5)/(df+0.5))) is the
//     embedded store's formula.
//   - exactBonus (100) is added in Cypher when the query's token sequence
//     equals the name's or an alias's (property nameKeys).
//   - Order: score high first, ties by id.
//
// Known differences: Lucene stores document lengths in one byte, so long
// documents get a slightly rounded length; and Lucene's statistics (N, df)
// count replaced documents until its segments merge. Scores therefore match
// to a few per cent and rankings match except for near ties.
const (
	nameWeight         = 3
	exactBonus         = 100.0
	defaultSearchLimit = 10
	keySep             = "\x1f"
)

// tokenize appends the lower-cased runs of letters and digits in text.
func tokenize(dst []string, text string) []string {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			dst = append(dst, strings.ToLower(text[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		dst = append(dst, strings.ToLower(text[start:]))
	}
	return dst
}

// searchText returns the text the full-text index reads and the exact-match
// keys (name and aliases as token sequences, each between keySep).
func searchText(n *graph.Node) (string, string) {
	var b strings.Builder
	keys := keySep
	named := func(text string) {
		toks := tokenize(nil, text)
		keys += strings.Join(toks, " ") + keySep
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
	for _, t := range tokenize(nil, n.Summary) {
		b.WriteString(t)
		b.WriteByte(' ')
	}
	return b.String(), keys
}

const cypherSearch = `CALL db.index.fulltext.queryNodes('` + fulltextIndex + `', $query) YIELD node, score
WHERE size($kinds) = 0 OR node.kind IN $kinds
WITH node, score + CASE WHEN node.nameKeys CONTAINS $key THEN $bonus ELSE 0.0 END AS score
RETURN node, score
ORDER BY score DESC, node.id
LIMIT $limit`

// Search ranks nodes by BM25 relevance to q.Text, best first; ties by id.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	limit := q.Limit
	if limit == 0 {
		limit = defaultSearchLimit
	}
	if err := graph.CheckLimit("limit", limit, graph.MaxSearchResults); err != nil {
		return nil, err
	}
	kinds, err := kindParams(q.Kinds)
	if err != nil {
		return nil, err
	}
	qt := tokenize(nil, q.Text)
	if len(qt) == 0 {
		return []graph.SearchHit{}, nil
	}
	seen := map[string]bool{}
	var terms []string
	for _, t := range qt {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	params := map[string]any{
		// Tokens hold only letters and digits, so none is Lucene syntax;
		// lower-case "and"/"or"/"not" are plain terms to Lucene.
		"query": strings.Join(terms, " OR "),
		"kinds": kinds,
		"key":   keySep + strings.Join(qt, " ") + keySep,
		"bonus": exactBonus,
		"limit": limit,
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

// kindParams validates kinds and returns them as a parameter list.
func kindParams(kinds []graph.Kind) ([]any, error) {
	out := make([]any, 0, len(kinds))
	for _, k := range kinds {
		if !k.Valid() {
			return nil, graph.Errorf(graph.EINVALID, "unknown kind %q", k)
		}
		out = append(out, string(k))
	}
	return out, nil
}

// typeParams validates relationship types and returns them as a parameter list.
func typeParams(types []graph.RelType) ([]any, error) {
	out := make([]any, 0, len(types))
	for _, t := range types {
		if !t.Valid() {
			return nil, graph.Errorf(graph.EINVALID, "unknown relationship type %q", t)
		}
		out = append(out, string(t))
	}
	return out, nil
}
