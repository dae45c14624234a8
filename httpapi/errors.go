package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers"
)

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
	case errors.Is(cause, resolvers.ErrUnauthenticated):
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
		if code == graph.EINTERNAL || code == graph.EUNAVAILABLE {
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
