// Command load is the project's load benchmark (issue 10): it builds hmkg,
// starts a real `hmkg serve` on 127.0.0.1:0 for each store (the embedded
// store in a fresh data directory; Neo4j from NEO4J_URI etc., wiped and
// seeded with the curated graph), and drives the six questions of issue 10
// with vegeta at each connection count for a fixed time each. Target
// neo4jlib is the Neo4j GraphQL Library on Apollo Server (bench/neo4jlib)
// over the same Neo4j and graph, asked the same questions in its own
// GraphQL; its answers must hold the same ids and counts as hmkg's, and the
// report adds hmkg-on-Neo4j/library ratios. It prints a
// progress line per measurement and a table of requests/s, p50 and p99;
// any non-2xx answer or GraphQL error counts as an error, is reported, and
// makes the command fail.
//
//	go run ./bench/load                           # both stores, 16/64/200 connections, 5 s each
//	go run ./bench/load -stores embedded -conns 16 -duration 2s
//	go run ./bench/load -stores neo4j,neo4jlib -conns 16 -duration 3s   # hmkg vs the Neo4j GraphQL Library
//
// scripts/bench (make bench) runs it and keeps its output in test-output/bench/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// config is what one run measures.
type config struct {
	stores    []string      // embedded, neo4j, neo4jlib
	conns     []int         // connection counts
	duration  time.Duration // per question and connection count
	warmup    time.Duration // per question, before the first measurement
	questions []string      // names of the questions to run; empty means all
	hmkg      string        // hmkg binary; empty builds one
	outDir    string        // where the table and server logs go; empty keeps none
	wipeNeo4j bool          // empty the Neo4j database before serving it
	node      string        // node binary for neo4jlib
	libDir    string        // bench/neo4jlib
	getenv    func(string) string
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	c := config{getenv: getenv}
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := fs.String("stores", "embedded,neo4j", "targets to measure, comma-separated: embedded, neo4j (hmkg serve on each store), neo4jlib (the Neo4j GraphQL Library on the same Neo4j, bench/neo4jlib; hmkg seeds the graph first); neo4j and neo4jlib read NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE")
	conns := fs.String("conns", "16,64,200", "connection counts, comma-separated")
	only := fs.String("questions", "", "questions to run, comma-separated (default all: "+strings.Join(questionNames(), ", ")+")")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "measurement time per question and connection count")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "warm-up time per question before the first measurement of a store")
	fs.StringVar(&c.hmkg, "hmkg", "", "hmkg binary to serve (default: go build ./cmd/hmkg into a temporary directory)")
	fs.StringVar(&c.outDir, "out", "", "directory for load.md (the table) and the servers' logs")
	fs.StringVar(&c.node, "node", "node", "Node.js binary that runs bench/neo4jlib/server.mjs (neo4jlib)")
	fs.StringVar(&c.libDir, "neo4jlib-dir", "bench/neo4jlib", "directory of the library's server, its dependencies installed by scripts/neo4jlib-setup (neo4jlib)")
	fs.BoolVar(&c.wipeNeo4j, "wipe-neo4j", true, "delete everything in the Neo4j database first, so the server seeds the curated graph (takes the tests' lock on it)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for s := range strings.SplitSeq(*stores, ",") {
		switch s = strings.TrimSpace(s); s {
		case "embedded", "neo4j", "neo4jlib":
			if slices.Contains(c.stores, s) {
				return c, fmt.Errorf("-stores: %q twice", s)
			}
			c.stores = append(c.stores, s)
		default:
			return c, fmt.Errorf("-stores: unknown store %q (want embedded, neo4j or neo4jlib)", s)
		}
	}
	for s := range strings.SplitSeq(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 10000 {
			return c, fmt.Errorf("-conns: %q is not a connection count between 1 and 10000", s)
		}
		c.conns = append(c.conns, n)
	}
	if *only != "" {
		for s := range strings.SplitSeq(*only, ",") {
			if questionByName(strings.TrimSpace(s)) == nil {
				return c, fmt.Errorf("-questions: unknown question %q (known: %s)", s, strings.Join(questionNames(), ", "))
			}
			c.questions = append(c.questions, strings.TrimSpace(s))
		}
	}
	if c.duration <= 0 {
		return c, errors.New("-duration must be positive")
	}
	return c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	rep, err := measure(ctx, c, stderr)
	if rep != nil {
		rep.writeTable(stdout)
		if c.outDir != "" {
			if werr := rep.save(c.outDir); werr != nil && err == nil {
				err = werr
			}
		}
	}
	if err != nil {
		return err
	}
	if n := rep.errors(); n > 0 {
		return fmt.Errorf("%d errors under load (first: %s)", n, rep.firstError())
	}
	return nil
}
