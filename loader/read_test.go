package loader_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/loader"
)

// problemsOf loads files into a fresh store and returns the problems of the
// expected EINVALID error.
func problemsOf(t *testing.T, files ...string) []string {
	t.Helper()
	s := memstore.New()
	t.Cleanup(func() { s.Close() })
	_, err := loader.Load(context.Background(), s, files, loader.Options{})
	if graph.ErrorCode(err) != graph.EINVALID {
		t.Fatalf("load %v: %v, want an EINVALID error", files, err)
	}
	return graph.ErrorProblems(err)
}

func wantProblems(t *testing.T, got []string, want ...string) {
	t.Helper()
	all := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("problems do not include %q; got:\n%s", w, all)
		}
	}
}

// TestSchemaProblemsEveryOneWithPosition: every schema problem of every
// record of every file is reported in one go, each at its line and column,
// and a syntax error stops only its own file, at the byte where the JSON
// breaks.
func TestSchemaProblemsEveryOneWithPosition(t *testing.T) {
	typed := write(t, "typed.json", `{"name": 7,
 "nodes": [{"id": "a", "kind": "EVENT", "nmae": "A", "year": "1990", "sources": [1]},
  {"id": "b", "kind": "EVENT", "name": "B", "sources": ["s"], "zz": true},
  5],
 "relationships": {"a": 1},
 "extra": [1, 2]}`)
	syntax := write(t, "syntax.json", "{\n  \"nodes\": [\n    {\"id\": \"a\",}\n  ]\n}")
	junk := write(t, "junk.json", "{x")
	cut := write(t, "cut.json", `{"nodes": [{"id": "a"}`)
	comma := write(t, "comma.json", "{\"sources\": [\n {\"id\": \"a\"}\n {\"id\": \"b\"}]}")
	empty := write(t, "empty.json", "")
	list := write(t, "list.json", "[1]")
	trailing := write(t, "trailing.json", "{}\n{}")
	missing := filepath.Join(t.TempDir(), "missing.json")
	ps := problemsOf(t, typed, syntax, junk, cut, comma, empty, list, trailing, missing)
	wantProblems(t, ps,
		"typed.json:1:10: name: expected a string, found a number",
		`typed.json:2:41: nodes[0] "a": unknown field "nmae"`,
		`typed.json:2:62: nodes[0] "a": year: expected a whole number, found a string`,
		`typed.json:2:81: nodes[0] "a": sources: expected a list of strings, found a number in it`,
		`typed.json:3:63: nodes[1] "b": unknown field "zz"`,
		`typed.json:4:3: nodes[2]: a record must be a JSON object, found the number 5`,
		`typed.json:5:19: relationships must be a list of records, found an object`,
		`typed.json:6:2: unknown field "extra"`,
		`syntax.json:3:16: invalid JSON: invalid character '}' looking for beginning of object key string`,
		`junk.json:1:2: invalid JSON: invalid character 'x' looking for beginning of object key string`,
		`cut.json:1:23: unexpected end of file`,
		`comma.json:3:2: invalid JSON: expected comma after array element`,
		`empty.json:1:1: the file is empty`,
		`list.json:1:1: a dataset is a JSON object with sources, nodes and relationships, found a list`,
		`trailing.json:2:1: unexpected data (an object) after the dataset object`,
		"missing.json: no such file",
	)
	if len(ps) != 16 {
		t.Errorf("%d problems, want 16:\n%s", len(ps), strings.Join(ps, "\n"))
	}
}

// TestProblemsAreCapped: a file with a problem in each of 5,000 records
// lists MaxProblems of them and counts the rest.
func TestProblemsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"nodes": [`)
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"id": "n-%d", "kind": "EVENT", "name": "N", "sources": ["s"], "colour": "red"}`, i)
	}
	b.WriteString("]}")
	ps := problemsOf(t, write(t, "many.json", b.String()))
	if len(ps) != loader.MaxProblems+1 {
		t.Fatalf("%d problems listed, want %d", len(ps), loader.MaxProblems+1)
	}
	wantProblems(t, ps, `many.json:1000:65: nodes[999] "n-999": unknown field "colour"`, "and 4000 more problem(s) not listed")
}

// TestJunkFailsFastInLittleMemory loads 32 MiB of junk named .json: the
// error comes from the first bytes, and the load allocates a small fixed
// amount, not the file (the old loader read the whole file to place the
// error: 32 MiB and more here).
func TestJunkFailsFastInLittleMemory(t *testing.T) {
	const size = 32 << 20
	p := filepath.Join(t.TempDir(), "junk.json")
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString("{x")
	chunk := []byte(strings.Repeat("junk ", 1<<16))
	for n := 0; n < size; n += len(chunk) {
		fh.Write(chunk)
	}
	fh.Close()
	s := memstore.New()
	defer s.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = loader.Load(context.Background(), s, []string{p}, loader.Options{})
	runtime.ReadMemStats(&after)
	wantProblems(t, graph.ErrorProblems(err), "junk.json:1:2: invalid JSON")
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes", alloc)
	if alloc > 1<<20 {
		t.Errorf("loading 32 MiB of junk allocated %d bytes; want under 1 MiB", alloc)
	}
}

// TestReadMemoryFollowsRecordsNotBytes loads a file whose nodes all carry
// a 64 KiB summary and an unknown field: every record is reported and
// dropped, so the heap held at the end is the problems, not the 32 MiB.
func TestReadMemoryFollowsRecordsNotBytes(t *testing.T) {
	summary := strings.Repeat("x", 64<<10)
	p := filepath.Join(t.TempDir(), "big.json")
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString(`{"nodes": [`)
	for i := range 512 {
		if i > 0 {
			fh.WriteString(",")
		}
		fmt.Fprintf(fh, `{"id": "n-%d", "kind": "EVENT", "name": "N", "summary": %q, "sources": ["s"], "colour": "red"}`, i, summary)
	}
	fh.WriteString("]}")
	fh.Close()
	s := memstore.New()
	defer s.Close()
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			default:
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			runtime.Gosched()
		}
	}()
	defer debug.SetGCPercent(debug.SetGCPercent(10)) // keep garbage out of the peak
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	_, err = loader.Load(context.Background(), s, []string{p}, loader.Options{})
	close(stop)
	<-done
	if n := len(graph.ErrorProblems(err)); n != 512 {
		t.Fatalf("%d problems, want 512: %v", n, err)
	}
	grew := int64(peak) - int64(base.HeapInuse)
	t.Logf("heap grew by %d bytes at most", grew)
	if grew > 10<<20 {
		t.Errorf("reading a 32 MiB file of rejected records grew the heap by %d bytes; want under 10 MiB", grew)
	}
}

// TestPrepareTellsMapsFromDatasets: a Kumu blueprint named .json is a map
// (and needs its source named), a dataset .json is a dataset, and a
// workbook extension is a map whatever the flags.
func TestPrepareTellsMapsFromDatasets(t *testing.T) {
	_, err := loader.Prepare([]string{write(t, "map.json", kumuMap)}, loader.Options{})
	wantProblems(t, graph.ErrorProblems(err), "--source-id is required", "--source-title is required", "--source-url is required")
	p, err := loader.Prepare([]string{write(t, "map.json", kumuMap)}, loader.Options{Map: mapOpts})
	if err != nil || p.Format() != "kumu" {
		t.Errorf("Kumu blueprint: format %q, %v", p.Format(), err)
	}
	// A dataset whose first keys are not sections is sniffed past them.
	p, err = loader.Prepare([]string{write(t, "d.json", `{"name":"x","description":{"a":[1]},"nodes":[]}`)}, loader.Options{})
	if err != nil || p.Format() != "" {
		t.Errorf("dataset: format %q, %v", p.Format(), err)
	}
	if _, err := loader.Prepare([]string{write(t, "d.json", nodesFile)}, loader.Options{DatasetName: " padded "}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("a dataset name with spaces around it: %v", err)
	}
}

// TestReadStopsWhenCancelled: a cancelled load stops reading and says so.
func TestReadStopsWhenCancelled(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"sources": [`)
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "s-%d", "title": "S", "url": "https://example.org/%d"}`, i, i)
	}
	b.WriteString("]}")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := memstore.New()
	defer s.Close()
	_, err := loader.Load(ctx, s, []string{write(t, "big.json", b.String())}, loader.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled load: %v", err)
	}
}
