package neo4jstore

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/bench/synth"
)

// BenchmarkImportFloor measures what Neo4j itself does on this machine for
// the statements an import is made of, without the store around them: the
// floor under BenchmarkImportSynthetic. On the synthetic graph's nodes and
// relationships (HMKG_SYNTHETIC_NODES, default 400,000; HMKG_FLOOR_RELS
// relationships a variant, default 250,000), batches of HMKG_IMPORT_BATCH
// rows (default 5,000), HMKG_FLOOR_WORKERS transactions in flight (default
// 2), it creates
//
//   - nodes with no label index and no property ("nodes-bare"), with the
//     import's properties under a label no index covers ("nodes-props"),
//     and as staging does, under :Node with the store's schema (seven
//     range indexes, the id uniqueness constraint, the full-text index);
//   - relationships between the indexed nodes found by element id, with no
//     property, with the import's properties, with those and the id
//     uniqueness constraint, with those and a plain range index on id, and
//     with parameters as lists instead of maps (one relationship type a
//     variant, so that the variants do not share indexes).
//
// Each variant reports rows/s and, when HMKG_NEO4J_PID names the server's
// process, the server's CPU time a row (from /proc). Run it against a Neo4j
// of your own: it wipes the database.
//
//	HMKG_NEO4J_PID=$(cat /tmp/hmkg-neo4j-import/pid) go test -run '^$' \
//	  -bench ImportFloor -benchtime 1x -timeout 60m ./graph/neo4jstore
func BenchmarkImportFloor(b *testing.B) {
	nodes := envInt("HMKG_SYNTHETIC_NODES", 400_000)
	d := synth.Generate(nodes, 5, 1)
	nRels := min(envInt("HMKG_FLOOR_RELS", 250_000), len(d.Relationships))
	batch, workers := envInt("HMKG_IMPORT_BATCH", 5000), envInt("HMKG_FLOOR_WORKERS", 2)
	only := os.Getenv("HMKG_FLOOR_ONLY") // a comma-separated list of variants, or all
	want := func(name string) bool {
		return only == "" || strings.Contains(","+only+",", ","+name+",")
	}
	s := openStore(b) // wiped, with the store's schema
	benchStore = nil
	ctx := context.Background()
	drv, db := rawDriver(b)
	pid, _ := strconv.Atoi(os.Getenv("HMKG_NEO4J_PID"))

	ddl := func(cypher string) {
		b.Helper()
		if _, err := neo4j.ExecuteQuery(ctx, drv, cypher, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(db)); err != nil {
			b.Fatal(err)
		}
	}
	// run sends rows in batches through cypher, workers transactions at a
	// time, and reports the rate and the server's CPU a row. keep, when
	// set, receives each batch's records.
	run := func(name, cypher string, rows []any, keep func([]*neo4j.Record)) {
		b.Helper()
		batch, workers := batch, workers
		cpu0, load0 := cpuTicks(pid), loadAvg()
		start := time.Now()
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			first error
		)
		sem := make(chan struct{}, workers)
		for i := 0; i < len(rows); i += batch {
			part := rows[i:min(i+batch, len(rows))]
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db, AccessMode: neo4j.AccessModeWrite})
				defer sess.Close(ctx)
				recs, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
					res, err := tx.Run(ctx, cypher, map[string]any{"rows": part})
					if err != nil {
						return nil, err
					}
					return res.Collect(ctx)
				})
				mu.Lock()
				defer mu.Unlock()
				if err != nil && first == nil {
					first = err
				}
				if err == nil && keep != nil {
					keep(recs.([]*neo4j.Record))
				}
			}()
		}
		wg.Wait()
		if first != nil {
			b.Fatalf("%s: %v", name, first)
		}
		took := time.Since(start)
		rate := float64(len(rows)) / took.Seconds()
		line := fmt.Sprintf("floor %-22s %8d rows %7.1f s %8.0f rows/s", name, len(rows), took.Seconds(), rate)
		if pid > 0 {
			cpu := float64(cpuTicks(pid)-cpu0) / 100
			line += fmt.Sprintf("  neo4j cpu %6.1f s (%5.1f µs/row, %.2f cores)", cpu, cpu*1e6/float64(len(rows)), cpu/took.Seconds())
		}
		line += fmt.Sprintf("  load %s -> %s", load0, loadAvg())
		fmt.Fprintln(os.Stderr, line)
		b.ReportMetric(rate, strings.NewReplacer(":", "-", " ", "-").Replace(name)+"-rows/s")
	}

	rows := rowsOf(nil, d.Nodes, d.Relationships[:nRels])
	bare := make([]any, len(rows.nodes))
	for i := range bare {
		bare[i] = map[string]any{}
	}
	if want("nodes-bare") {
		run("nodes-bare", `UNWIND $rows AS row CREATE (n:FloorBare) RETURN elementId(n) AS eid`, bare, nil)
	}
	if want("nodes-props") {
		run("nodes-props", `UNWIND $rows AS row CREATE (n:FloorProps) SET n = row.props RETURN elementId(n) AS eid`, rows.nodes, nil)
	}
	if want("nodes-ranges") {
		// The store's seven range indexes and constraint, on a label of their own.
		ddl("CREATE CONSTRAINT floor_node_id IF NOT EXISTS FOR (n:FloorRanges) REQUIRE n.id IS UNIQUE")
		for _, p := range []string{"kind", "category", "since", "name", "publisher"} {
			ddl("CREATE INDEX floor_node_" + p + " IF NOT EXISTS FOR (n:FloorRanges) ON (n." + p + ")")
		}
		ddl("CALL db.awaitIndexes(300)")
		run("nodes-ranges", `UNWIND $rows AS row CREATE (n:FloorRanges) SET n = row.props RETURN elementId(n) AS eid`, rows.nodes, nil)
	}
	if want("nodes-fulltext") {
		ddl("CREATE FULLTEXT INDEX floor_node_search IF NOT EXISTS FOR (n:FloorFulltext) ON EACH [n.searchText] " +
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}")
		ddl("CALL db.awaitIndexes(300)")
		run("nodes-fulltext", `UNWIND $rows AS row CREATE (n:FloorFulltext) SET n = row.props RETURN elementId(n) AS eid`, rows.nodes, nil)
	}
	eids := make(map[string]string, len(rows.nodes))
	run("nodes-indexed", cypherStageNodes, rows.nodes, func(recs []*neo4j.Record) {
		for _, r := range recs {
			id, _ := value(r, "id").(string)
			eids[id], _ = value(r, "eid").(string)
		}
	})

	relMaps := make([]any, len(rows.rels))
	lists := make([]any, len(rows.rels))
	for i, row := range rows.rels {
		m := row.(map[string]any)
		p := m["props"].(map[string]any)
		m["a"], m["b"] = eids[m["from"].(string)], eids[m["to"].(string)]
		relMaps[i] = m
		lists[i] = []any{m["a"], m["b"], p["id"], p["sources"], p["year"], p["summary"], p["tensions"]}
	}
	const match = `UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
`
	named := `{` + stagedRelProps + `}`
	if want("rels-bare") {
		run("rels-bare", match+`CREATE (a)-[:FLOOR_BARE]->(b)`, relMaps, nil)
	}
	if want("rels-props") {
		run("rels-props", match+`CREATE (a)-[:FLOOR_PROPS `+named+`]->(b)`, relMaps, nil)
	}
	if want("rels-props-unique") {
		ddl("CREATE CONSTRAINT floor_uniq IF NOT EXISTS FOR ()-[r:FLOOR_UNIQ]-() REQUIRE r.id IS UNIQUE")
		run("rels-props-unique", match+`CREATE (a)-[:FLOOR_UNIQ `+named+`]->(b)`, relMaps, nil)
	}
	if want("rels-props-index") {
		ddl("CREATE INDEX floor_idx IF NOT EXISTS FOR ()-[r:FLOOR_IDX]-() ON (r.id)")
		ddl("CALL db.awaitIndexes(300)")
		run("rels-props-index", match+`CREATE (a)-[:FLOOR_IDX `+named+`]->(b)`, relMaps, nil)
	}
	if want("rels-props-lists") {
		run("rels-props-lists", `UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[0]
MATCH (b) WHERE elementId(b) = row[1]
CREATE (a)-[:FLOOR_LISTS {id: row[2], sources: row[3], year: row[4], summary: row[5], tensions: row[6]}]->(b)`, lists, nil)
	}
	if want("rels-staged") {
		// What staging runs: checked endpoints, one type, the constraint.
		run("rels-staged", strings.Replace(cypherStageRels["CHALLENGED"], ":CHALLENGED", ":FLOOR_STAGED", 1), relMaps, nil)
	}
	if os.Getenv("HMKG_FLOOR_SWEEP") != "" {
		sweep(b, ddl, func(bt, w int, name, cypher string, rows []any) {
			saved := [2]int{batch, workers}
			batch, workers = bt, w
			run(name, cypher, rows, nil)
			batch, workers = saved[0], saved[1]
		}, rows, relMaps)
	}
	_ = s
}

// sweep compares batch sizes, transactions in flight and the order of the
// relationships (as generated, or sorted by start node) on what staging
// runs, each configuration twice in the order A B C … C B A so that a
// change of the machine's load weighs on all alike. Every run creates its
// own nodes (ids suffixed) and relationships (a type of its own, with the
// id constraint, as the store's types have).
func sweep(b *testing.B, ddl func(string), run func(batch, workers int, name, cypher string, rows []any), nodes importRows, rels []any) {
	type config struct {
		batch, workers int
		sorted         bool
	}
	configs := []config{{10000, 2, false}, {5000, 2, false}, {2000, 2, false}, {5000, 2, true}, {2000, 2, true}, {2000, 3, true}}
	nNodes := min(envInt("HMKG_FLOOR_SWEEP_NODES", 50_000), len(nodes.nodes))
	sorted := slices.Clone(rels)
	slices.SortStableFunc(sorted, func(x, y any) int {
		return strings.Compare(x.(map[string]any)["a"].(string), y.(map[string]any)["a"].(string))
	})
	k := 0
	for rep := range 2 {
		for i := range configs {
			c := configs[i]
			if rep == 1 {
				c = configs[len(configs)-1-i]
			}
			k++
			name := fmt.Sprintf("b%d-w%d-sorted:%v", c.batch, c.workers, c.sorted)
			rows := make([]any, nNodes)
			for j, r := range nodes.nodes[:nNodes] {
				m := r.(map[string]any)
				p := maps.Clone(m["props"].(map[string]any))
				p["id"] = fmt.Sprintf("%s~%d", p["id"], k)
				rows[j] = map[string]any{"label": m["label"], "props": p}
			}
			run(c.batch, c.workers, "nodes-"+name, cypherStageNodes, rows)
			typ := fmt.Sprintf("FLOOR_SWEEP_%d", k)
			ddl(fmt.Sprintf("CREATE CONSTRAINT floor_sweep_%d IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE", k, typ))
			src := rels
			if c.sorted {
				src = sorted
			}
			run(c.batch, c.workers, "rels-"+name, strings.Replace(cypherStageRels["CHALLENGED"], ":CHALLENGED", ":"+typ, 1), src)
		}
	}
}

// cpuTicks is the user and system CPU time of process pid in clock ticks
// (1/100 s), or 0 when pid is 0 or unreadable.
func cpuTicks(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(raw))[0]
}
