package httpapi_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/internal/apitest"
)

// The shared test client and stores (internal/apitest), under the names
// these tests use.
type (
	gqlResponse = apitest.Response
	client      = apitest.Client
)

const testKey = apitest.TestKey

var (
	newClient     = apitest.NewClient
	auth          = apitest.Auth
	eachStore     = apitest.EachStore
	curatedStores = apitest.CuratedStores
	openStores    = apitest.OpenStores
)

func memstoreWithCurated(t *testing.T) graph.Store {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	s := memstore.New()
	if err := s.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	return s
}

// lockedBuffer is a bytes.Buffer that a server's goroutines may write
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
