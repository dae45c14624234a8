package gqlfuzz

import (
	"encoding/json"
	"fmt"
)

// Verdict is what one answer showed.
type Verdict struct {
	// Problems are broken promises: a body that is not a GraphQL answer,
	// an error without extensions.code, an INTERNAL error.
	Problems []string
	// Internal counts INTERNAL errors (panics are recovered as INTERNAL).
	Internal int
	// Codes counts the error codes seen.
	Codes map[string]int
	// Executed is true when resolvers ran: the answer has data, or an
	// error carries the path of the field whose resolver failed (the
	// document passed parsing, validation and the limits).
	Executed bool
	// TimedOut is true for the handler's typed answer at the request
	// deadline (503, every error TIMEOUT): a kept promise, not a problem,
	// but callers count it, since many would mean slow work.
	TimedOut bool
}

// Judge reads one HTTP answer to a GraphQL request.
func Judge(status int, body []byte) Verdict {
	v := Verdict{Codes: map[string]int{}}
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Path       []any          `json:"path"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		v.Problems = append(v.Problems, fmt.Sprintf("status %d: body is not JSON: %v: %.200s", status, err, body))
		return v
	}
	v.Executed = len(res.Data) > 0 && string(res.Data) != "null"
	for _, e := range res.Errors {
		v.Executed = v.Executed || len(e.Path) > 0
	}
	if len(res.Errors) == 0 && !v.Executed {
		v.Problems = append(v.Problems, fmt.Sprintf("status %d: neither data nor errors: %.200s", status, body))
	}
	v.TimedOut = status == 503 && len(res.Errors) > 0
	for _, e := range res.Errors {
		if code, _ := e.Extensions["code"].(string); code != "TIMEOUT" {
			v.TimedOut = false
		}
	}
	if status >= 500 && !v.TimedOut {
		v.Problems = append(v.Problems, fmt.Sprintf("status %d: %.200s", status, body))
	}
	for _, e := range res.Errors {
		code, _ := e.Extensions["code"].(string)
		switch code {
		case "":
			v.Problems = append(v.Problems, fmt.Sprintf("status %d: error without extensions.code: %q", status, e.Message))
		case "INTERNAL":
			v.Internal++
			v.Problems = append(v.Problems, fmt.Sprintf("status %d: INTERNAL: %q", status, e.Message))
		}
		v.Codes[code]++
	}
	return v
}
