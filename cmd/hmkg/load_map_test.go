package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestLoadMap exports the curated graph as a Kumu workbook with `hmkg
// export`, loads it into an empty store with `hmkg load` (format
// detected), and checks the counts; loading it again changes nothing.
func TestLoadMap(t *testing.T) {
	_, getenv := loadedDataDir(t)
	ctx := context.Background()
	xlsx := filepath.Join(t.TempDir(), "map.xlsx")
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"export", "--format", "kumu-xlsx", "--all", "-o", xlsx}, getenv, &stdout, &stderr); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	dir := t.TempDir()
	fresh := func(k string) string {
		return map[string]string{"HMKG_STORE": "embedded", "HMKG_DATA_DIR": dir, "HMKG_LOG_LEVEL": "warn"}[k]
	}
	args := []string{"load", "--source-id", "kumu-map", "--source-title", "Our Kumu map", "--source-url", "https://kumu.io/x/map", xlsx}
	for i := 0; i < 2; i++ {
		stdout.Reset()
		stderr.Reset()
		if err := run(ctx, args, fresh, &stdout, &stderr); err != nil {
			t.Fatalf("load: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "(kumu-xlsx map, citing kumu-map)") {
			t.Errorf("stdout = %q", stdout.String())
		}
	}
	count := func(getenv func(string) string) (n, r int) {
		t.Helper()
		var out bytes.Buffer
		stderr.Reset()
		if err := run(ctx, []string{"export", "--format", "json", "--all"}, getenv, &out, &stderr); err != nil {
			t.Fatalf("export json: %v\n%s", err, stderr.String())
		}
		var doc struct{ Nodes, Edges []any }
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		return len(doc.Nodes), len(doc.Edges)
	}
	n1, r1 := count(getenv)
	n2, r2 := count(fresh)
	if n1 != n2 || r1 != r2 || n1 < 10 {
		t.Errorf("curated %d nodes %d relationships; after loading its Kumu workbook twice %d, %d", n1, r1, n2, r2)
	}
}

// TestLoadMapProblems: a map without its source, with a bad mapping file,
// is refused with every problem listed; an Onodo workbook whose relation
// names an existing hmkg node id loads.
func TestLoadMapProblems(t *testing.T) {
	_, getenv := loadedDataDir(t)
	ctx := context.Background()
	dir := t.TempDir()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Nodes")
	f.NewSheet("Relations")
	for i, row := range [][]any{{"Name", "Type", "Description"}, {"Clinic Defence Network", "Activist group", "Mutual aid"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Nodes", cell, &row)
	}
	for i, row := range [][]any{{"Source", "Target", "Type", "Directed", "At"}, {"Clinic Defence Network", "act-up", "Inspired by", true, 1995}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Relations", cell, &row)
	}
	book := filepath.Join(dir, "onodo.xlsx")
	if err := f.SaveAs(book); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"kinds": {"Activist group": "GROUP"}}`), 0o644)
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"load", "--mapping", bad, book}, getenv, &stdout, &stderr)
	if err == nil {
		t.Fatal("load without a source succeeded")
	}
	for _, want := range []string{"--source-id is required", "--source-title is required", "--source-url is required",
		`bad.json: kinds: "Activist group" maps to unknown kind "GROUP"`, "nothing was imported"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
		}
	}
	good := filepath.Join(dir, "mapping.json")
	os.WriteFile(good, []byte(`{"kinds": {"Activist group": "MOVEMENT"}, "relationships": {"Inspired by": {"type": "INSPIRED", "reverse": true}}}`), 0o644)
	stderr.Reset()
	err = run(ctx, []string{"load", "--mapping", good, "--source-id", "onodo-map", "--source-title", "Onodo map", "--source-url", "https://onodo.org/x", book}, getenv, &stdout, &stderr)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, stderr.String())
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"export", "--format", "kumu", "--seed", "clinic-defence-network", "--depth", "1"}, getenv, &out, &stderr); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(out.String(), `"id":"act-up:INSPIRED:clinic-defence-network:1995"`) {
		t.Errorf("the imported relation is missing:\n%s", out.String())
	}
}

// TestLoadKeepsDatasetName: `hmkg load` of a file that declares its own
// name keeps the store's; --dataset-name renames it.
func TestLoadKeepsDatasetName(t *testing.T) {
	_, getenv := loadedDataDir(t)
	ctx := context.Background()
	f := filepath.Join(t.TempDir(), "extra.json")
	os.WriteFile(f, []byte(`{"name":"extra","version":"7","sources":[{"id":"src-extra","title":"Extra","url":"https://example.org/x"}]}`), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"load", f}, `into dataset "health-movements"`},
		{[]string{"load", "--dataset-name", "my graph", f}, `into dataset "my graph"`},
		{[]string{"load", f}, `into dataset "my graph"`},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(ctx, c.args, getenv, &stdout, &stderr); err != nil {
			t.Fatalf("%v: %v\n%s", c.args, err, stderr.String())
		}
		if !strings.Contains(stdout.String(), c.want) {
			t.Errorf("%v: stdout = %q, want %s", c.args, stdout.String(), c.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"export", "--format", "json", "--seed", "act-up", "--depth", "0"}, getenv, &stdout, &stderr); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"my graph"`) {
		t.Errorf("the export manifest does not carry the dataset name:\n%.400s", stdout.String())
	}
}
