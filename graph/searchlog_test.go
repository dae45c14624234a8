package graph_test

import (
	"math"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/storetest"
)

// TestSearchLog checks graph.SearchLog against math.Log: within 4 units in
// the last place over storetest.LogArguments (idf's arguments for every df
// of several graph sizes, powers of two and their neighbours, the ends of
// the mantissa range, random values), and exactly 0 at 1.
func TestSearchLog(t *testing.T) {
	if got := graph.SearchLog(1); got != 0 {
		t.Fatalf("SearchLog(1) = %v, want 0", got)
	}
	worst := 0.0
	for _, x := range storetest.LogArguments() {
		got, want := graph.SearchLog(x), math.Log(x)
		ulp := math.Abs(math.Nextafter(want, math.Inf(1)) - want)
		d := math.Abs(got-want) / ulp
		worst = max(worst, d)
		if d > 4 {
			t.Errorf("SearchLog(%v) = %v, math.Log %v: %.1f ulp apart", x, got, want, d)
		}
	}
	t.Logf("largest difference from math.Log: %.1f ulp", worst)
}
