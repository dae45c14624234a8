package httpapi

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/hmkg/hmkg/resolvers"
)

// documentPOST is gqlgen's POST transport, except that an answer of the
// compiled read path is written as the path wrote it (resolvers.Document)
// instead of being re-encoded by json.Marshal, which validates, compacts
// and copies the whole data once more (a seventh of the nested benchmark
// query's CPU). The bytes are the same: Document.Of escapes as
// json.Marshal does, and any other response goes through gqlgen as before.
type documentPOST struct{ transport.POST }

func (t documentPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	dw := &documentWriter{ResponseWriter: w}
	t.POST.Do(dw, r, documentExec{GraphExecutor: exec, w: dw})
}

// documentExec hands the operation's document, when the compiled path
// answered, to the writer, and the transport an empty response in its
// place.
type documentExec struct {
	graphql.GraphExecutor
	w *documentWriter
}

func (e documentExec) DispatchOperation(ctx context.Context, opCtx *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	d := &resolvers.Document{}
	next, ctx := e.GraphExecutor.DispatchOperation(resolvers.WithDocument(ctx, d), opCtx)
	return func(ctx context.Context) *graphql.Response {
		resp := next(ctx)
		if doc, ok := d.Of(resp); ok {
			e.w.doc = doc
			return &graphql.Response{}
		}
		return resp
	}, ctx
}

// documentWriter writes doc, when set, in place of the transport's one
// write of the response (the placeholder documentExec gave it).
type documentWriter struct {
	http.ResponseWriter
	doc []byte
}

func (w *documentWriter) Write(p []byte) (int, error) {
	if w.doc == nil {
		return w.ResponseWriter.Write(p)
	}
	doc := w.doc
	w.doc = nil
	if _, err := w.ResponseWriter.Write(doc); err != nil {
		return 0, err
	}
	return len(p), nil
}
