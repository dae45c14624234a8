package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// shapeLimit rejects operations nested deeper than maxDepth or with more
// than maxAliases aliased fields, before anything is resolved. Complexity
// bounds the work; this bounds the shape, which complexity cannot see
// (a deep chain of cheap fields, or many aliases of one field).
type shapeLimit struct {
	maxDepth   int
	maxAliases int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l shapeLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	if op == nil {
		return nil
	}
	depth, aliases := measure(op.SelectionSet, 1, map[string]bool{})
	if depth > l.maxDepth {
		return limitError("operation is nested %d levels deep; the limit is %d", depth, l.maxDepth)
	}
	if aliases > l.maxAliases {
		return limitError("operation uses %d aliases; the limit is %d", aliases, l.maxAliases)
	}
	return nil
}

func limitError(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": "QUERY_TOO_COMPLEX"}
	return err
}

// measure returns the depth of a selection set and the number of aliased
// fields in it. Fragments on the current path are not re-entered; the
// validator has already rejected fragment cycles.
func measure(set ast.SelectionSet, depth int, visiting map[string]bool) (int, int) {
	maxDepth, aliases := 0, 0
	for _, sel := range set {
		var d, a int
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				a++
			}
			d = depth
			if len(s.SelectionSet) > 0 {
				cd, ca := measure(s.SelectionSet, depth+1, visiting)
				d, a = max(d, cd), a+ca
			}
		case *ast.InlineFragment:
			d, a = measure(s.SelectionSet, depth, visiting)
		case *ast.FragmentSpread:
			if s.Definition == nil || visiting[s.Name] {
				continue
			}
			visiting[s.Name] = true
			d, a = measure(s.Definition.SelectionSet, depth, visiting)
			delete(visiting, s.Name)
		}
		maxDepth = max(maxDepth, d)
		aliases += a
	}
	return maxDepth, aliases
}
