package graph

import (
	"slices"
	"strings"
	"unicode"
)

// Tokenize appends the search tokens of text to dst: the lower-cased runs
// of Unicode letters and digits, so "ACT UP", "act-up" and "Act Up!" all
// give act, up. Every store tokenises with it, so that they agree on what
// matches.
func Tokenize(dst []string, text string) []string {
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

// NameKey is the order-free form of a name or query used for search's
// exact-name bonus: its tokens, sorted, joined by spaces. "ACT UP" and
// "up act" share a key, so the bonus does not depend on word order.
func NameKey(text string) string {
	toks := Tokenize(nil, text)
	slices.Sort(toks)
	return strings.Join(toks, " ")
}
