package resolvers

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/resolvers/model"
)

// ExportInlineMax caps the size of an export returned inside a GraphQL
// response; larger ones leave content null and are fetched from downloadUrl.
const ExportInlineMax = 16 << 20

// exportSubgraph implements Query.exportSubgraph.
func (r *Resolver) exportSubgraph(ctx context.Context, seeds []string, depth *int, types []graph.RelType, kinds []graph.Kind, asOf *int, format export.Format) (*model.Export, error) {
	f, err := export.ParseFormat(string(format))
	if err != nil {
		return nil, err
	}
	sel := export.Selection{Seeds: seeds, Depth: 1, Direction: graph.DirectionBoth, Types: types, Kinds: kinds, AsOf: asOf}
	if depth != nil {
		sel.Depth = *depth
	}
	doc, err := export.Prepare(ctx, r.Store, f, sel, time.Now())
	if err != nil {
		return nil, err
	}
	out := &model.Export{
		Format:            f,
		Filename:          export.Filename(f, sel),
		ContentType:       f.ContentType(),
		NodeCount:         doc.Manifest.Counts.Nodes,
		RelationshipCount: doc.Manifest.Counts.Relationships,
		SourceCount:       doc.Manifest.Counts.Sources,
		DownloadURL:       exportURL(f, sel),
	}
	var buf bytes.Buffer
	w := &capWriter{buf: &buf, max: ExportInlineMax}
	switch err := export.Encode(w, f, doc); {
	case errors.Is(err, errTooLarge):
		return out, nil // too big to inline: downloadUrl serves it
	case err != nil:
		return nil, fmt.Errorf("export %s: %w", f, err)
	}
	s := buf.String()
	if f.Binary() {
		s = base64.StdEncoding.EncodeToString(buf.Bytes())
		out.ContentBase64 = &s
	} else {
		out.Content = &s
	}
	return out, nil
}

var errTooLarge = errors.New("export too large to inline")

// capWriter stores up to max bytes and fails beyond, which stops the encoder.
type capWriter struct {
	buf *bytes.Buffer
	max int
}

func (w *capWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.max {
		return 0, errTooLarge
	}
	return w.buf.Write(p)
}

// exportURL is the GET /export request for the same export.
func exportURL(f export.Format, sel export.Selection) string {
	q := url.Values{}
	q.Set("format", strings.ToLower(string(f)))
	for _, s := range sel.Seeds {
		q.Add("seed", s)
	}
	if len(sel.Seeds) > 0 {
		q.Set("depth", strconv.Itoa(sel.Depth))
	}
	if sel.Direction != "" && sel.Direction != graph.DirectionBoth {
		q.Set("direction", string(sel.Direction))
	}
	for _, t := range sel.Types {
		q.Add("type", string(t))
	}
	for _, k := range sel.Kinds {
		q.Add("kind", string(k))
	}
	if sel.AsOf != nil {
		q.Set("asOf", strconv.Itoa(*sel.AsOf))
	}
	return "/export?" + q.Encode()
}

// ExportHandler serves GET /export?format=graphml&seed=act-up&depth=2&type=CHALLENGED&kind=MOVEMENT&asOf=1990
// as a file download, under the default export cap. See NewExportHandler.
func (r *Resolver) ExportHandler() http.Handler {
	return NewExportHandler(r.Store, export.DefaultMaxNodes, slog.Default())
}

// exportParams are the query parameters GET /export accepts.
var exportParams = []string{"format", "seed", "depth", "direction", "type", "kind", "asOf"}

// NewExportHandler serves exports over HTTP GET. Parameters: format
// (required: json, graphml, gexf, csv, cypher, kumu, kumu_xlsx, gephi_csv or cytoscape), seed (repeatable; none
// exports the whole graph), depth (default 1), direction (default BOTH),
// type and kind (repeatable) and asOf. The response is an attachment named
// after the selection. Every error is decided before the first byte of the
// file: bad input is 400 and an unknown seed 404, as JSON in the shape of
// GraphQL errors. If writing fails midway the connection is aborted, so a
// client never sees a cut-short file as a complete response. maxNodes caps
// the selection (0 means export.DefaultMaxNodes). Successful exports are
// cacheable (ETag, Cache-Control; see cacheExports) and readable from
// Gephi Lite's origin.
func NewExportHandler(store graph.Store, maxNodes int, log *slog.Logger) http.Handler {
	return cacheExports(store, log, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		f, sel, err := parseExportQuery(req.URL.Query())
		if err != nil {
			writeExportError(w, log, req, err)
			return
		}
		sel.MaxNodes = maxNodes
		start := time.Now()
		doc, err := export.Prepare(req.Context(), store, f, sel, start)
		if err != nil {
			writeExportError(w, log, req, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ContentType())
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", export.Filename(f, sel)))
		h.Set("X-Content-Type-Options", "nosniff")
		if h.Get("Cache-Control") == "" { // cacheExports sets it when the export is cacheable
			h.Set("Cache-Control", "no-store")
		}
		h.Set("X-Hmkg-Nodes", strconv.Itoa(doc.Manifest.Counts.Nodes))
		h.Set("X-Hmkg-Relationships", strconv.Itoa(doc.Manifest.Counts.Relationships))
		h.Set("X-Hmkg-Sources", strconv.Itoa(doc.Manifest.Counts.Sources))
		if req.Method == http.MethodHead {
			return
		}
		if err := export.Encode(w, f, doc); err != nil {
			log.WarnContext(req.Context(), "export aborted mid-stream", "format", f, "err", err)
			panic(http.ErrAbortHandler)
		}
		log.InfoContext(req.Context(), "export", "format", f, "nodes", doc.Manifest.Counts.Nodes,
			"relationships", doc.Manifest.Counts.Relationships, "took", time.Since(start).Round(time.Millisecond))
	}))
}

func parseExportQuery(q url.Values) (export.Format, export.Selection, error) {
	var sel export.Selection
	for name := range q {
		if !slices.Contains(exportParams, name) {
			return "", sel, graph.Errorf(graph.EINVALID, "unknown parameter %q: use %s", name, strings.Join(exportParams, ", "))
		}
	}
	if q.Get("format") == "" {
		_, err := export.ParseFormat("")
		return "", sel, graph.Errorf(graph.EINVALID, "format is required: %s", strings.TrimPrefix(graph.ErrorMessage(err), `unknown export format "": `))
	}
	f, err := export.ParseFormat(q.Get("format"))
	if err != nil {
		return "", sel, err
	}
	for _, s := range q["seed"] {
		for _, id := range strings.Split(s, ",") {
			if id = strings.TrimSpace(id); id != "" {
				sel.Seeds = append(sel.Seeds, id)
			}
		}
	}
	sel.Depth = 1
	if v := q.Get("depth"); v != "" {
		if sel.Depth, err = strconv.Atoi(v); err != nil {
			return "", sel, graph.Errorf(graph.EINVALID, "depth %q is not a whole number", v)
		}
	}
	if v := q.Get("direction"); v != "" {
		sel.Direction = graph.Direction(strings.ToUpper(v))
	}
	for _, v := range q["type"] {
		for _, t := range strings.Split(v, ",") {
			sel.Types = append(sel.Types, graph.RelType(strings.ToUpper(strings.TrimSpace(t))))
		}
	}
	for _, v := range q["kind"] {
		for _, k := range strings.Split(v, ",") {
			sel.Kinds = append(sel.Kinds, graph.Kind(strings.ToUpper(strings.TrimSpace(k))))
		}
	}
	if v := q.Get("asOf"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil {
			return "", sel, graph.Errorf(graph.EINVALID, "asOf %q is not a year", v)
		}
		sel.AsOf = &y
	}
	return f, sel, sel.Validate()
}

func writeExportError(w http.ResponseWriter, log *slog.Logger, req *http.Request, err error) {
	code := graph.ErrorCode(err)
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		status = http.StatusServiceUnavailable
		code = "TIMEOUT"
	case code == graph.EINVALID:
		status = http.StatusBadRequest
	case code == graph.ENOTFOUND:
		status = http.StatusNotFound
	case code == graph.EUNAVAILABLE:
		status = http.StatusServiceUnavailable
	}
	if status >= 500 && code != graph.EUNAVAILABLE && code != graph.ETIMEOUT {
		log.ErrorContext(req.Context(), "export failed", "url", req.URL.String(), "err", err)
	}
	ext := map[string]any{"code": codes[code]}
	msg := graph.ErrorMessage(err)
	if code == "TIMEOUT" {
		ext["code"], msg = "TIMEOUT", "the export took too long and was stopped"
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": ext}}})
}
