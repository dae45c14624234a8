package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestSmoke runs the load benchmark for a few seconds against a real
// `hmkg serve` on the embedded store at one connection count, so the
// benchmark keeps building, keeps finding its server and keeps getting
// right answers to all six questions with no errors.
func TestSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out, progress bytes.Buffer
	err := run(ctx, []string{"-stores", "embedded", "-conns", "4", "-duration", "300ms", "-warmup", "0s", "-out", t.TempDir()},
		func(string) string { return "" }, &out, &progress)
	if err != nil {
		t.Fatalf("load: %v\nprogress:\n%s", err, progress.String())
	}
	for _, q := range questionNames() {
		row := "| embedded | " + q + " | 4 | "
		if !strings.Contains(out.String(), row) {
			t.Errorf("table has no row for %s:\n%s", q, out.String())
		}
	}
	if !strings.Contains(out.String(), "errors: 0") {
		t.Errorf("table does not report zero errors:\n%s", out.String())
	}
}

// TestLibrarySmoke runs the load benchmark briefly against hmkg on Neo4j
// and the Neo4j GraphQL Library on the same database (it empties it under
// the tests' lock and hmkg seeds the curated graph), so the library target
// keeps starting, keeps answering the same data as hmkg (the run fails
// otherwise) and gets its rows and ratios in the table. It needs NEO4J_URI
// and bench/neo4jlib's dependencies (scripts/neo4jlib-setup).
func TestLibrarySmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if os.Getenv("NEO4J_URI") == "" {
		t.Skip("NEO4J_URI is not set")
	}
	if _, err := os.Stat("../neo4jlib/node_modules/@neo4j/graphql"); err != nil {
		t.Skip("bench/neo4jlib has no node_modules: run scripts/neo4jlib-setup")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out, progress bytes.Buffer
	err := run(ctx, []string{"-stores", "neo4j,neo4jlib", "-conns", "2", "-duration", "300ms", "-warmup", "0s",
		"-neo4jlib-dir", "../neo4jlib", "-out", t.TempDir()}, os.Getenv, &out, &progress)
	if err != nil {
		t.Fatalf("load: %v\nprogress:\n%s", err, progress.String())
	}
	if !strings.Contains(progress.String(), "neo4jlib answers the same ids and counts as hmkg") {
		t.Errorf("no answer comparison reported:\n%s", progress.String())
	}
	for _, q := range questionNames() {
		for _, row := range []string{"| neo4jlib | " + q + " | 2 | ", "| " + q + " | 2 | "} {
			if !strings.Contains(out.String(), row) {
				t.Errorf("table has no row %q:\n%s", row, out.String())
			}
		}
	}
	if !strings.Contains(out.String(), "errors: 0") {
		t.Errorf("table does not report zero errors:\n%s", out.String())
	}
}

// TestResultError checks that what counts as an error does.
func TestResultError(t *testing.T) {
	for _, tc := range []struct {
		code int
		body string
		bad  bool
	}{
		{200, `{"data":{"node":null}}`, false},
		{200, `{"data":{"node":{"summary":"\"errors\" in text"}}}`, false},
		{200, `{"errors":[{"message":"boom"}],"data":null}`, true},
		{200, `{"data":null,"errors":[{"message":"late"}]}`, true},
		{500, `{"data":{}}`, true},
		{200, `<html>`, true},
	} {
		r := vegetaResult(tc.code, tc.body)
		if got := resultError(r) != ""; got != tc.bad {
			t.Errorf("status %d %s: error=%v, want %v", tc.code, tc.body, got, tc.bad)
		}
	}
}

func TestParseConfigRejects(t *testing.T) {
	for _, args := range [][]string{
		{"-stores", "postgres"}, {"-conns", "0"}, {"-conns", "x"}, {"-questions", "nope"}, {"-duration", "0s"}, {"extra"},
	} {
		if _, err := parseConfig(args, func(string) string { return "" }, &bytes.Buffer{}); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

func vegetaResult(code int, body string) *vegeta.Result {
	return &vegeta.Result{Code: uint16(code), Body: []byte(body)}
}

// TestLibraryDigests checks that an hmkg answer and the library's answer
// holding the same data have the same digest, whatever the shape and the
// order of the lists, and that a different relationship changes it.
func TestLibraryDigests(t *testing.T) {
	q := questionByName("challenged")
	hmkg := decode(t, `{"node":{"id":"a","relationships":{"nodes":[
		{"id":"b:CHALLENGED:a","year":1990,"summary":"s","sources":[{"id":"y"},{"id":"x"}],"from":{"id":"b"},"to":{"id":"a"}},
		{"id":"a:CHALLENGED:c","year":null,"summary":"t","sources":[{"id":"z"}],"from":{"id":"a"},"to":{"id":"c"}}]}}}`)
	lib := decode(t, `{"entities":[{"id":"a",
		"challengedConnection":{"edges":[{"properties":{"id":"a:CHALLENGED:c","year":null,"summary":"t","sources":[{"id":"z"}]},"node":{"id":"c"}}]},
		"challengedByConnection":{"edges":[{"properties":{"id":"b:CHALLENGED:a","year":1990,"summary":"s","sources":[{"id":"x"},{"id":"y"}]},"node":{"id":"b"}}]}}]}`)
	want, err := q.digest(hmkg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.libDigest(lib)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("same data, different digests:\n hmkg %s\n lib  %s", want, got)
	}
	// The same relationship seen from the other end is other data.
	flipped := decode(t, `{"entities":[{"id":"a",
		"challengedConnection":{"edges":[{"properties":{"id":"a:CHALLENGED:c","year":null,"summary":"t","sources":[{"id":"z"}]},"node":{"id":"c"}},
			{"properties":{"id":"b:CHALLENGED:a","year":1990,"summary":"s","sources":[{"id":"x"},{"id":"y"}]},"node":{"id":"b"}}]},
		"challengedByConnection":{"edges":[]}}]}`)
	if d, _ := q.libDigest(flipped); d == want {
		t.Errorf("a relationship in the wrong direction gives the same digest: %s", d)
	}
	if _, err := q.libDigest(decode(t, `{"entities":[]}`)); err == nil {
		t.Error("an empty answer has a digest")
	}

	p := questionByName("shortest-path")
	path := `{"shortestPath":{"length":2,"nodes":[{"id":"a"},{"id":"b"},{"id":"c"}],"relationships":[{"id":"r1"},{"id":"r2"}]}}`
	other := `{"shortestPath":{"length":2,"nodes":[{"id":"a"},{"id":"d"},{"id":"c"}],"relationships":[{"id":"r3"},{"id":"r4"}]}}`
	d1, _ := p.digest(decode(t, path))
	d2, _ := p.libDigest(decode(t, path))
	d3, _ := p.libDigest(decode(t, other))
	if d1 != d2 || d1 == d3 {
		t.Errorf("path digests: hmkg %q, library %q, other path %q", d1, d2, d3)
	}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
