package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"
)

// report is everything one run measured.
type report struct {
	started  time.Time
	duration time.Duration
	stores   []string // in the order asked for: the table's order
	cells    []cell
}

func (r *report) errors() int {
	n := 0
	for _, c := range r.cells {
		n += c.errors
	}
	return n
}

func (r *report) firstError() string {
	for _, c := range r.cells {
		if c.firstError != "" {
			return fmt.Sprintf("%s, %s at %d connections: %s", c.store, c.question, c.conns, c.firstError)
		}
	}
	return ""
}

// writeTable prints a Markdown table: one row per store, question and
// connection count, by store, then connections, then question (the order
// they were measured in within each store); and, when both hmkg on Neo4j
// and the library were measured, their ratios.
func (r *report) writeTable(w io.Writer) {
	fmt.Fprintf(w, "\nhmkg load benchmark, %s, %s, %d CPUs, %v per cell, closed loop (each connection sends its next request when its answer arrives)\n\n",
		r.started.Format(time.RFC3339), runtime.Version(), runtime.NumCPU(), r.duration)
	fmt.Fprintln(w, "| store | question | connections | requests/s | p50 | p99 | requests | errors |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|")
	cells := slices.Clone(r.cells)
	slices.SortStableFunc(cells, func(a, b cell) int {
		if d := slices.Index(r.stores, a.store) - slices.Index(r.stores, b.store); d != 0 {
			return d
		}
		return a.conns - b.conns
	})
	for _, c := range cells {
		fmt.Fprintf(w, "| %s | %s | %d | %.0f | %s | %s | %d | %d |\n",
			c.store, c.question, c.conns, c.rate, ms(c.p50), ms(c.p99), c.requests, c.errors)
	}
	r.writeComparison(w)
	fmt.Fprintf(w, "\nerrors: %d\n", r.errors())
}

// writeComparison prints, for each question and connection count measured
// on both, hmkg on Neo4j's requests/s divided by the library's (above 1:
// hmkg serves more) and its p50 divided by the library's (below 1: hmkg
// answers sooner), with the geometric mean of the throughput ratios per
// connection count. The two were measured alternately, question by
// question, in this run.
func (r *report) writeComparison(w io.Writer) {
	type key struct {
		question string
		conns    int
	}
	lib := map[key]cell{}
	for _, c := range r.cells {
		if c.store == "neo4jlib" {
			lib[key{c.question, c.conns}] = c
		}
	}
	var rows []string
	logSum, n := map[int]float64{}, map[int]int{}
	var conns []int
	for _, c := range r.cells {
		l, ok := lib[key{c.question, c.conns}]
		if c.store != "neo4j" || !ok || l.rate == 0 || l.p50 == 0 {
			continue
		}
		rate := c.rate / l.rate
		rows = append(rows, fmt.Sprintf("| %s | %d | %.0f | %.0f | %.2f× | %s | %s | %.2f× |",
			c.question, c.conns, c.rate, l.rate, rate, ms(c.p50), ms(l.p50), float64(c.p50)/float64(l.p50)))
		if n[c.conns] == 0 {
			conns = append(conns, c.conns)
		}
		logSum[c.conns] += math.Log(rate)
		n[c.conns]++
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "\nhmkg on Neo4j against the Neo4j GraphQL Library (neo4jlib) on the same Neo4j and graph, measured alternately: requests/s ratio (above 1: hmkg serves more) and p50 ratio (below 1: hmkg answers sooner)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| question | connections | hmkg req/s | library req/s | hmkg/library req/s | hmkg p50 | library p50 | hmkg/library p50 |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, row := range rows {
		fmt.Fprintln(w, row)
	}
	fmt.Fprintln(w)
	for _, c := range conns {
		fmt.Fprintf(w, "geometric mean of hmkg/library req/s at %d connections: %.2f× (%d questions)\n", c, math.Exp(logSum[c]/float64(n[c])), n[c])
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// save writes the table to dir/load.md.
func (r *report) save(dir string) error {
	var b bytes.Buffer
	r.writeTable(&b)
	if err := os.WriteFile(filepath.Join(dir, "load.md"), b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("save table: %w", err)
	}
	return nil
}
