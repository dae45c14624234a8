package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBadSettingsAreErrors: a malformed environment setting stops the
// command with an error that names the setting and its value, instead of
// falling back to the default.
func TestBadSettingsAreErrors(t *testing.T) {
	cases := []struct {
		cmd      string
		name, v  string
		contains string
	}{
		{"serve", "HMKG_REQUEST_TIMEOUT", "15", "duration"},
		{"serve", "HMKG_MAX_DEPTH", "twelve", "whole number"},
		{"serve", "HMKG_MAX_BODY_BYTES", "1MB", "whole number"},
		{"serve", "HMKG_INTROSPECTION", "maybe", "boolean"},
		{"serve", "HMKG_SEED", "2", "boolean"},
		{"serve", "HMKG_COMPILED_READS", "sometimes", "boolean"},
		{"serve", "HMKG_EXPORT_CONCURRENCY", "four", "whole number"},
		{"serve", "HMKG_LOG_LEVEL", "loud", "debug, info, warn, error"},
		{"serve", "HMKG_LOG_FORMAT", "xml", "text, json"},
		{"export", "HMKG_EXPORT_MAX_NODES", "lots", "whole number"},
		{"export", "HMKG_LOG_LEVEL", "loud", "debug, info, warn, error"},
		{"load", "HMKG_LOG_FORMAT", "yaml", "text, json"},
	}
	for _, tc := range cases {
		t.Run(tc.cmd+" "+tc.name, func(t *testing.T) {
			dir := t.TempDir()
			getenv := func(k string) string {
				switch k {
				case tc.name:
					return tc.v
				case "HMKG_DATA_DIR":
					return dir
				case "HMKG_ADDR":
					return "127.0.0.1:0"
				}
				return ""
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var stderr bytes.Buffer
			err := run(ctx, []string{tc.cmd}, getenv, &bytes.Buffer{}, &stderr)
			if err == nil {
				t.Fatalf("%s=%s accepted", tc.name, tc.v)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.name) || !strings.Contains(msg, `"`+tc.v+`"`) || !strings.Contains(msg, tc.contains) {
				t.Errorf("error %q should name %s, its value %q and say %q", msg, tc.name, tc.v, tc.contains)
			}
		})
	}
	// Good values in other spellings are fine.
	e := env(func(k string) string { return map[string]string{"A": "yes", "B": "Off", "C": " 90s ", "D": "WARN"}[k] })
	if !e.bool("A", false) || e.bool("B", true) || e.duration("C", 0) != 90*time.Second || e.oneOf("D", "info", "debug", "info", "warn") != "warn" || e.err() != nil {
		t.Errorf("good values refused: %v", e.err())
	}
}

// TestExportLogsHonourLogSettings: GET /export logs through the server's
// logger, in its format and at its level (it used the default logger).
func TestExportLogsHonourLogSettings(t *testing.T) {
	exportLogged := func(s *server) bool {
		if code, _ := s.get(t, "/export?format=json&seed=act-up"); code != http.StatusOK {
			t.Fatalf("GET /export: %d", code)
		}
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			for _, line := range strings.Split(s.logs.String(), "\n") {
				var rec struct{ Msg, Format string }
				if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "export" {
					return true
				}
				if strings.Contains(line, "msg=export") {
					t.Fatalf("an export log line is not JSON: %s", line)
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		return false
	}
	if !exportLogged(startServer(t, t.TempDir(), "HMKG_LOG_LEVEL=info")) {
		t.Error("HMKG_LOG_LEVEL=info HMKG_LOG_FORMAT=json: no JSON export line")
	}
	// At warn, nothing of an export is logged. The server runs in-process
	// (its "listening" line is at info too) on a port picked here.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"HMKG_LOG_LEVEL": "warn", "HMKG_ADDR": addr, "HMKG_DATA_DIR": dir}[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, io.Discard, &logs) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var code int
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/export?format=json&seed=act-up")
		if err == nil {
			code = resp.StatusCode
			resp.Body.Close()
			break
		}
	}
	if code != http.StatusOK {
		t.Fatalf("GET /export: %d", code)
	}
	time.Sleep(100 * time.Millisecond)
	if out := logs.String(); strings.Contains(out, "export") {
		t.Errorf("HMKG_LOG_LEVEL=warn: the export was logged:\n%s", out)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
