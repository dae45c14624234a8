package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A /graphql answer whose work outlasts the request's deadline (an encoder
// or a resolver that does not watch its context) is TIMEOUT at the
// deadline, not whenever the work ends; work that ends in time is answered
// as it was written.
func TestAnswerByDeadline(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		answerByDeadline(rec, req, log, func(w http.ResponseWriter) {
			<-release // work that ignores the deadline
			w.Write([]byte(`{"data":{}}`))
		})
	}()
	select {
	case <-returned:
	case <-time.After(time.Minute): // a bound on a hang, not a measure
		t.Fatal("the answer waited for the work instead of the deadline")
	}
	var body struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 || body.Errors[0].Extensions.Code != "TIMEOUT" {
		t.Fatalf("status %d, body %s: want one TIMEOUT error", rec.Code, rec.Body)
	}
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", rec.Code)
	}

	// In time: the answer is copied as written, headers and status included.
	rec = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodPost, "/graphql", nil)
	answerByDeadline(rec, req, log, func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/graphql-response+json")
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte(`{"data":{"ok":true}}`))
	})
	if rec.Code != http.StatusAccepted || rec.Body.String() != `{"data":{"ok":true}}` || rec.Header().Get("Content-Type") != "application/graphql-response+json" {
		t.Errorf("in-time answer changed: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}

	// A panic outside gqlgen's own recovery is an INTERNAL answer, not a crash.
	rec = httptest.NewRecorder()
	answerByDeadline(rec, req, log, func(http.ResponseWriter) { panic("boom") })
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("panic: status %d, want 500: %s", rec.Code, rec.Body)
	}
}
