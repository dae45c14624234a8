package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestSmoke runs the load benchmark for a few seconds against a real
// `hmkg serve` on the embedded store at one connection count, so the
// benchmark keeps building, keeps finding its server and keeps getting
// right answers to all six questions with no errors.
func TestSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out, progress bytes.Buffer
	err := run(ctx, []string{"-stores", "embedded", "-conns", "4", "-duration", "300ms", "-warmup", "0s", "-out", t.TempDir()},
		func(string) string { return "" }, &out, &progress)
	if err != nil {
		t.Fatalf("load: %v\nprogress:\n%s", err, progress.String())
	}
	for _, q := range questionNames() {
		row := "| embedded | " + q + " | 4 | "
		if !strings.Contains(out.String(), row) {
			t.Errorf("table has no row for %s:\n%s", q, out.String())
		}
	}
	if !strings.Contains(out.String(), "errors: 0") {
		t.Errorf("table does not report zero errors:\n%s", out.String())
	}
}

// TestResultError checks that what counts as an error does.
func TestResultError(t *testing.T) {
	for _, tc := range []struct {
		code int
		body string
		bad  bool
	}{
		{200, `{"data":{"node":null}}`, false},
		{200, `{"data":{"node":{"summary":"\"errors\" in text"}}}`, false},
		{200, `{"errors":[{"message":"boom"}],"data":null}`, true},
		{200, `{"data":null,"errors":[{"message":"late"}]}`, true},
		{500, `{"data":{}}`, true},
		{200, `<html>`, true},
	} {
		r := vegetaResult(tc.code, tc.body)
		if got := resultError(r) != ""; got != tc.bad {
			t.Errorf("status %d %s: error=%v, want %v", tc.code, tc.body, got, tc.bad)
		}
	}
}

func TestParseConfigRejects(t *testing.T) {
	for _, args := range [][]string{
		{"-stores", "postgres"}, {"-conns", "0"}, {"-conns", "x"}, {"-questions", "nope"}, {"-duration", "0s"}, {"extra"},
	} {
		if _, err := parseConfig(args, func(string) string { return "" }, &bytes.Buffer{}); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

func vegetaResult(code int, body string) *vegeta.Result {
	return &vegeta.Result{Code: uint16(code), Body: []byte(body)}
}
