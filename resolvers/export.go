package resolvers

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
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
func (r *Resolver) exportSubgraph(ctx context.Context, seeds []string, depth *int, types []graph.RelType, kinds []graph.Kind, asOf *int, format export.Format, withDisputed *bool) (*model.Export, error) {
	f, err := export.ParseFormat(string(format))
	if err != nil {
		return nil, err
	}
	if r.Exports != nil {
		select {
		case r.Exports <- struct{}{}:
			defer func() { <-r.Exports }()
		default:
			return nil, ErrBusy
		}
	}
	d, err := intArg(ctx, "depth", depth, graph.MaxDepth)
	if err != nil {
		return nil, err
	}
	if err := graph.CheckAsOf(asOf); err != nil {
		return nil, err
	}
	sel := export.Selection{Seeds: seeds, Depth: d, Direction: graph.DirectionBoth, Types: types, Kinds: kinds, AsOf: asOf,
		ExcludeDisputed: !includeDisputed(withDisputed)}
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
	w := &capWriter{ctx: ctx, buf: &buf, max: ExportInlineMax}
	switch err := export.Encode(w, f, doc); {
	case errors.Is(err, errTooLarge):
		return out, nil // too big to inline: downloadUrl serves it
	case ctx.Err() != nil:
		return nil, graph.CtxError(ctx, "exportSubgraph")
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

// ErrBusy is returned by exportSubgraph when as many exports as allowed are
// already running; the server presents it as TOO_MANY_REQUESTS.
var ErrBusy = errors.New("as many exports as allowed are running; try again shortly")

// capWriter stores up to max bytes and fails beyond, or once the request
// has ended, which stops the encoder.
type capWriter struct {
	ctx context.Context
	buf *bytes.Buffer
	max int
}

func (w *capWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
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
	if sel.ExcludeDisputed {
		q.Set("includeDisputed", "false")
	}
	return "/export?" + q.Encode()
}
