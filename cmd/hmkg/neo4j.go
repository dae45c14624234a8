package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/neo4jstore"
)

func neo4jConfig(sf *storeFlags, log *slog.Logger) neo4jstore.Config {
	cfg := neo4jstore.Config{
		URI: sf.neo4jURI, Username: sf.neo4jUser, Password: sf.neo4jPassword,
		Database: sf.neo4jDatabase, Logger: log,
	}
	if isTerminal(sf.progress) {
		var bar *progressbar.ProgressBar
		cfg.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(sf.progress),
					progressbar.OptionSetDescription("writing to neo4j"), progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish())
			}
			_ = bar.Set(done)
		}
	}
	return cfg
}

// openNeo4j connects to Neo4j and creates its schema. With lenient set, an
// unreachable Neo4j is not fatal: the store is returned unconnected and the
// schema is created in the background once Neo4j answers.
func openNeo4j(ctx context.Context, sf *storeFlags, log *slog.Logger, lenient bool) (graph.Store, error) {
	if sf.neo4jURI == "" {
		return nil, fmt.Errorf("--store neo4j needs NEO4J_URI (or --neo4j-uri)")
	}
	cfg := neo4jConfig(sf, log)
	s, err := neo4jstore.Open(ctx, cfg)
	if err == nil {
		return s, nil
	}
	if !lenient || graph.ErrorCode(err) != graph.EUNAVAILABLE {
		return nil, fmt.Errorf("open neo4j store at %s: %w", sf.neo4jURI, err)
	}
	log.Warn("neo4j unavailable at start-up; serving not-ready until it answers", "uri", sf.neo4jURI, "err", err)
	s, err = neo4jstore.New(cfg)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond): // cheap: fails at once while the circuit is open
			}
			if err := s.Migrate(ctx); err == nil {
				log.Info("neo4j is reachable; schema ready")
				return
			}
		}
	}()
	return s, nil
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := env(getenv)
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addStoreFlags(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if sf.kind != "neo4j" {
		fmt.Fprintln(stdout, "the embedded store needs no migration")
		return nil
	}
	s, err := openNeo4j(ctx, sf, newLogger(e, stderr), false)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintln(stdout, "neo4j schema is up to date")
	return nil
}
