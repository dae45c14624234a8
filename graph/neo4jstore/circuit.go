package neo4jstore

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// circuit makes the store fail fast while Neo4j is down. It opens when a
// call meets a connectivity error; while open every call fails at once with
// EUNAVAILABLE, and calls still waiting on the driver (in its retry sleeps
// or a connection attempt) are cancelled. A background probe checks the
// connection every interval and closes the circuit as soon as Neo4j
// answers. It logs one line per state change: Warn when it opens, Info
// when it closes.
type circuit struct {
	log      *slog.Logger
	uri      string
	interval time.Duration
	probe    func(context.Context) error

	mu      sync.Mutex
	isOpen  bool
	since   time.Time
	waiting map[uint64]context.CancelCauseFunc // calls in flight, cancelled when it opens
	next    uint64
	quit    chan struct{} // closed by stop
	probing sync.WaitGroup
}

// errCircuitOpen is the cause of calls failed by the open circuit.
var errCircuitOpen = errors.New("neo4j circuit is open: the last call could not connect and the probe has not reached it since")

func newCircuit(log *slog.Logger, uri string, interval time.Duration, probe func(context.Context) error) *circuit {
	return &circuit{
		log: log, uri: uri, interval: interval, probe: probe,
		waiting: map[uint64]context.CancelCauseFunc{}, quit: make(chan struct{}),
	}
}

// enter starts a call of op: while the circuit is open it returns an
// EUNAVAILABLE error at once; otherwise a context that is cancelled, with
// cause errCircuitOpen, if the circuit opens before done is called.
func (c *circuit) enter(ctx context.Context, op string) (context.Context, func(), error) {
	c.mu.Lock()
	if c.isOpen {
		c.mu.Unlock()
		return ctx, func() {}, graph.E(op, graph.EUNAVAILABLE, msgUnavailable, errCircuitOpen)
	}
	wctx, cancel := context.WithCancelCause(ctx)
	c.next++
	id := c.next
	c.waiting[id] = cancel
	c.mu.Unlock()
	return wctx, func() {
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
		cancel(nil)
	}, nil
}

// open reports whether the circuit is open.
func (c *circuit) open() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.isOpen
}

// cause reports errCircuitOpen when ctx (from watch) was cancelled because
// the circuit opened, nil otherwise.
func (c *circuit) cause(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), errCircuitOpen) {
		return errCircuitOpen
	}
	return nil
}

// trip opens the circuit, if it is closed, and starts the probe.
func (c *circuit) trip(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isOpen {
		return
	}
	select {
	case <-c.quit:
		return // the store is closed
	default:
	}
	c.isOpen, c.since = true, time.Now()
	for _, cancel := range c.waiting {
		cancel(errCircuitOpen)
	}
	c.log.Warn("neo4j unreachable; failing calls fast until it answers", "uri", c.uri, "err", cause)
	c.probing.Add(1)
	go c.probeUntilReachable()
}

// probeUntilReachable runs while the circuit is open.
func (c *circuit) probeUntilReachable() {
	defer c.probing.Done()
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), max(c.interval, 250*time.Millisecond))
		err := c.probe(ctx)
		cancel()
		if err == nil {
			c.mu.Lock()
			c.isOpen = false
			down := time.Since(c.since)
			c.mu.Unlock()
			c.log.Info("neo4j reachable again", "uri", c.uri, "down", down.Round(time.Millisecond))
			return
		}
	}
}

// stop ends the probe, if one runs; the circuit cannot open after it.
func (c *circuit) stop() {
	c.mu.Lock()
	select {
	case <-c.quit:
	default:
		close(c.quit)
	}
	c.mu.Unlock()
	c.probing.Wait()
}

// driverLog receives the driver's log. It drops the text (the store logs
// its own state changes) but watches for failed connection attempts: the
// first dial that fails opens the circuit at once, so that the call that
// met it does not sit out the driver's retry back-off (about 2s) and the
// calls after it fail fast.
type driverLog struct{ c *circuit }

func (driverLog) Error(string, string, error) {}
func (l driverLog) Warnf(_, _, _ string, args ...any) {
	for _, a := range args {
		if err, ok := a.(error); ok && dialFailed(err) {
			// The driver holds its pool's lock here: trip on the side.
			go l.c.trip(err)
			return
		}
	}
}
func (driverLog) Infof(string, string, string, ...any)  {}
func (driverLog) Debugf(string, string, string, ...any) {}

// dialFailed reports whether err is a failed TCP connection attempt (not
// one abandoned because its request's context ended).
func dialFailed(err error) bool {
	var op *net.OpError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return errors.As(err, &op) && op.Op == "dial"
}
