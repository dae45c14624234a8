package graph

import (
	"errors"
	"fmt"
)

// Error codes shared by every store and presented by the API.
const (
	ENOTFOUND    = "NOT_FOUND"
	EINVALID     = "BAD_USER_INPUT"
	ECONFLICT    = "CONFLICT"
	EUNAVAILABLE = "UNAVAILABLE"
	EINTERNAL    = "INTERNAL"
	ETIMEOUT     = "TIMEOUT"
)

// Error is an error with a machine-readable code and a message safe to show
// to the user. Wrap it with context; ErrorCode and ErrorMessage unwrap it.
type Error struct {
	Code    string
	Message string
	// Problems lists every individual problem when validation found several.
	Problems []string
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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
