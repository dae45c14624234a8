package resolvers

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/generated"
)

// Complexity counts list sizes: a list field costs its page size (first or
// limit, or the default when absent) times the cost of one element, so a
// query's cost grows with what it can return rather than with its length.
// Lists without a size argument are estimated at unboundedListSize.
const unboundedListSize = 20

// sized is the page size a list argument asks for. Values above the cap are
// counted at the cap so that the resolver, not the complexity check,
// rejects them with an error that names the argument and its limit.
func sized(p *int, def, limit int) int {
	switch {
	case p == nil:
		return def
	case *p > limit:
		return limit
	case *p > 0:
		return *p
	default:
		return 1
	}
}

func times(n int) func(int) int { return func(c int) int { return 1 + n*c } }

// relComplexity prices a kind's relationships field; relsFirst is the
// schema's default page (the same on every kind, read from Node).
func relComplexity(c int, _ *graph.Direction, _ []graph.RelType, _ *int, first *int, _ *string) int {
	return 1 + sized(first, relsFirst, graph.MaxPageSize)*c
}

var relsFirst = schemaDefault("Node", "relationships", "first", graph.MaxPageSize)

// schemaDefault is the schema's default of an Int argument, so that the
// cost of an omitted argument is priced at the value the field will use;
// an argument without one is priced at its cap.
func schemaDefault(typeName, field, arg string, limit int) int {
	if n, ok := DefaultInt(typeName, field, arg); ok {
		return n
	}
	return limit
}

func complexityRoot() generated.ComplexityRoot {
	var c generated.ComplexityRoot
	list := times(unboundedListSize)
	src := times(5)

	c.Query.Nodes = func(ch int, _ []graph.Kind, _ *graph.NodeFilter, _ []*graph.NodeOrder, first *int, _ *string) int {
		return 1 + sized(first, schemaDefault("Query", "nodes", "first", graph.MaxPageSize), graph.MaxPageSize)*ch
	}
	c.Query.Search = func(ch int, _ string, _ []graph.Kind, first *int) int {
		return 1 + sized(first, schemaDefault("Query", "search", "first", graph.MaxSearchResults), graph.MaxSearchResults)*ch
	}
	c.Query.Neighbourhood = func(ch int, _ string, _ *int, _ *graph.Direction, _ []graph.RelType, _ []graph.Kind, _ *int, limit *int, _ *bool) int {
		return 1 + sized(limit, schemaDefault("Query", "neighbourhood", "limit", graph.MaxNeighbourhoodSize), graph.MaxNeighbourhoodSize)*ch
	}
	c.Query.Paths = func(ch int, _, _ string, maxLength, first *int, _ []graph.RelType, _ *int, _ *bool) int {
		return 1 + sized(first, schemaDefault("Query", "paths", "first", graph.MaxPaths), graph.MaxPaths)*ch
	}
	c.Query.Disputes = func(ch int, _ []string, _ *graph.DisputeSubject, _ *string, first *int, _ *string) int {
		return 1 + sized(first, schemaDefault("Query", "disputes", "first", graph.MaxPageSize), graph.MaxPageSize)*ch
	}
	c.Query.Changes = func(ch int, first *int, _ *string) int {
		return 1 + sized(first, schemaDefault("Query", "changes", "first", graph.MaxPageSize), graph.MaxPageSize)*ch
	}
	c.Query.Sources = times(500)
	// One path or subgraph element holds up to its length in nodes.
	c.Path.Nodes = times(graph.MaxPathLength)
	c.Path.Relationships = times(graph.MaxPathLength)
	c.Subgraph.Relationships = times(2)

	c.Movement.Relationships = relComplexity
	c.Organisation.Relationships = relComplexity
	c.Institution.Relationships = relComplexity
	c.Report.Relationships = relComplexity
	c.Person.Relationships = relComplexity
	c.Event.Relationships = relComplexity
	c.Tension.Relationships = relComplexity
	c.Tension.Episodes = func(ch int, first *int, _ *string) int {
		return 1 + sized(first, schemaDefault("Tension", "episodes", "first", graph.MaxPageSize), graph.MaxPageSize)*ch
	}

	c.Movement.Sources, c.Organisation.Sources, c.Institution.Sources = src, src, src
	c.Report.Sources, c.Person.Sources, c.Event.Sources, c.Tension.Sources = src, src, src, src
	c.Relationship.Sources, c.Relationship.Tensions = src, src

	c.Movement.Organisations, c.Movement.Events, c.Movement.Challenged, c.Movement.Tensions = list, list, list, list
	c.Organisation.Movements, c.Organisation.People = list, list
	c.Institution.Reports, c.Institution.ChallengedBy = list, list
	c.Report.Describes, c.Person.LedOrFounded = list, list
	c.Event.Movements, c.Event.Institutions = list, list
	lensComplexity(&c)
	// Stories (story.go): a page of stories, their steps and citations.
	c.Query.Stories = func(ch int, first *int, _ *string) int {
		return 1 + sized(first, schemaDefault("Query", "stories", "first", graph.MaxPageSize), graph.MaxPageSize)*ch
	}
	c.Story.Steps, c.StoryStep.CitedNodes, c.StoryStep.CitedRelationships = list, list, list
	return c
}

// complexityLimit rejects an operation whose cost (complexityRoot's
// functions, summed over the selections as gqlgen's complexity package
// does) exceeds max. Unlike extension.FixedComplexityLimit, which walks
// every fragment again at each spread (exponential in a document whose
// fragments spread each other), it computes the cost of each fragment once
// and reuses it, so the walk is linear in the document, and it stops at the
// request's deadline.
type complexityLimit struct {
	max int
	es  graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &complexityLimit{}

// complexityExtension is gqlgen's name, so extension.GetComplexityStats
// keeps working.
const complexityExtension = "ComplexityLimit"

func newComplexityLimit(max int) *complexityLimit { return &complexityLimit{max: max} }

func (*complexityLimit) ExtensionName() string { return complexityExtension }

func (c *complexityLimit) Validate(es graphql.ExecutableSchema) error {
	if c.max <= 0 {
		return errors.New("complexity limit must be positive")
	}
	c.es = es
	return nil
}

func (c *complexityLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if opCtx.Operation == nil {
		return nil
	}
	w := newCostWalker(ctx, c.es, opCtx.Variables)
	cost := w.set(opCtx.Operation.SelectionSet)
	if w.err != nil {
		return w.err
	}
	opCtx.Stats.SetExtension(complexityExtension, &extension.ComplexityStats{Complexity: cost, ComplexityLimit: c.max})
	if cost > c.max {
		err := gqlerror.Errorf("operation has complexity %s, which exceeds the limit of %d", count(cost), c.max)
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

// costWalker sums the cost of a validated operation, each fragment once.
type costWalker struct {
	ctx     context.Context
	es      graphql.ExecutableSchema
	schema  *ast.Schema
	vars    map[string]any
	memo    map[*ast.FragmentDefinition]int
	active  map[*ast.FragmentDefinition]bool
	visited int // selections visited: linear in the document
	err     *gqlerror.Error
}

func newCostWalker(ctx context.Context, es graphql.ExecutableSchema, vars map[string]any) *costWalker {
	return &costWalker{
		ctx: ctx, es: es, schema: es.Schema(), vars: vars,
		memo:   map[*ast.FragmentDefinition]int{},
		active: map[*ast.FragmentDefinition]bool{},
	}
}

func (w *costWalker) set(set ast.SelectionSet) int {
	total := 0
	for _, sel := range set {
		if w.err != nil {
			return total
		}
		w.visited++
		if w.visited%checkEvery == 0 && w.ctx.Err() != nil {
			w.err = deadlineError(w.ctx)
			return total
		}
		switch s := sel.(type) {
		case *ast.Field:
			total = satAdd(total, w.field(s))
		case *ast.InlineFragment:
			total = satAdd(total, w.set(s.SelectionSet))
		case *ast.FragmentSpread:
			total = satAdd(total, w.fragment(s.Definition))
		}
	}
	return total
}

func (w *costWalker) fragment(f *ast.FragmentDefinition) int {
	if f == nil || w.active[f] { // validation has rejected both
		return 0
	}
	if c, ok := w.memo[f]; ok {
		return c
	}
	w.active[f] = true
	c := w.set(f.SelectionSet)
	delete(w.active, f)
	w.memo[f] = c
	return c
}

func (w *costWalker) field(f *ast.Field) int {
	if f.Definition == nil || f.ObjectDefinition == nil {
		return 1
	}
	def := w.schema.Types[f.Definition.Type.Name()]
	if def == nil {
		return 1
	}
	// Introspection is answered from the schema, not the store.
	if def.Name == "__Schema" || def.Name == "__Type" && f.ObjectDefinition == w.schema.Query {
		return 0
	}
	child := 0
	switch def.Kind {
	case ast.Object, ast.Interface, ast.Union:
		child = w.set(f.SelectionSet)
	}
	args := f.ArgumentMap(w.vars)
	if f.ObjectDefinition.Kind == ast.Interface || f.ObjectDefinition.Kind == ast.Union {
		// The worst of the implementations.
		worst := 0
		for _, t := range w.schema.GetPossibleTypes(f.ObjectDefinition) {
			worst = max(worst, w.fieldCost(t, def.Kind, f.Name, child, args))
		}
		return worst
	}
	return w.fieldCost(f.ObjectDefinition, def.Kind, f.Name, child, args)
}

func (w *costWalker) fieldCost(obj *ast.Definition, kind ast.DefinitionKind, name string, child int, args map[string]any) int {
	if c, ok := w.es.Complexity(w.ctx, obj.Name, name, child, args); ok && c >= 1 {
		return c
	}
	if kind == ast.Scalar || kind == ast.Enum {
		return 1
	}
	return satAdd(1, child)
}
