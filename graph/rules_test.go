package graph

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestCheckAsOf(t *testing.T) {
	for _, y := range []int{MinYear, 1990, MaxYear} {
		if err := CheckAsOf(&y); err != nil {
			t.Errorf("asOf %d: %v", y, err)
		}
	}
	if err := CheckAsOf(nil); err != nil {
		t.Errorf("no asOf: %v", err)
	}
	for _, y := range []int{MinYear - 1, MaxYear + 1, -99999, 99999, math.MinInt, math.MaxInt} {
		if err := CheckAsOf(&y); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "asOf") {
			t.Errorf("asOf %d: %v, want EINVALID naming asOf", y, err)
		}
	}
}

func TestCheckActor(t *testing.T) {
	for _, a := range []string{"alice", "loader", strings.Repeat("a", MaxActor)} {
		if err := CheckActor(a); err != nil {
			t.Errorf("actor %q: %v", a, err)
		}
	}
	for _, a := range []string{"", " ", "\t\n", strings.Repeat("a", MaxActor+1)} {
		if err := CheckActor(a); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "actor") {
			t.Errorf("actor %q: %v, want EINVALID naming the actor", a, err)
		}
	}
}

// TestNormalizeLeavesTheCallerAlone checks that normalising a node query
// fills defaults in copies: a caller may share its filter and order
// between goroutines.
func TestNormalizeLeavesTheCallerAlone(t *testing.T) {
	in := DirectionIn
	f := &NodeFilter{
		And: []*NodeFilter{{HasRelationship: &RelFilter{}}},
		Or:  []*NodeFilter{nil, {HasRelationship: &RelFilter{Direction: in}}},
		Not: &NodeFilter{HasRelationship: &RelFilter{}},
	}
	order := []*NodeOrder{{Field: OrderByName}}
	q := NodeQuery{Filter: f, OrderBy: order, Limit: 5}
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	if f.And[0].HasRelationship.Direction != "" || f.Not.HasRelationship.Direction != "" || order[0].Direction != "" {
		t.Error("Normalize changed the caller's filter or order")
	}
	if q.Filter.And[0].HasRelationship.Direction != DirectionBoth || q.Filter.Not.HasRelationship.Direction != DirectionBoth ||
		q.Filter.Or[1].HasRelationship.Direction != DirectionIn || q.Filter.Or[0] != nil {
		t.Errorf("normalised filter: %+v", q.Filter)
	}
	if q.OrderBy[0].Direction != Asc {
		t.Errorf("order direction %q, want ASC", q.OrderBy[0].Direction)
	}
	var nilQ NodeQuery
	if err := nilQ.Normalize(); err != nil || nilQ.Filter != nil || nilQ.OrderBy != nil {
		t.Errorf("zero query: %+v, %v", nilQ, err)
	}
}

func TestFilterBounds(t *testing.T) {
	nest := func(n int) *NodeFilter {
		f := &NodeFilter{}
		for range n - 1 {
			f = &NodeFilter{Not: f}
		}
		return f
	}
	if _, err := nest(MaxFilterDepth).Normalize(); err != nil {
		t.Errorf("depth %d: %v", MaxFilterDepth, err)
	}
	if _, err := nest(MaxFilterDepth + 1).Normalize(); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "8 levels") {
		t.Errorf("depth %d: %v", MaxFilterDepth+1, err)
	}
	// Terms: the root plus MaxFilterTerms-1 conditions fits; one more does not.
	kinds := make([]Kind, MaxFilterTerms-1)
	for i := range kinds {
		kinds[i] = KindPerson
	}
	if _, err := (&NodeFilter{Kinds: kinds}).Normalize(); err != nil {
		t.Errorf("%d terms: %v", MaxFilterTerms, err)
	}
	if _, err := (&NodeFilter{Kinds: append(kinds, KindEvent)}).Normalize(); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "200 terms") {
		t.Errorf("%d terms: %v", MaxFilterTerms+1, err)
	}
	ids := slices.Repeat([]string{"a"}, MaxFilterIDs)
	if _, err := (&NodeFilter{IDs: ids}).Normalize(); err != nil {
		t.Errorf("%d ids: %v", MaxFilterIDs, err)
	}
	if _, err := (&NodeFilter{IDs: append(ids, "b")}).Normalize(); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "500 ids") {
		t.Errorf("%d ids: %v", MaxFilterIDs+1, err)
	}
	long := strings.Repeat("x", MaxFilterString+1)
	if _, err := (&NodeFilter{Category: &long}).Normalize(); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "category") {
		t.Errorf("long category: %v", err)
	}
	bad := RelType("LIKES")
	for name, f := range map[string]*NodeFilter{
		"kind":      {Kinds: []Kind{"PLANET"}},
		"type":      {HasRelationship: &RelFilter{Type: &bad}},
		"direction": {Or: []*NodeFilter{{HasRelationship: &RelFilter{Direction: "UP"}}}},
	} {
		if _, err := f.Normalize(); ErrorCode(err) != EINVALID {
			t.Errorf("unknown %s: %v", name, err)
		}
	}
}

func TestNodeQueryOffsets(t *testing.T) {
	for _, off := range []int{0, MaxOffset} {
		q := NodeQuery{Offset: off, Limit: MaxPageSize}
		if err := q.Normalize(); err != nil {
			t.Errorf("offset %d: %v", off, err)
		}
	}
	for _, off := range []int{-1, MaxOffset + 1, math.MaxInt, math.MinInt} {
		q := NodeQuery{Offset: off, Limit: MaxPageSize}
		if err := q.Normalize(); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "offset") {
			t.Errorf("offset %d: %v", off, err)
		}
	}
	// offset + limit stays far from overflow.
	if MaxOffset+MaxPageSize > math.MaxInt32 {
		t.Errorf("MaxOffset %d + MaxPageSize is not small", MaxOffset)
	}
}

func TestQueryDefaults(t *testing.T) {
	s := SearchQuery{Text: "act up"}
	if err := s.Normalize(); err != nil || s.Limit != DefaultSearchLimit {
		t.Errorf("search defaults: %+v, %v", s, err)
	}
	s = SearchQuery{Text: strings.Repeat("a", MaxSearchText+1)}
	if err := s.Normalize(); ErrorCode(err) != EINVALID {
		t.Errorf("long search text: %v", err)
	}
	c := ChangesQuery{}
	if err := c.Normalize(); err != nil || c.Limit != DefaultPageSize {
		t.Errorf("changes defaults: %+v, %v", c, err)
	}
	r := RelQuery{}
	if err := r.Normalize(); err != nil || r.Direction != DirectionBoth {
		t.Errorf("relationships defaults: %+v, %v", r, err)
	}
	n := NeighbourhoodQuery{Seeds: []string{"a"}}
	if err := n.Normalize(); err != nil || n.Limit != MaxNeighbourhoodSize || n.Direction != DirectionBoth {
		t.Errorf("neighbourhood defaults: %+v, %v", n, err)
	}
	p := PathQuery{}
	if err := p.Normalize(); err != nil || p.MaxLength != MaxPathLength || p.K != 1 {
		t.Errorf("path defaults: %+v, %v", p, err)
	}
}

func TestSearchTermsAndBM25(t *testing.T) {
	if got := SearchTerms("Up, ACT up!"); !reflect.DeepEqual(got, []string{"act", "up"}) {
		t.Errorf("SearchTerms = %q", got)
	}
	if len(SearchTerms("!!")) != 0 {
		t.Error("SearchTerms of punctuation is not empty")
	}
	// A rarer term weighs more; a longer document scores a term lower.
	if BM25IDF(100, 1) <= BM25IDF(100, 50) {
		t.Error("idf does not fall with document frequency")
	}
	idf := BM25IDF(100, 5)
	if BM25Score(idf, 3, 10, 20) <= BM25Score(idf, 3, 40, 20) {
		t.Error("score does not fall with document length")
	}
	// Lucene's formula at avgdl = dl: idf·tf/(tf+k1).
	if got, want := BM25Score(1, 1, 7, 7), 1/(1+SearchK1); math.Abs(got-want) > 1e-15 {
		t.Errorf("BM25Score = %v, want %v", got, want)
	}
}
