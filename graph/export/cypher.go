package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// EncodeCypher writes d as a Cypher script that recreates the subgraph in
// an empty Neo4j database: `cypher-shell -f export.cypher`. Every statement
// sits on one line and ends with ";", so a driver can also run the script
// line by line; lines starting with "//" are comments (the second holds the
// manifest as JSON). The script first creates uniqueness constraints on
// :Node(id) and :Source(id), then the cited sources as :Source nodes, then
// each node with the labels Node and its kind's label, then each
// relationship between nodes matched by id. Missing values are left out,
// as Neo4j has no null properties. String literals are escaped for Cypher.
func EncodeCypher(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	m, err := d.manifestJSON()
	if err != nil {
		return fmt.Errorf("cypher: manifest: %w", err)
	}
	bw.WriteString("// hmkg export: run on an empty database with `cypher-shell -f FILE`; one statement per line.\n// manifest: ")
	bw.Write(m)
	bw.WriteString("\n")
	fmt.Fprintf(bw, "CREATE CONSTRAINT hmkg_node_id IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE;\n", NodeLabel)
	fmt.Fprintf(bw, "CREATE CONSTRAINT hmkg_source_id IF NOT EXISTS FOR (s:%s) REQUIRE s.id IS UNIQUE;\n", SourceLabel)
	var b []byte
	for _, s := range sortedSources(d.Sources) {
		b = append(b[:0], "CREATE (:"+SourceLabel+" {id: "...)
		b = appendCypherString(b, s.ID)
		for _, p := range sourceProps {
			b = appendCypherProp(b, p.name, p.typ, p.get(s))
		}
		b = append(b, "});\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("cypher: %w", err)
		}
	}
	for _, n := range sortedNodes(d.Subgraph) {
		b = append(b[:0], "CREATE (:"+NodeLabel+":"...)
		b = appendCypherName(b, n.Kind.Label())
		b = append(b, " {id: "...)
		b = appendCypherString(b, n.ID)
		for _, p := range nodeProps {
			b = appendCypherProp(b, p.name, p.typ, p.get(n))
		}
		b = append(b, "});\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("cypher: %w", err)
		}
	}
	for _, r := range sortedRels(d.Subgraph) {
		b = append(b[:0], "MATCH (a:"+NodeLabel+" {id: "...)
		b = appendCypherString(b, r.From)
		b = append(b, "}), (b:"+NodeLabel+" {id: "...)
		b = appendCypherString(b, r.To)
		b = append(b, "}) CREATE (a)-[:"...)
		b = appendCypherName(b, string(r.Type))
		b = append(b, " {id: "...)
		b = appendCypherString(b, r.ID)
		for _, p := range relProps[1:] { // the type is the relationship's type
			b = appendCypherProp(b, p.name, p.typ, p.get(r))
		}
		b = append(b, "}]->(b);\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("cypher: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cypher: %w", err)
	}
	return nil
}

func appendCypherProp(b []byte, name string, t propType, v value) []byte {
	if v.missing(t) {
		return b
	}
	b = append(b, ", "...)
	b = append(b, name...)
	b = append(b, ": "...)
	switch t {
	case tInt:
		return strconv.AppendInt(b, int64(*v.num), 10)
	case tList:
		b = append(b, '[')
		for i, s := range v.list {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendCypherString(b, s)
		}
		return append(b, ']')
	}
	return appendCypherString(b, v.str)
}

// appendCypherName appends a label or relationship type, backquoted
// unless it is a plain identifier.
func appendCypherName(b []byte, s string) []byte {
	plain := s != ""
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
		}
	}
	if plain {
		return append(b, s...)
	}
	return append(append(append(b, '`'), strings.ReplaceAll(s, "`", "``")...), '`')
}

// appendCypherString appends s as a single-quoted Cypher string literal.
// Quotes and backslashes are escaped, control characters become \uXXXX so
// that every statement stays on one line, and other Unicode is kept as
// UTF-8 (invalid bytes become U+FFFD).
func appendCypherString(b []byte, s string) []byte {
	b = append(b, '\'')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\'' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029' || r == '\u0085':
			// Line separators some tools split lines on.
			b = append(b, '\\', 'u')
			b = append(b, fmt.Sprintf("%04x", r)...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '\'')
}

// CypherStatements splits a script written by EncodeCypher into its
// statements, without comments and the closing ";", for running them one
// by one through a driver.
func CypherStatements(script string) []string {
	var out []string
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		out = append(out, strings.TrimSuffix(line, ";"))
	}
	return out
}
