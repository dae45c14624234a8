package resolvers

import (
	"bytes"
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// The JSON of the compiled read path (compiled.go): strings written as
// gqlgen and json.Marshal together would write them, and the finished
// document handed to the transport as it is.

// Document is where the compiled read path leaves the whole response
// document ({"data":…}) of an operation it answered, so that a transport
// can write it as it is: gqlgen's transports json.Marshal the response,
// which for the data (a json.RawMessage) means validating and compacting
// it into a new buffer and copying that once more.
type Document struct {
	doc  []byte
	resp *graphql.Response
}

type documentKey struct{}

// WithDocument returns ctx carrying d, which the compiled read path fills
// when it answers the operation run in ctx.
func WithDocument(ctx context.Context, d *Document) context.Context {
	return context.WithValue(ctx, documentKey{}, d)
}

func document(ctx context.Context) *Document {
	d, _ := ctx.Value(documentKey{}).(*Document)
	return d
}

// Of returns the bytes json.Marshal would give for resp when resp is the
// compiled path's answer, untouched since (no errors, extensions or other
// fields added by an extension); false otherwise. Like json.Marshal it
// escapes <, >, & and U+2028/U+2029 in strings (the data is compact JSON,
// so they occur only in strings).
func (d *Document) Of(resp *graphql.Response) ([]byte, bool) {
	if d == nil || d.resp == nil || resp != d.resp || len(resp.Errors) > 0 || resp.Extensions != nil ||
		resp.Label != "" || resp.Path != nil || resp.HasNext != nil ||
		len(resp.Data) != len(d.doc)-len(docOpen)-1 || (len(resp.Data) > 0 && &resp.Data[0] != &d.doc[len(docOpen)]) {
		return nil, false
	}
	return htmlEscape(d.doc), true
}

// htmlEscape escapes b as json.Marshal does the output of a Marshaler,
// returning b itself when there is nothing to escape.
func htmlEscape(b []byte) []byte {
	const hex = "0123456789abcdef"
	var out []byte
	start := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !escapeFirst[c] {
			continue
		}
		if c == 0xE2 && !(i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xA8) {
			continue // another character beginning with E2
		}
		if out == nil {
			out = make([]byte, 0, len(b)+64)
		}
		out = append(out, b[start:i]...)
		if c == 0xE2 { // U+2028 is E2 80 A8, U+2029 E2 80 A9
			out = append(out, '\\', 'u', '2', '0', '2', hex[b[i+2]&0xF])
			i += 2
		} else {
			out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		start = i + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[start:]...)
}

// writeString writes s as a JSON string as gqlgen's graphql.MarshalString
// writes it (", \ and control characters escaped, \t \r \n by name, the
// rest as \u00XX; anything else as it is, invalid UTF-8 included) with
// htmlEscape's escapes applied at once (<, >, & and U+2028/U+2029 as
// \u003c, \u003e, \u0026, \u2028, \u2029), so that the document needs no
// second pass that copies it (TestWriteStringIsMarshalThenEscape).
func writeString(w *bytes.Buffer, s string) {
	const hex, upperHex = "0123456789abcdef", "0123456789ABCDEF"
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && !stringEscape[c] {
			continue
		}
		if c == 0xE2 && !(i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8) {
			continue // another character beginning with E2
		}
		w.WriteString(s[start:i])
		switch c {
		case '\t':
			w.WriteString(`\t`)
		case '\r':
			w.WriteString(`\r`)
		case '\n':
			w.WriteString(`\n`)
		case '\\':
			w.WriteString(`\\`)
		case '"':
			w.WriteString(`\"`)
		case '<', '>', '&': // json.Marshal's escapes, lower-case hex
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&0xF])
		case 0xE2: // U+2028 is E2 80 A8, U+2029 E2 80 A9
			w.WriteString(`\u202`)
			w.WriteByte(hex[s[i+2]&0xF])
			i += 2
		default: // a control character: gqlgen's escape, upper-case hex
			w.WriteString(`\u00`)
			w.WriteByte(upperHex[c>>4])
			w.WriteByte(upperHex[c&0xF])
		}
		start = i + 1
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}

// stringEscape marks the bytes at or above 0x20 that writeString looks at.
var stringEscape = [256]bool{'"': true, '\\': true, '<': true, '>': true, '&': true, 0xE2: true}

// escapeFirst marks the bytes htmlEscape looks at: <, >, & and the first
// byte of U+2028 and U+2029.
var escapeFirst = [256]bool{'<': true, '>': true, '&': true, 0xE2: true}
