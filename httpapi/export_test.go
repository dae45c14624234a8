package httpapi_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/httpapi"
)

// exportServer is the whole HTTP API, /export included.
func exportServer(s graph.Store) http.Handler {
	return httpapi.New(httpapi.Config{Store: s})
}

func get(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func TestExportHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		h := exportServer(s)
		rec := get(h, "/export?format=graphml&seed=act-up&depth=2&type=CHALLENGED&type=PART_OF&asOf=1995")
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename="hmkg-act-up-d2-asof1995.graphml"` {
			t.Errorf("Content-Disposition = %q", got)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/graphml+xml" {
			t.Errorf("Content-Type = %q", got)
		}
		var doc struct {
			Nodes []struct {
				ID string `xml:"id,attr"`
			} `xml:"graph>node"`
			Edges []struct {
				Data []struct {
					Key   string `xml:"key,attr"`
					Value string `xml:",chardata"`
				} `xml:"data"`
			} `xml:"graph>edge"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("not XML: %v", err)
		}
		if len(doc.Nodes) == 0 || rec.Header().Get("X-Hmkg-Nodes") != itoa(len(doc.Nodes)) {
			t.Errorf("%d nodes, header says %s", len(doc.Nodes), rec.Header().Get("X-Hmkg-Nodes"))
		}
		for _, e := range doc.Edges {
			for _, d := range e.Data {
				if d.Key == "e_type" && d.Value != "CHALLENGED" && d.Value != "PART_OF" {
					t.Errorf("edge of type %s in a CHALLENGED/PART_OF export", d.Value)
				}
			}
		}

		for _, tc := range []struct {
			target, code, msg string
			status            int
		}{
			{"/export?format=dot&seed=act-up", "BAD_USER_INPUT", "json, graphml, gexf, csv, cypher", 400},
			{"/export?seed=act-up", "BAD_USER_INPUT", "format is required", 400},
			{"/export?format=json&seed=no-such-node", "NOT_FOUND", "no-such-node", 404},
			{"/export?format=json&seed=act-up&depth=5", "BAD_USER_INPUT", "depth", 400},
			{"/export?format=json&seed=act-up&depth=two", "BAD_USER_INPUT", "depth", 400},
			{"/export?format=json&seeds=act-up", "BAD_USER_INPUT", `unknown parameter "seeds"`, 400},
			{"/export?format=json&seed=act-up&type=LIKED", "BAD_USER_INPUT", "LIKED", 400},
			{"/export?format=json&seed=act-up&asOf=soon", "BAD_USER_INPUT", "asOf", 400},
		} {
			rec := get(h, tc.target)
			var body struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
				t.Errorf("%s: body %q", tc.target, rec.Body)
				continue
			}
			if rec.Code != tc.status || body.Errors[0].Extensions.Code != tc.code || !strings.Contains(body.Errors[0].Message, tc.msg) ||
				rec.Header().Get("Content-Disposition") != "" {
				t.Errorf("%s: %d %+v", tc.target, rec.Code, body.Errors[0])
			}
		}
	})
}

func TestExportCap(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		h := httpapi.New(httpapi.Config{Store: s, ExportMaxNodes: 10})
		for _, target := range []string{"/export?format=json", "/export?format=json&seed=nhs-england&depth=2"} {
			rec := get(h, target)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "export cap of 10") {
				t.Errorf("%s: %d %s", target, rec.Code, rec.Body)
			}
		}
		// Under the cap the whole graph exports, with every node.
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rec := get(httpapi.New(httpapi.Config{Store: s}), "/export?format=json")
		if rec.Code != http.StatusOK || rec.Header().Get("X-Hmkg-Nodes") != itoa(st.Nodes) ||
			rec.Header().Get("X-Hmkg-Relationships") != itoa(st.Relationships) {
			t.Errorf("whole graph: %d, %s nodes (store has %d), %s relationships (store has %d)", rec.Code,
				rec.Header().Get("X-Hmkg-Nodes"), st.Nodes, rec.Header().Get("X-Hmkg-Relationships"), st.Relationships)
		}
	})
}

// brokenWriter is a response whose connection fails after the headers.
type brokenWriter struct {
	httptest.ResponseRecorder
	wrote int
}

func (w *brokenWriter) Write(p []byte) (int, error) {
	w.wrote += len(p)
	return 0, errors.New("connection reset")
}

func TestExportAbortsMidStream(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		h := httpapi.New(httpapi.Config{Store: s})
		w := &brokenWriter{ResponseRecorder: *httptest.NewRecorder()}
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", p)
			}
		}()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/export?format=gexf", nil))
		t.Error("handler returned normally after a failed write")
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
