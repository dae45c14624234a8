package memstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

// TestTimeout: a request whose deadline passed, or that was cancelled, is
// ETIMEOUT on the embedded store too (as on Neo4j), with the context error
// as its cause.
func TestTimeout(t *testing.T) {
	s := memstore.New(quiet)
	t.Cleanup(func() { s.Close() })
	storetest.MustImport(t, s, storetest.Fixture())
	expired, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-expired.Done()
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	for name, ctx := range map[string]context.Context{"deadline": expired, "cancelled": cancelled} {
		calls := map[string]func() error{
			"Nodes":  func() error { _, err := s.Nodes(ctx, graph.NodeQuery{Limit: 10}); return err },
			"Search": func() error { _, err := s.Search(ctx, graph.SearchQuery{Text: "act"}); return err },
			"Neighbourhood": func() error {
				_, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 2})
				return err
			},
			"Ping": func() error { return s.Ping(ctx) },
		}
		for call, f := range calls {
			err := f()
			if graph.ErrorCode(err) != graph.ETIMEOUT || !errors.Is(err, ctx.Err()) {
				t.Errorf("%s with %s context: %v (code %q), want %s", call, name, err, graph.ErrorCode(err), graph.ETIMEOUT)
			}
		}
	}
}
