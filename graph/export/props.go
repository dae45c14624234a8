package export

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/hmkg/hmkg/graph"
)

// propType is the type of an exported property.
type propType int

const (
	tString propType = iota
	tInt
	tList
	tFloat
	// tJSON is a string holding a JSON value (the disputes): the node-link
	// JSON embeds it as that value; the others, map formats included (whose
	// importers take flat values), write it as text.
	tJSON
)

// value is one property value; exactly one field applies, by propType.
// A property is missing when str is "", num is nil or list is empty.
type value struct {
	str  string
	num  *int
	list []string
	flt  *float64
}

func (v value) missing(t propType) bool {
	switch t {
	case tInt:
		return v.num == nil
	case tList:
		return len(v.list) == 0
	case tFloat:
		return v.flt == nil
	}
	return v.str == ""
}

// prop is a property of exported nodes or relationships, named as in the
// domain's JSON (and so as in the GraphQL API).
type prop[T any] struct {
	name string
	typ  propType
	get  func(T) value
}

func str[T any](name string, f func(T) string) prop[T] {
	return prop[T]{name, tString, func(x T) value { return value{str: f(x)} }}
}

func num[T any](name string, f func(T) *int) prop[T] {
	return prop[T]{name, tInt, func(x T) value { return value{num: f(x)} }}
}

func list[T any](name string, f func(T) []string) prop[T] {
	return prop[T]{name, tList, func(x T) value { return value{list: f(x)} }}
}

func disputes[T any](f func(T) []*graph.Dispute) prop[T] {
	return prop[T]{"disputes", tJSON, func(x T) value { return value{str: disputesJSON(f(x))} }}
}

// disputesJSON is the JSON array of ds (the domain's JSON: about,
// aboutKind, claim, positions with says and sourceIds, note), or "" when
// there are none.
func disputesJSON(ds []*graph.Dispute) string {
	if len(ds) == 0 {
		return ""
	}
	b, _ := json.Marshal(ds) // strings and slices always marshal
	return string(b)
}

// nodeProps are the node properties every format writes besides the id.
var nodeProps = []prop[*graph.Node]{
	str("kind", func(n *graph.Node) string { return string(n.Kind) }),
	str("name", func(n *graph.Node) string { return n.Name }),
	str("summary", func(n *graph.Node) string { return n.Summary }),
	list("aliases", func(n *graph.Node) []string { return n.Aliases }),
	str("region", func(n *graph.Node) string { return n.Region }),
	str("country", func(n *graph.Node) string { return n.Country }),
	str("category", func(n *graph.Node) string { return n.Category }),
	num("startYear", func(n *graph.Node) *int { return n.StartYear }),
	num("endYear", func(n *graph.Node) *int { return n.EndYear }),
	num("foundedYear", func(n *graph.Node) *int { return n.FoundedYear }),
	num("year", func(n *graph.Node) *int { return n.Year }),
	str("date", func(n *graph.Node) string { return n.Date }),
	str("publisher", func(n *graph.Node) string { return n.Publisher }),
	str("url", func(n *graph.Node) string { return n.URL }),
	str("role", func(n *graph.Node) string { return n.Role }),
	str("question", func(n *graph.Node) string { return n.Question }),
	list("sources", func(n *graph.Node) []string { return n.SourceIDs }),
	disputes(func(n *graph.Node) []*graph.Dispute { return n.Disputes }),
}

// relProps are the relationship properties every format writes besides
// the id and the endpoints.
var relProps = []prop[*graph.Relationship]{
	str("type", func(r *graph.Relationship) string { return string(r.Type) }),
	num("year", func(r *graph.Relationship) *int { return r.Year }),
	str("summary", func(r *graph.Relationship) string { return r.Summary }),
	list("tensions", func(r *graph.Relationship) []string { return r.TensionIDs }),
	list("sources", func(r *graph.Relationship) []string { return r.SourceIDs }),
	str("status", func(r *graph.Relationship) string { return string(r.State()) }),
	disputes(func(r *graph.Relationship) []*graph.Dispute { return r.Disputes }),
}

// sourceProps are the columns of a source.
var sourceProps = []prop[*graph.Source]{
	str("title", func(s *graph.Source) string { return s.Title }),
	str("url", func(s *graph.Source) string { return s.URL }),
	str("publisher", func(s *graph.Source) string { return s.Publisher }),
	num("year", func(s *graph.Source) *int { return s.Year }),
	str("kind", func(s *graph.Source) string { return string(s.Kind) }),
}

// jsonList is how GraphML and GEXF carry a list: as a JSON array in a
// string, which keeps any character an element may hold.
func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}

const hex = "0123456789abcdef"

// jsonSafe marks the ASCII bytes a JSON string holds as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString appends s as a JSON string literal. Unlike
// encoding/json it does not escape <, > and &, so the output stays
// readable. Runs of bytes that need no escape are copied at once.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but not valid JavaScript before ES2019.
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
