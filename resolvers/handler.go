package resolvers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/generated"
)

// Config is what the HTTP API needs. Zero limits take the defaults below.
type Config struct {
	Store  graph.Store
	Logger *slog.Logger
	// APIKeys authorise mutations; with none, every mutation is refused.
	APIKeys APIKeys
	// CORSOrigins is the allow-list of browser origins; empty allows none
	// (same-origin pages such as the dashboard need no CORS).
	CORSOrigins   []string
	Introspection bool
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
	// MaxDepth caps the nesting of selections.
	MaxDepth int
	// MaxAliases caps the aliased fields in one operation.
	MaxAliases int
	// MaxTokens caps the lexer tokens of a query document.
	MaxTokens int
	// MaxComplexity caps the cost of an operation (see complexity.go).
	MaxComplexity int
	// RequestTimeout bounds each request.
	RequestTimeout time.Duration
	// LoaderWait is how long per-request loaders gather keys (see
	// DefaultLoaderWait).
	LoaderWait time.Duration
	// Mounts adds handlers under extra patterns (e.g. "GET /export", "/").
	Mounts map[string]http.Handler
}

// Defaults for Config's limits.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultMaxDepth       = 12
	DefaultMaxAliases     = 30
	DefaultMaxTokens      = 10000
	DefaultMaxComplexity  = 50000
	DefaultRequestTimeout = 15 * time.Second
)

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.MaxAliases <= 0 {
		c.MaxAliases = DefaultMaxAliases
	}
	if c.MaxTokens <= 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	if c.MaxComplexity <= 0 {
		c.MaxComplexity = DefaultMaxComplexity
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.LoaderWait <= 0 {
		c.LoaderWait = DefaultLoaderWait
	}
}

// NewGraphQL returns the GraphQL endpoint alone: transports, limits, error
// presentation and panic recovery. NewHandler wraps it with the rest.
func NewGraphQL(cfg Config) *handler.Server {
	cfg.setDefaults()
	res := &Resolver{Store: cfg.Store}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{
		Resolvers:  res,
		Complexity: complexityRoot(),
	}))
	srv.AddTransport(transport.GET{UseGrapQLResponseJsonByDefault: true})
	srv.AddTransport(transport.POST{UseGrapQLResponseJsonByDefault: true})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(cfg.MaxTokens)
	srv.SetDisableSuggestion(true)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(shapeLimit{maxDepth: cfg.MaxDepth, maxAliases: cfg.MaxAliases})
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
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

// NewHandler returns the whole HTTP API: /graphql, /graphiql, /healthz,
// /readyz and the configured mounts, behind CORS, a body limit, a
// per-request timeout, per-request loaders and API-key authentication.
func NewHandler(cfg Config) http.Handler {
	cfg.setDefaults()
	gql := NewGraphQL(cfg)
	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
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
	for pattern, h := range cfg.Mounts {
		mux.Handle(pattern, h)
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
		ctx = withLoaders(ctx, cfg.Store, cfg.LoaderWait)
		if h := r.Header.Get("Authorization"); h != "" {
			actor, ok := cfg.APIKeys.actor(r)
			if !ok {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": []map[string]any{{
					"message": "invalid API key", "extensions": map[string]string{"code": "UNAUTHENTICATED"},
				}}})
				return
			}
			ctx = withActor(ctx, actor)
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// codes maps store error codes to the codes clients see in extensions.code.
var codes = map[string]string{
	graph.ENOTFOUND:    "NOT_FOUND",
	graph.EINVALID:     "BAD_USER_INPUT",
	graph.ECONFLICT:    "CONFLICT",
	graph.EUNAVAILABLE: "UNAVAILABLE",
	graph.EINTERNAL:    "INTERNAL",
	graph.ETIMEOUT:     "TIMEOUT",
}

func presentError(ctx context.Context, log *slog.Logger, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	if gerr.Err == nil {
		// Made by gqlgen itself (parse, validation, limits, transport):
		// the message is meant for the client; make sure it has a code.
		if _, ok := gerr.Extensions["code"]; !ok {
			if gerr.Extensions == nil {
				gerr.Extensions = map[string]any{}
			}
			gerr.Extensions["code"] = "BAD_REQUEST"
		}
		return gerr
	}
	cause := err
	if gerr.Err != nil {
		cause = gerr.Err
	}
	var maxBytes *http.MaxBytesError
	switch {
	case errors.Is(cause, ErrUnauthenticated):
		gerr.Message = cause.Error()
		gerr.Extensions = map[string]any{"code": "UNAUTHENTICATED"}
	case errors.Is(cause, context.DeadlineExceeded):
		gerr.Message = "the request took too long and was stopped"
		gerr.Extensions = map[string]any{"code": "TIMEOUT"}
	case errors.As(cause, &maxBytes):
		gerr.Message = fmt.Sprintf("request body exceeds %d bytes", maxBytes.Limit)
		gerr.Extensions = map[string]any{"code": "BAD_REQUEST"}
	default:
		code := graph.ErrorCode(cause)
		// UNAVAILABLE is not logged per request: the store logs when it
		// loses and regains its database.
		if code == graph.EINTERNAL {
			log.ErrorContext(ctx, "request failed", "path", gerr.Path.String(), "code", code, "err", cause)
		}
		gerr.Message = graph.ErrorMessage(cause)
		ext := map[string]any{"code": codes[code]}
		if ps := graph.ErrorProblems(cause); len(ps) > 0 {
			ext["problems"] = ps
		}
		gerr.Extensions = ext
	}
	return gerr
}
