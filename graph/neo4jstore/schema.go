package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Names of the schema objects Migrate creates.
const (
	fulltextIndex = "node_search"
)

// schemaStatements are idempotent DDL statements: constraints (which come
// with their own indexes), property indexes for the filters and the
// full-text index for Search.
var schemaStatements = func() []string {
	st := []string{
		"CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE",
		"CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE",
		"CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE",
		"CREATE INDEX node_kind IF NOT EXISTS FOR (n:Node) ON (n.kind)",
		"CREATE INDEX node_category IF NOT EXISTS FOR (n:Node) ON (n.category)",
		"CREATE INDEX node_since IF NOT EXISTS FOR (n:Node) ON (n.since)",
		"CREATE INDEX node_name IF NOT EXISTS FOR (n:Node) ON (n.name)",
		"CREATE INDEX node_publisher IF NOT EXISTS FOR (n:Node) ON (n.publisher)",
		// searchText holds the node's tokens as the embedded store counts
		// them (see searchText in search.go), so Lucene only splits on
		// white space and its BM25 sees the same term frequencies.
		"CREATE FULLTEXT INDEX " + fulltextIndex + " IF NOT EXISTS FOR (n:Node) ON EACH [n.searchText] " +
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}",
	}
	// Relationship ids are unique per type (Neo4j constrains relationship
	// properties per type); the store keeps them unique across types.
	for _, t := range graph.RelTypes {
		name := "rel_id_" + strings.ToLower(string(t))
		st = append(st, fmt.Sprintf("CREATE CONSTRAINT %s IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE", name, t))
	}
	return st
}()

// Migrate creates the constraints and indexes the store relies on. It is
// idempotent and runs at Open; it waits until the indexes are online.
func (s *Store) Migrate(ctx context.Context) error {
	for _, st := range schemaStatements {
		if _, err := write(ctx, s, func(tx *txn) (struct{}, error) {
			_, err := tx.collect(ctx, st, nil)
			return struct{}{}, err
		}); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if _, err := read(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.collect(ctx, cypherAwaitIndexes, nil)
		return struct{}{}, err
	}); err != nil {
		return fmt.Errorf("migrate: await indexes: %w", err)
	}
	if err := s.dropOldStages(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
