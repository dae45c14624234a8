package resolvers

import (
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

func relComplexity(c int, _ *graph.Direction, _ []graph.RelType, _ *int, first *int, _ *string) int {
	return 1 + sized(first, 50, graph.MaxPageSize)*c
}

func complexityRoot() generated.ComplexityRoot {
	var c generated.ComplexityRoot
	list := times(unboundedListSize)
	src := times(5)

	c.Query.Nodes = func(ch int, _ []graph.Kind, _ *graph.NodeFilter, _ []*graph.NodeOrder, first *int, _ *string) int {
		return 1 + sized(first, graph.DefaultPageSize, graph.MaxPageSize)*ch
	}
	c.Query.Search = func(ch int, _ string, _ []graph.Kind, first *int) int {
		return 1 + sized(first, 10, graph.MaxSearchResults)*ch
	}
	c.Query.Neighbourhood = func(ch int, _ string, _ *int, _ *graph.Direction, _ []graph.RelType, _ []graph.Kind, _ *int, limit *int) int {
		return 1 + sized(limit, 500, graph.MaxNeighbourhoodSize)*ch
	}
	c.Query.Paths = func(ch int, _, _ string, maxLength, first *int, _ []graph.RelType, _ *int) int {
		return 1 + sized(first, 5, graph.MaxPaths)*ch
	}
	c.Query.Changes = func(ch int, first *int, _ *string) int { return 1 + sized(first, 20, graph.MaxPageSize)*ch }
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
	c.Tension.Episodes = func(ch int, first *int, _ *string) int { return 1 + sized(first, 50, graph.MaxPageSize)*ch }

	c.Movement.Sources, c.Organisation.Sources, c.Institution.Sources = src, src, src
	c.Report.Sources, c.Person.Sources, c.Event.Sources, c.Tension.Sources = src, src, src, src
	c.Relationship.Sources, c.Relationship.Tensions = src, src

	c.Movement.Organisations, c.Movement.Events, c.Movement.Challenged, c.Movement.Tensions = list, list, list, list
	c.Organisation.Movements, c.Organisation.People = list, list
	c.Institution.Reports, c.Institution.ChallengedBy = list, list
	c.Report.Describes, c.Person.LedOrFounded = list, list
	c.Event.Movements, c.Event.Institutions = list, list
	return c
}
