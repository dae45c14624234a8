package resolvers

// Argument coercion for the compiled read path (compiled.go), the way
// gqlgen's generated field_*_args functions coerce them: the raw values come
// from CollectedField.ArgumentMap, which takes literals, the operation's
// variables (already coerced by gqlparser) and the schema's defaults for
// absent arguments; scalars go through gqlgen's own Unmarshal* functions and
// enums are their string, as the generated code converts them. Input
// objects take the defaults their schema fields state, as the generated
// unmarshalInput* functions do. The typed values also fill the resolver's
// FieldContext.Args, under the same names and Go types as gqlgen's.

import (
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/hmkg/hmkg/graph"
)

// args reads one field's arguments; the first failure is kept in err and
// the execution falls back to gqlgen, which reports it.
type args struct {
	raw   map[string]any
	typed map[string]any
	err   error
}

func newArgs(f graphql.CollectedField, vars map[string]any) *args {
	a := &args{}
	if len(f.Arguments) == 0 && (f.Definition == nil || len(f.Definition.Arguments) == 0) {
		return a
	}
	a.raw = f.ArgumentMap(vars)
	a.typed = make(map[string]any, len(a.raw))
	return a
}

func (a *args) fail(name string, err error) {
	if a.err == nil && err != nil {
		a.err = fmt.Errorf("%w: argument %s: %v", errFallback, name, err)
	}
}

func (a *args) id(name string) string {
	v, err := graphql.UnmarshalID(a.raw[name])
	a.fail(name, err)
	a.typed[name] = v
	return v
}

func (a *args) str(name string) string {
	v, err := graphql.UnmarshalString(a.raw[name])
	a.fail(name, err)
	a.typed[name] = v
	return v
}

func (a *args) optInt(name string) *int {
	p, err := optInt(a.raw[name])
	a.fail(name, err)
	a.typed[name] = p
	return p
}

func (a *args) optString(name string) *string {
	p, err := optString(a.raw[name])
	a.fail(name, err)
	a.typed[name] = p
	return p
}

func (a *args) optBool(name string) *bool {
	var p *bool
	if raw := a.raw[name]; raw != nil {
		v, err := graphql.UnmarshalBoolean(raw)
		a.fail(name, err)
		p = &v
	}
	a.typed[name] = p
	return p
}

func optEnum[T ~string](a *args, name string) *T {
	p, err := optEnumValue[T](a.raw[name])
	a.fail(name, err)
	a.typed[name] = p
	return p
}

func enumList[T ~string](a *args, name string) []T {
	v, err := enumValues[T](a.raw[name])
	a.fail(name, err)
	a.typed[name] = v
	return v
}

func (a *args) nodeFilter(name string) *graph.NodeFilter {
	v, err := nodeFilter(a.raw[name])
	a.fail(name, err)
	a.typed[name] = v
	return v
}

func (a *args) nodeOrders(name string) []*graph.NodeOrder {
	var out []*graph.NodeOrder
	if raw := a.raw[name]; raw != nil {
		items := graphql.CoerceList(raw)
		out = make([]*graph.NodeOrder, len(items))
		for i, it := range items {
			o, err := nodeOrder(it)
			a.fail(name, err)
			out[i] = o
		}
	}
	a.typed[name] = out
	return out
}

func optInt(raw any) (*int, error) {
	if raw == nil {
		return nil, nil
	}
	v, err := graphql.UnmarshalInt(raw)
	return &v, err
}

func optString(raw any) (*string, error) {
	if raw == nil {
		return nil, nil
	}
	v, err := graphql.UnmarshalString(raw)
	return &v, err
}

func optID(raw any) (*string, error) {
	if raw == nil {
		return nil, nil
	}
	v, err := graphql.UnmarshalID(raw)
	return &v, err
}

func optEnumValue[T ~string](raw any) (*T, error) {
	if raw == nil {
		return nil, nil
	}
	s, err := graphql.UnmarshalString(raw)
	v := T(s)
	return &v, err
}

func enumValues[T ~string](raw any) ([]T, error) {
	if raw == nil {
		return nil, nil
	}
	items := graphql.CoerceList(raw)
	out := make([]T, len(items))
	for i, it := range items {
		s, err := graphql.UnmarshalString(it)
		if err != nil {
			return nil, err
		}
		out[i] = T(s)
	}
	return out, nil
}

func idValues(raw any) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	items := graphql.CoerceList(raw)
	out := make([]string, len(items))
	for i, it := range items {
		s, err := graphql.UnmarshalID(it)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func inputMap(raw any) (map[string]any, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%T is not an input object", raw)
	}
	return m, nil
}

// nodeOrder coerces a NodeOrder (direction defaults to ASC).
func nodeOrder(raw any) (*graph.NodeOrder, error) {
	if raw == nil {
		return nil, fmt.Errorf("null NodeOrder")
	}
	m, err := inputMap(raw)
	if err != nil {
		return nil, err
	}
	o := &graph.NodeOrder{Direction: graph.OrderDirection("ASC")}
	if v, ok := m["field"]; ok {
		s, err := graphql.UnmarshalString(v)
		if err != nil {
			return nil, err
		}
		o.Field = graph.OrderField(s)
	}
	if v, ok := m["direction"]; ok {
		o.Direction = ""
		if v != nil {
			s, err := graphql.UnmarshalString(v)
			if err != nil {
				return nil, err
			}
			o.Direction = graph.OrderDirection(s)
		}
	}
	return o, nil
}

// nodeFilter coerces a NodeFilter; nil stays nil.
func nodeFilter(raw any) (*graph.NodeFilter, error) {
	if raw == nil {
		return nil, nil
	}
	m, err := inputMap(raw)
	if err != nil {
		return nil, err
	}
	f := &graph.NodeFilter{}
	list := func(v any) ([]*graph.NodeFilter, error) {
		if v == nil {
			return nil, nil
		}
		items := graphql.CoerceList(v)
		out := make([]*graph.NodeFilter, len(items))
		for i, it := range items {
			if it == nil {
				return nil, fmt.Errorf("null NodeFilter")
			}
			if out[i], err = nodeFilter(it); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for k, v := range m {
		var err error
		switch k {
		case "AND":
			f.And, err = list(v)
		case "OR":
			f.Or, err = list(v)
		case "NOT":
			f.Not, err = nodeFilter(v)
		case "ids":
			f.IDs, err = idValues(v)
		case "kinds":
			f.Kinds, err = enumValues[graph.Kind](v)
		case "nameContains":
			f.NameContains, err = optString(v)
		case "regionContains":
			f.RegionContains, err = optString(v)
		case "category":
			f.Category, err = optString(v)
		case "yearFrom":
			f.YearFrom, err = optInt(v)
		case "yearTo":
			f.YearTo, err = optInt(v)
		case "hasRelationship":
			f.HasRelationship, err = relFilter(v)
		case "citesSource":
			f.CitesSource, err = optID(v)
		default:
			err = fmt.Errorf("unknown NodeFilter field %s", k)
		}
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

// relFilter coerces a RelationshipFilter (direction defaults to BOTH).
func relFilter(raw any) (*graph.RelFilter, error) {
	if raw == nil {
		return nil, nil
	}
	m, err := inputMap(raw)
	if err != nil {
		return nil, err
	}
	f := &graph.RelFilter{Direction: graph.Direction("BOTH")}
	for k, v := range m {
		var err error
		switch k {
		case "type":
			f.Type, err = optEnumValue[graph.RelType](v)
		case "direction":
			f.Direction = ""
			if v != nil {
				var s string
				s, err = graphql.UnmarshalString(v)
				f.Direction = graph.Direction(s)
			}
		case "otherId":
			f.OtherID, err = optID(v)
		default:
			err = fmt.Errorf("unknown RelationshipFilter field %s", k)
		}
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}
