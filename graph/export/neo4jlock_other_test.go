//go:build !unix

package export_test

import "testing"

// lockNeo4j does nothing where flock is missing; run Neo4j tests with -p 1.
func lockNeo4j(t *testing.T, uri string) {}
