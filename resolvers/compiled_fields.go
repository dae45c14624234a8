package resolvers

// The object writers of the compiled read path (compiled.go): one per
// schema type it supports, each writing the fields gqlgen's generated
// _Type function would, in selection order, with the same marshalers.
// Over 500 lines because it follows the schema type by type; splitting it
// by type would scatter one table.

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/analysis"
	"github.com/hmkg/hmkg/resolvers/model"
)

// nodeFields are the fields of every node type the path answers.
var nodeFields = []string{"id", "kind", "name", "summary", "sources", "relationships", "degree", "disputes", "metrics"}

// compiledFields lists, per object type, the fields the compiled path
// answers; an operation selecting any other field goes to gqlgen.
var compiledFields = func() map[string]map[string]bool {
	set := func(extra ...string) map[string]bool {
		m := map[string]bool{}
		for _, f := range extra {
			m[f] = true
		}
		return m
	}
	node := func(extra ...string) map[string]bool { return set(append(extra, nodeFields...)...) }
	return map[string]map[string]bool{
		"Query":             set("node", "relationship", "nodes", "search", "neighbourhood", "shortestPath", "paths", "source", "sources", "stats", "disputes", "changes"),
		"DisputeConnection": set("edges", "nodes", "pageInfo", "totalCount"),
		"DisputeEdge":       set("cursor", "node"),
		"Change":            set("id", "at", "actor", "action", "targetId", "detail"),
		"Movement":          node("aliases", "region", "startYear", "endYear", "organisations", "events", "challenged", "tensions"),
		"Organisation":      node("aliases", "category", "region", "foundedYear", "movements", "people"),
		"Institution":       node("aliases", "category", "country", "foundedYear", "reports", "challengedBy"),
		"Report":            node("year", "url", "publisher", "describes"),
		"Person":            node("role", "ledOrFounded"),
		"Event":             node("year", "date", "movements", "institutions"),
		"Tension":           node("question", "episodes"),
		"Relationship":      set("id", "type", "from", "to", "year", "summary", "tensions", "sources", "status", "disputes"),
		"Dispute":           set("about", "aboutKind", "node", "relationship", "claim", "positions", "note"),
		"Position":          set("says", "sources"),
		"GraphStats":        set("datasetName", "datasetVersion", "nodeCount", "relationshipCount", "sourceCount", "kinds", "relationshipTypes"),
		"KindCount":         set("kind", "count"),
		"NodeMetrics": set("node", "degree", "inDegree", "outDegree", "degreeCentrality", "betweenness", "closeness",
			"pageRank", "eigenvector", "brokerage", "community", "communityLabel"),
		"RelationshipTypeCount":  set("type", "count"),
		"Source":                 set("id", "title", "url", "publisher", "year", "kind"),
		"SearchHit":              set("node", "score"),
		"Subgraph":               set("nodes", "relationships", "truncated"),
		"Path":                   set("nodes", "relationships", "length"),
		"NodeConnection":         set("edges", "nodes", "pageInfo", "totalCount"),
		"NodeEdge":               set("cursor", "node"),
		"RelationshipConnection": set("edges", "nodes", "pageInfo", "totalCount"),
		"RelationshipEdge":       set("cursor", "node"),
		"PageInfo":               set("hasNextPage", "hasPreviousPage", "startCursor", "endCursor"),
	}
}()

// compiledResolverFields are the fields of compiledFields the path answers
// by calling their resolver; it reads every other one from the model
// struct. TestCompiledFieldsMatchGenerated checks this against gqlgen's
// generated code, so a field that becomes a resolver (or stops being one)
// in gqlgen.yml cannot be read the wrong way here.
var compiledResolverFields = func() map[string]bool {
	m := map[string]bool{}
	add := func(typ string, fields ...string) {
		for _, f := range fields {
			m[typ+"."+f] = true
		}
	}
	for f := range compiledFields["Query"] {
		add("Query", f)
	}
	for _, k := range []string{"Movement", "Organisation", "Institution", "Report", "Person", "Event", "Tension"} {
		add(k, "sources", "relationships", "degree", "metrics")
	}
	add("Movement", "organisations", "events", "challenged", "tensions")
	add("Organisation", "movements", "people")
	add("Institution", "reports", "challengedBy")
	add("Report", "publisher", "describes")
	add("Person", "ledOrFounded")
	add("Event", "movements", "institutions")
	add("Tension", "episodes")
	add("Relationship", "from", "to", "tensions", "sources", "status")
	add("Source", "kind")
	add("SearchHit", "node")
	add("Subgraph", "nodes")
	add("Path", "nodes")
	add("Dispute", "node", "relationship")
	add("Position", "sources")
	add("GraphStats", "nodeCount", "relationshipCount", "sourceCount", "kinds", "relationshipTypes")
	add("Change", "id", "at")
	add("NodeMetrics", "node")
	return m
}()

// fields opens an object of type typeName: it writes '{' and returns the
// fields sel selects on it.
func (e *compiledExec) fields(sel ast.SelectionSet, typeName string) []graphql.CollectedField {
	e.w.WriteByte('{')
	return e.collect(sel, typeName)
}

// fieldsKey names a selection set (by its first element and length, as
// gqlgen's own cache does) on one object type.
type fieldsKey struct {
	first *ast.Selection
	n     int
	typ   string
}

// collect is graphql.CollectFields for an object type, remembered for the
// operation: gqlgen caches the fields too, but builds a hashed key on every
// call, which was the path's largest allocation for a list of objects.
func (e *compiledExec) collect(sel ast.SelectionSet, typeName string) []graphql.CollectedField {
	k := fieldsKey{n: len(sel), typ: typeName}
	if len(sel) > 0 {
		k.first = &sel[0]
	}
	if fs, ok := e.shared[k]; ok {
		return fs
	}
	if fs, ok := e.collected[k]; ok {
		return fs
	}
	fs := graphql.CollectFields(e.opCtx, sel, e.c.implementors[typeName])
	if e.collected == nil {
		e.collected = map[fieldsKey][]graphql.CollectedField{}
	}
	e.collected[k] = fs
	return fs
}

// sep writes the comma before every field but the first, then its key.
func (e *compiledExec) sep(i int, f graphql.CollectedField) {
	if i > 0 {
		e.w.WriteByte(',')
	}
	e.key(f)
}

func (e *compiledExec) str(s string)   { writeString(e.w, s) }
func (e *compiledExec) integer(v int)  { graphql.MarshalInt(v).MarshalGQL(e.w) }
func (e *compiledExec) boolean(v bool) { graphql.MarshalBoolean(v).MarshalGQL(e.w) }

func (e *compiledExec) optInt(p *int) {
	if p == nil {
		e.w.WriteString("null")
		return
	}
	e.integer(*p)
}

func (e *compiledExec) optStr(p *string) {
	if p == nil {
		e.w.WriteString("null")
		return
	}
	e.str(*p)
}

func (e *compiledExec) strings(ss []string) {
	e.w.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			e.w.WriteByte(',')
		}
		e.str(s)
	}
	e.w.WriteByte(']')
}

// entity writes a node as its kind's object type; nil is null where the
// field is nullable and falls back where it is not.
func (e *compiledExec) entity(ctx context.Context, sel ast.SelectionSet, v graph.Entity, nonNull bool) error {
	if v == nil {
		if nonNull {
			return fmt.Errorf("%w: null node", errFallback)
		}
		e.w.WriteString("null")
		return nil
	}
	n := v.Base()
	tn := entityType(v)
	if n == nil || tn == "" {
		return fmt.Errorf("%w: node %T", errFallback, v)
	}
	for i, f := range e.fields(sel, tn) {
		e.sep(i, f)
		var err error
		switch f.Name {
		case "__typename":
			e.str(tn)
		case "id":
			graphql.MarshalID(n.ID).MarshalGQL(e.w)
		case "kind":
			e.str(string(n.Kind))
		case "name":
			e.str(n.Name)
		case "summary":
			e.str(n.Summary)
		case "aliases":
			e.strings(n.Aliases)
		case "region":
			e.str(n.Region)
		case "country":
			e.str(n.Country)
		case "category":
			e.str(n.Category)
		case "startYear":
			e.optInt(n.StartYear)
		case "endYear":
			e.optInt(n.EndYear)
		case "foundedYear":
			e.optInt(n.FoundedYear)
		case "year":
			e.optInt(n.Year)
		case "date":
			e.str(n.Date)
		case "url":
			e.str(n.URL)
		case "role":
			e.str(n.Role)
		case "question":
			e.str(n.Question)
		case "disputes":
			err = e.disputes(ctx, f.Selections, n.Disputes)
		default:
			err = e.nodeResolverField(ctx, tn, f, v)
		}
		if err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}

// entityType is the GraphQL type gqlgen marshals v as: its Go type's.
func entityType(v graph.Entity) string {
	switch v.(type) {
	case *graph.Movement:
		return "Movement"
	case *graph.Organisation:
		return "Organisation"
	case *graph.Institution:
		return "Institution"
	case *graph.Report:
		return "Report"
	case *graph.Person:
		return "Person"
	case *graph.Event:
		return "Event"
	case *graph.Tension:
		return "Tension"
	}
	return ""
}

// kindResolver is what every node type's generated resolver interface has.
type kindResolver[T any] interface {
	Sources(ctx context.Context, obj *T) ([]*graph.Source, error)
	Relationships(ctx context.Context, obj *T, direction *graph.Direction, types []graph.RelType, asOf *int, first *int, after *string) (*model.RelationshipConnection, error)
	Degree(ctx context.Context, obj *T) (int, error)
	Metrics(ctx context.Context, obj *T, asOf *int) (*analysis.NodeMetrics, error)
}

// commonField resolves a field every node type has with its type's resolver.
func commonField[T any](ctx context.Context, r kindResolver[T], obj *T, f graphql.CollectedField, a *args) (any, error) {
	switch f.Name {
	case "sources":
		return r.Sources(ctx, obj)
	case "degree":
		return r.Degree(ctx, obj)
	case "metrics":
		return r.Metrics(ctx, obj, a.typed["asOf"].(*int))
	case "relationships":
		// Coerced by nodeResolverField before the context was built.
		return r.Relationships(ctx, obj, a.typed["direction"].(*graph.Direction), a.typed["types"].([]graph.RelType),
			a.typed["asOf"].(*int), a.typed["first"].(*int), a.typed["after"].(*string))
	}
	return nil, fmt.Errorf("%w: node field %s", errFallback, f.Name)
}

// nodeResolverField resolves a node's resolver field with the resolver
// gqlgen would call, then writes its value.
func (e *compiledExec) nodeResolverField(ctx context.Context, tn string, f graphql.CollectedField, v graph.Entity) error {
	a := newArgs(f, e.opCtx.Variables)
	// Coerce the arguments before the resolver's context is built, as
	// gqlgen does, so that FieldContext.Args holds them.
	if f.Name == "relationships" {
		optEnum[graph.Direction](a, "direction")
		enumList[graph.RelType](a, "types")
		a.optInt("asOf")
		a.optInt("first")
		a.optString("after")
	} else if f.Name == "metrics" {
		a.optInt("asOf")
	} else if f.Name == "episodes" {
		a.optInt("first")
		a.optString("after")
	}
	if a.err != nil {
		return a.err
	}
	ctx = e.resolverContext(ctx, tn, f, a.typed)
	var res any
	var err error
	switch o := v.(type) {
	case *graph.Movement:
		r := e.r.Movement()
		switch f.Name {
		case "organisations":
			res, err = r.Organisations(ctx, o)
		case "events":
			res, err = r.Events(ctx, o)
		case "challenged":
			res, err = r.Challenged(ctx, o)
		case "tensions":
			res, err = r.Tensions(ctx, o)
		default:
			res, err = commonField(ctx, r, o, f, a)
		}
	case *graph.Organisation:
		r := e.r.Organisation()
		switch f.Name {
		case "movements":
			res, err = r.Movements(ctx, o)
		case "people":
			res, err = r.People(ctx, o)
		default:
			res, err = commonField(ctx, r, o, f, a)
		}
	case *graph.Institution:
		r := e.r.Institution()
		switch f.Name {
		case "reports":
			res, err = r.Reports(ctx, o)
		case "challengedBy":
			res, err = r.ChallengedBy(ctx, o)
		default:
			res, err = commonField(ctx, r, o, f, a)
		}
	case *graph.Report:
		r := e.r.Report()
		switch f.Name {
		case "publisher":
			var p graph.Entity
			if p, err = r.Publisher(ctx, o); err == nil {
				return e.entity(ctx, f.Selections, p, false)
			}
		case "describes":
			res, err = r.Describes(ctx, o)
		default:
			res, err = commonField(ctx, r, o, f, a)
		}
	case *graph.Person:
		r := e.r.Person()
		switch f.Name {
		case "ledOrFounded":
			res, err = r.LedOrFounded(ctx, o)
		default:
			res, err = commonField(ctx, r, o, f, a)
		}
	case *graph.Event:
		r := e.r.Event()
		switch f.Name {
		case "movements":
			res, err = r.Movements(ctx, o)
		case "institutions":
			res, err = r.Institutions(ctx, o)
		default:
			res, err = commonField(ctx, r, o, f, a)
		}
	case *graph.Tension:
		r := e.r.Tension()
		switch f.Name {
		case "episodes":
			res, err = r.Episodes(ctx, o, a.typed["first"].(*int), a.typed["after"].(*string))
		default:
			res, err = commonField(ctx, r, o, f, a)
		}
	default:
		return fmt.Errorf("%w: node type %T", errFallback, v)
	}
	if err != nil {
		return err
	}
	return e.value(ctx, f.Selections, res)
}

// value writes what a node's resolver field returned.
func (e *compiledExec) value(ctx context.Context, sel ast.SelectionSet, res any) error {
	switch v := res.(type) {
	case int:
		e.integer(v)
		return nil
	case []*graph.Source:
		return e.sources(ctx, sel, v)
	case *model.RelationshipConnection:
		return e.relConnection(ctx, sel, v)
	case []graph.Entity:
		return e.entities(ctx, sel, v)
	case []*graph.Movement:
		return entityList(e, ctx, sel, v)
	case []*graph.Organisation:
		return entityList(e, ctx, sel, v)
	case []*graph.Institution:
		return entityList(e, ctx, sel, v)
	case []*graph.Report:
		return entityList(e, ctx, sel, v)
	case []*graph.Person:
		return entityList(e, ctx, sel, v)
	case []*graph.Event:
		return entityList(e, ctx, sel, v)
	case []*graph.Tension:
		return entityList(e, ctx, sel, v)
	case *analysis.NodeMetrics:
		if v == nil {
			e.w.WriteString("null")
			return nil
		}
		return e.nodeMetrics(ctx, sel, v)
	}
	return fmt.Errorf("%w: resolver result %T", errFallback, res)
}

// entityList writes a non-null list of one kind's nodes.
func entityList[T any, P interface {
	*T
	graph.Entity
}](e *compiledExec, ctx context.Context, sel ast.SelectionSet, vs []P) error {
	e.w.WriteByte('[')
	for i, v := range vs {
		if v == nil || v.Base() == nil {
			return fmt.Errorf("%w: null list element", errFallback)
		}
		if i > 0 {
			e.w.WriteByte(',')
		}
		if err := e.entity(ctx, sel, v, true); err != nil {
			return err
		}
	}
	e.w.WriteByte(']')
	return nil
}

func (e *compiledExec) entities(ctx context.Context, sel ast.SelectionSet, vs []graph.Entity) error {
	e.w.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			e.w.WriteByte(',')
		}
		if err := e.entity(ctx, sel, v, true); err != nil {
			return err
		}
	}
	e.w.WriteByte(']')
	return nil
}

func (e *compiledExec) sources(ctx context.Context, sel ast.SelectionSet, vs []*graph.Source) error {
	return list(e, vs, func(s *graph.Source) error { return e.source(ctx, sel, s) })
}

func (e *compiledExec) source(ctx context.Context, sel ast.SelectionSet, s *graph.Source) error {
	for i, f := range e.fields(sel, "Source") {
		e.sep(i, f)
		switch f.Name {
		case "__typename":
			e.str("Source")
		case "id":
			graphql.MarshalID(s.ID).MarshalGQL(e.w)
		case "title":
			e.str(s.Title)
		case "url":
			e.str(s.URL)
		case "publisher":
			e.str(s.Publisher)
		case "year":
			e.optInt(s.Year)
		case "kind":
			k, err := e.r.Source().Kind(e.resolverContext(ctx, "Source", f, nil), s)
			if err != nil {
				return err
			}
			if k == nil {
				e.w.WriteString("null")
			} else {
				e.str(string(*k))
			}
		default:
			return fmt.Errorf("%w: Source.%s", errFallback, f.Name)
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) relationships(ctx context.Context, sel ast.SelectionSet, vs []*graph.Relationship) error {
	return list(e, vs, func(r *graph.Relationship) error { return e.relationship(ctx, sel, r) })
}

func (e *compiledExec) relationship(ctx context.Context, sel ast.SelectionSet, rel *graph.Relationship) error {
	r := e.r.Relationship()
	for i, f := range e.fields(sel, "Relationship") {
		e.sep(i, f)
		var err error
		switch f.Name {
		case "__typename":
			e.str("Relationship")
		case "id":
			graphql.MarshalID(rel.ID).MarshalGQL(e.w)
		case "type":
			e.str(string(rel.Type))
		case "year":
			e.optInt(rel.Year)
		case "summary":
			e.str(rel.Summary)
		case "from", "to":
			var n graph.Entity
			rctx := e.resolverContext(ctx, "Relationship", f, nil)
			if f.Name == "from" {
				n, err = r.From(rctx, rel)
			} else {
				n, err = r.To(rctx, rel)
			}
			if err == nil {
				err = e.entity(rctx, f.Selections, n, true)
			}
		case "tensions":
			rctx := e.resolverContext(ctx, "Relationship", f, nil)
			var ts []*graph.Tension
			if ts, err = r.Tensions(rctx, rel); err == nil {
				err = entityList(e, rctx, f.Selections, ts)
			}
		case "sources":
			rctx := e.resolverContext(ctx, "Relationship", f, nil)
			var ss []*graph.Source
			if ss, err = r.Sources(rctx, rel); err == nil {
				err = e.sources(rctx, f.Selections, ss)
			}
		case "disputes":
			err = e.disputes(ctx, f.Selections, rel.Disputes)
		case "status":
			var st graph.RelationshipStatus
			if st, err = r.Status(e.resolverContext(ctx, "Relationship", f, nil), rel); err == nil {
				e.str(string(st))
			}
		default:
			err = fmt.Errorf("%w: Relationship.%s", errFallback, f.Name)
		}
		if err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}
