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
// documents: ln(1 + (docs − df + 0.5)/(df + 0.5)), with SearchLog.
func BM25IDF(docs, df float64) float64 {
	return SearchLog(1 + (docs-df+0.5)/(df+0.5))
}

// SearchLogSeries are the coefficients 1/(2j+1), j = 0 … 11, of the series
// SearchLog sums; a store that computes SearchLog itself (the Neo4j store,
// in Cypher) takes them from here.
var SearchLogSeries = func() []float64 {
	c := make([]float64, 12)
	for j := range c {
		c[j] = 1 / float64(2*j+1)
	}
	return c
}()

// SearchLog is the natural logarithm of x > 0 as search computes it for
// idf, so that every store ranks alike to the last bit. math.Log cannot be
// that: its bits depend on the platform (assembly on amd64, fused
// multiply-adds on arm64), and Cypher's log() (Java's Math.log) differs
// from it in the last bit for about 5% of arguments. SearchLog uses only
// IEEE-754 operations that every language rounds the same way, in a fixed
// order, each product rounded on its own (the float64 conversions stop Go
// from fusing a multiply and an add):
//
//	x = m·2^k, m in [√2/2, √2); s = (m−1)/(m+1), |s| < 0.172
//	ln m = 2s·(1 + s²/3 + s⁴/5 + … + s²²/23)   (Horner's rule in s²)
//	ln x = k·ln 2 + ln m
//
// The series' remainder is below 10⁻¹⁸ of ln m, so the result is within a
// few units in the last place of the true logarithm (TestSearchLog).
func SearchLog(x float64) float64 {
	m, k := math.Frexp(x)
	if m < math.Sqrt2/2 {
		m, k = m*2, k-1
	}
	s := (m - 1) / (m + 1)
	s2 := s * s
	c := SearchLogSeries
	p := c[len(c)-1]
	for j := len(c) - 2; j >= 0; j-- {
		p = float64(p*s2) + c[j]
	}
	return float64(float64(k)*math.Ln2) + float64(2*s*p)
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
