// Package neo4jtest gives tests a real, empty Neo4j store. It reads the
// connection from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and
// NEO4J_DATABASE (scripts/neo4j start prints them). Test packages run in
// parallel processes but share one database, so each test holds an
// exclusive lock on it, taken before the wipe and released at cleanup.
// Import it only from _test.go files.
package neo4jtest

import (
	"context"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph/neo4jstore"
	"github.com/hmkg/hmkg/internal/neo4jlock"
)

// Config returns the configuration from the environment, or ok=false when
// NEO4J_URI is unset. Under CI a missing Neo4j fails the test: the Neo4j
// tests must run there, never skip silently.
func Config(tb testing.TB) (neo4jstore.Config, bool) {
	tb.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("NEO4J_URI is not set: CI must run the Neo4j tests (make test starts Neo4j)")
		}
		return neo4jstore.Config{}, false
	}
	return neo4jstore.Config{
		URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE"),
	}, true
}

// Open locks the database for the rest of the test, empties it and returns
// a migrated store, closed at cleanup. It returns nil when NEO4J_URI is
// unset outside CI, so callers can run on the embedded store alone.
func Open(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	cfg, ok := Config(tb)
	if !ok {
		return nil
	}
	Lock(tb, cfg.URI)
	Wipe(tb, cfg)
	s, err := neo4jstore.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open neo4j store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Wipe deletes every node and relationship in the configured database.
func Wipe(tb testing.TB, cfg neo4jstore.Config) {
	tb.Helper()
	ctx := context.Background()
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
	if err != nil {
		tb.Fatalf("neo4j driver: %v", err)
	}
	defer drv.Close(ctx)
	db := cfg.Database
	if db == "" {
		db = "neo4j"
	}
	if _, err := neo4j.ExecuteQuery(ctx, drv, "MATCH (n) DETACH DELETE n", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db)); err != nil {
		tb.Fatalf("wipe neo4j: %v", err)
	}
}

// Lock takes an exclusive, cross-process lock on the database at uri until
// the test ends (see internal/neo4jlock).
func Lock(tb testing.TB, uri string) {
	tb.Helper()
	neo4jlock.Lock(tb, uri)
}
