package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
)

// env reads configuration from the environment with a default.
type env func(string) string

func (e env) str(name, def string) string {
	if v := strings.TrimSpace(e(name)); v != "" {
		return v
	}
	return def
}

func (e env) int(name string, def int) int {
	if v, err := strconv.Atoi(strings.TrimSpace(e(name))); err == nil {
		return v
	}
	return def
}

func (e env) bool(name string, def bool) bool {
	if v, err := strconv.ParseBool(strings.TrimSpace(e(name))); err == nil {
		return v
	}
	return def
}

func (e env) duration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(strings.TrimSpace(e(name))); err == nil {
		return v
	}
	return def
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

func addStoreFlags(fs *flag.FlagSet, e env) *storeFlags {
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
func defaultDataDir(e env) string {
	if x := e("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "hmkg")
	}
	home := e("HOME")
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
		return nil
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
		"nodes", len(d.Nodes), "relationships", len(d.Relationships), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func newLogger(e env, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(e.str("HMKG_LOG_LEVEL", "info"))); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if e.str("HMKG_LOG_FORMAT", "text") == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
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
