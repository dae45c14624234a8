package neo4jstore

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// TestBusyPoolIsNotAnOutage: when every pooled connection is busy, a call
// waits for one until its own deadline and then fails with TIMEOUT; the
// circuit stays closed, so the calls after it are answered as usual (under
// load, a full pool used to open the circuit and fail every request with
// UNAVAILABLE).
func TestBusyPoolIsNotAnOutage(t *testing.T) {
	cfg := testConfig(t)
	openStore(t) // lock, wipe, migrate
	cfg.MaxConnectionPoolSize = 1
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	// Hold the only connection with a slow query.
	marker := fmt.Sprintf("hmkg-pool-test-%d", time.Now().UnixNano())
	holdCtx, release := context.WithTimeout(ctx, 20*time.Second)
	held := make(chan error, 1)
	go func() {
		_, err := read(holdCtx, s, func(tx *txn) (struct{}, error) {
			_, err := tx.collect(holdCtx, slowCypher(marker), nil)
			return struct{}{}, err
		})
		held <- err
	}()
	for deadline := time.Now().Add(15 * time.Second); running(t, cfg, marker) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the slow query never started")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Longer than the driver's old 2s acquisition timeout, which tripped the circuit.
	waitCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	_, err = s.Node(waitCtx, "anything")
	cancel()
	if code := graph.ErrorCode(err); code != graph.ETIMEOUT {
		t.Errorf("a call that found every connection busy: code %q, want %s: %v", code, graph.ETIMEOUT, err)
	}
	if s.circuit.open() {
		t.Error("a busy pool opened the circuit")
	}

	release()
	<-held
	if _, err := s.Node(ctx, "anything"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("after the pool freed up: %v, want NOT_FOUND", err)
	}
}
