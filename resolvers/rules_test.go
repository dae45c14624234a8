package resolvers_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// Hostile arguments, sent the way an attacker would (as variables, which
// escape the document's token limit), get BAD_USER_INPUT at once on every
// store: graph's bounds apply to the decoded value.

// deepNot is a NodeFilter nesting NOT n times, as a JSON variable.
func deepNot(n int) map[string]any {
	f := map[string]any{"ids": []string{"act-up"}}
	for range n {
		f = map[string]any{"NOT": f}
	}
	return f
}

func wantBadInput(t *testing.T, what string, res *gqlResponse, msg string, took time.Duration) {
	t.Helper()
	if res.Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, msg) {
		t.Errorf("%s: errors %+v, want BAD_USER_INPUT mentioning %q", what, res.Errors, msg)
	}
	if took > 2*time.Second {
		t.Errorf("%s: answered in %v, want at once", what, took)
	}
}

func TestFilterBoundsCountVariables(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		const q = `query($w: NodeFilter) { nodes(where: $w, first: 5) { totalCount nodes { id } } }`
		ids := make([]string, graph.MaxFilterIDs+1)
		for i := range ids {
			ids[i] = fmt.Sprintf("node-%d", i)
		}
		for _, c0 := range []struct {
			name string
			w    map[string]any
			msg  string
		}{
			{"NOT nested 1,000 times", deepNot(1000), fmt.Sprintf("more than %d levels", graph.MaxFilterDepth)},
			{"NOT nested one level too deep", deepNot(graph.MaxFilterDepth), fmt.Sprintf("more than %d levels", graph.MaxFilterDepth)},
			{"too many ids", map[string]any{"ids": ids}, fmt.Sprintf("more than %d ids", graph.MaxFilterIDs)},
			{"too long a string", map[string]any{"nameContains": strings.Repeat("x", graph.MaxFilterString+1)}, "nameContains"},
		} {
			start := time.Now()
			res := c.Post(q, map[string]any{"w": c0.w})
			wantBadInput(t, c0.name, res, c0.msg, time.Since(start))
		}
		// At the bound the filter runs: NOT nested an even number of times
		// keeps act-up.
		var out struct {
			Nodes struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		c.OK(q, map[string]any{"w": deepNot(graph.MaxFilterDepth - 2)}, &out)
		if out.Nodes.TotalCount != 1 || len(out.Nodes.Nodes) != 1 || out.Nodes.Nodes[0].ID != "act-up" {
			t.Errorf("filter at the depth bound: %+v", out.Nodes)
		}
	})
}

func TestForgedCursors(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
		forged := map[string]string{
			"max int64":           enc("offset:9223372036854775807"),
			"max int64 - 1":       enc("offset:9223372036854775806"),
			"beyond int64":        enc("offset:99999999999999999999"),
			"negative":            enc("offset:-1"),
			"leading zero":        enc("offset:007"),
			"plus sign":           enc("offset:+7"),
			"beyond the offset":   enc(fmt.Sprintf("offset:%d", graph.MaxOffset)),
			"no prefix":           enc("7"),
			"not base64":          "offset:7",
			"unpadded base64":     strings.TrimRight(enc("offset:1"), "="),
			"very long":           strings.Repeat("A", 10_000),
			"trailing whitespace": enc("offset:7 "),
		}
		queries := map[string]string{
			"nodes":         `query($a: String) { nodes(first: 5, after: $a) { totalCount } }`,
			"relationships": `query($a: String) { node(id: "act-up") { relationships(first: 5, after: $a) { totalCount } } }`,
			"episodes":      `query($a: String) { node(id: "co-option") { ... on Tension { episodes(first: 5, after: $a) { totalCount } } } }`,
		}
		for qn, q := range queries {
			for name, cur := range forged {
				start := time.Now()
				res := c.Post(q, map[string]any{"a": cur})
				wantBadInput(t, qn+" after "+name, res, "is not a cursor returned by this API", time.Since(start))
				if len(res.Errors) > 0 && len(res.Errors[0].Message) > 200 {
					t.Errorf("%s after %s: message of %d bytes echoes the input", qn, name, len(res.Errors[0].Message))
				}
			}
		}
		// The last cursor below the bound is accepted and gives an empty page.
		var out struct{ Nodes struct{ TotalCount int } }
		c.OK(queries["nodes"], map[string]any{"a": enc(fmt.Sprintf("offset:%d", graph.MaxOffset-1))}, &out)
		if out.Nodes.TotalCount == 0 {
			t.Errorf("the last cursor: total %d", out.Nodes.TotalCount)
		}
	})
}

func TestOneAsOfRule(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		for _, y := range []int{-99999, 99999} {
			for name, q := range map[string]string{
				"relationships":  `query($y: Int) { node(id: "act-up") { relationships(asOf: $y) { totalCount } } }`,
				"neighbourhood":  `query($y: Int) { neighbourhood(id: "act-up", asOf: $y) { nodes { id } } }`,
				"shortestPath":   `query($y: Int) { shortestPath(from: "act-up", to: "fda", asOf: $y) { length } }`,
				"exportSubgraph": `query($y: Int) { exportSubgraph(seeds: ["act-up"], asOf: $y, format: JSON) { filename } }`,
				"whole export":   `query($y: Int) { exportSubgraph(asOf: $y, format: JSON) { filename } }`,
			} {
				start := time.Now()
				res := c.Post(q, map[string]any{"y": y})
				wantBadInput(t, fmt.Sprintf("%s asOf %d", name, y), res, fmt.Sprintf("asOf: %d", y), time.Since(start))
			}
		}
	})
}
