package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// report is everything one run measured.
type report struct {
	started  time.Time
	duration time.Duration
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
// connection count.
func (r *report) writeTable(w io.Writer) {
	fmt.Fprintf(w, "\nhmkg load benchmark, %s, %s, %d CPUs, %v per cell, closed loop (each connection sends its next request when its answer arrives)\n\n",
		r.started.Format(time.RFC3339), runtime.Version(), runtime.NumCPU(), r.duration)
	fmt.Fprintln(w, "| store | question | connections | requests/s | p50 | p99 | requests | errors |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|")
	for _, c := range r.cells {
		fmt.Fprintf(w, "| %s | %s | %d | %.0f | %s | %s | %d | %d |\n",
			c.store, c.question, c.conns, c.rate, ms(c.p50), ms(c.p99), c.requests, c.errors)
	}
	fmt.Fprintf(w, "\nerrors: %d\n", r.errors())
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
