package main

import (
	"net/http"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/web"
)

func init() {
	// "/" (any method) rather than "GET /": the latter would conflict with
	// "/graphql" in net/http's mux. The handler answers 405 to non-GET.
	extraRoutes["/"] = func(graph.Store) http.Handler { return web.Handler() }
}
