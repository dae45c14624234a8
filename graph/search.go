package graph

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// Search ranking, one definition for every store (the embedded store
// computes it in Go, the Neo4j store in Cypher with these constants as
// parameters, in the same operation order, so that scores agree to the
// last bit and rankings match, ties included):
//
//   - Tokens: Tokenize. Each node is one document. Its name and aliases
//     count SearchNameWeight times, its summary once: tf(t) = weight ×
//     (occurrences in name and aliases) + occurrences in the summary, and
//     the document length dl is weighted the same way.
//   - Every distinct query term (SearchTerms) that occurs in the index adds
//     BM25 with Lucene's constants and idf (BM25IDF, BM25Score); terms are
//     OR-ed: a node matching any query term is a hit.
//   - SearchExactBonus is added when the query has the tokens of the node's
//     name or of one of its aliases, in any order (NameKey), so a name query
//     puts that node first whatever its word order.
//   - Hits are ordered by score (high first), ties by id.
const (
	SearchK1         = 1.2
	SearchB          = 0.75
	SearchNameWeight = 3
	SearchExactBonus = 100.0
)

// SearchTerms returns the distinct tokens of a search text, sorted: the
// terms a search scores, in the order every store sums them.
func SearchTerms(text string) []string {
	terms := Tokenize(nil, text)
	slices.Sort(terms)
	return slices.Compact(terms)
}

// BM25IDF is the inverse document frequency of a term held by df of docs
// documents: ln(1 + (docs − df + 0.5)/(df + 0.5)).
func BM25IDF(docs, df float64) float64 {
	return math.Log(1 + (docs-df+0.5)/(df+0.5))
}

// BM25Score is one term's contribution to a document's score: idf · tf /
// (tf + k1·(1 − b + b·dl/avgdl)).
func BM25Score(idf, tf, dl, avgdl float64) float64 {
	norm := SearchK1 * (1 - SearchB + SearchB*dl/avgdl)
	return idf * tf / (tf + norm)
}

// Tokenize appends the search tokens of text to dst: the lower-cased runs
// of Unicode letters and digits, so "ACT UP", "act-up" and "Act Up!" all
// give act, up. Every store tokenises with it, so that they agree on what
// matches.
func Tokenize(dst []string, text string) []string {
	start := -1
	lower := true // the token has no upper-case or non-ASCII rune: no copy needed
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start, lower = i, true
			}
			if r >= unicode.MaxASCII || 'A' <= r && r <= 'Z' {
				lower = false
			}
			continue
		}
		if start >= 0 {
			dst = appendToken(dst, text[start:i], lower)
			start = -1
		}
	}
	if start >= 0 {
		dst = appendToken(dst, text[start:], lower)
	}
	return dst
}

func appendToken(dst []string, tok string, lower bool) []string {
	if !lower {
		tok = strings.ToLower(tok)
	}
	return append(dst, tok)
}

// NameKey is the order-free form of a name or query used for search's
// exact-name bonus: its tokens, sorted, joined by spaces. "ACT UP" and
// "up act" share a key, so the bonus does not depend on word order.
func NameKey(text string) string {
	toks := Tokenize(nil, text)
	slices.Sort(toks)
	return strings.Join(toks, " ")
}
