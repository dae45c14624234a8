package gqlfuzz

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Generator makes random documents from a schema, deterministically for a
// seed. Most documents are valid; some carry invalid arguments, unknown
// fields, nesting or fan-out beyond the server's limits, or broken syntax,
// because every one of them must still be answered with a coded error.
type Generator struct {
	s   *Schema
	rnd *rand.Rand

	// per document
	b        strings.Builder
	vars     map[string]any
	varDefs  []string
	frags    map[string]string // name → definition
	fragType map[string]string // name → type condition
	fragList []string          // names in order of definition
	bad      bool              // this document may carry invalid parts
	aliases  int               // unique aliases handed out
}

// oops reports, for a document that may be invalid, a 1-in-n chance.
func (g *Generator) oops(n int) bool { return g.bad && g.rnd.IntN(n) == 0 }

// NewGenerator returns a generator for s seeded with seed.
func NewGenerator(s *Schema, seed uint64) *Generator {
	return &Generator{s: s, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Document is one generated request.
type Document struct {
	Query     string
	Variables map[string]any
}

// Next returns the next document.
func (g *Generator) Next() Document {
	g.b.Reset()
	g.vars = map[string]any{}
	g.varDefs = nil
	g.frags = map[string]string{}
	g.fragType = map[string]string{}
	g.fragList = nil
	g.bad = g.rnd.IntN(3) == 0
	g.aliases = 0

	root := g.s.Query
	op := "query"
	if g.s.Mutation != "" && g.rnd.IntN(10) == 0 {
		root, op = g.s.Mutation, "mutation"
	}
	maxDepth := 3 + g.rnd.IntN(5)
	if g.rnd.IntN(20) == 0 {
		maxDepth = 10 + g.rnd.IntN(10) // past the depth limit
	}
	body := g.selection(g.s.Types[root], 0, maxDepth)
	if g.rnd.IntN(30) == 0 {
		body = g.fanOut(root)
	}

	var q strings.Builder
	q.WriteString(op)
	if g.rnd.IntN(2) == 0 {
		fmt.Fprintf(&q, " Fuzz%d", g.rnd.IntN(1000))
	}
	if len(g.varDefs) > 0 {
		q.WriteString("(" + strings.Join(g.varDefs, ", ") + ")")
	}
	q.WriteString(" " + body)
	for _, name := range g.fragList {
		q.WriteString("\n" + g.frags[name])
	}
	doc := q.String()
	switch g.rnd.IntN(50) {
	case 0: // truncated
		if !g.bad {
			break
		}
		doc = doc[:g.rnd.IntN(len(doc)+1)]
	case 1: // a stray character
		if !g.bad {
			break
		}
		i := g.rnd.IntN(len(doc) + 1)
		doc = doc[:i] + string("{}()$@!:\"#"[g.rnd.IntN(10)]) + doc[i:]
	}
	return Document{Query: doc, Variables: g.vars}
}

// selection writes a selection set for t.
func (g *Generator) selection(t *Type, depth, maxDepth int) string {
	if t == nil || (t.Kind != "OBJECT" && t.Kind != "INTERFACE" && t.Kind != "UNION") {
		return ""
	}
	var parts []string
	n := 1 + g.rnd.IntN(4)
	used := map[string]bool{}
	for range n {
		parts = append(parts, g.selectionItem(t, depth, maxDepth, used))
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

// selectionItem writes one selection; used holds the field names already
// selected in this set, so that a valid document aliases a repeated field
// rather than asking for it with other arguments.
func (g *Generator) selectionItem(t *Type, depth, maxDepth int, used map[string]bool) string {
	switch r := g.rnd.IntN(100); {
	case r < 4:
		return "__typename"
	case r < 6 && g.bad:
		return fmt.Sprintf("unknownField%d", g.rnd.IntN(3)) // invalid
	case r < 12 && len(t.PossibleTypes) > 0:
		pt := g.s.Types[t.PossibleTypes[g.rnd.IntN(len(t.PossibleTypes))]]
		return "... on " + pt.Name + " " + g.selection(pt, depth, maxDepth)
	case r < 18:
		return "..." + g.fragment(t, depth, maxDepth)
	}
	if len(t.Fields) == 0 {
		return "__typename"
	}
	f := t.Fields[g.rnd.IntN(len(t.Fields))]
	var b strings.Builder
	switch {
	case g.bad && g.rnd.IntN(6) == 0:
		fmt.Fprintf(&b, "a%d: ", g.rnd.IntN(50))
	case used[f.Name]:
		g.aliases++
		fmt.Fprintf(&b, "u%d: ", g.aliases)
	}
	used[f.Name] = true
	b.WriteString(f.Name)
	if args := g.args(f.Args); args != "" {
		b.WriteString("(" + args + ")")
	}
	ft := g.s.Types[f.Type.Named()]
	if ft != nil && (ft.Kind == "OBJECT" || ft.Kind == "INTERFACE" || ft.Kind == "UNION") {
		if depth+1 >= maxDepth {
			b.WriteString(" { __typename }")
		} else {
			b.WriteString(" " + g.selection(ft, depth+1, maxDepth))
		}
	} else if g.oops(40) {
		b.WriteString(" { id }") // a selection on a leaf: invalid
	}
	return b.String()
}

// fragment defines (or reuses) a named fragment on t and returns its name.
func (g *Generator) fragment(t *Type, depth, maxDepth int) string {
	for _, name := range g.fragList {
		if g.fragType[name] == t.Name && g.frags[name] != "" && g.rnd.IntN(2) == 0 { // "" is being written
			return name
		}
	}
	name := fmt.Sprintf("Frag%d", len(g.frags))
	g.fragType[name] = t.Name
	g.fragList = append(g.fragList, name)
	g.frags[name] = "" // reserve against recursion picking it
	g.frags[name] = fmt.Sprintf("fragment %s on %s %s", name, t.Name, g.selection(t, depth, maxDepth))
	return name
}

// fanOut is a document whose fragments spread each other: small to send,
// huge to expand.
func (g *Generator) fanOut(root string) string {
	levels, fan := 3+g.rnd.IntN(20), 2+g.rnd.IntN(6)
	g.frags, g.fragType, g.fragList = map[string]string{}, map[string]string{}, nil
	for i := range levels + 1 {
		spreads := ""
		if i < levels {
			spreads = strings.Repeat(fmt.Sprintf(" ...Fan%d", i+1), fan)
		}
		name := fmt.Sprintf("Fan%d", i)
		g.frags[name] = fmt.Sprintf("fragment %s on %s { __typename%s }", name, root, spreads)
		g.fragList = append(g.fragList, name)
	}
	return "{ ...Fan0 }"
}

// args writes arguments: required ones mostly, optional ones sometimes,
// some through variables, some with values of the wrong type.
func (g *Generator) args(args []InputValue) string {
	var parts []string
	for _, a := range args {
		if !a.Type.NonNull() && g.rnd.IntN(3) != 0 {
			continue
		}
		if a.Type.NonNull() && g.oops(25) {
			continue // missing required argument
		}
		if g.rnd.IntN(5) == 0 {
			v := fmt.Sprintf("v%d", len(g.varDefs))
			typ := a.Type.String()
			if g.oops(20) {
				typ = "String" // variable of the wrong type
			}
			g.varDefs = append(g.varDefs, "$"+v+": "+typ)
			g.vars[v] = g.jsonValue(a.Type, 0)
			parts = append(parts, a.Name+": $"+v)
			continue
		}
		parts = append(parts, a.Name+": "+g.literal(a.Type, 0))
	}
	if g.oops(40) {
		parts = append(parts, "noSuchArgument: 1")
	}
	return strings.Join(parts, ", ")
}

// nodeIDs are ids of the curated dataset, and some that are not.
var nodeIDs = []string{"act-up", "nhs-england", "disability-rights-movement", "who", "no-such-node", "", "../etc/passwd", strings.Repeat("x", 300)}

var strs = []string{"aids", "health", "", " ", "\\u0000", "offset:9223372036854775807", "offset:-1", "b2Zmc2V0OjEw", "%%%", "'; MATCH (n) DETACH DELETE n //", strings.Repeat("é", 200)}

var ints = []int64{0, 1, 2, 5, 10, 50, 100, 500, 1000, -1, -99999, 1990, 2020, 99999, 1 << 31, 9223372036854775807, -9223372036854775808}

func (g *Generator) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

// literal writes a GraphQL literal for t, now and then of the wrong type.
func (g *Generator) literal(t TypeRef, depth int) string {
	if g.oops(30) {
		return []string{`"wrong"`, "42", "true", "null", "[1, 2]", "{ a: 1 }", "3.5", "ENUM_NOPE"}[g.rnd.IntN(8)]
	}
	if t.Kind != "NON_NULL" && g.rnd.IntN(15) == 0 {
		return "null"
	}
	if t.Kind == "NON_NULL" {
		t = *t.OfType
	}
	switch t.Kind {
	case "LIST":
		var items []string
		n := g.rnd.IntN(4)
		if depth > 3 {
			n = min(n, 1)
		}
		for range n {
			items = append(items, g.literal(*t.OfType, depth+1))
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	nt := g.s.Types[t.Name]
	switch {
	case nt == nil:
		return "null"
	case nt.Kind == "ENUM":
		if len(nt.EnumValues) == 0 || g.oops(15) {
			return "NOT_A_VALUE"
		}
		return g.pick(nt.EnumValues)
	case nt.Kind == "INPUT_OBJECT":
		if depth > 4 {
			return "{}"
		}
		var fs []string
		for _, f := range nt.InputFields {
			if f.Type.NonNull() || g.rnd.IntN(3) == 0 {
				fs = append(fs, f.Name+": "+g.literal(f.Type, depth+1))
			}
		}
		return "{ " + strings.Join(fs, ", ") + " }"
	}
	switch t.Name {
	case "Int":
		return fmt.Sprint(ints[g.rnd.IntN(len(ints))])
	case "Float":
		return fmt.Sprint(g.rnd.Float64() * 100)
	case "Boolean":
		return fmt.Sprint(g.rnd.IntN(2) == 0)
	case "ID":
		return fmt.Sprintf("%q", g.pick(nodeIDs))
	default:
		return fmt.Sprintf("%q", g.pick(strs))
	}
}

// jsonValue is a variable value for t, now and then of the wrong type.
func (g *Generator) jsonValue(t TypeRef, depth int) any {
	if g.oops(30) {
		return []any{"wrong", 42, true, nil, []any{1}, map[string]any{"a": 1}, 3.5}[g.rnd.IntN(7)]
	}
	if t.Kind == "NON_NULL" {
		t = *t.OfType
	}
	switch t.Kind {
	case "LIST":
		items := []any{}
		n := g.rnd.IntN(4)
		switch {
		case depth == 0 && g.rnd.IntN(40) == 0:
			n = 2000 // a long list
		case depth > 3:
			n = min(n, 1)
		}
		for range n {
			items = append(items, g.jsonValue(*t.OfType, depth+1))
		}
		return items
	}
	nt := g.s.Types[t.Name]
	switch {
	case nt == nil:
		return nil
	case nt.Kind == "ENUM":
		if len(nt.EnumValues) == 0 || g.oops(15) {
			return "NOT_A_VALUE"
		}
		return g.pick(nt.EnumValues)
	case nt.Kind == "INPUT_OBJECT":
		m := map[string]any{}
		if depth > 6 {
			return m
		}
		for _, f := range nt.InputFields {
			if f.Type.NonNull() || g.rnd.IntN(3) == 0 {
				m[f.Name] = g.jsonValue(f.Type, depth+1)
			}
		}
		return m
	}
	switch t.Name {
	case "Int":
		return ints[g.rnd.IntN(len(ints))]
	case "Float":
		return g.rnd.Float64() * 100
	case "Boolean":
		return g.rnd.IntN(2) == 0
	case "ID":
		return g.pick(nodeIDs)
	default:
		return g.pick(strs)
	}
}
