package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/httpapi"
	"github.com/hmkg/hmkg/resolvers"
	"github.com/hmkg/hmkg/web"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := env(getenv)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addStoreFlags(fs, e)
	addr := fs.String("addr", e.str("HMKG_ADDR", "localhost:8080"), "listen address (env HMKG_ADDR)")
	origins := fs.String("cors-origins", e.str("HMKG_CORS_ORIGINS", ""), "comma-separated browser origins allowed by CORS (env HMKG_CORS_ORIGINS)")
	embedOrigins := fs.String("embed-origins", e.str("HMKG_EMBED_ORIGINS", ""), "space- or comma-separated origins that may frame /embed/ pages; empty allows any (env HMKG_EMBED_ORIGINS)")
	publicURL := fs.String("public-url", e.str("HMKG_PUBLIC_URL", ""), "the origin the server is reached at, for oEmbed and story links; empty takes each request's (env HMKG_PUBLIC_URL)")
	apiKeys := fs.String("api-keys", e.str("HMKG_API_KEYS", ""), "comma-separated API keys for mutations, each name:key or key (env HMKG_API_KEYS)")
	introspection := fs.Bool("introspection", e.bool("HMKG_INTROSPECTION", true), "allow GraphQL introspection (env HMKG_INTROSPECTION)")
	seed := fs.Bool("seed", e.bool("HMKG_SEED", true), "load the curated dataset into an empty store, and bring its curated stories into a store seeded earlier (env HMKG_SEED)")
	timeout := fs.Duration("request-timeout", e.duration("HMKG_REQUEST_TIMEOUT", httpapi.DefaultRequestTimeout), "per-request timeout (env HMKG_REQUEST_TIMEOUT)")
	maxBody := fs.Int64("max-body-bytes", int64(e.int("HMKG_MAX_BODY_BYTES", httpapi.DefaultMaxBodyBytes)), "request body limit (env HMKG_MAX_BODY_BYTES)")
	maxDepth := fs.Int("max-depth", e.int("HMKG_MAX_DEPTH", resolvers.DefaultMaxDepth), "query nesting limit (env HMKG_MAX_DEPTH)")
	maxComplexity := fs.Int("max-complexity", e.int("HMKG_MAX_COMPLEXITY", resolvers.DefaultMaxComplexity), "query complexity limit (env HMKG_MAX_COMPLEXITY)")
	compiledReads := fs.Bool("compiled-reads", e.bool("HMKG_COMPILED_READS", true), "answer supported read queries with the compiled read path instead of gqlgen's executor (env HMKG_COMPILED_READS)")
	exports := fs.Int("export-concurrency", e.int("HMKG_EXPORT_CONCURRENCY", httpapi.DefaultExportConcurrency), "GET /export requests served at once; more get 429 (env HMKG_EXPORT_CONCURRENCY)")
	log := newLogger(e, stderr)
	if err := e.err(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	keys, err := httpapi.ParseAPIKeys(*apiKeys)
	if err != nil {
		return fmt.Errorf("HMKG_API_KEYS: %w", err)
	}
	if len(keys) == 0 {
		log.Warn("no API keys configured: mutations are disabled")
	}

	store, err := openStore(ctx, sf, log, true)
	if err != nil {
		return err
	}
	defer store.Close()
	if *seed {
		if err := seedIfEmpty(ctx, store, log); err != nil {
			if graph.ErrorCode(err) != graph.EUNAVAILABLE {
				return err
			}
			log.Warn("store unavailable at start-up; will seed when it answers", "err", err)
			go seedWhenReady(ctx, store, log)
		}
	}

	h := httpapi.New(httpapi.Config{
		Store:             store,
		Logger:            log,
		APIKeys:           keys,
		CORSOrigins:       splitList(*origins),
		Introspection:     *introspection,
		Limits:            resolvers.Limits{MaxDepth: *maxDepth, MaxComplexity: *maxComplexity},
		MaxBodyBytes:      *maxBody,
		RequestTimeout:    *timeout,
		ExportConcurrency: *exports,
		Dashboard:         web.Handler(),
		EmbedOrigins:      strings.Fields(strings.ReplaceAll(*embedOrigins, ",", " ")),
		PublicURL:         *publicURL,
		// HMKG_COMPILED_READS=false: every operation through gqlgen.
		DisableCompiledReads: !*compiledReads,
	})
	srv := &http.Server{
		Handler:           accessLog(log, h),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      *timeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", sf.kind, "url", "http://"+ln.Addr().String()+"/")

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// seedWhenReady retries seeding until the store answers or ctx ends.
func seedWhenReady(ctx context.Context, store graph.Store, log *slog.Logger) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := seedIfEmpty(ctx, store, log)
		if err == nil {
			return
		}
		if graph.ErrorCode(err) != graph.EUNAVAILABLE {
			log.Error("seeding failed", "err", err)
			return
		}
	}
}

// statusWriter remembers the status code for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "took", time.Since(start))
	})
}
