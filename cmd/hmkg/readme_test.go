package main

import (
	"os"
	"strings"
	"testing"
)

// readmeExamples returns every GraphQL document in README.md's graphql code
// blocks (a block may hold several, one after another), so the tests run
// the examples exactly as a reader would copy them.
func readmeExamples(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	blocks := strings.Split(string(b), "```graphql\n")
	for _, blk := range blocks[1:] {
		body, _, ok := strings.Cut(blk, "```")
		if !ok {
			t.Fatal("README.md: unterminated graphql block")
		}
		depth, start := 0, -1
		for i, c := range body {
			switch c {
			case '{':
				if depth == 0 {
					start = i
				}
				depth++
			case '}':
				depth--
				if depth == 0 && start >= 0 {
					docs = append(docs, body[start:i+1])
					start = -1
				}
			}
		}
	}
	return docs
}

// TestReadmeExamplesRunAsWritten sends each query document in README.md to
// a real server with the curated data and expects data, not errors. (The
// schema listing in README is not a document: it has no braces at top level.)
func TestReadmeExamplesRunAsWritten(t *testing.T) {
	docs := readmeExamples(t)
	if len(docs) < 5 {
		t.Fatalf("found %d GraphQL examples in README.md, want at least 5", len(docs))
	}
	s := startServer(t, t.TempDir())
	for _, doc := range docs {
		r := s.gql(t, doc, nil, "")
		if len(r.Errors) > 0 || len(r.Data) == 0 {
			t.Errorf("README example failed: %+v\n%s", r.Errors, doc)
			continue
		}
		for field, v := range r.Data {
			if v == nil {
				t.Errorf("README example gave null %s:\n%s", field, doc)
			}
		}
	}
}
