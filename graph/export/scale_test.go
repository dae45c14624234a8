package export_test

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
)

// synthDoc is a synthetic graph of n nodes (mean degree 4) as a document.
func synthDoc(n int) *export.Document {
	d := synth.Generate(n, 4, 1)
	sub := &graph.Subgraph{Nodes: d.Nodes, Relationships: d.Relationships}
	return export.NewDocument(export.JSON, sub, d.Sources, export.Selection{}, &graph.Stats{DatasetName: d.Name, DatasetVersion: d.Version}, time.Unix(0, 0))
}

func benchNodes() int {
	if n, err := strconv.Atoi(os.Getenv("HMKG_EXPORT_BENCH_NODES")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

// countingDiscard counts what it throws away.
type countingDiscard struct{ n int64 }

func (c *countingDiscard) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkEncode encodes a synthetic graph (HMKG_EXPORT_BENCH_NODES
// nodes, default 10000) in each format; MB/s is output bytes.
func BenchmarkEncode(b *testing.B) {
	doc := synthDoc(benchNodes())
	for _, f := range export.Formats {
		b.Run(string(f), func(b *testing.B) {
			doc.Manifest.Format = f
			var w countingDiscard
			err := export.Encode(&w, f, doc)
			if f == export.KumuXLSX && graph.ErrorCode(err) == graph.EINVALID {
				b.Skipf("a worksheet cannot hold this graph: %v", err)
			}
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(w.n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := export.Encode(io.Discard, f, doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used so far;
// on a shared machine it says more about an encoder than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestScaleExport encodes a synthetic graph of HMKG_EXPORT_SCALE nodes
// (e.g. 1000000) in each format to a file and logs the time, output size
// and peak Go heap above the in-memory subgraph. Skipped unless set.
func TestScaleExport(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("HMKG_EXPORT_SCALE"))
	if n <= 0 {
		t.Skip("set HMKG_EXPORT_SCALE=1000000 to export a synthetic graph of that many nodes")
	}
	start := time.Now()
	doc := synthDoc(n)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	t.Logf("synthetic graph: %d nodes, %d relationships, %d sources; generated in %s; heap %d MiB",
		len(doc.Subgraph.Nodes), len(doc.Subgraph.Relationships), len(doc.Sources), time.Since(start).Round(time.Millisecond), base>>20)
	dir := t.TempDir()
	t.Logf("%-8s %10s %10s %12s %16s", "format", "wall", "cpu", "size", "peak heap above graph")
	for _, f := range export.Formats {
		runtime.GC()
		path := fmt.Sprintf("%s/export%s", dir, f.Extension())
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		var peak atomic.Uint64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // sample the heap while encoding
			defer wg.Done()
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		doc.Manifest.Format = f
		began, cpuBefore := time.Now(), cpuTime()
		err = export.Encode(out, f, doc)
		took, cpu := time.Since(began), cpuTime()-cpuBefore
		close(stop)
		wg.Wait()
		if err != nil {
			// Measure the other formats anyway; this one fails the test.
			t.Errorf("%s: %v", f, err)
			out.Close()
			os.Remove(path)
			continue
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		over := int64(peak.Load()) - int64(base)
		t.Logf("%-8s %10s %10s %9d MiB %13d MiB", f, took.Round(time.Millisecond), cpu.Round(time.Millisecond), st.Size()>>20, max(over, 0)>>20)
		os.Remove(path)
	}
}
