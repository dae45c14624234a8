package httpapi

import (
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
	"github.com/hmkg/hmkg/resolvers"
)

// exportParams are the query parameters GET /export accepts.
var exportParams = []string{"format", "seed", "depth", "direction", "type", "kind", "asOf", "includeDisputed"}

// newExportHandler serves exports over HTTP GET. Parameters: format
// (required: json, graphml, gexf, csv, cypher, kumu, kumu_xlsx, gephi_csv
// or cytoscape), seed (repeatable; none exports the whole graph), depth
// (default 1), direction (default BOTH), type and kind (repeatable) and
// asOf, and includeDisputed (default true; false leaves out DISPUTED and
// RETRACTED relationships). The response is an attachment named after the selection. Every
// error is decided before the first byte of the file, as JSON in the shape
// of GraphQL errors: bad input is 400, an unknown seed 404, and more than
// exports at once than slots holds 429 with Retry-After. If writing fails
// midway the connection is aborted, so a client never sees a cut-short
// file as a complete response. maxNodes caps the selection. Successful
// exports are cacheable (ETag, Cache-Control; see cacheExports) and
// readable from Gephi Lite's origin.
func newExportHandler(store graph.Store, maxNodes int, slots chan struct{}, log *slog.Logger) http.Handler {
	return cacheExports(store, log, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		f, sel, err := parseExportQuery(req.URL.Query())
		if err != nil {
			writeError(w, req, log, err)
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			writeError(w, req, log, resolvers.ErrBusy)
			return
		}
		sel.MaxNodes = maxNodes
		start := time.Now()
		doc, err := export.Prepare(req.Context(), store, f, sel, start)
		if err != nil {
			writeError(w, req, log, err)
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
			return "", sel, graph.Errorf(graph.EINVALID, "unknown parameter %s: use %s", resolvers.Quote(name), strings.Join(exportParams, ", "))
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
	sel.Depth, _ = resolvers.DefaultInt("Query", "exportSubgraph", "depth") // the same default as GraphQL's
	if v := q.Get("depth"); v != "" {
		if sel.Depth, err = strconv.Atoi(v); err != nil {
			return "", sel, graph.Errorf(graph.EINVALID, "depth %s is not a whole number", resolvers.Quote(v))
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
			return "", sel, graph.Errorf(graph.EINVALID, "asOf %s is not a year", resolvers.Quote(v))
		}
		sel.AsOf = &y
		if err := graph.CheckAsOf(sel.AsOf); err != nil {
			return "", sel, err
		}
	}
	if v := q.Get("includeDisputed"); v != "" {
		inc, err := strconv.ParseBool(v)
		if err != nil {
			return "", sel, graph.Errorf(graph.EINVALID, "includeDisputed %s is not true or false", resolvers.Quote(v))
		}
		sel.ExcludeDisputed = !inc
	}
	return f, sel, sel.Validate()
}
