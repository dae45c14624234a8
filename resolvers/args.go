package resolvers

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/generated"
	"github.com/hmkg/hmkg/resolvers/model"
	"github.com/vektah/gqlparser/v2/ast"
)

// Cursors are opaque to clients; inside they are offsets into the ordered
// result. They stay valid while the data does not change.
const cursorPrefix = "offset:"

func encodeCursor(offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

// decodeCursor returns the offset just after the cursor's position. It
// accepts exactly what encodeCursor writes for an offset below
// graph.MaxOffset: canonical decimal digits, no sign, no leading zero; a
// forged offset can neither overflow nor reach a store out of range.
func decodeCursor(after *string) (int, error) {
	if after == nil || *after == "" {
		return 0, nil
	}
	bad := func() (int, error) {
		return 0, graph.Errorf(graph.EINVALID, "after: %s is not a cursor returned by this API", Quote(*after))
	}
	if len(*after) > 64 {
		return bad()
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(*after)
	digits, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if err != nil || !ok {
		return bad()
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || n >= graph.MaxOffset || strconv.Itoa(n) != digits {
		return bad()
	}
	return n + 1, nil
}

// intArg returns the value of an Int argument of the field being resolved,
// checked against 0..max with the argument's name. An explicit null takes
// the argument's default from the schema, the one place defaults are
// stated (gqlgen already applies them when the argument is left out).
func intArg(ctx context.Context, name string, p *int, max int) (int, error) {
	v := 0
	if p != nil {
		v = *p
	} else {
		fc := graphql.GetFieldContext(ctx)
		d, ok := 0, false
		if fc != nil && fc.Field.Field != nil {
			d, ok = DefaultInt(fc.Object, fc.Field.Name, name)
		}
		if !ok {
			return 0, graph.Errorf(graph.EINVALID, "%s: must be a number, not null", name)
		}
		v = d
	}
	if err := graph.CheckLimit(name, v, max); err != nil {
		return 0, err
	}
	return v, nil
}

// DefaultInt returns the schema's default value of an Int argument
// (DefaultInt("Query", "search", "first") is 10), and whether it has one.
func DefaultInt(typeName, field, arg string) (int, bool) {
	t := generated.NewExecutableSchema(generated.Config{}).Schema().Types[typeName]
	if t == nil {
		return 0, false
	}
	f := t.Fields.ForName(field)
	if f == nil {
		return 0, false
	}
	a := f.Arguments.ForName(arg)
	if a == nil || a.DefaultValue == nil || a.DefaultValue.Kind != ast.IntValue {
		return 0, false
	}
	n, err := strconv.Atoi(a.DefaultValue.Raw)
	return n, err == nil
}

func pageInfo(offset, count, total int) *model.PageInfo {
	pi := &model.PageInfo{
		HasPreviousPage: offset > 0,
		HasNextPage:     offset+count < total,
	}
	if count > 0 {
		s, e := encodeCursor(offset), encodeCursor(offset+count-1)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

func direction(d *graph.Direction) graph.Direction {
	if d == nil || *d == "" {
		return graph.DirectionBoth
	}
	return *d
}

func checkID(name, id string) error {
	if !graph.ValidSlug(id) {
		return graph.Errorf(graph.EINVALID, "%s: %s is not a valid id (ids are slugs such as act-up)", name, Quote(id))
	}
	return nil
}

// Quote quotes user input for an error message: at most quoteMax
// characters of it, then "…", so that an error never echoes a large input.
func Quote(s string) string {
	const quoteMax = 64
	if utf8.RuneCountInString(s) <= quoteMax {
		return strconv.Quote(s)
	}
	return strconv.Quote(string([]rune(s)[:quoteMax])) + "…"
}
