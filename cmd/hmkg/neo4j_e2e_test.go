package main

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
)

// readmeQueries are the example queries README.md shows a researcher.
var readmeQueries = map[string]string{
	"challenged": `{ node(id: "aids-movement") { name ... on Movement { challenged { id name sources { title url } } } } }`,
	"path": `{ shortestPath(from: "act-up", to: "nhs-england") { length nodes { id name kind }
		relationships { type year summary from { id } to { id } sources { title url } } } }`,
	"asOf": `{ neighbourhood(id: "disability-rights-movement", depth: 1, asOf: 1990) {
		nodes { id name kind } relationships { type year from { id } to { id } } truncated } }`,
	"search": `{ search(text: "ACT UP", first: 5) { score node { id name kind } } }`,
	"filter": `{ nodes(kinds: [ORGANISATION], where: { yearFrom: 1980, yearTo: 1990, regionContains: "UK" },
		orderBy: [{ field: YEAR }], first: 10) { totalCount pageInfo { hasNextPage endCursor } nodes { id name ... on Organisation { foundedYear } } } }`,
	"tension": `{ node(id: "co-option") { ... on Tension { question episodes(first: 10) { totalCount
		nodes { type summary from { name } to { name } sources { url } } } } } }`,
}

// TestNeo4jServeMatchesEmbedded runs `hmkg serve --store neo4j` on an empty
// Neo4j (which it seeds with the curated data) beside the embedded store and
// checks that README's example queries get the same answers from both.
func TestNeo4jServeMatchesEmbedded(t *testing.T) {
	cfg, ok := neo4jtest.Config(t)
	if !ok {
		t.Skip("NEO4J_URI not set")
	}
	neo4jtest.Lock(t, cfg.URI)
	neo4jtest.Wipe(t, cfg)
	neo := startServer(t, t.TempDir(), "HMKG_STORE=neo4j", "NEO4J_URI="+cfg.URI, "NEO4J_USERNAME="+cfg.Username,
		"NEO4J_PASSWORD="+cfg.Password, "NEO4J_DATABASE="+cfg.Database)
	emb := startServer(t, t.TempDir())
	for name, q := range readmeQueries {
		t.Run(name, func(t *testing.T) {
			a, b := emb.gql(t, q, nil, ""), neo.gql(t, q, nil, "")
			if len(a.Errors) > 0 || len(b.Errors) > 0 {
				t.Fatalf("errors: embedded %+v, neo4j %+v", a.Errors, b.Errors)
			}
			if !reflect.DeepEqual(a.Data, b.Data) {
				ja, _ := json.MarshalIndent(a.Data, "", " ")
				jb, _ := json.MarshalIndent(b.Data, "", " ")
				t.Errorf("answers differ:\nembedded: %s\nneo4j:    %s", ja, jb)
			}
		})
	}
}
