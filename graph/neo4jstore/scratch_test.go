package neo4jstore

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
)

func TestScratchTimes(t *testing.T) {
	if os.Getenv("HMKG_SCRATCH") == "" {
		t.Skip()
	}
	s := openStore(t)
	d, _ := data.Curated()
	ctx := context.Background()
	if err := s.Import(ctx, d, "x"); err != nil {
		t.Fatal(err)
	}
	page, params, _ := planPageStatement(graph.PagePlan{Fields: &graph.Fields{},
		Query: graph.NodeQuery{Filter: &graph.NodeFilter{Kinds: []graph.Kind{graph.KindMovement}},
			OrderBy: []*graph.NodeOrder{{Field: graph.OrderByName}}, Limit: 20},
		Rels: &graph.RelPlan{Query: graph.RelQuery{Direction: graph.DirectionIn, Types: []graph.RelType{graph.RelPartOf}}, Endpoints: true, Fields: &graph.Fields{}}})
	stmts := map[string]struct {
		c string
		p map[string]any
	}{
		"ours": {page, params},
		"hand": {`MATCH (m:Movement)
WITH m ORDER BY toLower(m.name), m.name, m.id LIMIT 20
OPTIONAL MATCH (o:Organisation)-[:PART_OF]->(m)
RETURN m.id, m.name, collect(o {.id, .name}) AS organisations`, nil},
	}
	if v := os.Getenv("HMKG_SCRATCH_STMT"); v != "" {
		b, _ := os.ReadFile(v)
		stmts["file"] = struct {
			c string
			p map[string]any
		}{string(b), params}
	}
	tot := map[string]time.Duration{}
	for i := 0; i < 160; i++ {
		for name, st := range stmts {
			t0 := time.Now()
			_, err := neo4j.ExecuteQuery(ctx, s.driver, st.c, st.p, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithReadersRouting())
			if err != nil {
				t.Fatal(name, err)
			}
			if i >= 10 {
				tot[name] += time.Since(t0)
			}
		}
	}
	for name, st := range stmts {
		res, err := neo4j.ExecuteQuery(ctx, s.driver, "PROFILE "+st.c, st.p, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db))
		if err != nil {
			t.Fatal(err)
		}
		a := res.Summary.Profile().Arguments()
		t.Logf("%s: runtime %v planner %v time %v", name, a["runtime"], a["planner"], a["GlobalMemory"])
	}
	for k, v := range tot {
		t.Logf("%s: %v", k, v/150)
	}
	t.Log(page)
}
