package resolvers

// compiled.go is the compiled read path's engine (over 500 lines: the
// support check, the executor and the field-context handling are one
// algorithm and read best together; the JSON it writes is compiled_json.go): a handler extension that answers a
// query operation itself, sequentially and with no goroutines, when every
// field it selects is one the path knows (compiled_fields.go lists them),
// and hands every other operation to gqlgen unchanged.
//
// gqlgen (v0.17.98) marshals each element of a list of objects in its own
// goroutine and every resolver field in another, and builds a FieldContext,
// a FieldSet and a marshaler per field: for the nested benchmark query
// (20 nodes × 10 relationships with endpoints and sources) that execution
// was nearly all of the request's cost, the data being already planned
// (plan.go) and held by the request's loaders. This path calls the same
// resolver methods gqlgen would, with a FieldContext like the one gqlgen
// builds (Object, Field, Args, IsMethod, IsResolver, Parent), so the
// planner plans exactly as before and every rule keeps its one home; it
// reads plain fields from the model structs and encodes scalars with
// gqlgen's own marshalers, writing the response JSON directly.
//
// Anything unusual falls back to gqlgen: a field outside the supported set
// (checked over the whole operation before anything runs), an argument that
// does not coerce, a resolver error, a null where the schema says non-null,
// a panic. Reads have no side effects, so re-running an operation through
// gqlgen is safe, and its answer (errors, null propagation) is gqlgen's.
//
// The extension is an OperationInterceptor: gqlgen runs it in
// DispatchOperation, after parsing, validation and every
// OperationContextMutator (the API-key check, the complexity limit) and
// OperationParameterMutator (the shape limit) have accepted the operation,
// so limits refuse before this path runs.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/generated"
)

// CompiledReads is the compiled read path's handler extension (see the top
// of this file). Add it to the handler of the schema it was made with.
type CompiledReads struct {
	r      *Resolver
	schema *ast.Schema
	// implementors maps an object type to the type conditions it meets
	// (itself and its interfaces), as gqlgen's generated code lists them.
	implementors map[string][]string
	// possible maps an abstract type to its object types.
	possible map[string][]string

	ran, fellBack atomic.Int64
	// lastSize is the size of the last answer, to size the next buffer.
	lastSize atomic.Int64
	// shapes remembers, per operation without variables, whether the path
	// supports it and the fields supports collected (opShape).
	shapes *lru.LRU[*opShape]
}

// opShape is what the support check found for one operation: whether the
// path answers it and the fields of every selection set it collected.
// gqlgen's query cache hands every request with the same text the same
// parsed document, and an operation without variables collects the same
// fields every time (only @skip and @include with variables could change
// them), so later requests skip the check (a tenth of a request's CPU on
// Neo4j's CHALLENGED question) and start with the fields collected. Never
// written once stored.
type opShape struct {
	op        *ast.OperationDefinition
	supported bool
	collected map[fieldsKey][]graphql.CollectedField
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = (*CompiledReads)(nil)

// SchemaWithCompiledReads returns the executable schema over store (as
// Schema does) and the compiled read path over the same resolvers.
func SchemaWithCompiledReads(store graph.Store, exports chan struct{}) (graphql.ExecutableSchema, *CompiledReads) {
	r := &Resolver{Store: store, Exports: exports}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: r, Complexity: complexityRoot()})
	c := &CompiledReads{r: r, shapes: lru.New[*opShape](1000)}
	c.init(es.Schema())
	return es, c
}

func (c *CompiledReads) init(s *ast.Schema) {
	c.schema = s
	c.implementors = map[string][]string{}
	c.possible = map[string][]string{}
	for name, def := range s.Types {
		switch def.Kind {
		case ast.Object:
			c.implementors[name] = append([]string{name}, def.Interfaces...)
		case ast.Interface, ast.Union:
			for _, p := range s.GetPossibleTypes(def) {
				c.possible[name] = append(c.possible[name], p.Name)
			}
		}
	}
}

// ExtensionName implements graphql.HandlerExtension.
func (*CompiledReads) ExtensionName() string { return "CompiledReads" }

// Validate implements graphql.HandlerExtension: the schema must be the one
// the path was made for.
func (c *CompiledReads) Validate(es graphql.ExecutableSchema) error {
	if es.Schema() != c.schema {
		return errors.New("compiled reads: added to the handler of another schema")
	}
	return nil
}

// Stats reports how many operations the path answered and how many it
// began and then handed to gqlgen (an error, a null, a panic).
func (c *CompiledReads) Stats() (ran, fellBack int64) { return c.ran.Load(), c.fellBack.Load() }

// InterceptOperation implements graphql.OperationInterceptor.
func (c *CompiledReads) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	if opCtx == nil || opCtx.Operation == nil || opCtx.Operation.Operation != ast.Query {
		return next(ctx)
	}
	e := &compiledExec{c: c, r: c.r, opCtx: opCtx}
	if !e.supported(ctx) {
		return next(ctx)
	}
	doc, err := e.execute(ctx)
	if err != nil {
		c.fellBack.Add(1)
		if p := probe(ctx); p != nil {
			p.FellBack = true
		}
		slog.DebugContext(ctx, "compiled read fell back to gqlgen", "err", err)
		return next(ctx)
	}
	c.ran.Add(1)
	if p := probe(ctx); p != nil {
		p.Compiled = true
	}
	resp := &graphql.Response{Data: doc[len(docOpen) : len(doc)-1]}
	if d := document(ctx); d != nil {
		d.doc, d.resp = doc, resp
	}
	return graphql.OneShot(resp)
}

// docOpen begins the response document the compiled path writes; the data
// follows and "}" ends it.
const docOpen = `{"data":`

// errFallback ends a compiled execution whose answer gqlgen must give.
var errFallback = errors.New("compiled reads: gqlgen answers this")

// compiledExec is one operation's execution.
type compiledExec struct {
	c     *CompiledReads
	r     *Resolver
	opCtx *graphql.OperationContext
	w     *bytes.Buffer
	// collected holds the fields of each selection set per object type;
	// shared, read only, those the operation's shape remembers.
	collected, shared map[fieldsKey][]graphql.CollectedField
	// fcs is the current block of resolver FieldContexts.
	fcs []graphql.FieldContext
	// ctxs holds, per field, the context last made for it (see
	// resolverContext).
	ctxs map[*ast.Field]reusedContext
}

func (e *compiledExec) execute(ctx context.Context) (data []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.DebugContext(ctx, "compiled read panicked; gqlgen answers", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("compiled reads: panic: %v", p)
		}
	}()
	// Start at the size of the last answer, rather than growing from a
	// few kilobytes by doubling.
	e.w = bytes.NewBuffer(make([]byte, 0, max(4096, e.c.lastSize.Load())))
	e.w.WriteString(docOpen)
	if err := e.query(ctx, e.opCtx.Operation.SelectionSet); err != nil {
		return nil, err
	}
	e.w.WriteByte('}')
	e.c.lastSize.Store(min(int64(e.w.Len())+64, 256<<10))
	return e.w.Bytes(), nil
}

// supported reports whether the path answers the operation, from the
// operation's remembered shape when there is one (see opShape).
func (e *compiledExec) supported(ctx context.Context) bool {
	op := e.opCtx.Operation
	if len(op.VariableDefinitions) > 0 || e.c.shapes == nil {
		return e.supports("Query", op.SelectionSet, 0)
	}
	key := e.opCtx.RawQuery + "\x00" + e.opCtx.OperationName
	if sh, ok := e.c.shapes.Get(ctx, key); ok && sh.op == op {
		e.shared = sh.collected
		return sh.supported
	}
	ok := e.supports("Query", op.SelectionSet, 0)
	e.c.shapes.Add(ctx, key, &opShape{op: op, supported: ok, collected: maps.Clone(e.collected)})
	return ok
}

// supports reports whether every field sel selects on typeName, under
// every object type it can be, is one the path answers. It reads the
// fields through e.collect, so execution finds them collected.
func (e *compiledExec) supports(typeName string, sel ast.SelectionSet, depth int) bool {
	c := e.c
	if depth > 64 {
		return false
	}
	types := c.possible[typeName]
	if types == nil {
		types = []string{typeName}
	}
	for _, t := range types {
		known := compiledFields[t]
		if known == nil {
			return false
		}
		for _, f := range e.collect(sel, t) {
			if len(f.Deferrables) > 0 {
				return false
			}
			if f.Name == "__typename" {
				continue
			}
			if !known[f.Name] || f.Definition == nil {
				return false
			}
			child := f.Definition.Type.Name()
			if def := c.schema.Types[child]; def != nil && def.Kind != ast.Scalar && def.Kind != ast.Enum {
				if !e.supports(child, f.Selections, depth+1) {
					return false
				}
			}
		}
	}
	return true
}

// query writes the operation's data: the root fields in selection order.
func (e *compiledExec) query(ctx context.Context, sel ast.SelectionSet) error {
	fields := e.collect(sel, "Query")
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query"})
	e.w.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			e.w.WriteByte(',')
		}
		e.key(f)
		if f.Name == "__typename" {
			writeString(e.w, "Query")
			continue
		}
		fctx := graphql.WithRootFieldContext(ctx, &graphql.RootFieldContext{Object: f.Name, Field: f})
		if err := e.rootField(fctx, f); err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}

// key writes a field's response key and the colon after it.
func (e *compiledExec) key(f graphql.CollectedField) {
	writeString(e.w, f.Alias)
	e.w.WriteByte(':')
}

// resolverContext returns ctx with the FieldContext gqlgen would give the
// resolver of f on an object of type object (its Parent is the nearest
// resolver's; gqlgen's list elements and plain fields between them carry
// nothing a resolver reads). The contexts are allocated in blocks.
//
// The same field under the same parent context (from of each relationship
// of a list, say) reuses the context made for it the last time, its
// FieldContext overwritten: the path resolves one field at a time and no
// resolver keeps its context once it has returned, so this saves a
// context per field resolved (an eighth of the nested benchmark query's
// allocations) without changing what any resolver sees.
func (e *compiledExec) resolverContext(ctx context.Context, object string, f graphql.CollectedField, args map[string]any) context.Context {
	fresh := graphql.FieldContext{Object: object, Field: f, Args: args, IsMethod: true, IsResolver: true}
	if f.Field != nil {
		if c, ok := e.ctxs[f.Field]; ok && c.parent == ctx {
			fresh.Parent = c.fc.Parent
			*c.fc = fresh
			return c.ctx
		}
	}
	if len(e.fcs) == cap(e.fcs) {
		e.fcs = make([]graphql.FieldContext, 0, 64)
	}
	e.fcs = append(e.fcs, fresh)
	fc := &e.fcs[len(e.fcs)-1]
	out := graphql.WithFieldContext(ctx, fc)
	if f.Field != nil {
		if e.ctxs == nil {
			e.ctxs = map[*ast.Field]reusedContext{}
		}
		e.ctxs[f.Field] = reusedContext{parent: ctx, ctx: out, fc: fc}
	}
	return out
}

// reusedContext is the context resolverContext last made for a field.
type reusedContext struct {
	parent, ctx context.Context
	fc          *graphql.FieldContext
}

// rootField resolves one root field with the resolver gqlgen would call
// and writes its value.
func (e *compiledExec) rootField(ctx context.Context, f graphql.CollectedField) error {
	a := newArgs(f, e.opCtx.Variables)
	q := e.r.Query()
	switch f.Name {
	case "node":
		id := a.id("id")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Node(ctx, id)
		if err != nil {
			return err
		}
		return e.entity(ctx, f.Selections, v, false)
	case "relationship":
		id := a.id("id")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Relationship(ctx, id)
		if err != nil {
			return err
		}
		if v == nil {
			e.w.WriteString("null")
			return nil
		}
		return e.relationship(ctx, f.Selections, v)
	case "nodes":
		kinds := enumList[graph.Kind](a, "kinds")
		where := a.nodeFilter("where")
		orderBy := a.nodeOrders("orderBy")
		first, after := a.optInt("first"), a.optString("after")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Nodes(ctx, kinds, where, orderBy, first, after)
		if err != nil {
			return err
		}
		return e.nodeConnection(ctx, f.Selections, v)
	case "search":
		text := a.str("text")
		kinds := enumList[graph.Kind](a, "kinds")
		first := a.optInt("first")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Search(ctx, text, kinds, first)
		if err != nil {
			return err
		}
		return list(e, v, func(h *graph.SearchHit) error { return e.searchHit(ctx, f.Selections, h) })
	case "neighbourhood":
		id, depth := a.id("id"), a.optInt("depth")
		dir := optEnum[graph.Direction](a, "direction")
		types, kinds := enumList[graph.RelType](a, "types"), enumList[graph.Kind](a, "kinds")
		asOf, limit, disputed := a.optInt("asOf"), a.optInt("limit"), a.optBool("includeDisputed")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Neighbourhood(ctx, id, depth, dir, types, kinds, asOf, limit, disputed)
		if err != nil {
			return err
		}
		if v == nil {
			return errFallback
		}
		return e.subgraph(ctx, f.Selections, v)
	case "shortestPath":
		from, to, maxLength := a.id("from"), a.id("to"), a.optInt("maxLength")
		types, asOf := enumList[graph.RelType](a, "types"), a.optInt("asOf")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.ShortestPath(ctx, from, to, maxLength, types, asOf)
		if err != nil {
			return err
		}
		if v == nil {
			e.w.WriteString("null")
			return nil
		}
		return e.path(ctx, f.Selections, v)
	case "paths":
		from, to, maxLength, first := a.id("from"), a.id("to"), a.optInt("maxLength"), a.optInt("first")
		types, asOf, disputed := enumList[graph.RelType](a, "types"), a.optInt("asOf"), a.optBool("includeDisputed")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Paths(ctx, from, to, maxLength, first, types, asOf, disputed)
		if err != nil {
			return err
		}
		return list(e, v, func(p *graph.Path) error { return e.path(ctx, f.Selections, p) })
	case "source":
		id := a.id("id")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Source(ctx, id)
		if err != nil {
			return err
		}
		if v == nil {
			e.w.WriteString("null")
			return nil
		}
		return e.source(ctx, f.Selections, v)
	case "sources":
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Sources(ctx)
		if err != nil {
			return err
		}
		return e.sources(ctx, f.Selections, v)
	case "disputes":
		about, err := idValues(a.raw["about"])
		a.fail("about", err)
		a.typed["about"] = about
		kind := optEnum[graph.DisputeSubject](a, "aboutKind")
		claim, first, after := a.optString("claimContains"), a.optInt("first"), a.optString("after")
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Disputes(ctx, about, kind, claim, first, after)
		if err != nil {
			return err
		}
		return e.disputeConnection(ctx, f.Selections, v)
	case "changes":
		first := a.optInt("first")
		before, err := optID(a.raw["before"])
		a.fail("before", err)
		a.typed["before"] = before
		if a.err != nil {
			return a.err
		}
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Changes(ctx, first, before)
		if err != nil {
			return err
		}
		return list(e, v, func(c *graph.Change) error { return e.change(ctx, f.Selections, c) })
	case "stats":
		ctx = e.resolverContext(ctx, "Query", f, a.typed)
		v, err := q.Stats(ctx)
		if err != nil {
			return err
		}
		return e.stats(ctx, f.Selections, v)
	}
	return fmt.Errorf("%w: Query.%s", errFallback, f.Name)
}

// list writes a non-null list of non-null elements, each with write; a nil
// element falls back (gqlgen would null the list and report an error).
func list[T any](e *compiledExec, vs []*T, write func(*T) error) error {
	e.w.WriteByte('[')
	for i, v := range vs {
		if v == nil {
			return fmt.Errorf("%w: null list element", errFallback)
		}
		if i > 0 {
			e.w.WriteByte(',')
		}
		if err := write(v); err != nil {
			return err
		}
	}
	e.w.WriteByte(']')
	return nil
}

// ReadProbe records, for one request, whether the compiled read path
// answered it (tests and benchmarks read it; see WithReadProbe).
type ReadProbe struct{ Compiled, FellBack bool }

type readProbeKey struct{}

// WithReadProbe returns ctx carrying p, which the compiled read path marks
// when it answers (or begins and hands back) an operation in ctx.
func WithReadProbe(ctx context.Context, p *ReadProbe) context.Context {
	return context.WithValue(ctx, readProbeKey{}, p)
}

func probe(ctx context.Context) *ReadProbe {
	p, _ := ctx.Value(readProbeKey{}).(*ReadProbe)
	return p
}
