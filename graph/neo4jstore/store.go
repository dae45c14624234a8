// Package neo4jstore is the graph.Store backed by Neo4j 5 through the
// official Go driver. One driver serves the whole process; every read and
// write runs in a managed transaction on the configured database, with
// $parameters only. Cypher lives in cypher.go as named constants; the few
// statements that name a relationship type or label take it from the closed
// enums graph.RelTypes and graph.Kinds, never from user input.
//
// The model in Neo4j:
//   - every node carries the shared label Node (unique id) plus one label per
//     kind (Movement, Organisation, ...); its source ids are a list property
//     `sources`, its aliases a list `aliases` plus the joined `aliasesText`
//     that the full-text index reads, and `since` is graph.Node.Since.
//   - sources are Source nodes with a unique id.
//   - relationships are typed (CHALLENGED, ...) with properties id, year,
//     summary, tensions (tension node ids) and sources (source ids).
//   - the audit log is a chain of Change nodes numbered by a Counter node;
//     the dataset name and version sit on a single Meta node.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/hmkg/hmkg/graph"
)

var _ graph.Store = (*Store)(nil)

// Config says where the Neo4j database is and how to talk to it.
type Config struct {
	// URI is a bolt://, bolt+s://, neo4j:// or neo4j+s:// address.
	URI      string
	Username string
	Password string
	// Database is the database to use; empty means "neo4j".
	Database string
	// ConnectTimeout bounds opening a TCP connection; default 1s, so that a
	// call to a Neo4j that is down fails fast.
	ConnectTimeout time.Duration
	// RetryTime bounds the driver's retries of a transaction that failed
	// for a transient reason (e.g. a lost connection); default 1s. Once a
	// call has met a connectivity error the circuit (circuit.go) fails the
	// following ones at once instead.
	RetryTime time.Duration
	// MaxTxTimeout is the Neo4j transaction timeout of a request whose
	// context has no deadline, and the upper bound for one that has;
	// default 30s. Imports get ImportTimeout instead.
	MaxTxTimeout time.Duration
	// MaxConnectionPoolSize caps the driver's connections to Neo4j
	// (0: the driver's default, 100). Requests beyond it queue for a
	// connection until their deadline.
	MaxConnectionPoolSize int
	// ImportTimeout is the transaction timeout of an Import without a
	// deadline; default 30m.
	ImportTimeout time.Duration
	// ProbeInterval is how often the open circuit checks whether Neo4j
	// answers again; default 300ms.
	ProbeInterval time.Duration
	// BatchSize is the number of rows per UNWIND statement during imports;
	// default 5000.
	BatchSize int
	// Logger receives diagnostics; default slog.Default().
	Logger *slog.Logger
	// Progress, if set, is called during imports after every batch with the
	// number of records written so far and the total.
	Progress func(done, total int)
}

// Store is a graph.Store on Neo4j. It is safe for concurrent use.
type Store struct {
	driver   neo4j.DriverWithContext
	db       string
	batch    int
	log      *slog.Logger
	progress func(done, total int)
	queries  atomic.Int64
	maxTx    time.Duration
	importTx time.Duration
	circuit  *circuit
	// replanDenied logs once that the user may not refresh plans
	// (replan.go).
	replanDenied sync.Once

	// failAfter, when positive, makes an import fail after that many
	// statements inside its write transaction (tests only).
	failAfter int
	// stageMin is the number of nodes and relationships from which Import
	// stages (stage.go); tests lower it.
	stageMin int
	// staged, if set, is called after each committed staging transaction
	// (tests only: they look at what readers see mid-import).
	staged func()
}

// Open connects to Neo4j, checks that it answers and creates the schema
// (Migrate). If Neo4j cannot be reached the error has code EUNAVAILABLE.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open neo4j store: %w", err)
	}
	return s, nil
}

// New returns a store that is not yet connected: unlike Open it neither
// checks the connection nor migrates, so a server can start while Neo4j is
// down and call Migrate once Ping succeeds.
func New(cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, graph.Errorf(graph.EINVALID, "neo4j: no URI configured (set NEO4J_URI)")
	}
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = time.Second
	}
	if cfg.RetryTime <= 0 {
		cfg.RetryTime = time.Second
	}
	if cfg.MaxTxTimeout <= 0 {
		cfg.MaxTxTimeout = 30 * time.Second
	}
	if cfg.ImportTimeout <= 0 {
		cfg.ImportTimeout = 30 * time.Minute
	}
	if cfg.ProbeInterval <= 0 {
		cfg.ProbeInterval = 300 * time.Millisecond
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 5000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	auth := neo4j.NoAuth()
	if cfg.Username != "" || cfg.Password != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	s := &Store{
		db:       cfg.Database,
		batch:    cfg.BatchSize,
		log:      cfg.Logger,
		progress: cfg.Progress,
		maxTx:    cfg.MaxTxTimeout,
		importTx: cfg.ImportTimeout,
		stageMin: defaultStageMin,
	}
	s.circuit = newCircuit(cfg.Logger, cfg.URI, cfg.ProbeInterval, func(ctx context.Context) error {
		return s.driver.VerifyConnectivity(ctx)
	})
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.SocketConnectTimeout = cfg.ConnectTimeout
		// Waiting for a pooled connection is queueing under load, not an
		// outage: it may last as long as a request may (the request's own
		// deadline ends it sooner). A dead server is noticed by the dial
		// instead, within SocketConnectTimeout.
		c.ConnectionAcquisitionTimeout = cfg.MaxTxTimeout
		if cfg.MaxConnectionPoolSize > 0 {
			c.MaxConnectionPoolSize = cfg.MaxConnectionPoolSize
		}
		c.MaxTransactionRetryTime = cfg.RetryTime
		c.ConnectionLivenessCheckTimeout = 30 * time.Second
		c.Log = driverLog{s.circuit}
	})
	if err != nil {
		return nil, graph.E("neo4jstore.New", graph.EINVALID, "neo4j: bad configuration (check NEO4J_URI)", err)
	}
	s.driver = drv
	return s, nil
}

// Queries returns how many Cypher statements the store has sent so far,
// counting retries. Tests use it to prove that a request costs a bounded
// number of round trips.
func (s *Store) Queries() int64 { return s.queries.Load() }

// Close stops the circuit's probe and releases the driver and its
// connections.
func (s *Store) Close() error {
	s.circuit.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.driver.Close(ctx)
}

// Ping reports EUNAVAILABLE when Neo4j does not answer a trivial query. It
// runs outside a managed transaction so that it is not retried: a readiness
// probe wants the answer now.
func (s *Store) Ping(ctx context.Context) error {
	const op = "neo4jstore.Ping"
	ctx, done, err := s.circuit.enter(ctx, op)
	defer done()
	if err != nil {
		return err
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	s.queries.Add(1)
	res, err := sess.Run(ctx, cypherPing, nil, neo4j.WithTxTimeout(s.txTimeout(ctx)))
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return s.translate(ctx, op, err)
}

// txn runs statements and counts them: in a managed transaction (tx), or,
// for reads, each in an auto-commit transaction of sess.
type txn struct {
	tx      neo4j.ManagedTransaction
	sess    neo4j.SessionWithContext
	timeout time.Duration
	s       *Store
}

// collect runs one statement and returns all its records.
func (t *txn) collect(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	t.s.queries.Add(1)
	var res neo4j.ResultWithContext
	var err error
	if t.tx != nil {
		res, err = t.tx.Run(ctx, cypher, params)
	} else {
		res, err = t.sess.Run(ctx, cypher, params, neo4j.WithTxTimeout(t.timeout))
	}
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// single runs a statement that returns at most one record; nil when none.
func (t *txn) single(ctx context.Context, cypher string, params map[string]any) (*neo4j.Record, error) {
	recs, err := t.collect(ctx, cypher, params)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return recs[0], nil
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}

// txLimitKey marks a context whose transactions may run longer than
// MaxTxTimeout when it has no deadline (imports).
type txLimitKey struct{}

func withTxLimit(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, txLimitKey{}, d)
}

// txTimeout is the Neo4j transaction timeout for a transaction run under
// ctx: the time left before its deadline, capped at MaxTxTimeout (or the
// limit set by withTxLimit), so that Neo4j itself stops a query whose
// request has given up. Neo4j counts in milliseconds; 1ms is the least.
func (s *Store) txTimeout(ctx context.Context) time.Duration {
	limit := s.maxTx
	if d, ok := ctx.Value(txLimitKey{}).(time.Duration); ok && d > 0 {
		limit = d
	}
	if dl, ok := ctx.Deadline(); ok {
		limit = min(limit, time.Until(dl))
	}
	return max(limit.Round(time.Millisecond), time.Millisecond)
}

// read runs work in a managed read transaction and translates errors.
// Every store read goes through here (or write), so this is where the
// circuit and the transaction timeout apply.
func read[T any](ctx context.Context, s *Store, work func(*txn) (T, error)) (T, error) {
	var v T
	ctx, done, err := s.circuit.enter(ctx, "")
	defer done()
	if err != nil {
		return v, s.withOp(err)
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	for attempt := 0; attempt < readAttempts; attempt++ {
		// Each statement in an auto-commit transaction: one round trip,
		// where a managed transaction adds a BEGIN and a COMMIT (the reads
		// run at read-committed isolation either way, so a statement sees
		// the same data). When that fails in a way the driver retries, the
		// read runs again in a managed transaction, which retries.
		v, err = work(&txn{sess: sess, timeout: s.txTimeout(ctx), s: s})
		if err != nil && neo4j.IsRetryable(err) && ctx.Err() == nil {
			retry := s.session(ctx, neo4j.AccessModeRead)
			v, err = neo4j.ExecuteRead(ctx, retry, func(tx neo4j.ManagedTransaction) (T, error) {
				return work(&txn{tx: tx, s: s})
			}, neo4j.WithTxTimeout(s.txTimeout(ctx)))
			retry.Close(context.WithoutCancel(ctx))
		}
		if !deletedUnderfoot(err) {
			break
		}
	}
	if err != nil {
		return v, s.translate(ctx, callerOp(), err)
	}
	return v, nil
}

// readAttempts bounds the retries of a read that raced a delete.
const readAttempts = 3

// deletedUnderfoot reports whether a read failed because a concurrent
// transaction deleted a node or relationship it was traversing. Reads run
// at read-committed isolation, so a long traversal can meet an entity that
// a write removed meanwhile; Neo4j reports it as a client error, which the
// driver does not retry, but running the read again sees a consistent
// graph.
func deletedUnderfoot(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && ne.Code == "Neo.ClientError.Statement.EntityNotFound"
}

// write runs work in a managed write transaction and translates errors.
func write[T any](ctx context.Context, s *Store, work func(*txn) (T, error)) (T, error) {
	var v T
	ctx, done, err := s.circuit.enter(ctx, "")
	defer done()
	if err != nil {
		return v, s.withOp(err)
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	v, err = neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (T, error) {
		return work(&txn{tx: tx, s: s})
	}, neo4j.WithTxTimeout(s.txTimeout(ctx)))
	if err != nil {
		return v, s.translate(ctx, callerOp(), err)
	}
	return v, nil
}

// withOp names the calling store method in a circuit error.
func (s *Store) withOp(err error) error {
	var ge *graph.Error
	if errors.As(err, &ge) && ge.Op == "" {
		ge.Op = callerOp()
	}
	return err
}

// callerOp names the exported Store method that called read or write, as
// "neo4jstore.Nodes". It runs only when a call failed.
func callerOp() string {
	pcs := make([]uintptr, 8)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		name := f.Function
		if i := strings.LastIndex(name, "."); i >= 0 {
			method := name[i+1:]
			if strings.Contains(name, "neo4jstore.(*Store).") && method != "" && method[0] >= 'A' && method[0] <= 'Z' {
				return "neo4jstore." + method
			}
		}
		if !more {
			return "neo4jstore"
		}
	}
}

// Messages shown to clients; the driver's own text goes in the cause.
const (
	msgUnavailable = "the database is unavailable; try again shortly"
	msgCredentials = "the database refused the configured credentials"
)

// translate maps driver errors to graph error codes, with op and the
// driver error as the cause. Errors that already carry a code pass through
// unchanged. A request whose context expired or was cancelled is ETIMEOUT
// (Neo4j's own transaction timeout too); a connectivity error opens the
// circuit.
func (s *Store) translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var ge *graph.Error
	if errors.As(err, &ge) {
		return err
	}
	if cerr := s.circuit.cause(ctx); cerr != nil {
		// The circuit opened while this call waited: fail it now.
		return graph.E(op, graph.EUNAVAILABLE, msgUnavailable, errors.Join(cerr, err))
	}
	if ctx.Err() != nil {
		return graph.TimeoutError(op, errors.Join(ctx.Err(), err))
	}
	if timedOut(err) {
		return graph.TimeoutError(op, err)
	}
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) && len(limit.Errors) > 0 {
		// Retries ran out: classify by the last attempt's failure.
		if e := s.translate(ctx, op, limit.Errors[len(limit.Errors)-1]); graph.ErrorCode(e) != graph.EINTERNAL {
			return e
		}
	}
	var conn *neo4j.ConnectivityError
	var auth *neo4j.InvalidAuthenticationError
	var tokenExpired *neo4j.TokenExpiredError
	var n4e *neo4j.Neo4jError
	switch {
	case errors.As(err, &conn) && poolExhausted(conn):
		// Every pooled connection is busy: hmkg is overloaded, Neo4j is
		// not gone, so the circuit stays closed.
		return graph.TimeoutError(op, err)
	case errors.As(err, &conn):
		s.circuit.trip(err)
		return graph.E(op, graph.EUNAVAILABLE, msgUnavailable, err)
	case errors.As(err, &auth), errors.As(err, &tokenExpired):
		return graph.E(op, graph.EUNAVAILABLE, msgCredentials, err)
	case errors.As(err, &n4e):
		switch {
		case strings.HasPrefix(n4e.Code, "Neo.ClientError.Security."):
			return graph.E(op, graph.EUNAVAILABLE, msgCredentials, err)
		case strings.HasPrefix(n4e.Code, "Neo.ClientError.Schema.ConstraintValidationFailed"):
			return graph.E(op, graph.ECONFLICT, "conflicting write: another write holds the same id; retry", err)
		case strings.HasPrefix(n4e.Code, "Neo.TransientError."),
			n4e.Code == "Neo.ClientError.Database.DatabaseNotFound",
			strings.HasPrefix(n4e.Code, "Neo.ClientError.Cluster."):
			return graph.E(op, graph.EUNAVAILABLE, msgUnavailable, err)
		case strings.HasPrefix(n4e.Code, "Neo.ClientError.Statement.ArgumentError"),
			strings.HasPrefix(n4e.Code, "Neo.ClientError.Statement.TypeError"):
			return graph.E(op, graph.EINVALID, "the database rejected a value in the request (out of range or of the wrong type)", err)
		}
	}
	if neo4j.IsRetryable(err) {
		return graph.E(op, graph.EUNAVAILABLE, msgUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// timedOut reports whether Neo4j stopped the transaction because its
// timeout (set from the request's deadline) passed.
func timedOut(err error) bool {
	var n4e *neo4j.Neo4jError
	return errors.As(err, &n4e) && strings.Contains(n4e.Code, "Transaction.TransactionTimedOut")
}

// poolExhausted reports whether a connectivity error only says that no
// pooled connection became free in time (the driver's PoolTimeout and
// PoolFull, internal types that it wraps in ConnectivityError).
func poolExhausted(conn *neo4j.ConnectivityError) bool {
	if conn.Inner == nil {
		return false
	}
	switch fmt.Sprintf("%T", conn.Inner) {
	case "*errorutil.PoolTimeout", "*errorutil.PoolFull":
		return true
	}
	return false
}
