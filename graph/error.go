package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Error codes shared by every store. They are the names clients see in
// extensions.code and in HTTP error bodies, spelled the same everywhere.
const (
	ENOTFOUND    = "NOT_FOUND"
	EINVALID     = "BAD_USER_INPUT"
	ECONFLICT    = "CONFLICT"
	EUNAVAILABLE = "UNAVAILABLE"
	EINTERNAL    = "INTERNAL"
	// ETIMEOUT: the request's deadline passed or it was cancelled.
	ETIMEOUT = "TIMEOUT"
)

// Error is an error with a machine-readable code and a message safe to show
// to the user. Op names the operation that failed ("neo4jstore.Nodes") and
// Err is the underlying cause (a driver error, a context error), kept for
// logs and errors.Is/As but never shown to clients: only Message is. Wrap it
// with context; ErrorCode and ErrorMessage unwrap it.
type Error struct {
	Op      string
	Code    string
	Message string
	// Problems lists every individual problem when validation found several.
	Problems []string
	// Err is the cause, if any.
	Err error
}

// Error implements the error interface: "op: CODE: message: cause", with
// the empty parts left out. It is for logs, not for clients.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// E returns an *Error for operation op with the given code, user-facing
// message and cause (which may be nil).
func E(op, code, message string, cause error) *Error {
	return &Error{Op: op, Code: code, Message: message, Err: cause}
}

// CtxError returns nil while ctx is live, and once its deadline has passed
// or it was cancelled an ETIMEOUT error for op whose cause is ctx.Err()
// (so errors.Is(err, context.DeadlineExceeded) still holds). Every store
// reports an expired request through it.
func CtxError(ctx context.Context, op string) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	return TimeoutError(op, err)
}

// TimeoutError returns the ETIMEOUT error for op with the given cause.
func TimeoutError(op string, cause error) *Error {
	msg := "the request took too long and was stopped"
	if errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
		msg = "the request was cancelled"
	}
	return &Error{Op: op, Code: ETIMEOUT, Message: msg, Err: cause}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of err. Internal errors get
// a generic message so that nothing about the implementation leaks.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}

// ErrorProblems returns the individual problems of a validation error.
func ErrorProblems(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}
