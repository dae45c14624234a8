// Package resolvers is the GraphQL layer: thin resolvers over a graph.Store.
package resolvers

import "github.com/hmkg/hmkg/graph"

// Resolver holds the dependencies of every resolver.
type Resolver struct {
	Store graph.Store
}
