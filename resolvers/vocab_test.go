package resolvers

import (
	"os"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
)

// TestVocabularyAgrees proves that the one Go list of each vocabulary and
// the schema's enum say the same thing, in the same order: adding a kind,
// relationship type or export format is one Go list entry plus one schema
// value, and this test names whichever of the two was forgotten.
func TestVocabularyAgrees(t *testing.T) {
	src, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if gerr != nil {
		t.Fatalf("parse schema: %v", gerr)
	}
	for _, c := range []struct {
		enum string
		go_  []string
	}{
		{"NodeKind", strs(graph.Kinds)},
		{"RelationshipType", strs(graph.RelTypes)},
		{"ExportFormat", strs(export.Formats)},
		{"Direction", strs([]graph.Direction{graph.DirectionOut, graph.DirectionIn, graph.DirectionBoth})},
		{"NodeOrderField", strs([]graph.OrderField{graph.OrderByName, graph.OrderByYear, graph.OrderByKind, graph.OrderByID, graph.OrderByDegree})},
		{"OrderDirection", strs([]graph.OrderDirection{graph.Asc, graph.Desc})},
	} {
		def := schema.Types[c.enum]
		if def == nil || def.Kind != ast.Enum {
			t.Errorf("schema has no enum %s", c.enum)
			continue
		}
		var inSchema []string
		for _, v := range def.EnumValues {
			inSchema = append(inSchema, v.Name)
		}
		if !slices.Equal(inSchema, c.go_) {
			t.Errorf("enum %s: schema.graphqls has %v, Go has %v", c.enum, inSchema, c.go_)
		}
	}
	// Every node kind has its GraphQL object type, named by Kind.Label.
	for _, k := range graph.Kinds {
		def := schema.Types[k.Label()]
		if def == nil || def.Kind != ast.Object {
			t.Errorf("kind %s has no object type %s in schema.graphqls", k, k.Label())
		}
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// TestCostUsesSchemaDefaults: the cost of an omitted argument is priced at
// the schema's default (one place states it), not at a copy in Go.
func TestCostUsesSchemaDefaults(t *testing.T) {
	for _, c := range []struct{ typ, field, arg string }{
		{"Node", "relationships", "first"}, {"Query", "nodes", "first"}, {"Query", "search", "first"},
		{"Query", "neighbourhood", "limit"}, {"Query", "paths", "first"}, {"Query", "changes", "first"},
		{"Query", "disputes", "first"}, {"Query", "stories", "first"}, {"Tension", "episodes", "first"},
	} {
		if _, ok := DefaultInt(c.typ, c.field, c.arg); !ok {
			t.Errorf("%s.%s(%s) has no default in schema.graphqls: its cost would be priced at its cap", c.typ, c.field, c.arg)
		}
	}
}
