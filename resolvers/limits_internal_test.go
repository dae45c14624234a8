package resolvers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/hmkg/hmkg/resolvers/generated"
)

// fanOut is a document whose fragments each spread the next fan times,
// with a list field at each level so that the cost grows too.
func fanOut(levels, fan int) string {
	var b strings.Builder
	b.WriteString(`query { node(id: "act-up") { ...F0 } }` + "\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Node { id relationships(first: 2) { nodes { id } }", i)
		for range fan {
			fmt.Fprintf(&b, " ...F%d", i+1)
		}
		b.WriteString(" }\n")
	}
	fmt.Fprintf(&b, "fragment F%d on Node { name }\n", levels)
	return b.String()
}

// selections counts the selections written in a document.
func selections(doc *ast.QueryDocument) int {
	var walk func(ast.SelectionSet) int
	walk = func(set ast.SelectionSet) int {
		n := len(set)
		for _, s := range set {
			switch x := s.(type) {
			case *ast.Field:
				n += walk(x.SelectionSet)
			case *ast.InlineFragment:
				n += walk(x.SelectionSet)
			}
		}
		return n
	}
	n := 0
	for _, op := range doc.Operations {
		n += walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n += walk(f.SelectionSet)
	}
	return n
}

// The shape check and the cost walk visit each written selection once,
// however many times the fragments expand: a deterministic measure of
// linear work (the CPU time is in BenchmarkFragmentFanOut).
func TestCostChecksAreLinear(t *testing.T) {
	es := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}, Complexity: complexityRoot()})
	for _, levels := range []int{2, 4, 8, 16, 40} {
		src := fanOut(levels, 4)
		doc, err := parser.ParseQuery(&ast.Source{Input: src})
		if err != nil {
			t.Fatal(err)
		}
		written := selections(doc)
		m := newMeasurer(context.Background(), doc)
		s := m.set(doc.Operations[0].SelectionSet)
		for _, f := range doc.Fragments {
			m.fragment(f.Name)
		}
		if m.visited > written {
			t.Errorf("levels %d: the shape check visited %d selections; the document has %d", levels, m.visited, written)
		}
		if want := expandedFields(levels, 4); want < maxInt && s.fields != want {
			t.Errorf("levels %d: expanded fields %d, want %d", levels, s.fields, want)
		}

		errs := validator.Validate(es.Schema(), doc)
		vdoc := doc
		if len(errs) > 0 {
			t.Fatalf("levels %d: %v", levels, errs)
		}
		w := newCostWalker(context.Background(), es, nil)
		cost := w.set(vdoc.Operations[0].SelectionSet)
		if w.visited > written {
			t.Errorf("levels %d: the cost walk visited %d selections; the document has %d", levels, w.visited, written)
		}
		if levels <= 4 { // gqlgen's own walk is exponential: compare on small ones
			if want := complexity.Calculate(context.Background(), es, vdoc.Operations[0], nil); cost != want {
				t.Errorf("levels %d: cost %d, gqlgen's complexity %d", levels, cost, want)
			}
		}
		if levels == 40 && cost != maxInt {
			t.Errorf("levels 40: cost %d, want saturated", cost)
		}
	}
}

// expandedFields is the number of fields fanOut(levels, fan) expands to.
func expandedFields(levels, fan int) int {
	n := 1 // F<levels>: name
	for range levels {
		n = 4 + fan*n // id, relationships, nodes, id, and the spreads
		if n < 0 || n > 1<<40 {
			return maxInt
		}
	}
	return 1 + n // node
}

func TestCostChecksStopAtTheDeadline(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := `{ node(id: "x") {` + strings.Repeat(" id", checkEvery+10) + ` } }`
	doc, err := parser.ParseQuery(&ast.Source{Input: src})
	if err != nil {
		t.Fatal(err)
	}
	l := &shapeLimit{}
	l.setDefaults()
	gerr := l.check(ctx, doc)
	if gerr == nil || gerr.Extensions["code"] != "TIMEOUT" {
		t.Fatalf("shape check after the deadline: %v", gerr)
	}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}, Complexity: complexityRoot()})
	errs := validator.Validate(es.Schema(), doc)
	vdoc := doc
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	w := newCostWalker(ctx, es, nil)
	w.set(vdoc.Operations[0].SelectionSet)
	if w.err == nil || w.err.Extensions["code"] != "TIMEOUT" {
		t.Fatalf("cost walk after the deadline: %v", w.err)
	}
	if w.visited > checkEvery {
		t.Errorf("the cost walk went on for %d selections after the deadline", w.visited)
	}
}
