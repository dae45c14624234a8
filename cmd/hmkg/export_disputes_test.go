package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestExportIncludeDisputed: hmkg export keeps contested relationships by
// default and leaves them out with --include-disputed=false.
func TestExportIncludeDisputed(t *testing.T) {
	_, getenv := loadedDataDir(t)
	const rel = `"id":"judith-heumann:LED:section-504-sit-in:1977"`
	export := func(extra ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args := append([]string{"export", "--format", "json", "--seed", "section-504-sit-in"}, extra...)
		if err := run(context.Background(), args, getenv, &stdout, &stderr); err != nil {
			t.Fatalf("export %v: %v\n%s", extra, err, stderr.String())
		}
		return stdout.String()
	}
	if with := export(); !strings.Contains(with, rel) || !strings.Contains(with, `"status":"DISPUTED"`) {
		t.Errorf("default export lacks the disputed relationship, marked")
	}
	if without := export("--include-disputed=false"); strings.Contains(without, rel) {
		t.Errorf("--include-disputed=false kept the disputed relationship")
	}
}
