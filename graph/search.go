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
