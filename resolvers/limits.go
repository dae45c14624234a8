package resolvers

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits on the shape of a document, checked before gqlparser validates it.
const (
	// DefaultMaxIntrospectionDepth bounds the nesting inside __schema and
	// __type, which do not count towards MaxDepth: the standard
	// introspection query (graphql-js, GraphiQL) nests 14 levels there.
	DefaultMaxIntrospectionDepth = 20
	// DefaultMaxFields bounds the fields of a document once every fragment
	// spread is expanded, so that no check, validation rule or resolver
	// walks more than this however the fragments fan out.
	DefaultMaxFields = 2000
	// DefaultMaxSelectionFields bounds the fields merged into one selection
	// set (its own, and those its fragments bring): validation compares
	// the fields of a set pairwise.
	DefaultMaxSelectionFields = 500
	// checkEvery is how many selections a walk visits between looks at
	// the request's deadline.
	checkEvery = 1024
)

// shapeLimit rejects documents that are nested too deep, use too many
// aliases, or select too many fields once fragments are expanded, before
// gqlgen validates them and before anything is resolved. It parses the
// document itself (linear, under the token limit) because gqlparser's
// validation rules are quadratic in the fields of a selection set.
//
// Every measure is linear in the document: the shape of each fragment is
// computed once and reused at each of its spreads, so a document whose
// fragments spread each other many times (whose expansion is exponential)
// is measured in one pass and rejected by its expanded size. Zero limits
// take the defaults.
type shapeLimit struct {
	maxDepth              int
	maxAliases            int
	maxTokens             int
	maxIntrospectionDepth int
	maxFields             int
	maxSelectionFields    int
	// noIntrospection refuses __schema and __type with a client error
	// (gqlgen's own refusal surfaces as an internal error).
	noIntrospection bool

	// accepted remembers documents that passed, so a repeated document
	// (the usual case) is not parsed twice. Set by Validate.
	accepted *lru.LRU[struct{}]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = &shapeLimit{}

func (*shapeLimit) ExtensionName() string { return "ShapeLimit" }

func (l *shapeLimit) Validate(graphql.ExecutableSchema) error {
	l.setDefaults()
	return nil
}

func (l *shapeLimit) setDefaults() {
	if l.maxDepth <= 0 {
		l.maxDepth = DefaultMaxDepth
	}
	if l.maxAliases <= 0 {
		l.maxAliases = DefaultMaxAliases
	}
	if l.maxTokens <= 0 {
		l.maxTokens = DefaultMaxTokens
	}
	if l.maxIntrospectionDepth <= 0 {
		l.maxIntrospectionDepth = DefaultMaxIntrospectionDepth
	}
	if l.maxFields <= 0 {
		l.maxFields = DefaultMaxFields
	}
	if l.maxSelectionFields <= 0 {
		l.maxSelectionFields = DefaultMaxSelectionFields
	}
	if l.accepted == nil {
		l.accepted = lru.New[struct{}](1000)
	}
}

func (l *shapeLimit) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if _, ok := l.accepted.Get(ctx, params.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, l.maxTokens)
	if err != nil {
		// gqlgen parses again and reports the error with its own code.
		return nil
	}
	if gerr := l.check(ctx, doc); gerr != nil {
		return gerr
	}
	l.accepted.Add(ctx, params.Query, struct{}{})
	return nil
}

// check measures every operation and fragment of doc (validation walks
// them all, used or not) and reports the first limit exceeded.
func (l *shapeLimit) check(ctx context.Context, doc *ast.QueryDocument) *gqlerror.Error {
	m := newMeasurer(ctx, doc)
	var total shape
	for _, op := range doc.Operations {
		s := m.set(op.SelectionSet)
		if m.err != nil {
			return m.err
		}
		if err := l.judge(s, operationLabel(op)); err != nil {
			return err
		}
		total = total.plus(s)
	}
	for _, f := range doc.Fragments {
		// A fragment's depth depends on where it is spread, so it counts
		// through the operations above; its size counts here as well,
		// because validation walks fragments that no operation uses.
		s := m.fragment(f.Name)
		if m.err != nil {
			return m.err
		}
		s.depth, s.introDepth = 0, 0
		if err := l.judge(s, "fragment "+f.Name); err != nil {
			return err
		}
	}
	if l.noIntrospection && m.introspects {
		err := gqlerror.Errorf("introspection (__schema, __type) is disabled on this server")
		err.Extensions = map[string]any{"code": "BAD_REQUEST"}
		return err
	}
	if total.fields > l.maxFields {
		return limitError("the document selects %s fields once fragments are expanded; the limit is %d", count(total.fields), l.maxFields)
	}
	return nil
}

func (l *shapeLimit) judge(s shape, what string) *gqlerror.Error {
	switch {
	case s.depth > l.maxDepth:
		return limitError("%s is nested %d levels deep; the limit is %d", what, s.depth, l.maxDepth)
	case s.introDepth > l.maxIntrospectionDepth:
		return limitError("%s nests introspection %d levels deep; the limit is %d", what, s.introDepth, l.maxIntrospectionDepth)
	case s.aliases > l.maxAliases:
		return limitError("%s uses %s aliases once fragments are expanded; the limit is %d", what, count(s.aliases), l.maxAliases)
	case s.maxWidth > l.maxSelectionFields:
		return limitError("%s has a selection set of %s fields once fragments are merged; the limit is %d (select each field once)", what, count(s.maxWidth), l.maxSelectionFields)
	case s.fields > l.maxFields:
		return limitError("%s selects %s fields once fragments are expanded; the limit is %d", what, count(s.fields), l.maxFields)
	}
	return nil
}

func operationLabel(op *ast.OperationDefinition) string {
	if op.Name != "" {
		return fmt.Sprintf("%s %s", op.Operation, op.Name)
	}
	return "the " + string(op.Operation)
}

// count prints a saturated count as "more than" the largest int.
func count(n int) string {
	if n == maxInt {
		return fmt.Sprintf("more than %d", maxInt-1)
	}
	return fmt.Sprint(n)
}

func limitError(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": "QUERY_TOO_COMPLEX"}
	return err
}

// shape is what a selection set costs once its fragments are expanded.
type shape struct {
	depth      int // nesting of fields outside introspection (__schema, __type count 1)
	fullDepth  int // nesting of every field, introspection included
	introDepth int // nesting inside __schema and __type, from that field down
	aliases    int // aliased fields
	fields     int // fields
	width      int // fields merged into this set itself
	maxWidth   int // the widest set within, this one included
}

// plus is the shape of two selection lists side by side in one set.
func (s shape) plus(o shape) shape {
	return shape{
		depth:      max(s.depth, o.depth),
		fullDepth:  max(s.fullDepth, o.fullDepth),
		introDepth: max(s.introDepth, o.introDepth),
		aliases:    satAdd(s.aliases, o.aliases),
		fields:     satAdd(s.fields, o.fields),
		width:      satAdd(s.width, o.width),
		maxWidth:   max(s.maxWidth, o.maxWidth),
	}
}

// measurer computes shapes, each fragment's once.
type measurer struct {
	ctx       context.Context
	fragments map[string]*ast.FragmentDefinition
	memo      map[string]shape
	active    map[string]bool
	visited   int // selections visited: linear in the document
	err       *gqlerror.Error
	// introspects is set when a __schema or __type field is seen.
	introspects bool
}

func newMeasurer(ctx context.Context, doc *ast.QueryDocument) *measurer {
	m := &measurer{
		ctx:       ctx,
		fragments: make(map[string]*ast.FragmentDefinition, len(doc.Fragments)),
		memo:      make(map[string]shape, len(doc.Fragments)),
		active:    map[string]bool{},
	}
	for _, f := range doc.Fragments {
		if _, dup := m.fragments[f.Name]; !dup { // validation reports duplicates
			m.fragments[f.Name] = f
		}
	}
	return m
}

// fragment returns the shape of the named fragment, measuring it on first
// use. Unknown fragments and cycles measure as empty: validation rejects
// both.
func (m *measurer) fragment(name string) shape {
	if s, ok := m.memo[name]; ok {
		return s
	}
	f := m.fragments[name]
	if f == nil || m.active[name] {
		return shape{}
	}
	m.active[name] = true
	s := m.set(f.SelectionSet)
	delete(m.active, name)
	m.memo[name] = s
	return s
}

func (m *measurer) set(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		if m.tick() {
			return s
		}
		switch x := sel.(type) {
		case *ast.Field:
			s = s.plus(m.field(x))
		case *ast.InlineFragment:
			s = s.plus(m.set(x.SelectionSet))
		case *ast.FragmentSpread:
			s = s.plus(m.fragment(x.Name))
		}
	}
	s.maxWidth = max(s.maxWidth, s.width)
	return s
}

// field is the shape of one field as seen from the set that holds it.
func (m *measurer) field(f *ast.Field) shape {
	c := m.set(f.SelectionSet)
	s := shape{
		fullDepth: 1 + c.fullDepth,
		aliases:   c.aliases,
		fields:    satAdd(1, c.fields),
		width:     1,
		maxWidth:  c.maxWidth,
	}
	if f.Alias != "" && f.Alias != f.Name {
		s.aliases = satAdd(s.aliases, 1)
	}
	if f.Name == "__schema" || f.Name == "__type" {
		m.introspects = true
		s.depth = 1
		s.introDepth = s.fullDepth
	} else {
		s.depth = 1 + c.depth
		s.introDepth = c.introDepth
	}
	return s
}

// tick counts a visited selection and, every checkEvery, looks at the
// request's deadline; it reports whether the walk must stop.
func (m *measurer) tick() bool {
	if m.err != nil {
		return true
	}
	m.visited++
	if m.visited%checkEvery == 0 && m.ctx.Err() != nil {
		m.err = deadlineError(m.ctx)
		return true
	}
	return false
}

func deadlineError(ctx context.Context) *gqlerror.Error {
	err := gqlerror.Errorf("the request took too long and was stopped while checking its cost: %v", ctx.Err())
	err.Extensions = map[string]any{"code": "TIMEOUT"}
	return err
}

const maxInt = int(^uint(0) >> 1)

// satAdd adds non-negative counts, saturating at maxInt.
func satAdd(a, b int) int {
	if c := a + b; c >= a {
		return c
	}
	return maxInt
}
