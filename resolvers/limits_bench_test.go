package resolvers_test

import (
	"testing"

	"github.com/hmkg/hmkg/graph/memstore"
)

// BenchmarkFragmentFanOut sends the campaign's 693-byte fragment bomb
// (10.6 s of CPU before the fix) through the handler.
func BenchmarkFragmentFanOut(b *testing.B) {
	c := newClient(b, memstore.New())
	q := fragmentFanOut(12, 4)
	for b.Loop() {
		if res := c.Post(q+" ", nil); res.Code() != "QUERY_TOO_COMPLEX" {
			b.Fatalf("code %q", res.Code())
		}
	}
}

// BenchmarkDuplicatedFields sends 9,000 copies of one field (6.75 s before).
func BenchmarkDuplicatedFields(b *testing.B) {
	c := newClient(b, memstore.New())
	q := `{ node(id: "act-up") {` + repeat(" id", 9000) + ` } }`
	for b.Loop() {
		if res := c.Post(q, nil); res.Code() != "QUERY_TOO_COMPLEX" {
			b.Fatalf("code %q", res.Code())
		}
	}
}

func repeat(s string, n int) string {
	out := make([]byte, 0, len(s)*n)
	for range n {
		out = append(out, s...)
	}
	return string(out)
}
