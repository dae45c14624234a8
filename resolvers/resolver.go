// Package resolvers is the GraphQL layer: thin resolvers over a graph.Store.
// It knows nothing of HTTP (package httpapi serves it).
//
// gqlgen writes schema.resolvers.go (layout follow-schema): one delegating
// method per resolver field, whose bodies it keeps when it regenerates. The
// work lives in one file per schema type: query.go (Query), mutation.go
// (Mutation and the actor), node.go (Node and its kinds), relationship.go
// (Relationship), stats.go (GraphStats) and export.go (Export); args.go
// holds argument rules (cursors, ids, asOf, Int arguments read with their
// schema defaults, which are stated only in schema.graphqls); loaders.go
// batches store reads per request; limits.go and complexity.go bound
// operations; extensions.go hands the schema and its limits to the server.
package resolvers

import (
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/analysis"
)

// Resolver holds the dependencies of every resolver.
type Resolver struct {
	// analyses caches metrics per dataset state and selection (analysis.go).
	analyses analysis.Cache
	Store    graph.Store
	// Exports holds one token per export running (see Schema); nil
	// leaves exports unbounded.
	Exports chan struct{}
}
