package resolvers

import (
	"context"
	"encoding/json"
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
