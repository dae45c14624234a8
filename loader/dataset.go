package loader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// MaxProblems caps the problems listed for one load; the rest are counted.
// A file of a million broken records still gets a report of bounded size.
const MaxProblems = 1000

// MoreProblems is the last problem listed when there were more than
// MaxProblems: it counts the rest.
const MoreProblems = "… and %d more problem(s) not listed"

// at is where a record starts in its file.
type at struct{ line, col int32 }

// file is one dataset file as read: its records, where each starts, and
// what it declares about itself.
type file struct {
	path                       string
	name, version, description string
	sources                    []*graph.Source
	nodes                      []*graph.Node
	relationships              []*graph.Relationship
	disputes                   []*graph.Dispute
	sourcesAt, nodesAt, relsAt []at
	disputesAt                 []at
	stories                    []*graph.Story
	storiesAt                  []at
}

// problems collects the problems of a load, each prefixed with its file,
// line and column, up to MaxProblems.
type problems struct {
	list  []string
	extra int
}

func (p *problems) add(msg string) {
	if len(p.list) < MaxProblems {
		p.list = append(p.list, msg)
	} else {
		p.extra++
	}
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	list := p.list
	if p.extra > 0 {
		list = append(list[:len(list):len(list)], fmt.Sprintf(MoreProblems, p.extra))
	}
	msg := fmt.Sprintf("%d problem(s): %s", len(p.list)+p.extra, list[0])
	if len(list) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(p.list)+p.extra-1)
	}
	return &graph.Error{Code: graph.EINVALID, Message: msg, Problems: list}
}

// decoder reads one dataset file token by token: the top-level object's
// fields one at a time, and each record of the sections on its own, so
// that memory follows the records kept, not the size of the file.
type decoder struct {
	ctx  context.Context
	f    *file
	lr   *lineReader
	dec  *json.Decoder
	errs *problems
}

// errStop ends the reading of a file after a problem it cannot read past
// (broken JSON syntax); the problem has been recorded.
var errStop = errors.New("stop")

// readDataset reads a dataset document from r into f, adding every problem
// to errs: schema problems (a wrong JSON type, an unknown field) for every
// record, and the first syntax error, after which the file is not read
// further. Each problem names f.path, a line and a column.
// It returns an error only when ctx ends first.
func readDataset(ctx context.Context, r io.Reader, f *file, errs *problems) error {
	lr := newLineReader(r)
	d := &decoder{ctx: ctx, f: f, lr: lr, dec: json.NewDecoder(lr), errs: errs}
	d.dec.DisallowUnknownFields()
	if err := d.document(); err != nil && err != errStop {
		return err
	}
	return nil
}

// problemAt records a problem at byte offset off of the file.
func (d *decoder) problemAt(off int64, msg string) {
	line, col := d.lr.pos(off)
	d.errs.add(fmt.Sprintf("%s:%d:%d: %s", d.f.path, line, col, msg))
}

// syntax records a syntax (or read) error met by the decoder and returns
// errStop. The decoder's own offsets are not always absolute, so the
// position is found by reading the bytes from the decoder's position again
// with a fresh decoder.
func (d *decoder) syntax(err error) error {
	off := d.lr.skipSpace(d.dec.InputOffset(), "")
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		d.problemAt(d.lr.end(), "unexpected end of file: the JSON is incomplete")
		return errStop
	case !errors.As(err, &syn):
		d.problemAt(off, fmt.Sprintf("cannot read the file: %v", err))
		return errStop
	}
	msg := syn.Error()
	var again json.RawMessage
	rescan := json.NewDecoder(bytes.NewReader(d.lr.bytes(off, d.lr.end())))
	if err := rescan.Decode(&again); errors.As(err, &syn) && syn.Offset > 1 {
		// The error is inside a value: the fresh decoder places it. At the
		// value's first byte the original message knows the context better.
		off += syn.Offset - 1
		msg = syn.Error()
	} else if strings.HasPrefix(msg, "invalid character ") && strings.HasSuffix(msg, "'") {
		// json.Decoder.Token gives no context just after an object's '{'.
		msg += " looking for beginning of object key string"
	} else if errors.Is(err, io.ErrUnexpectedEOF) {
		off, msg = d.lr.end(), "unexpected end of file: the JSON is incomplete"
	}
	d.problemAt(off, "invalid JSON: "+msg)
	return errStop
}

func (d *decoder) token() (json.Token, error) {
	t, err := d.dec.Token()
	if err != nil {
		return nil, d.syntax(err)
	}
	return t, nil
}

// document reads the top-level object.
func (d *decoder) document() error {
	start := d.lr.skipSpace(0, "")
	t, err := d.dec.Token()
	if err == io.EOF {
		d.problemAt(start, "the file is empty: a dataset is a JSON object with sources, nodes and relationships")
		return errStop
	}
	if err != nil {
		return d.syntax(err)
	}
	if t != json.Delim('{') {
		d.problemAt(start, fmt.Sprintf("a dataset is a JSON object with sources, nodes and relationships, found %s", describe(t)))
		return errStop
	}
	for d.dec.More() {
		keyAt := d.lr.skipSpace(d.dec.InputOffset(), ",")
		d.lr.advance(keyAt)
		t, err := d.token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		var str *string
		switch key {
		case "name":
			str = &d.f.name
		case "version":
			str = &d.f.version
		case "description":
			str = &d.f.description
		case "sources":
			err = section(d, "sources", &d.f.sources, &d.f.sourcesAt)
		case "nodes":
			err = section(d, "nodes", &d.f.nodes, &d.f.nodesAt)
		case "relationships":
			err = section(d, "relationships", &d.f.relationships, &d.f.relsAt)
		case "disputes":
			err = section(d, "disputes", &d.f.disputes, &d.f.disputesAt)
		case "stories":
			err = section(d, "stories", &d.f.stories, &d.f.storiesAt)
		case "directed", "multigraph":
			// hmkg's node-link JSON export (see nodelink.go).
			err = d.skip()
		case "graph":
			err = d.exportManifest()
		case "edges", "links":
			err = d.edges(key)
		default:
			d.problemAt(keyAt, fmt.Sprintf("unknown field %.60q: a dataset has name, version, description, sources, nodes, relationships, disputes and stories "+
				"(or, as hmkg's JSON export writes it, directed, multigraph, graph, nodes, edges and stories)", key))
			err = d.skip()
		}
		if str != nil {
			valAt := d.lr.skipSpace(d.dec.InputOffset(), ":")
			if derr := d.dec.Decode(str); derr != nil {
				if d.isFatal(derr) {
					return d.syntax(derr)
				}
				d.problemAt(valAt, fmt.Sprintf("%s: %s", key, typeProblem(derr, reflect.TypeFor[string]())))
			}
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.token(); err != nil { // the closing brace
		return err
	}
	after := d.lr.skipSpace(d.dec.InputOffset(), "")
	if t, err := d.dec.Token(); err != io.EOF {
		if err != nil {
			return d.syntax(err)
		}
		d.problemAt(after, fmt.Sprintf("unexpected data (%s) after the dataset object", describe(t)))
		return errStop
	}
	return nil
}

// skip reads past one value, token by token, so that a large value of the
// wrong shape is not held in memory.
func (d *decoder) skip() error {
	t, err := d.token()
	if err != nil {
		return err
	}
	if t == json.Delim('{') || t == json.Delim('[') {
		return d.skipRest()
	}
	return nil
}

// section reads one list of records, decoding each on its own. A record
// with schema problems is reported (every problem, each at its field) and
// left out; a syntax error stops the file.
func section[T any](d *decoder, name string, out *[]*T, where *[]at) error {
	valAt := d.lr.skipSpace(d.dec.InputOffset(), ":")
	t, err := d.token()
	if err != nil {
		return err
	}
	if t == nil { // null: an empty section
		return nil
	}
	if t != json.Delim('[') {
		d.problemAt(valAt, fmt.Sprintf("%s must be a list of records, found %s", name, describe(t)))
		if t == json.Delim('{') {
			return d.skipRest()
		}
		return nil
	}
	for i := 0; d.dec.More(); i++ {
		if i%1024 == 0 && d.ctx.Err() != nil {
			return d.ctx.Err()
		}
		recAt := d.lr.skipSpace(d.dec.InputOffset(), ",")
		d.lr.advance(recAt)
		line, col := d.lr.pos(recAt)
		v := new(T)
		if err := d.dec.Decode(v); err != nil {
			if d.isFatal(err) {
				return d.syntax(err)
			}
			raw := d.lr.bytes(recAt, d.dec.InputOffset())
			label := fmt.Sprintf("%s[%d]", name, i)
			if id := recordID(v); id != "" {
				label += fmt.Sprintf(" %.60q", id)
			}
			ps := fieldProblems(raw, reflect.TypeFor[T]())
			if len(ps) == 0 {
				ps = []fieldProblem{{0, err.Error()}}
			}
			for _, p := range ps {
				d.problemAt(recAt+p.off, label+": "+p.msg)
			}
			continue
		}
		*out = append(*out, v)
		*where = append(*where, at{int32(line), int32(col)})
	}
	_, err = d.token() // the closing bracket
	return err
}

// skipRest reads past the rest of a value whose opening delimiter has been read.
func (d *decoder) skipRest() error {
	for depth := 1; depth > 0; {
		t, err := d.token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		d.lr.advance(d.dec.InputOffset())
	}
	return nil
}

// isFatal reports whether a decoding error leaves the stream unreadable:
// broken syntax, a truncated file or a failed read. Other errors (a wrong
// type, an unknown field) concern one value, which the decoder has read
// past.
func (d *decoder) isFatal(err error) bool {
	var syn *json.SyntaxError
	return errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || d.lr.err != nil
}

func recordID(v any) string {
	switch r := v.(type) {
	case *graph.Source:
		return r.ID
	case *graph.Node:
		return r.ID
	case *graph.Relationship:
		return r.ID
	case *graph.Story:
		return r.ID
	case *nodeLinkEdge:
		return r.ID
	}
	return ""
}

// fieldProblem is a problem at byte off of a record.
type fieldProblem struct {
	off int64
	msg string
}

// fieldProblems lists every schema problem of one record of type t (a
// struct): a record that is not an object, each unknown field, each field
// whose value has the wrong JSON type.
func fieldProblems(raw []byte, t reflect.Type) []fieldProblem {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil
	}
	if tok != json.Delim('{') {
		return []fieldProblem{{0, fmt.Sprintf("a record must be a JSON object, found %s", describe(tok))}}
	}
	fields := jsonFields(t)
	var ps []fieldProblem
	skip := func(off int64, seps string) int64 {
		for off < int64(len(raw)) && strings.IndexByte(" \t\r\n"+seps, raw[off]) >= 0 {
			off++
		}
		return off
	}
	for dec.More() {
		keyAt := skip(dec.InputOffset(), ",")
		tok, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := tok.(string)
		valAt := skip(dec.InputOffset(), ":")
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			break
		}
		ft, ok := fields[key]
		if !ok {
			ps = append(ps, fieldProblem{keyAt, fmt.Sprintf("unknown field %.60q", key)})
			continue
		}
		if err := json.Unmarshal(val, reflect.New(ft).Interface()); err != nil {
			ps = append(ps, fieldProblem{valAt, fmt.Sprintf("%s: %s", key, typeProblem(err, ft))})
		}
	}
	return ps
}

// jsonFields maps the JSON names of struct type t's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// typeProblem says what a value of Go type want should have been.
func typeProblem(err error, want reflect.Type) string {
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) {
		return err.Error()
	}
	found := typ.Value
	if typ.Type != nil && typ.Type != want && typ.Type != indirect(want) {
		return fmt.Sprintf("expected %s, found a %s in it", typeWord(want), found)
	}
	return fmt.Sprintf("expected %s, found %s", typeWord(want), article(found))
}

func indirect(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func article(s string) string {
	if s == "" {
		return "another type"
	}
	if strings.IndexByte("aeiou", s[0]) >= 0 {
		return "an " + s
	}
	return "a " + s
}

// typeWord names a Go type the way a dataset author thinks of it.
func typeWord(t reflect.Type) string {
	t = indirect(t)
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(typeWord(t.Elem()), "a ") + "s"
	}
	return "an object"
}

// describe names a JSON token for a message.
func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "a list"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return fmt.Sprintf("the string %.40q", v)
	case float64, json.Number:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return fmt.Sprintf("%v", v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", t)
}
