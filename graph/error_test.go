package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestErrorCodesAreClientNames(t *testing.T) {
	// These spellings are what clients see in extensions.code; the HTTP
	// layer and the dashboard use them as they are.
	want := map[string]string{
		ENOTFOUND: "NOT_FOUND", EINVALID: "BAD_USER_INPUT", ECONFLICT: "CONFLICT",
		EUNAVAILABLE: "UNAVAILABLE", EINTERNAL: "INTERNAL", ETIMEOUT: "TIMEOUT",
	}
	for got, w := range want {
		if got != w {
			t.Errorf("code %q, want %q", got, w)
		}
	}
	if len(want) != 6 {
		t.Errorf("two codes share a spelling: %v", want)
	}
}

func TestErrorOpAndCause(t *testing.T) {
	cause := fmt.Errorf("driver: connection refused: %w", io.ErrUnexpectedEOF)
	err := fmt.Errorf("load: %w", E("neo4jstore.Nodes", EUNAVAILABLE, "the database is unavailable", cause))
	if ErrorCode(err) != EUNAVAILABLE {
		t.Errorf("code %q", ErrorCode(err))
	}
	if msg := ErrorMessage(err); msg != "the database is unavailable" || strings.Contains(msg, "refused") {
		t.Errorf("message %q leaks the cause or lost the text", msg)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("the cause is not reachable with errors.Is")
	}
	if s := err.Error(); s != "load: neo4jstore.Nodes: UNAVAILABLE: the database is unavailable: driver: connection refused: unexpected EOF" {
		t.Errorf("Error() = %q", s)
	}
}

func TestCtxError(t *testing.T) {
	if err := CtxError(context.Background(), "op"); err != nil {
		t.Fatalf("live context: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	err := CtxError(ctx, "memstore.Nodes")
	if ErrorCode(err) != ETIMEOUT || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("expired: %v (code %q)", err, ErrorCode(err))
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	err = CtxError(ctx, "memstore.Nodes")
	if ErrorCode(err) != ETIMEOUT || !errors.Is(err, context.Canceled) || ErrorMessage(err) != "the request was cancelled" {
		t.Errorf("cancelled: %v (code %q, message %q)", err, ErrorCode(err), ErrorMessage(err))
	}
}
