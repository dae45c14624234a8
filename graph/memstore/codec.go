package memstore

import (
	"encoding/binary"
	"encoding/json"
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
//	source:       title, url, publisher, year, [kind]
//	node:         kind, name, summary, aliases, region, country, category,
//	              startYear, endYear, foundedYear, year, date, publisher,
//	              url, role, question, sources, [disputes]
//	relationship: type, from, to, year, summary, tensions, sources,
//	              [status, disputes]
//
// Bracketed fields came with format 3 and are written only when set, so a
// record without them is byte for byte the format 2 record of the same
// value: a format 2 file is a valid format 3 file, and opening it for
// writing only updates the format mark (testdata/hmkg-memstore-2 is read
// back unchanged). The status is a byte (statusCodes); disputes, rare and
// nested, are a length-prefixed JSON array of graph.Dispute.
//
// A kind or relationship type is one byte: its graph.Code, the fixed code
// that graph/vocab.go gives it (pinned by graph/testdata/vocabulary.golden).
// Until the codes were made explicit the byte was the position in
// graph.Kinds or graph.RelTypes; the codes were set to those positions, so
// files written then read back unchanged (testdata/hmkg-memstore-2).

// formatVersion names the record encoding; Open refuses any other.
const formatVersion = "hmkg-memstore/3"

// readableFormats are the formats Open accepts; older ones are upgraded by
// rewriting the format mark (see above).
var readableFormats = []string{"hmkg-memstore/2", formatVersion}

// statusCodes are the on-disk codes of relationship statuses; fixed, never
// reordered. 0 (asserted) is never written.
var statusCodes = []graph.RelationshipStatus{graph.StatusAsserted, graph.StatusDisputed, graph.StatusRetracted}

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
	b = appendYear(b, s.Year)
	if s.Kind != "" {
		b = appendStr(b, string(s.Kind))
	}
	return b
}

// appendDisputes appends ds as a length-prefixed JSON array.
func appendDisputes(b []byte, ds []*graph.Dispute) []byte {
	j, err := json.Marshal(ds)
	if err != nil {
		// Disputes are plain strings and slices; Marshal cannot fail.
		panic(fmt.Sprintf("memstore: encode disputes: %v", err))
	}
	b = binary.AppendUvarint(b, uint64(len(j)))
	return append(b, j...)
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
	b = appendStrs(b, n.SourceIDs)
	if len(n.Disputes) > 0 {
		b = appendDisputes(b, n.Disputes)
	}
	return b
}

func appendRel(b []byte, r *graph.Relationship) []byte {
	b = append(b, byte(typeCode(r.Type)))
	b = appendStr(b, r.From)
	b = appendStr(b, r.To)
	b = appendYear(b, r.Year)
	b = appendStr(b, r.Summary)
	b = appendStrs(b, r.TensionIDs)
	b = appendStrs(b, r.SourceIDs)
	if st := statusCode(r.Status); st != 0 || len(r.Disputes) > 0 {
		b = append(b, st)
		b = appendDisputes(b, r.Disputes)
	}
	return b
}

func statusCode(s graph.RelationshipStatus) byte {
	for i, c := range statusCodes {
		if c == s {
			return byte(i)
		}
	}
	return 0
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

// more reports whether optional trailing fields follow.
func (r *reader) more() bool { return r.err == nil && len(r.b) > 0 }

// disputes reads a length-prefixed JSON array of disputes.
func (r *reader) disputes() []*graph.Dispute {
	j := r.bytes()
	if r.err != nil || len(j) == 0 {
		return nil
	}
	var ds []*graph.Dispute
	if err := json.Unmarshal(j, &ds); err != nil {
		r.err = fmt.Errorf("disputes: %w", err)
		r.b = nil
		return nil
	}
	return ds
}

// status reads a relationship status code.
func (r *reader) status() graph.RelationshipStatus {
	c := r.byte()
	if int(c) >= len(statusCodes) {
		if r.err == nil {
			r.err = fmt.Errorf("unknown status code %d: %w", c, errUnknownCode)
			r.b = nil
		}
		return ""
	}
	if c == 0 {
		return ""
	}
	return statusCodes[c]
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
	if r.more() {
		s.Kind = graph.SourceKind(r.str())
	}
	return s, r.done("source", key)
}
