package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// authKey keys the request's authState in its context.
type authKey struct{}

// authState is what the Authorization header said, and the status the
// response must have when an operation is refused for it.
type authState struct {
	valid, invalid bool
	// status, when set, replaces the status gqlgen gives the response.
	status int
}

func authFrom(ctx context.Context) *authState {
	if a, ok := ctx.Value(authKey{}).(*authState); ok {
		return a
	}
	return &authState{}
}

// keyCheck refuses a mutation without a valid API key before anything is
// resolved, with 401 and UNAUTHENTICATED. Queries ignore the
// Authorization header, so a stale key in a browser cannot break reads.
type keyCheck struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = keyCheck{}

func (keyCheck) ExtensionName() string                   { return "APIKeyCheck" }
func (keyCheck) Validate(graphql.ExecutableSchema) error { return nil }

func (keyCheck) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if opCtx.Operation == nil || opCtx.Operation.Operation != ast.Mutation {
		return nil
	}
	a := authFrom(ctx)
	if a.valid {
		return nil
	}
	a.status = http.StatusUnauthorized
	msg := "mutations require an API key: send Authorization: Bearer <key>"
	if a.invalid {
		msg = "invalid API key"
	}
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": codeUnauthenticated}}
}

// graphqlEdge checks what gqlgen's transports would answer without an
// error code (a method or content type they do not take, a body that is not
// JSON, which gqlgen would echo in full), and makes sure every error gqlgen
// writes by itself has a code and a short message (see codeWriter).
func graphqlEdge(cfg Config, gql http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if mt != "application/json" {
				writeError(w, r, cfg.Logger, edgeErrorf(http.StatusUnsupportedMediaType, codeBadRequest,
					"POST /graphql takes Content-Type: application/json, not %s", resolvers.Quote(r.Header.Get("Content-Type"))))
				return
			}
			body, _ := io.ReadAll(r.Body) // requestScope has read and bounded it
			if !json.Valid(body) {
				writeError(w, r, cfg.Logger, edgeErrorf(http.StatusBadRequest, codeBadRequest, "the request body is not valid JSON"))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		default:
			w.Header().Set("Allow", "GET, POST")
			writeError(w, r, cfg.Logger, edgeErrorf(http.StatusMethodNotAllowed, codeBadRequest,
				"%s /graphql is not supported: use GET or POST", r.Method))
			return
		}
		answerByDeadline(w, r, cfg.Logger, func(w http.ResponseWriter) {
			cw := &codeWriter{ResponseWriter: w, auth: authFrom(r.Context()), log: cfg.Logger}
			gql.ServeHTTP(cw, r)
			cw.finish()
		})
	})
}

// answerByDeadline runs serve on a buffer and copies its answer to w, unless
// the request's deadline passes first: then the client gets TIMEOUT at once,
// whatever part of the work (an encoder, a validation rule, a resolver that
// does not watch its context) is still running. gqlgen holds a whole answer
// in memory before writing it anyway, so the buffer costs nothing more.
func answerByDeadline(w http.ResponseWriter, r *http.Request, log *slog.Logger, serve func(http.ResponseWriter)) {
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			// A panic outside gqlgen's own recovery must not end the
			// process from this goroutine.
			if p := recover(); p != nil {
				log.Error("panic serving /graphql", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				rec.failed = true
			}
		}()
		serve(rec)
	}()
	select {
	case <-done:
		if rec.failed {
			writeError(w, r, log, errors.New("panic serving /graphql"))
			return
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	case <-r.Context().Done():
		writeError(w, r, log, graph.TimeoutError("graphql", r.Context().Err()))
	}
}

// recorder is the buffer answerByDeadline serves into. Only the goroutine
// serving writes to it, and w is read from it only after that goroutine
// has finished.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
	failed bool
}

func (rc *recorder) Header() http.Header { return rc.header }

func (rc *recorder) WriteHeader(status int) {
	if !rc.wrote {
		rc.status, rc.wrote = status, true
	}
}

func (rc *recorder) Write(p []byte) (int, error) {
	rc.wrote = true
	return rc.body.Write(p)
}

// codeWriter holds back an error response gqlgen writes by itself (such as
// 406 for a mutation over GET) to give each of its errors a code and a
// clipped message, and applies the status keyCheck decided.
type codeWriter struct {
	http.ResponseWriter
	auth    *authState
	log     *slog.Logger
	status  int
	held    bool
	buf     bytes.Buffer
	started bool
}

func (w *codeWriter) WriteHeader(status int) {
	if w.started || w.held {
		return
	}
	if w.auth.status != 0 {
		status = w.auth.status
	}
	if status >= 400 {
		w.held, w.status = true, status
		return
	}
	w.started = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *codeWriter) Write(p []byte) (int, error) {
	if !w.started && !w.held {
		w.WriteHeader(http.StatusOK)
	}
	if w.held {
		return w.buf.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *codeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *codeWriter) finish() {
	if !w.held {
		return
	}
	var body struct {
		Data   json.RawMessage `json:"data,omitempty"`
		Errors []errorEntry    `json:"errors"`
	}
	if err := json.Unmarshal(w.buf.Bytes(), &body); err != nil || len(body.Errors) == 0 {
		w.log.Warn("unreadable error response from the GraphQL handler", "status", w.status)
		body.Errors = []errorEntry{{Message: http.StatusText(w.status)}}
	}
	for i := range body.Errors {
		e := &body.Errors[i]
		e.Message = clip(e.Message)
		if e.Extensions == nil {
			e.Extensions = map[string]any{}
		}
		if _, ok := e.Extensions["code"]; !ok {
			e.Extensions["code"] = codeBadRequest
		}
	}
	writeErrors(w.ResponseWriter, w.status, body)
}
