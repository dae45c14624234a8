package resolvers

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/generated"
)

// Limits bounds the shape and cost of a GraphQL operation. Zero fields take
// the defaults below.
type Limits struct {
	// MaxDepth caps the nesting of selections.
	MaxDepth int
	// MaxAliases caps the aliased fields in one operation.
	MaxAliases int
	// MaxTokens caps the lexer tokens of a query document (applied by the
	// server's parser).
	MaxTokens int
	// MaxComplexity caps the cost of an operation (see complexity.go).
	MaxComplexity int
}

// Defaults for Limits.
const (
	DefaultMaxDepth      = 12
	DefaultMaxAliases    = 30
	DefaultMaxTokens     = 10000
	DefaultMaxComplexity = 50000
)

// WithDefaults returns l with zero fields set to their defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxAliases <= 0 {
		l.MaxAliases = DefaultMaxAliases
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxTokens
	}
	if l.MaxComplexity <= 0 {
		l.MaxComplexity = DefaultMaxComplexity
	}
	return l
}

// Schema returns the executable GraphQL schema over store, with the cost
// estimates of its fields. exports, when not nil, is shared with the other
// ways to export (GET /export): an exportSubgraph runs only while it holds
// a slot, and fails with ErrBusy when none is free.
func Schema(store graph.Store, exports chan struct{}) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers:  &Resolver{Store: store, Exports: exports},
		Complexity: complexityRoot(),
	})
}

// Extensions returns the handler extensions that enforce l (shape and
// cost) and, when introspection is true, allow introspection; the server
// adds them to its GraphQL handler in this order.
func Extensions(l Limits, introspection bool) []graphql.HandlerExtension {
	l = l.WithDefaults()
	var exts []graphql.HandlerExtension
	if introspection {
		exts = append(exts, extension.Introspection{})
	}
	return append(exts,
		&shapeLimit{maxDepth: l.MaxDepth, maxAliases: l.MaxAliases, maxTokens: l.MaxTokens, noIntrospection: !introspection},
		newComplexityLimit(l.MaxComplexity),
	)
}
