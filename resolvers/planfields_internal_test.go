package resolvers

import (
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/hmkg/hmkg/resolvers/generated"
)

// TestBareOnlyWhenNothingCites checks when planned reads may leave out the
// nodes' and relationships' source ids, tension ids and status
// (graph.Fields.Bare): only when no field that reads them is selected,
// anywhere in the operation, fragments included.
func TestBareOnlyWhenNothingCites(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	for _, c := range []struct {
		doc  string
		bare bool
	}{
		{`{ nodes(kinds: [MOVEMENT], first: 20) { nodes { id name ... on Movement { organisations { id name } } } } }`, true},
		{`{ node(id: "act-up") { relationships { nodes { id type from { id } to { name } } } } }`, true},
		{`{ node(id: "act-up") { id sources { id } } }`, false},
		{`{ node(id: "act-up") { relationships { nodes { sources { url } } } } }`, false},
		{`{ node(id: "act-up") { relationships { nodes { status } } } }`, false},
		{`{ node(id: "act-up") { relationships { nodes { tensions { id } } } } }`, false},
		{`{ nodes(first: 5) { nodes { ... on Movement { tensions { id } } } } }`, false},
		{`{ nodes(first: 5) { nodes { ... on Tension { episodes { nodes { id } } } } } }`, false},
		{`{ nodes(first: 5) { nodes { ...f } } } fragment f on Organisation { movements { sources { id } } }`, false},
		{`{ disputes { nodes { positions { sources { id } } } } }`, false},
	} {
		q, err := gqlparser.LoadQuery(schema, c.doc)
		if err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		f := operationFields(q.Operations[0])
		if f == nil || f.Bare != c.bare {
			t.Errorf("%s: fields %+v, want bare %v", c.doc, f, c.bare)
		}
	}
}
