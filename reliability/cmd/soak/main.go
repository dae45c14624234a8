// Command soak runs the long reliability campaign against a running
// `hmkg serve` (scripts/soak starts one on loopback): first -docs fuzzed
// GraphQL documents (reliability/gqlfuzz), then -conns connections of
// ordinary reads for -duration, then, with -outage-stop and -outage-start,
// an outage: the database is stopped under load and started again. It
// prints documents, panics, INTERNAL errors, errors under load,
// requests/s, p50/p99 and the outage timings, and exits non-zero when any
// promise was broken.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hmkg/hmkg/reliability/gqlfuzz"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

type config struct {
	url         string
	serverLog   string
	docs        int
	fuzzWorkers int
	conns       int
	duration    time.Duration
	seed        uint64
	timeout     time.Duration
	// outageStop and outageStart are shell commands that stop the
	// database and start it again (returning once it answers).
	outageStop, outageStart string
	outageConns             int
}

func run(args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "", "base URL of a running hmkg serve, e.g. http://127.0.0.1:8080 (required)")
	fs.StringVar(&c.serverLog, "server-log", "", "the server's log file, searched for panics")
	fs.IntVar(&c.docs, "docs", 100000, "fuzzed documents to send")
	fs.IntVar(&c.fuzzWorkers, "fuzz-workers", 8, "concurrent fuzz requests")
	fs.IntVar(&c.conns, "conns", 200, "connections in the load phase")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "length of the load phase")
	fs.Uint64Var(&c.seed, "seed", 20261201, "fuzzer seed")
	fs.DurationVar(&c.timeout, "request-timeout", 15*time.Second, "the server's request timeout: no answer may take longer")
	fs.StringVar(&c.outageStop, "outage-stop", "", "shell command that stops the database (with -outage-start: run the outage phase)")
	fs.StringVar(&c.outageStart, "outage-start", "", "shell command that starts the database again and returns once it answers")
	fs.IntVar(&c.outageConns, "outage-conns", 16, "connections during the outage phase")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.url == "" {
		return errors.New("-url is required")
	}
	c.url = strings.TrimRight(c.url, "/")
	client := &http.Client{
		Timeout: c.timeout + 10*time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        c.conns + c.fuzzWorkers,
			MaxIdleConnsPerHost: c.conns + c.fuzzWorkers,
			MaxConnsPerHost:     c.conns + c.fuzzWorkers,
		},
	}

	fz, err := fuzz(c, client, out)
	if err != nil {
		return err
	}
	ld := load(c, client)
	var ot *outageResult
	if c.outageStop != "" && c.outageStart != "" {
		r, err := outage(c, client, out)
		if err != nil {
			return err
		}
		ot = &r
	}
	panics, err := countPanics(c.serverLog)
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "\nsoak against %s\n", c.url)
	fmt.Fprintf(out, "fuzz:  %d documents (%d reached the resolvers), %d INTERNAL, %d other broken answers, %d slower than %v, slowest %v\n",
		fz.docs, fz.executed, fz.internal, fz.broken, fz.slow, c.timeout, fz.slowest.Round(time.Millisecond))
	fmt.Fprintf(out, "load:  %d connections for %v: %d requests, %.0f requests/s, p50 %v, p99 %v, %d errors\n",
		c.conns, c.duration, ld.requests, ld.rate, ld.p50, ld.p99, ld.errors)
	var outageProblems []string
	if ot != nil {
		fmt.Fprintf(out, "outage: %v\n", ot)
		outageProblems = ot.problems()
	}
	fmt.Fprintf(out, "panics in the server log: %d\n", panics)
	if fz.internal+fz.broken+fz.slow+ld.errors+panics > 0 || len(outageProblems) > 0 {
		return fmt.Errorf("%d INTERNAL, %d broken answers, %d slow answers, %d errors under load, %d panics; outage: %v",
			fz.internal, fz.broken, fz.slow, ld.errors, panics, outageProblems)
	}
	return nil
}

type fuzzResult struct {
	docs, executed, internal, broken, slow int
	slowest                                time.Duration
}

func post(client *http.Client, url, query string, vars map[string]any) (int, []byte, time.Duration, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return 0, nil, 0, fmt.Errorf("encode request: %w", err)
	}
	start := time.Now()
	res, err := client.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, time.Since(start), fmt.Errorf("post: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	took := time.Since(start)
	if err != nil {
		return res.StatusCode, nil, took, fmt.Errorf("read answer: %w", err)
	}
	return res.StatusCode, b, took, nil
}

func fuzz(c config, client *http.Client, out io.Writer) (fuzzResult, error) {
	iq, err := gqlfuzz.IntrospectionQuery()
	if err != nil {
		return fuzzResult{}, err
	}
	status, body, _, err := post(client, c.url, iq, nil)
	if err != nil {
		return fuzzResult{}, fmt.Errorf("introspect: %w", err)
	}
	var intro struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &intro); err != nil || status != http.StatusOK {
		return fuzzResult{}, fmt.Errorf("introspect: status %d, %v: %.300s", status, err, body)
	}
	schema, err := gqlfuzz.ParseIntrospection(intro.Data)
	if err != nil {
		return fuzzResult{}, err
	}

	gen := gqlfuzz.NewGenerator(schema, c.seed)
	docs := make(chan gqlfuzz.Document, c.fuzzWorkers)
	go func() {
		defer close(docs)
		for range c.docs {
			docs <- gen.Next()
		}
	}()
	var (
		mu     sync.Mutex
		r      fuzzResult
		shown  int
		wg     sync.WaitGroup
		report = func(doc gqlfuzz.Document, problems []string) {
			if shown < 10 {
				shown++
				fmt.Fprintf(out, "broken answer: %v\n  query: %.500s\n  variables: %.300v\n", problems, doc.Query, doc.Variables)
			}
		}
	)
	for range c.fuzzWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for doc := range docs {
				status, body, took, err := post(client, c.url, doc.Query, doc.Variables)
				var v gqlfuzz.Verdict
				if err != nil {
					v.Problems = []string{err.Error()}
				} else {
					v = gqlfuzz.Judge(status, body)
				}
				mu.Lock()
				r.docs++
				if r.docs%10000 == 0 {
					fmt.Fprintf(out, "fuzz: %d documents\n", r.docs)
				}
				if v.Executed {
					r.executed++
				}
				r.slowest = max(r.slowest, took)
				if took > c.timeout+time.Second {
					r.slow++
					report(doc, []string{"answered in " + took.String()})
				}
				if len(v.Problems) > 0 {
					r.internal += v.Internal
					if len(v.Problems) > v.Internal {
						r.broken++
					}
					report(doc, v.Problems)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return r, nil
}

// loadQueries are ordinary reads, as the dashboard and analysts send them.
var loadQueries = []string{
	`{ stats { nodeCount relationshipCount } }`,
	`{ node(id: "act-up") { id name summary relationships(first: 10) { nodes { type to { id name } from { id name } } } } }`,
	`{ search(text: "aids", first: 10) { score node { id name kind } } }`,
	`{ nodes(kinds: [MOVEMENT], first: 20) { nodes { id name } pageInfo { hasNextPage endCursor } } }`,
	`{ neighbourhood(id: "act-up", depth: 2, limit: 100) { nodes { id name } relationships { type } } }`,
}

type loadResult struct {
	requests, errors int
	rate             float64
	p50, p99         time.Duration
}

func load(c config, client *http.Client) loadResult {
	ctx, cancel := context.WithTimeout(context.Background(), c.duration)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      atomic.Int64
		firstErr  atomic.Value
		wg        sync.WaitGroup
	)
	start := time.Now()
	for i := range c.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for j := i; ctx.Err() == nil; j++ {
				q := loadQueries[j%len(loadQueries)]
				status, body, took, err := post(client, c.url, q, nil)
				if ctx.Err() != nil && err != nil {
					break
				}
				mine = append(mine, took)
				if err == nil {
					v := gqlfuzz.Judge(status, body)
					if status != http.StatusOK || len(v.Codes) > 0 || len(v.Problems) > 0 {
						err = fmt.Errorf("status %d: %.300s", status, body)
					}
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	r := loadResult{requests: len(latencies), errors: int(errs.Load())}
	if len(latencies) > 0 {
		r.rate = float64(len(latencies)) / elapsed.Seconds()
		r.p50 = latencies[len(latencies)/2].Round(10 * time.Microsecond)
		r.p99 = latencies[len(latencies)*99/100].Round(10 * time.Microsecond)
	}
	if e := firstErr.Load(); e != nil {
		fmt.Fprintf(os.Stderr, "first error under load: %v\n", e)
	}
	return r
}

// countPanics counts log lines that report a panic.
func countPanics(path string) (int, error) {
	if path == "" {
		return 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("server log: %w", err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if strings.Contains(strings.ToLower(sc.Text()), "panic") {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("server log: %w", err)
	}
	return n, nil
}
