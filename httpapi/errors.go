package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers"
)

// Codes the edge adds to graph's (which are already client-facing names).
const (
	codeBadRequest      = "BAD_REQUEST"
	codeUnauthenticated = "UNAUTHENTICATED"
	codeTooLarge        = "PAYLOAD_TOO_LARGE"
	codeTooMany         = "TOO_MANY_REQUESTS"
)

// quoteMax is how much of a user's input an error message quotes.
const quoteMax = 64

// maxMessage caps a message sent to a client: messages that quote user
// input (from gqlgen, a store, or anywhere else) cannot echo a large input.
const maxMessage = 300

// edgeError is an error decided at the HTTP edge: its status, code and
// message are meant for the client as they are.
type edgeError struct {
	status  int
	code    string
	message string
}

func (e *edgeError) Error() string { return e.message }

func edgeErrorf(status int, code, format string, args ...any) *edgeError {
	return &edgeError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// problem is an error as a client sees it: the one shape of every error the
// API writes, GraphQL or plain HTTP.
type problem struct {
	Status   int
	Code     string
	Message  string
	Problems []string
}

// describe decides what a client is told about err, and logs what the
// operator needs: internal errors at ERROR with their cause; timeouts at
// WARN; an unavailable store at DEBUG (the store logs its state changes).
// ctx is the request's: an error after its deadline or cancellation is a
// TIMEOUT whatever the store made of it. Messages of internal, unavailable
// and timeout errors are fixed here, so driver text never reaches a client.
func describe(ctx context.Context, log *slog.Logger, err error) problem {
	var edge *edgeError
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &edge):
		return problem{Status: edge.status, Code: edge.code, Message: clip(edge.message)}
	case errors.Is(err, resolvers.ErrBusy):
		return problem{Status: http.StatusTooManyRequests, Code: codeTooMany, Message: err.Error()}
	case errors.Is(err, resolvers.ErrUnauthenticated):
		return problem{Status: http.StatusUnauthorized, Code: codeUnauthenticated, Message: err.Error()}
	case errors.As(err, &maxBytes):
		return problem{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge,
			Message: fmt.Sprintf("request body exceeds %d bytes", maxBytes.Limit)}
	}
	code := graph.ErrorCode(err)
	if code != graph.EINVALID && code != graph.ENOTFOUND && code != graph.ECONFLICT &&
		(errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || ctx.Err() != nil) {
		code = graph.ETIMEOUT
	}
	p := problem{Code: code, Message: clip(graph.ErrorMessage(err))}
	switch code {
	case graph.EINVALID:
		p.Status = http.StatusBadRequest
		for _, s := range graph.ErrorProblems(err) {
			p.Problems = append(p.Problems, clip(s))
		}
	case graph.ENOTFOUND:
		p.Status = http.StatusNotFound
	case graph.ECONFLICT:
		p.Status = http.StatusConflict
	case graph.ETIMEOUT:
		p.Status = http.StatusServiceUnavailable
		p.Message = "the request took too long and was stopped"
		// Info, not Warn: a slow or cancelled request is the client's
		// answer, and during an outage they come in floods; the store logs
		// the outage itself once per state change.
		log.InfoContext(ctx, "request timed out", "err", err)
	case graph.EUNAVAILABLE:
		p.Status = http.StatusServiceUnavailable
		p.Message = "the database is unavailable; try again shortly"
		log.DebugContext(ctx, "store unavailable", "err", err)
	default:
		p.Status, p.Code, p.Message = http.StatusInternalServerError, graph.EINTERNAL, "internal error"
		log.ErrorContext(ctx, "request failed", "err", err)
	}
	return p
}

// errorBody is the JSON every error response has:
// {"errors":[{"message":…,"extensions":{"code":…}}]}.
type errorBody struct {
	Errors []errorEntry `json:"errors"`
}

type errorEntry struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func (p problem) extensions() map[string]any {
	ext := map[string]any{"code": p.Code}
	if len(p.Problems) > 0 {
		ext["problems"] = p.Problems
	}
	return ext
}

// writeError writes err to a plain HTTP client (everything but GraphQL
// responses, which presentError shapes the same way), as describe decides.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := describe(r.Context(), log, err)
	writeErrors(w, p.Status, errorBody{Errors: []errorEntry{{Message: p.Message, Extensions: p.extensions()}}})
}

// writeErrors is the one function that writes an error response: status,
// headers and the body of GraphQL errors. A response without a
// Content-Type gets application/json; GraphQL's own media type is kept.
func writeErrors(w http.ResponseWriter, status int, body any) {
	h := w.Header()
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "1")
	}
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// presentError is gqlgen's error presenter: resolver errors get the code,
// message and logging describe decides; errors gqlgen made itself (parse,
// validation, limits) keep their message, clipped, and get a code if they
// have none.
func presentError(ctx context.Context, log *slog.Logger, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	if gerr.Err == nil {
		gerr.Message = clip(gerr.Message)
		if _, ok := gerr.Extensions["code"]; !ok {
			if gerr.Extensions == nil {
				gerr.Extensions = map[string]any{}
			}
			gerr.Extensions["code"] = codeBadRequest
		}
		return gerr
	}
	p := describe(ctx, log.With("path", gerr.Path.String()), gerr.Err)
	gerr.Message = p.Message
	gerr.Extensions = p.extensions()
	return gerr
}

// clip shortens every quoted string in a message to a prefix (messages from
// stores and gqlgen quote user input with %q), then the message to
// maxMessage bytes, ending in "…".
func clip(s string) string {
	s = shortenQuotes(s)
	if len(s) <= maxMessage {
		return s
	}
	s = s[:maxMessage]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, " ") + "…"
}

// shortenQuotes cuts each double-quoted part of s (escapes included) to
// quoteMax characters followed by "…".
func shortenQuotes(s string) string {
	if len(s) < quoteMax {
		return s
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '"')
		if open < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:open+1])
		s = s[open+1:]
		end, n := -1, 0
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				end = i
				break
			}
		}
		if end < 0 { // unbalanced: leave the rest alone
			b.WriteString(s)
			return b.String()
		}
		inner := s[:end]
		if utf8.RuneCountInString(inner) > quoteMax {
			for i := range inner {
				if n == quoteMax {
					inner = strings.TrimRight(inner[:i], `\\`) + "…"
					break
				}
				n++
			}
		}
		b.WriteString(inner)
		b.WriteByte('"')
		s = s[end+1:]
	}
}
