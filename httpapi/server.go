// Package httpapi is the HTTP edge of hmkg: the routes (/graphql, /graphiql,
// /healthz, /readyz, /export and the dashboard), API-key authentication,
// CORS, request limits and the one error writer. It assembles the GraphQL
// endpoint from package resolvers, which knows nothing about HTTP.
package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
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
	// DisableCompiledReads sends every operation through gqlgen's own
	// executor instead of the compiled read path (resolvers/compiled.go).
	DisableCompiledReads bool
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
	// RequestTimeout bounds each request.
	RequestTimeout time.Duration
	// ExportMaxNodes caps the selection of GET /export (0 means
	// export.DefaultMaxNodes).
	ExportMaxNodes int
	// ExportConcurrency caps the GET /export requests served at once; more
	// get 429 Too Many Requests with Retry-After (0 means
	// DefaultExportConcurrency).
	ExportConcurrency int
	// Dashboard, when set, serves every path the API does not ("/"), and
	// the HTML of /graphiql, the story permalinks and embeds.
	Dashboard http.Handler
	// EmbedOrigins may frame /embed/ pages (CSP frame-ancestors); empty
	// allows any page. Every other page may not be framed.
	EmbedOrigins []string
	// PublicURL is the origin the server is reached at (e.g.
	// https://hmkg.example.org), used in oEmbed answers and discovery tags;
	// empty takes it from each request.
	PublicURL string

	// exports holds a token per export running, GET /export and GraphQL's
	// exportSubgraph alike.
	exports chan struct{}
}

// Defaults for Config's limits.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 15 * time.Second
	// DefaultExportConcurrency bounds the memory exports can take at once
	// (a depth-4 export of a 100k-node graph holds ~120 MB while it runs).
	DefaultExportConcurrency = 4
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
	if c.ExportConcurrency <= 0 {
		c.ExportConcurrency = DefaultExportConcurrency
	}
	c.exports = make(chan struct{}, c.ExportConcurrency)
	if c.ExportMaxNodes <= 0 {
		c.ExportMaxNodes = export.DefaultMaxNodes
	}
}

// newGraphQL returns the GraphQL endpoint alone: transports, limits, error
// presentation and panic recovery.
func newGraphQL(cfg Config) *handler.Server {
	es, reads := resolvers.SchemaWithCompiledReads(cfg.Store, cfg.exports)
	srv := handler.New(es)
	srv.AddTransport(transport.GET{UseGrapQLResponseJsonByDefault: true})
	srv.AddTransport(documentPOST{transport.POST{UseGrapQLResponseJsonByDefault: true}})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(cfg.Limits.MaxTokens)
	srv.SetDisableSuggestion(true)
	srv.Use(keyCheck{})
	for _, ext := range resolvers.Extensions(cfg.Limits, cfg.Introspection) {
		srv.Use(ext)
	}
	if !cfg.DisableCompiledReads {
		// An operation interceptor: it runs after the limits above.
		srv.Use(reads)
	}
	log := cfg.Logger
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, log, err)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": graph.EINTERNAL}}
	})
	return srv
}

// New returns the whole HTTP API: /graphql, /graphiql, /healthz, /readyz,
// GET /export, the story pages (/s/, /embed/, /oembed) and the dashboard,
// with a strict Content-Security-Policy on every response, behind CORS (closed unless CORSOrigins
// names origins), a body limit, a per-request timeout, per-request loaders
// and API-key authentication.
func New(cfg Config) http.Handler {
	cfg.setDefaults()
	mux := http.NewServeMux()
	gql := newGraphQL(cfg)
	mux.Handle("/graphql", graphqlEdge(cfg, gql))
	sw := &storyWeb{gql: gql, dashboard: cfg.Dashboard, origins: cfg.EmbedOrigins, publicURL: cfg.PublicURL, log: cfg.Logger}
	sw.routes(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := cfg.Store.Ping(ctx); err != nil {
			cfg.Logger.Warn("not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": describe(ctx, cfg.Logger, err).Message})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /export", newExportHandler(cfg.Store, cfg.ExportMaxNodes, cfg.exports, cfg.Logger))
	if cfg.Dashboard != nil {
		// "/" for any method rather than "GET /", which would conflict with
		// "/graphql" in net/http's mux; the dashboard answers 405 itself.
		mux.Handle("/", cfg.Dashboard)
	}
	h := secureHeaders(requestScope(cfg, routed(cfg, mux)))
	if len(cfg.CORSOrigins) == 0 {
		// rs/cors treats an empty allow-list as "*": without configured
		// origins there is no CORS at all (GET /export still answers the
		// tools in ExportOrigins).
		return h
	}
	c := cors.New(cors.Options{
		AllowedOrigins: cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept"},
		ExposedHeaders: []string{"Content-Disposition"},
		MaxAge:         600,
	})
	return c.Handler(h)
}

// routed answers what mux itself would refuse (no route: 404; a route for
// other methods: 405) as an API error with a code rather than plain text.
func routed(cfg Config, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			// mux.ServeHTTP, not h: it sets the request's path values ({id}).
			mux.ServeHTTP(w, r)
			return
		}
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", probe.header.Get("Allow"))
			writeError(w, r, cfg.Logger, edgeErrorf(probe.status, codeBadRequest, "%s %s is not supported", r.Method, r.URL.Path))
		case http.StatusNotFound:
			writeError(w, r, cfg.Logger, edgeErrorf(probe.status, graph.ENOTFOUND, "no such path: %s", resolvers.Quote(r.URL.Path)))
		default: // a redirect, say: let mux answer
			h.ServeHTTP(w, r)
		}
	})
}

// statusProbe records the status and headers mux's own handlers write.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(status int)      { p.status = status }

// requestScope gives each request its deadline, its whole body (read here,
// so that any oversized body, chunked included, is a 413 before a handler
// starts), its loaders and its actor. A bad Authorization header is noted,
// not refused: only mutations need a key (see keyCheck).
func requestScope(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), cfg.RequestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
		if r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cfg.MaxBodyBytes))
			if err != nil {
				var tooLarge *http.MaxBytesError
				if !errors.As(err, &tooLarge) {
					err = edgeErrorf(http.StatusBadRequest, codeBadRequest, "could not read the request body")
				}
				writeError(w, r, cfg.Logger, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		ctx = resolvers.WithLoaders(ctx, cfg.Store)
		auth := &authState{}
		if r.Header.Get("Authorization") != "" {
			if actor, ok := cfg.APIKeys.actor(r); ok {
				ctx = resolvers.WithActor(ctx, actor)
				auth.valid = true
			} else {
				auth.invalid = true
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, authKey{}, auth)))
	})
}
