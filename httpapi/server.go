// Package httpapi is the HTTP edge of hmkg: the routes (/graphql, /graphiql,
// /healthz, /readyz, /export and the dashboard), API-key authentication,
// CORS, request limits and the one error writer. It assembles the GraphQL
// endpoint from package resolvers, which knows nothing about HTTP.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/resolvers"
)

// Config is what the HTTP API needs. Zero limits take the defaults below.
type Config struct {
	Store graph.Store
	// Logger receives every log line of the edge; required.
	Logger *slog.Logger
	// APIKeys authorise mutations; with none, every mutation is refused.
	APIKeys APIKeys
	// CORSOrigins is the allow-list of browser origins; empty allows none
	// (same-origin pages such as the dashboard need no CORS).
	CORSOrigins   []string
	Introspection bool
	// Limits bound the shape and cost of GraphQL operations.
	Limits resolvers.Limits
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
	// RequestTimeout bounds each request.
	RequestTimeout time.Duration
	// LoaderWait is how long per-request loaders gather keys (see
	// resolvers.DefaultLoaderWait).
	LoaderWait time.Duration
	// ExportMaxNodes caps the selection of GET /export (0 means
	// export.DefaultMaxNodes).
	ExportMaxNodes int
	// Dashboard, when set, serves every path the API does not ("/").
	Dashboard http.Handler
}

// Defaults for Config's limits.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 15 * time.Second
)

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Limits = c.Limits.WithDefaults()
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.LoaderWait <= 0 {
		c.LoaderWait = resolvers.DefaultLoaderWait
	}
	if c.ExportMaxNodes <= 0 {
		c.ExportMaxNodes = export.DefaultMaxNodes
	}
}

// newGraphQL returns the GraphQL endpoint alone: transports, limits, error
// presentation and panic recovery.
func newGraphQL(cfg Config) *handler.Server {
	srv := handler.New(resolvers.Schema(cfg.Store))
	srv.AddTransport(transport.GET{UseGrapQLResponseJsonByDefault: true})
	srv.AddTransport(transport.POST{UseGrapQLResponseJsonByDefault: true})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(cfg.Limits.MaxTokens)
	srv.SetDisableSuggestion(true)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	for _, ext := range resolvers.Extensions(cfg.Limits) {
		srv.Use(ext)
	}
	log := cfg.Logger
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, log, err)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.Error("panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": "INTERNAL"}}
	})
	return srv
}

// New returns the whole HTTP API: /graphql, /graphiql, /healthz, /readyz,
// GET /export and the dashboard, behind CORS, a body limit, a per-request
// timeout, per-request loaders and API-key authentication.
func New(cfg Config) http.Handler {
	cfg.setDefaults()
	mux := http.NewServeMux()
	mux.Handle("/graphql", newGraphQL(cfg))
	mux.Handle("GET /graphiql", playground.Handler("hmkg GraphiQL", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := cfg.Store.Ping(ctx); err != nil {
			cfg.Logger.Warn("not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": graph.ErrorMessage(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /export", NewExportHandler(cfg.Store, cfg.ExportMaxNodes, cfg.Logger))
	if cfg.Dashboard != nil {
		// "/" for any method rather than "GET /", which would conflict with
		// "/graphql" in net/http's mux; the dashboard answers 405 itself.
		mux.Handle("/", cfg.Dashboard)
	}
	var h http.Handler = mux
	h = requestScope(cfg, h)
	c := cors.New(cors.Options{
		AllowedOrigins: cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept"},
		ExposedHeaders: []string{"Content-Disposition"},
		MaxAge:         600,
	})
	return c.Handler(h)
}

// requestScope gives each request its limits, loaders and actor.
func requestScope(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), cfg.RequestTimeout)
		defer cancel()
		ctx = resolvers.WithLoaders(ctx, cfg.Store, cfg.LoaderWait)
		if h := r.Header.Get("Authorization"); h != "" {
			actor, ok := cfg.APIKeys.actor(r)
			if !ok {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": []map[string]any{{
					"message": "invalid API key", "extensions": map[string]string{"code": "UNAUTHENTICATED"},
				}}})
				return
			}
			ctx = resolvers.WithActor(ctx, actor)
		}
		if r.ContentLength > cfg.MaxBodyBytes {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": []map[string]any{{
				"message":    fmt.Sprintf("request body is %d bytes; the limit is %d", r.ContentLength, cfg.MaxBodyBytes),
				"extensions": map[string]string{"code": "BAD_REQUEST"},
			}}})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, cfg.MaxBodyBytes)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
