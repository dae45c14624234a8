package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// cell is one measurement: one question at one connection count on one store.
type cell struct {
	store, question string
	conns           int
	requests        int
	rate            float64 // requests answered per second
	p50, p99        time.Duration
	errors          int
	firstError      string
}

// target is one server the benchmark drives: hmkg serve on a store, or
// the Neo4j GraphQL Library (lib) on the same Neo4j.
type target struct {
	name     string // embedded, neo4j, neo4jlib
	lib      bool
	measured bool // false for the hmkg server that only seeds Neo4j and answers the reference
	srv      *server
	stopped  bool
}

// measure starts every target, checks their answers (and that the library
// answers the same data as hmkg on Neo4j), then drives each question at
// each connection count on every target in turn, alternating the targets
// within each question so that a comparison between them is measured under
// the same conditions. It returns what it measured, even when it stops
// early with an error.
func measure(ctx context.Context, c config, progress io.Writer) (*report, error) {
	rep := &report{started: time.Now().UTC(), duration: c.duration, stores: c.stores}
	tmp, err := os.MkdirTemp("", "hmkg-load-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	logDir := tmp
	if c.outDir != "" {
		if err := os.MkdirAll(c.outDir, 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
		logDir = c.outDir
	}
	bin := c.hmkg
	if bin == "" {
		fmt.Fprintln(progress, "load: building hmkg")
		if bin, err = buildHmkg(ctx, tmp); err != nil {
			return nil, err
		}
	}
	qs := questions
	if len(c.questions) > 0 {
		qs = nil
		for _, n := range c.questions {
			qs = append(qs, *questionByName(n))
		}
	}
	measured := func(name string) bool { return slices.Contains(c.stores, name) }
	var neoEnv []string
	if measured("neo4j") || measured("neo4jlib") {
		env, uri, err := neo4jEnv(c.getenv)
		if err != nil {
			return nil, err
		}
		neoEnv = env
		// Held until the end: the library must see the graph hmkg seeded,
		// and no test may empty it in between.
		fmt.Fprintf(progress, "load: neo4j: waiting for the lock on %s\n", uri)
		release, err := lockNeo4j(uri)
		if err != nil {
			return nil, err
		}
		defer release()
		if c.wipeNeo4j {
			fmt.Fprintln(progress, "load: neo4j: emptying the database")
			if err := wipeNeo4j(ctx, env); err != nil {
				return nil, err
			}
		}
	}
	// hmkg on Neo4j starts before the library: it seeds the graph, and its
	// answers are the reference the library's are compared with.
	var targets []*target
	for _, name := range []string{"embedded", "neo4j", "neo4jlib"} {
		switch {
		case measured(name):
		case name == "neo4j" && measured("neo4jlib"):
		default:
			continue
		}
		t := &target{name: name, lib: name == "neo4jlib", measured: measured(name)}
		fmt.Fprintf(progress, "load: %s: starting\n", name)
		logPath := filepath.Join(logDir, "load-server-"+name+".log")
		if t.lib {
			t.srv, err = startLibrary(ctx, c.node, c.libDir, logPath, neoEnv)
		} else {
			var env []string
			if name == "neo4j" {
				env = neoEnv
			}
			t.srv, err = startServer(ctx, bin, name, filepath.Join(tmp, "data-"+name), logPath, env)
		}
		if err != nil {
			return rep, fmt.Errorf("%s: %w", name, err)
		}
		targets = append(targets, t)
		fmt.Fprintf(progress, "load: %s: serving on %s\n", name, t.srv.url)
	}
	defer func() {
		for _, t := range targets {
			if !t.stopped {
				t.srv.stop()
			}
		}
	}()
	if err := checkTargets(ctx, targets, qs, progress); err != nil {
		return rep, err
	}
	var active []*target
	for _, t := range targets {
		if t.measured {
			active = append(active, t)
			continue
		}
		t.stopped = true
		if err := t.srv.stop(); err != nil {
			return rep, err
		}
	}
	if c.warmup > 0 {
		for _, t := range active {
			fmt.Fprintf(progress, "load: %s: warming up (%v per question at %d connections)\n", t.name, c.warmup, c.conns[0])
			for _, q := range qs {
				if _, err := attack(ctx, t.srv.url, q.body(t.lib), q.name, c.conns[0], c.warmup); err != nil {
					return rep, fmt.Errorf("%s: %w", t.name, err)
				}
			}
		}
	}
	for _, n := range c.conns {
		for _, q := range qs {
			for _, t := range active {
				if err := ctx.Err(); err != nil {
					return rep, err
				}
				m, err := attack(ctx, t.srv.url, q.body(t.lib), q.name, n, c.duration)
				if err != nil {
					return rep, fmt.Errorf("%s: %w", t.name, err)
				}
				m.store = t.name
				rep.cells = append(rep.cells, m)
				fmt.Fprintf(progress, "load: %-8s %4d conns  %-18s %8.0f req/s  p50 %-9v p99 %-9v errors %d\n",
					t.name, n, q.name, m.rate, m.p50.Round(10*time.Microsecond), m.p99.Round(10*time.Microsecond), m.errors)
				if m.firstError != "" {
					fmt.Fprintf(progress, "load:   first error: %s\n", m.firstError)
				}
			}
		}
	}
	for _, t := range active {
		t.stopped = true
		if err := t.srv.stop(); err != nil {
			return rep, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return rep, nil
}

// neo4jEnv returns the NEO4J_* settings passed to the servers, and the URI.
func neo4jEnv(getenv func(string) string) ([]string, string, error) {
	uri := getenv("NEO4J_URI")
	if uri == "" {
		return nil, "", fmt.Errorf("NEO4J_URI is not set (scripts/bench starts a Neo4j; or `eval \"$(scripts/neo4j start)\"`)")
	}
	user, pass, db := getenv("NEO4J_USERNAME"), getenv("NEO4J_PASSWORD"), getenv("NEO4J_DATABASE")
	if user == "" {
		user = "neo4j"
	}
	if db == "" {
		db = "neo4j"
	}
	return []string{"NEO4J_URI=" + uri, "NEO4J_USERNAME=" + user, "NEO4J_PASSWORD=" + pass, "NEO4J_DATABASE=" + db}, uri, nil
}

// checkTargets asks every question of every target once, checks each
// answer, and checks that the library answers the same data (digests of
// ids and counts) as hmkg on Neo4j.
func checkTargets(ctx context.Context, targets []*target, qs []question, progress io.Writer) error {
	client := &http.Client{Timeout: 30 * time.Second}
	digests := map[string]map[string]string{}
	for _, t := range targets {
		digests[t.name] = map[string]string{}
		for _, q := range qs {
			d, err := checkAnswer(ctx, client, t.srv.url, q, t.lib)
			if err != nil {
				return fmt.Errorf("%s: question %s: %w", t.name, q.name, err)
			}
			digests[t.name][q.name] = d
		}
	}
	lib, ok := digests["neo4jlib"]
	if !ok {
		return nil
	}
	for _, q := range qs {
		want, got := digests["neo4j"][q.name], lib[q.name]
		if want != got {
			return fmt.Errorf("neo4jlib: question %s answers other data than hmkg on the same Neo4j:\n  hmkg:     %.2000s\n  neo4jlib: %.2000s", q.name, want, got)
		}
	}
	fmt.Fprintf(progress, "load: neo4jlib answers the same ids and counts as hmkg on Neo4j for all %d questions\n", len(qs))
	return nil
}

// checkAnswer asks q once (of the library when lib), checks that the
// answer is what it asks for and returns its digest.
func checkAnswer(ctx context.Context, client *http.Client, url string, q question, lib bool) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(q.body(lib)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("ask: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return "", fmt.Errorf("read answer: %w", err)
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil || res.StatusCode != http.StatusOK || len(a.Errors) > 0 {
		return "", fmt.Errorf("status %d: %.500s", res.StatusCode, b)
	}
	digest := q.digest
	if lib {
		digest = q.libDigest
	} else if err := q.check(a.Data); err != nil {
		return "", fmt.Errorf("wrong answer (%w): %.500s", err, b)
	}
	d, err := digest(a.Data)
	if err != nil {
		return "", fmt.Errorf("wrong answer (%w): %.500s", err, b)
	}
	return d, nil
}

// attack sends q over conns connections, each sending its next request as
// soon as its previous answer arrived, for d; it counts non-2xx answers,
// transport errors and answers with GraphQL errors as errors.
func attack(ctx context.Context, url string, body []byte, name string, conns int, d time.Duration) (cell, error) {
	target := vegeta.Target{
		Method: http.MethodPost,
		URL:    url + "/graphql",
		Body:   body,
		Header: http.Header{"Content-Type": []string{"application/json"}},
	}
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	// Rate 0 with a worker cap: as fast as conns closed-loop workers go.
	results := atk.Attack(vegeta.NewStaticTargeter(target), vegeta.Rate{Freq: 0}, d, name)
	m := cell{question: name, conns: conns}
	lat := make([]time.Duration, 0, 1<<14)
	var first, last time.Time
	for r := range results {
		if first.IsZero() || r.Timestamp.Before(first) {
			first = r.Timestamp
		}
		if end := r.End(); end.After(last) {
			last = end
		}
		lat = append(lat, r.Latency)
		if msg := resultError(r); msg != "" {
			m.errors++
			if m.firstError == "" {
				m.firstError = msg
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return m, err
	}
	m.requests = len(lat)
	if m.requests == 0 {
		return m, fmt.Errorf("question %s at %d connections: no request completed in %v", name, conns, d)
	}
	slices.Sort(lat)
	m.p50 = lat[len(lat)/2]
	m.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	if span := last.Sub(first); span > 0 {
		m.rate = float64(m.requests) / span.Seconds()
	}
	return m, nil
}

// resultError says what is wrong with one answer, or "" if nothing is.
func resultError(r *vegeta.Result) string {
	if r.Error != "" {
		return r.Error
	}
	if r.Code < 200 || r.Code > 299 {
		return fmt.Sprintf("status %d: %.300s", r.Code, r.Body)
	}
	// gqlgen writes "errors" before "data"; only an answer that mentions
	// an errors key is decoded in full, so judging stays cheap under load.
	if !bytes.Contains(r.Body, []byte(`"errors"`)) {
		if bytes.HasPrefix(r.Body, []byte(`{"data":`)) {
			return ""
		}
		return fmt.Sprintf("not a GraphQL answer: %.300s", r.Body)
	}
	var a struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(r.Body, &a); err != nil {
		return fmt.Sprintf("undecodable answer (%v): %.300s", err, r.Body)
	}
	if len(a.Errors) > 0 {
		return fmt.Sprintf("GraphQL errors: %.300s", a.Errors[0])
	}
	return ""
}
