package neo4jstore

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
)

// Benchmarks of the store's reads on the curated dataset, each next to the
// same question asked as plain Cypher through the driver (…RawCypher), so
// that the store's overhead reads as a ratio. The raw statements are the
// simplest Cypher a person would write; they skip the store's filters,
// mapping and ordering, which is the overhead being measured.
//
//	eval "$(scripts/neo4j start)"
//	go test ./graph/neo4jstore -run '^$' -bench . -benchtime 200x

var benchStore *Store

// curatedStore returns a store holding the curated dataset, shared by the
// read benchmarks of one process.
func curatedStore(b *testing.B) *Store {
	b.Helper()
	if benchStore != nil {
		return benchStore
	}
	s := openStore(b)
	d, err := data.Curated()
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Import(context.Background(), d, "bench"); err != nil {
		b.Fatal(err)
	}
	// openStore closes s when this benchmark ends; later ones need their own.
	cfg := testConfig(b)
	s2, err := Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	benchStore = s2
	return s2
}

func rawDriver(b *testing.B) (neo4j.DriverWithContext, string) {
	b.Helper()
	cfg := testConfig(b)
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { drv.Close(context.Background()) })
	db := cfg.Database
	if db == "" {
		db = "neo4j"
	}
	return drv, db
}

func rawQuery(b *testing.B, drv neo4j.DriverWithContext, db, cypher string, params map[string]any) {
	b.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), drv, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(db), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Records) == 0 {
		b.Fatal("raw query returned nothing")
	}
}

const benchSearchText = "mental health"

func BenchmarkSearch(b *testing.B) {
	s := curatedStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		hits, err := s.Search(ctx, graph.SearchQuery{Text: benchSearchText, Limit: 10})
		if err != nil || len(hits) == 0 {
			b.Fatal(err, len(hits))
		}
	}
}

func BenchmarkSearchRawCypher(b *testing.B) {
	curatedStore(b)
	drv, db := rawDriver(b)
	const q = `CALL db.index.fulltext.queryNodes('node_search', $q) YIELD node, score
RETURN node, score ORDER BY score DESC LIMIT 10`
	b.ResetTimer()
	for b.Loop() {
		rawQuery(b, drv, db, q, map[string]any{"q": "mental OR health"})
	}
}

func BenchmarkNeighbourhood2Hop(b *testing.B) {
	s := curatedStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		sg, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 2})
		if err != nil || len(sg.Nodes) < 2 {
			b.Fatal(err)
		}
	}
}

func BenchmarkNeighbourhood2HopRawCypher(b *testing.B) {
	curatedStore(b)
	drv, db := rawDriver(b)
	const q = `MATCH (s:Node {id: $id})-[*0..2]-(m)
WITH collect(DISTINCT m) AS ns
UNWIND ns AS a
OPTIONAL MATCH (a)-[r]->(b) WHERE b IN ns
RETURN ns, collect(r) AS rs`
	b.ResetTimer()
	for b.Loop() {
		rawQuery(b, drv, db, q, map[string]any{"id": "act-up"})
	}
}

func BenchmarkShortestPath(b *testing.B) {
	s := curatedStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		ps, err := s.ShortestPaths(ctx, graph.PathQuery{From: "act-up", To: "nhs-england"})
		if err != nil || len(ps) != 1 {
			b.Fatal(err, len(ps))
		}
	}
}

func BenchmarkShortestPathRawCypher(b *testing.B) {
	curatedStore(b)
	drv, db := rawDriver(b)
	const q = `MATCH p = SHORTEST 1 (a:Node {id: $from})-[]-{1,10}(b:Node {id: $to}) RETURN p`
	b.ResetTimer()
	for b.Loop() {
		rawQuery(b, drv, db, q, map[string]any{"from": "act-up", "to": "nhs-england"})
	}
}

// BenchmarkImportSynthetic measures the loader: one atomic Import of a
// synthetic graph, by default 400,000 nodes and 1,000,000 relationships
// (HMKG_SYNTHETIC_NODES and HMKG_SYNTHETIC_DEGREE change it; HMKG_IMPORT_BATCH
// the rows per statement, default the store's 5,000). It reports rels/s and records/s
// overall and prints progress on stderr; the store logs the staging and
// publish times. The import is staged (stage.go): the publish removes one
// label a new node, about 700 bytes of Neo4j transaction memory a node, so
// the default 400k nodes publish with Neo4j's default 1 GB heap. With
// HMKG_NEO4J_PID set to the server's process id it also prints the
// server's CPU time.
func BenchmarkImportSynthetic(b *testing.B) {
	nodes, degree := envInt("HMKG_SYNTHETIC_NODES", 400_000), envInt("HMKG_SYNTHETIC_DEGREE", 5)
	d := synth.Generate(nodes, degree, 1)
	b.Logf("synthetic graph: %d sources, %d nodes, %d relationships", len(d.Sources), len(d.Nodes), len(d.Relationships))
	benchStore = nil // the wipe below empties the curated store
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := openStore(b)
		if n := envInt("HMKG_IMPORT_BATCH", 0); n > 0 {
			s.batch = n
		}
		last := time.Now()
		s.progress = func(done, all int) {
			if time.Since(last) > 5*time.Second {
				last = time.Now()
				fmt.Fprintf(os.Stderr, "import: %d/%d records\n", done, all)
			}
		}
		pid, _ := strconv.Atoi(os.Getenv("HMKG_NEO4J_PID"))
		cpu0, load0 := cpuTicks(pid), loadAvg()
		b.StartTimer()
		start := time.Now()
		if err := s.Import(context.Background(), d, "bench"); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		total += took
		if pid > 0 {
			// The server's CPU (HMKG_NEO4J_PID names its process), as in
			// BenchmarkImportFloor.
			cpu := float64(cpuTicks(pid)-cpu0) / 100
			fmt.Fprintf(os.Stderr, "import: %.1f s, neo4j cpu %.1f s (%.1f µs a record, %.2f cores), load %s -> %s\n",
				took.Seconds(), cpu, cpu*1e6/float64(len(d.Relationships)+len(d.Nodes)+len(d.Sources)),
				cpu/took.Seconds(), load0, loadAvg())
		}
	}
	b.ReportMetric(float64(len(d.Relationships)*b.N)/total.Seconds(), "rels/s")
	b.ReportMetric(float64((len(d.Relationships)+len(d.Nodes)+len(d.Sources))*b.N)/total.Seconds(), "records/s")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func init() {
	if os.Getenv("HMKG_DEBUG") != "" {
		slog.SetLogLoggerLevel(slog.LevelDebug)
	}
}
