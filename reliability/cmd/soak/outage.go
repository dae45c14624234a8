package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The outage phase's promises (issue 14): while the database is down every
// answer is a typed UNAVAILABLE (or TIMEOUT) quickly, and once it is back
// hmkg answers normally again without a restart.
const (
	outageFastMedian = 100 * time.Millisecond
	outageRecovery   = 10 * time.Second
	outageDown       = 10 * time.Second
	outageWarmup     = 3 * time.Second
)

// outageResult is what the outage phase measured.
type outageResult struct {
	// downAnswers are the answers to requests sent while the database was
	// down; downTyped of them carried UNAVAILABLE or TIMEOUT.
	downAnswers, downTyped, downUntyped int
	downP50, downP99                    time.Duration
	// firstOK is how long after the database answered again hmkg gave its
	// first good answer; settledP50 the median latency from then on.
	firstOK    time.Duration
	recovered  bool
	settledP50 time.Duration
	// afterErrors counts failures once the recovery window had passed.
	afterErrors int
}

type sample struct {
	at   time.Time
	took time.Duration
	ok   bool
	code string
}

// outage runs c.outageConns clients of ordinary reads, runs the stop
// command, keeps them running for outageDown, runs the start command (which
// returns when the database answers again), and watches hmkg recover.
func outage(c config, client *http.Client, out io.Writer) (outageResult, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu      sync.Mutex
		samples []sample
		wg      sync.WaitGroup
		sent    atomic.Int64
	)
	for i := range c.outageConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i; ctx.Err() == nil; j++ {
				status, body, took, err := post(client, c.url, loadQueries[j%len(loadQueries)], nil)
				if ctx.Err() != nil {
					return
				}
				sent.Add(1)
				s := sample{at: time.Now(), took: took, ok: err == nil && status == http.StatusOK}
				if s.ok || err == nil {
					s.code = firstCode(body)
					s.ok = s.ok && s.code == ""
				}
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
				if !s.ok {
					// A client that fails backs off a little, as real ones do.
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	time.Sleep(outageWarmup)
	fmt.Fprintf(out, "outage: stopping the database (%s)\n", c.outageStop)
	if err := shell(c.outageStop); err != nil {
		return outageResult{}, fmt.Errorf("outage stop: %w", err)
	}
	downFrom := time.Now()
	time.Sleep(outageDown)
	downTo := time.Now()
	fmt.Fprintf(out, "outage: starting the database (%s)\n", c.outageStart)
	if err := shell(c.outageStart); err != nil {
		return outageResult{}, fmt.Errorf("outage start: %w", err)
	}
	back := time.Now()
	time.Sleep(outageRecovery + 5*time.Second)
	cancel()
	wg.Wait()

	var r outageResult
	var down, settled []time.Duration
	for _, s := range samples {
		switch {
		case s.at.After(downFrom) && s.at.Before(downTo):
			r.downAnswers++
			down = append(down, s.took)
			if s.code == "UNAVAILABLE" || s.code == "TIMEOUT" {
				r.downTyped++
			} else if !s.ok {
				r.downUntyped++
			}
		case s.at.After(back):
			if s.ok && !r.recovered {
				r.recovered, r.firstOK = true, s.at.Sub(back)
			}
			if s.at.After(back.Add(outageRecovery)) {
				settled = append(settled, s.took)
				if !s.ok {
					r.afterErrors++
				}
			}
		}
	}
	r.downP50, r.downP99 = percentile(down, 50), percentile(down, 99)
	r.settledP50 = percentile(settled, 50)
	fmt.Fprintf(out, "outage: %d requests in all\n", sent.Load())
	return r, nil
}

// problems lists the outage promises r broke.
func (r outageResult) problems() []string {
	var p []string
	if r.downAnswers == 0 {
		p = append(p, "no request was answered while the database was down")
	}
	if r.downUntyped > 0 {
		p = append(p, fmt.Sprintf("%d failures while down were not UNAVAILABLE/TIMEOUT", r.downUntyped))
	}
	if r.downP50 > outageFastMedian {
		p = append(p, fmt.Sprintf("median answer while down %v (want < %v)", r.downP50, outageFastMedian))
	}
	if !r.recovered || r.firstOK > outageRecovery {
		p = append(p, fmt.Sprintf("no normal answer within %v of the database's return", outageRecovery))
	}
	if r.afterErrors > 0 {
		p = append(p, fmt.Sprintf("%d errors after the recovery window", r.afterErrors))
	}
	return p
}

func (r outageResult) String() string {
	return fmt.Sprintf("while down: %d answers, %d typed UNAVAILABLE/TIMEOUT, %d untyped, p50 %v, p99 %v; back: first normal answer %v after the database, median %v from %v on, %d errors after",
		r.downAnswers, r.downTyped, r.downUntyped, r.downP50, r.downP99, r.firstOK.Round(time.Millisecond), r.settledP50, outageRecovery, r.afterErrors)
}

// firstCode returns the extensions.code of the answer's first error, "" if
// there is none (or "UNPARSED" for an answer that is not GraphQL JSON).
func firstCode(body []byte) string {
	var res struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return "UNPARSED"
	}
	if len(res.Errors) == 0 {
		return ""
	}
	if res.Errors[0].Extensions.Code == "" {
		return "NO_CODE"
	}
	return res.Errors[0].Extensions.Code
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[min(len(ds)-1, len(ds)*p/100)].Round(10 * time.Microsecond)
}

func shell(command string) error {
	cmd := exec.Command("bash", "-c", command)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}
