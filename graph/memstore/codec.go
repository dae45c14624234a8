package memstore

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hmkg/hmkg/graph"
)

// Records are stored in a compact binary form (format formatVersion): the
// bbolt key is the record's id and the value a sequence of fields, each a
// uvarint length followed by bytes for strings, a presence byte followed by
// a varint for optional years, and a uvarint count followed by the strings
// for lists. Decoding JSON dominated the time to open a large store; this
// form decodes an order of magnitude faster and is about half the size.
//
//	source:       title, url, publisher, year
//	node:         kind, name, summary, aliases, region, country, category,
//	              startYear, endYear, foundedYear, year, date, publisher,
//	              url, role, question, sources
//	relationship: type, from, to, year, summary, tensions, sources
//
// A kind or relationship type is one byte: its graph.Code, the fixed code
// that graph/vocab.go gives it (pinned by graph/testdata/vocabulary.golden).
// Until the codes were made explicit the byte was the position in
// graph.Kinds or graph.RelTypes; the codes were set to those positions, so
// files written then read back unchanged (testdata/hmkg-memstore-2).

// formatVersion names the record encoding; Open refuses any other.
const formatVersion = "hmkg-memstore/2"

// metaFormat is the meta key holding formatVersion.
var metaFormat = []byte("format")

var (
	errCorrupt     = errors.New("truncated or corrupt record")
	errUnknownCode = errors.New("not in this hmkg's vocabulary (graph/vocab.go): " +
		"the file was written by a newer hmkg, or is corrupt")
)

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendStr(b, s)
	}
	return b
}

func appendYear(b []byte, p *int) []byte {
	if p == nil {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), int64(*p))
}

func appendSource(b []byte, s *graph.Source) []byte {
	b = appendStr(b, s.Title)
	b = appendStr(b, s.URL)
	b = appendStr(b, s.Publisher)
	return appendYear(b, s.Year)
}

func appendNode(b []byte, n *graph.Node) []byte {
	b = append(b, byte(kindCode(n.Kind)))
	b = appendStr(b, n.Name)
	b = appendStr(b, n.Summary)
	b = appendStrs(b, n.Aliases)
	b = appendStr(b, n.Region)
	b = appendStr(b, n.Country)
	b = appendStr(b, n.Category)
	b = appendYear(b, n.StartYear)
	b = appendYear(b, n.EndYear)
	b = appendYear(b, n.FoundedYear)
	b = appendYear(b, n.Year)
	b = appendStr(b, n.Date)
	b = appendStr(b, n.Publisher)
	b = appendStr(b, n.URL)
	b = appendStr(b, n.Role)
	b = appendStr(b, n.Question)
	return appendStrs(b, n.SourceIDs)
}

func appendRel(b []byte, r *graph.Relationship) []byte {
	b = append(b, byte(typeCode(r.Type)))
	b = appendStr(b, r.From)
	b = appendStr(b, r.To)
	b = appendYear(b, r.Year)
	b = appendStr(b, r.Summary)
	b = appendStrs(b, r.TensionIDs)
	return appendStrs(b, r.SourceIDs)
}

// reader decodes fields from a record; the first error sticks and later
// reads return zero values. Byte slices it returns alias the record.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errCorrupt
	}
	r.b = nil
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

func (r *reader) str() string { return string(r.bytes()) }

// count reads a list length, bounded by the bytes left so that a corrupt
// record cannot ask for a huge allocation.
func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(n)
}

// year reads an optional year; ok is false when it is absent.
func (r *reader) year() (y int, ok bool) {
	if r.byte() == 0 {
		return 0, false
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0, false
	}
	r.b = r.b[n:]
	return int(v), true
}

func (r *reader) yearPtr() *int {
	if y, ok := r.year(); ok {
		return &y
	}
	return nil
}

// kind reads a kind code, which must be one this hmkg knows.
func (r *reader) kind() graph.Code {
	c := graph.Code(r.byte())
	if _, ok := graph.KindByCode(c); !ok && r.err == nil {
		r.err = fmt.Errorf("unknown kind code %d: %w", c, errUnknownCode)
		r.b = nil
	}
	return c
}

// relType reads a relationship type code, which must be one this hmkg
// knows.
func (r *reader) relType() graph.Code {
	c := graph.Code(r.byte())
	if _, ok := graph.RelTypeByCode(c); !ok && r.err == nil {
		r.err = fmt.Errorf("unknown relationship type code %d: %w", c, errUnknownCode)
		r.b = nil
	}
	return c
}

func (r *reader) done(what string, key []byte) error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%d trailing bytes", len(r.b))
	}
	if r.err != nil {
		return fmt.Errorf("decode %s %q: %w", what, key, r.err)
	}
	return nil
}

func decodeSource(key, v []byte) (*graph.Source, error) {
	r := reader{b: v}
	s := &graph.Source{ID: string(key), Title: r.str(), URL: r.str(), Publisher: r.str(), Year: r.yearPtr()}
	return s, r.done("source", key)
}
