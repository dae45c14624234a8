package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/storetest"
)

// slowCypher runs for minutes on any Neo4j: it counts ten billion numbers.
// marker lets SHOW TRANSACTIONS find it.
func slowCypher(marker string) string {
	return fmt.Sprintf("/* %s */ UNWIND range(1, 10000000000) AS x WITH x WHERE x %% 7 = 13 RETURN count(x) AS n", marker)
}

// running counts the transactions on the server whose query contains
// marker, through a session of its own.
func running(t *testing.T, cfg Config, marker string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, drv,
		"SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $marker AND NOT currentQuery CONTAINS 'SHOW TRANSACTIONS' RETURN count(*) AS n",
		map[string]any{"marker": marker}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(dbName(cfg)))
	if err != nil {
		t.Fatalf("show transactions: %v", err)
	}
	n, _ := res.Records[0].Get("n")
	return int(n.(int64))
}

func dbName(cfg Config) string {
	if cfg.Database == "" {
		return "neo4j"
	}
	return cfg.Database
}

// TestRequestTimeout: a read whose context expires (or is cancelled) in the
// middle of a long query fails with ETIMEOUT, not UNAVAILABLE, with no
// driver text in the message; and Neo4j itself stops the query, because
// the transaction timeout comes from the request's deadline. The store
// talks to Neo4j through a proxy that, like a network partition, never
// closes the server's side of a connection: when the driver gives up and
// drops its socket Neo4j cannot tell, so only the transaction timeout can
// stop the query.
func TestRequestTimeout(t *testing.T) {
	cfg := testConfig(t)
	openStore(t) // lock, wipe, migrate
	pcfg := cfg
	pcfg.URI = "bolt://" + partitionProxy(t, cfg.URI)
	pcfg.Logger = slog.New(slog.DiscardHandler)
	s, err := New(pcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, tc := range []struct {
		name  string
		ctx   func() (context.Context, context.CancelFunc)
		cause error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 1500*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			// No deadline, so the transaction gets MaxTxTimeout.
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(1500*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "cancel" {
				s.maxTx = 3 * time.Second
			}
			marker := fmt.Sprintf("hmkg-timeout-test-%s-%d", tc.name, time.Now().UnixNano())
			ctx, cancel := tc.ctx()
			defer cancel()
			t0 := time.Now()
			_, err := read(ctx, s, func(tx *txn) (struct{}, error) {
				_, err := tx.collect(ctx, slowCypher(marker), nil)
				return struct{}{}, err
			})
			took := time.Since(t0)
			t.Logf("failed after %v: %v", took.Round(time.Millisecond), err)
			if code := graph.ErrorCode(err); code != graph.ETIMEOUT {
				t.Fatalf("code %q, want %s: %v", code, graph.ETIMEOUT, err)
			}
			if !errors.Is(err, tc.cause) {
				t.Errorf("the cause %v is lost: %v", tc.cause, err)
			}
			if msg := graph.ErrorMessage(err); strings.Contains(strings.ToLower(msg), "neo4j") || strings.Contains(msg, "context") {
				t.Errorf("message %q carries driver text", msg)
			}
			if ge := (*graph.Error)(nil); !errors.As(err, &ge) || !strings.HasPrefix(ge.Op, "neo4jstore") {
				t.Errorf("no op in %v", err)
			}
			// The query must be gone from Neo4j soon after its transaction
			// timeout: Neo4j checks timeouts every 2s, so allow 10s.
			deadline := time.Now().Add(10 * time.Second)
			for n := running(t, cfg, marker); n > 0; n = running(t, cfg, marker) {
				if time.Now().After(deadline) {
					t.Fatalf("the query still runs in Neo4j %v after its request gave up", time.Since(t0)-took)
				}
				time.Sleep(250 * time.Millisecond)
			}
			t.Logf("gone from Neo4j %v after the request gave up", (time.Since(t0) - took).Round(time.Millisecond))
		})
	}
}

// partitionProxy forwards TCP connections to the Bolt server at uri; when
// the client closes its side the server's side stays open, as in a network
// partition, until the test ends. It returns the proxy's address.
func partitionProxy(t *testing.T, uri string) string {
	t.Helper()
	target := strings.TrimPrefix(uri, "bolt://")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			mu.Lock()
			held = append(held, client, server)
			mu.Unlock()
			go io.Copy(server, client) // returns when the client drops; server stays open
			go io.Copy(client, server)
		}
	}()
	return ln.Addr().String()
}

// TestTxTimeoutWithoutDeadline: a request without a deadline still gets
// MaxTxTimeout as its transaction timeout, enforced by Neo4j.
func TestTxTimeoutWithoutDeadline(t *testing.T) {
	s := openStore(t)
	s.maxTx = time.Second
	marker := fmt.Sprintf("hmkg-maxtx-test-%d", time.Now().UnixNano())
	// A watchdog far beyond the 1s timeout, so that a missing transaction
	// timeout fails the test instead of hanging it.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(20*time.Second, cancel)
	t0 := time.Now()
	_, err := read(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.collect(ctx, slowCypher(marker), nil)
		return struct{}{}, err
	})
	t.Logf("failed after %v: %v", time.Since(t0).Round(time.Millisecond), err)
	if code := graph.ErrorCode(err); code != graph.ETIMEOUT {
		t.Fatalf("code %q, want %s: %v", code, graph.ETIMEOUT, err)
	}
	if time.Since(t0) > 15*time.Second {
		t.Errorf("took %v with a 1s transaction timeout", time.Since(t0))
	}
}

// TestExpiredContext: every public call with an expired context is ETIMEOUT.
func TestExpiredContext(t *testing.T) {
	s := openStore(t)
	storetest.MustImport(t, s, storetest.Fixture())
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	_, err := s.Node(ctx, "act-up")
	if graph.ErrorCode(err) != graph.ETIMEOUT || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Node: %v, want %s", err, graph.ETIMEOUT)
	}
	var ge *graph.Error
	if errors.As(err, &ge) && ge.Op != "neo4jstore.Node" {
		t.Errorf("op %q, want neo4jstore.Node", ge.Op)
	}
	if _, err := s.Nodes(ctx, graph.NodeQuery{}); graph.ErrorCode(err) != graph.ETIMEOUT {
		t.Errorf("Nodes: %v, want %s", err, graph.ETIMEOUT)
	}
	if err := s.Ping(ctx); graph.ErrorCode(err) != graph.ETIMEOUT {
		t.Errorf("Ping: %v, want %s", err, graph.ETIMEOUT)
	}
	if s.circuit.open() {
		t.Error("a timeout opened the circuit")
	}
}
