package storetest

import (
	"math"
	"math/rand/v2"
)

// LogArguments are values to test graph.SearchLog with, in Go and in a
// store that computes it itself: idf's arguments 1 + (docs − df + 0.5)/(df
// + 0.5) for every df (or 3,000 of them) of graphs of several sizes, powers
// of two from 2⁻³ to 2³⁹ with their neighbours and the √2/2 boundary of
// the mantissa range with its neighbours, and 5,000 random values from 1 to
// 10⁷ (fixed seed).
func LogArguments() []float64 {
	var xs []float64
	for _, docs := range []float64{1, 2, 7, 756, 1000, 99_999, 1_000_000} {
		step := max(1, docs/3000)
		for df := 0.0; df <= docs; df += step {
			xs = append(xs, 1+(docs-df+0.5)/(df+0.5))
		}
	}
	for k := -3; k < 40; k++ {
		p := math.Ldexp(1, k)
		h := p * math.Sqrt2 / 2
		xs = append(xs, p, math.Nextafter(p, 0), math.Nextafter(p, math.Inf(1)),
			h, math.Nextafter(h, 0), math.Nextafter(h, math.Inf(1)))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		xs = append(xs, 1+rng.Float64()*math.Pow(10, rng.Float64()*7))
	}
	return xs
}
