package resolvers

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestDocumentIsWhatMarshalGives: the document the compiled path hands a
// transport is byte for byte what gqlgen's json.Marshal of the response
// gives, including its escaping of <, >, & and U+2028/U+2029 in strings,
// and a response an extension changed is not taken for it.
func TestDocumentIsWhatMarshalGives(t *testing.T) {
	for _, data := range []string{
		`{"a":1}`,
		`{"name":"Science & Technology <Committee>","x":[1,2,{"s":"line\u2028sep\u2029"}]}`,
		"{\"raw\":\"a\u2028b\u2029c\xe2\x80\xa7é€\"}",
		`{"s":"\\u0026 already escaped \"&\""}`,
		`{"empty":""}`,
	} {
		doc := []byte(docOpen + data + "}")
		resp := &graphql.Response{Data: doc[len(docOpen) : len(doc)-1]}
		d := &Document{}
		_ = WithDocument(context.Background(), d)
		d.doc, d.resp = doc, resp
		got, ok := d.Of(resp)
		if !ok {
			t.Fatalf("%s: not taken for the compiled answer", data)
		}
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("document %s\nmarshal  %s", got, want)
		}
		resp.Extensions = map[string]any{"x": 1}
		if _, ok := d.Of(resp); ok {
			t.Errorf("%s: a response with extensions taken for the compiled answer", data)
		}
		if _, ok := d.Of(&graphql.Response{Data: resp.Data}); ok {
			t.Errorf("%s: another response taken for the compiled answer", data)
		}
	}
}

// TestWriteStringIsMarshalThenEscape: writeString gives what gqlgen's
// graphql.MarshalString followed by htmlEscape (json.Marshal's escaping)
// gives, for every single byte, the escaped characters in context, valid
// and broken UTF-8 (U+2028/U+2029 whole and cut short) and random strings.
func TestWriteStringIsMarshalThenEscape(t *testing.T) {
	cases := []string{"", "plain", "Science & Technology <Committee>", "a\u2028b\u2029c", "\xe2\x80", "\xe2\x80\xa7",
		"\xe2", "tab\there\r\nnew", `quote " back \ slash`, "\x00\x1f\x7f", "é€😀", "\xff\xfe bad utf-8 \xc3"}
	for b := range 256 {
		cases = append(cases, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "<", ">", "&", `"`, `\`, "\n", "\x01", "\u2028", "\u2029", "\xe2\x80", "é", "\xff", " "}
	for range 2000 {
		var sb strings.Builder
		for range rng.IntN(12) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, sb.String())
	}
	for _, s := range cases {
		var got, gq bytes.Buffer
		writeString(&got, s)
		graphql.MarshalString(s).MarshalGQL(&gq)
		if want := htmlEscape(gq.Bytes()); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%q: writeString %q, MarshalString then escape %q", s, got.Bytes(), want)
		}
	}
}
