package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
)

// envReader reads configuration from the environment with defaults. A
// setting that is present but malformed is an error naming the setting and
// its value (see err), never a silent default.
type envReader struct {
	get  func(string) string
	errs []error
}

// env returns a reader of the settings getenv holds.
func env(getenv func(string) string) *envReader { return &envReader{get: getenv} }

func (e *envReader) raw(name string) string { return strings.TrimSpace(e.get(name)) }

func (e *envReader) bad(name, v, want string) {
	e.errs = append(e.errs, fmt.Errorf("%s=%q: %s", name, v, want))
}

// err reports every malformed setting read so far, or nil.
func (e *envReader) err() error { return errors.Join(e.errs...) }

func (e *envReader) str(name, def string) string {
	if v := e.raw(name); v != "" {
		return v
	}
	return def
}

func (e *envReader) int(name string, def int) int {
	v := e.raw(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.bad(name, v, "not a whole number")
		return def
	}
	return n
}

func (e *envReader) bool(name string, def bool) bool {
	v := e.raw(name)
	if v == "" {
		return def
	}
	switch strings.ToLower(v) {
	case "1", "t", "true", "yes", "on":
		return true
	case "0", "f", "false", "no", "off":
		return false
	}
	e.bad(name, v, "not a boolean (use true or false)")
	return def
}

func (e *envReader) duration(name string, def time.Duration) time.Duration {
	v := e.raw(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		e.bad(name, v, "not a positive duration with a unit (such as 15s or 2m)")
		return def
	}
	return d
}

// oneOf reads a setting that takes one of a few words.
func (e *envReader) oneOf(name, def string, words ...string) string {
	v := strings.ToLower(e.str(name, def))
	if !slices.Contains(words, v) {
		e.bad(name, e.raw(name), "use one of "+strings.Join(words, ", "))
		return def
	}
	return v
}

// storeFlags selects and configures the store; shared by every command.
type storeFlags struct {
	kind          string
	dataDir       string
	neo4jURI      string
	neo4jUser     string
	neo4jPassword string
	neo4jDatabase string
	// progress, when a terminal, shows the progress of long Neo4j imports.
	progress io.Writer
}

func addStoreFlags(fs *flag.FlagSet, e *envReader) *storeFlags {
	sf := &storeFlags{}
	fs.StringVar(&sf.kind, "store", e.str("HMKG_STORE", "embedded"), "store: embedded or neo4j (env HMKG_STORE)")
	fs.StringVar(&sf.dataDir, "data-dir", e.str("HMKG_DATA_DIR", defaultDataDir(e)), "embedded store directory (env HMKG_DATA_DIR)")
	fs.StringVar(&sf.neo4jURI, "neo4j-uri", e.str("NEO4J_URI", ""), "Neo4j URI: bolt://, neo4j:// or neo4j+s:// (env NEO4J_URI)")
	fs.StringVar(&sf.neo4jUser, "neo4j-username", e.str("NEO4J_USERNAME", "neo4j"), "Neo4j user (env NEO4J_USERNAME)")
	fs.StringVar(&sf.neo4jPassword, "neo4j-password", e.str("NEO4J_PASSWORD", ""), "Neo4j password (env NEO4J_PASSWORD)")
	fs.StringVar(&sf.neo4jDatabase, "neo4j-database", e.str("NEO4J_DATABASE", "neo4j"), "Neo4j database name (env NEO4J_DATABASE)")
	return sf
}

// defaultDataDir follows the XDG base directory convention on Unix.
func defaultDataDir(e *envReader) string {
	if x := e.raw("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "hmkg")
	}
	home := e.raw("HOME")
	if runtime.GOOS == "darwin" && home != "" {
		return filepath.Join(home, "Library", "Application Support", "hmkg")
	}
	if home != "" {
		return filepath.Join(home, ".local", "share", "hmkg")
	}
	return filepath.Join(os.TempDir(), "hmkg")
}

// openStore opens the configured store. With lenient set, a Neo4j store is
// returned even while Neo4j is unreachable (the server then reports not
// ready and keeps trying).
func openStore(ctx context.Context, sf *storeFlags, log *slog.Logger, lenient bool) (graph.Store, error) {
	switch sf.kind {
	case "embedded", "memstore", "":
		if err := os.MkdirAll(sf.dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		s, err := memstore.Open(sf.dataDir, memstore.WithLogger(log))
		if err != nil {
			return nil, fmt.Errorf("open embedded store in %s: %w", sf.dataDir, err)
		}
		return s, nil
	case "neo4j":
		return openNeo4j(ctx, sf, log, lenient)
	default:
		return nil, fmt.Errorf("unknown store %q: use embedded or neo4j", sf.kind)
	}
}

// seedIfEmpty imports the curated dataset into an empty store, so that a
// fresh data directory (or database) starts with the graph loaded.
func seedIfEmpty(ctx context.Context, s graph.Store, log *slog.Logger) error {
	st, err := s.Stats(ctx)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if st.Nodes > 0 || st.Sources > 0 {
		return syncCuratedStories(ctx, s, st, log)
	}
	d, err := data.Curated()
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	start := time.Now()
	if err := s.Import(ctx, d, "seed"); err != nil {
		return fmt.Errorf("seed curated dataset: %w", err)
	}
	log.Info("loaded curated dataset", "name", d.Name, "version", d.Version,
		"nodes", len(d.Nodes), "relationships", len(d.Relationships), "stories", len(d.Stories), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// syncCuratedStories brings this binary's curated stories into a store
// seeded earlier with the curated dataset (see data.SyncStories); a store
// holding another dataset is left alone. Only an unavailable store is an
// error (seeding retries); other problems are logged.
func syncCuratedStories(ctx context.Context, s graph.Store, st *graph.Stats, log *slog.Logger) error {
	name, err := data.CuratedName()
	if err != nil {
		return fmt.Errorf("sync curated stories: %w", err)
	}
	if st.DatasetName != name {
		log.Debug("curated stories not synced: the store holds another dataset", "dataset", st.DatasetName)
		return nil
	}
	res, err := data.SyncStories(ctx, s, "seed")
	if err != nil {
		if graph.ErrorCode(err) == graph.EUNAVAILABLE {
			return fmt.Errorf("sync curated stories: %w", err)
		}
		log.Error("syncing curated stories failed", "err", err)
		return nil
	}
	for _, id := range res.Failed {
		log.Warn("curated story not written", "story", id, "problem", res.Problems[id])
	}
	if res.Changed() || len(res.Kept) > 0 {
		log.Info("synced curated stories", "added", res.Added, "updated", res.Updated, "kept (changed by an editor)", res.Kept)
	}
	return nil
}

// newLogger is the process's logger, as HMKG_LOG_LEVEL (debug, info, warn,
// error) and HMKG_LOG_FORMAT (text, json) say; a malformed value is
// recorded on e (see loggerFor for the checked form).
func newLogger(e *envReader, w io.Writer) *slog.Logger {
	var level slog.Level
	switch e.oneOf("HMKG_LOG_LEVEL", "info", "debug", "info", "warn", "error") {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if e.oneOf("HMKG_LOG_FORMAT", "text", "text", "json") == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loggerFor builds the logger from getenv, or says which setting is wrong.
func loggerFor(getenv func(string) string, w io.Writer) (*slog.Logger, error) {
	e := env(getenv)
	log := newLogger(e, w)
	return log, e.err()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
