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

// measure runs every store in turn and returns what it measured, even when
// it stops early with an error.
func measure(ctx context.Context, c config, progress io.Writer) (*report, error) {
	rep := &report{started: time.Now().UTC(), duration: c.duration}
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
	for _, store := range c.stores {
		if err := measureStore(ctx, c, store, bin, tmp, logDir, qs, rep, progress); err != nil {
			return rep, fmt.Errorf("%s: %w", store, err)
		}
	}
	return rep, nil
}

func measureStore(ctx context.Context, c config, store, bin, tmp, logDir string, qs []question, rep *report, progress io.Writer) error {
	var env []string
	if store == "neo4j" {
		uri := c.getenv("NEO4J_URI")
		if uri == "" {
			return fmt.Errorf("NEO4J_URI is not set (scripts/bench starts a Neo4j; or `eval \"$(scripts/neo4j start)\"`)")
		}
		user, pass, db := c.getenv("NEO4J_USERNAME"), c.getenv("NEO4J_PASSWORD"), c.getenv("NEO4J_DATABASE")
		if user == "" {
			user = "neo4j"
		}
		if db == "" {
			db = "neo4j"
		}
		env = []string{"NEO4J_URI=" + uri, "NEO4J_USERNAME=" + user, "NEO4J_PASSWORD=" + pass, "NEO4J_DATABASE=" + db}
		if c.wipeNeo4j {
			fmt.Fprintf(progress, "load: neo4j: waiting for the lock on %s, then emptying it\n", uri)
			release, err := lockNeo4j(uri)
			if err != nil {
				return err
			}
			defer release()
			if err := wipeNeo4j(ctx, uri, user, pass, db); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(progress, "load: %s: starting hmkg serve\n", store)
	srv, err := startServer(ctx, bin, store, filepath.Join(tmp, "data-"+store), filepath.Join(logDir, "load-server-"+store+".log"), env)
	if err != nil {
		return err
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.stop()
		}
	}()
	fmt.Fprintf(progress, "load: %s: serving on %s\n", store, srv.url)
	client := &http.Client{Timeout: 30 * time.Second}
	for _, q := range qs {
		if err := checkAnswer(ctx, client, srv.url, q); err != nil {
			return fmt.Errorf("question %s: %w", q.name, err)
		}
	}
	if c.warmup > 0 {
		fmt.Fprintf(progress, "load: %s: warming up (%v per question at %d connections)\n", store, c.warmup, c.conns[0])
		for _, q := range qs {
			if _, err := attack(ctx, srv.url, q, c.conns[0], c.warmup); err != nil {
				return err
			}
		}
	}
	for _, n := range c.conns {
		for _, q := range qs {
			if err := ctx.Err(); err != nil {
				return err
			}
			m, err := attack(ctx, srv.url, q, n, c.duration)
			if err != nil {
				return err
			}
			m.store = store
			rep.cells = append(rep.cells, m)
			fmt.Fprintf(progress, "load: %-8s %4d conns  %-18s %8.0f req/s  p50 %-9v p99 %-9v errors %d\n",
				store, n, q.name, m.rate, m.p50.Round(10*time.Microsecond), m.p99.Round(10*time.Microsecond), m.errors)
			if m.firstError != "" {
				fmt.Fprintf(progress, "load:   first error: %s\n", m.firstError)
			}
		}
	}
	stopped = true
	return srv.stop()
}

// checkAnswer asks q once and checks that the answer is what it asks for.
func checkAnswer(ctx context.Context, client *http.Client, url string, q question) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(q.body()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil || res.StatusCode != http.StatusOK || len(a.Errors) > 0 {
		return fmt.Errorf("status %d: %.500s", res.StatusCode, b)
	}
	if err := q.check(a.Data); err != nil {
		return fmt.Errorf("wrong answer (%w): %.500s", err, b)
	}
	return nil
}

// attack sends q over conns connections, each sending its next request as
// soon as its previous answer arrived, for d; it counts non-2xx answers,
// transport errors and answers with GraphQL errors as errors.
func attack(ctx context.Context, url string, q question, conns int, d time.Duration) (cell, error) {
	target := vegeta.Target{
		Method: http.MethodPost,
		URL:    url + "/graphql",
		Body:   q.body(),
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
	results := atk.Attack(vegeta.NewStaticTargeter(target), vegeta.Rate{Freq: 0}, d, q.name)
	m := cell{question: q.name, conns: conns}
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
		return m, fmt.Errorf("question %s at %d connections: no request completed in %v", q.name, conns, d)
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
