package export

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

var escapeSeeds = []string{"", "plain", `"quoted" \ back`, "<a & b>", "line\nbreak\r\n\ttab", "\x00\x01\x1f\x7f",
	"Ünïcødé ✊ 𝄞", "\u2028\u2029", "bad \xff utf8", "]]> </x> &amp; &#10;", "'single'"}

// xmlChar reports whether r may appear in an XML 1.0 document.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF && r != 0x7f) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000
}

// perByte replaces each byte of invalid UTF-8 with U+FFFD, as the
// encoders do.
func perByte(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for an invalid byte
		i += size
	}
	return b.String()
}

func FuzzEscapes(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := perByte(s)
		var back string
		if err := json.Unmarshal(appendJSONString(nil, s), &back); err != nil || back != valid {
			t.Errorf("JSON of %q reads back as %q (%v)", s, back, err)
		}
		var el struct {
			V string `xml:"v,attr"`
			T string `xml:",chardata"`
		}
		esc := string(appendXML(nil, s))
		if err := xml.Unmarshal([]byte(`<e v="`+esc+`">`+esc+`</e>`), &el); err != nil {
			t.Fatalf("XML of %q does not parse: %v", s, err)
		}
		want := strings.Map(func(r rune) rune {
			if r == utf8.RuneError || !xmlChar(r) {
				return '\uFFFD'
			}
			return r
		}, valid)
		if el.V != want || el.T != want {
			t.Errorf("XML of %q reads back as %q / %q, want %q", s, el.V, el.T, want)
		}
		if c := string(appendCypherString(nil, s)); strings.ContainsAny(c, "\n\r\u2028\u2029\u0085") {
			t.Errorf("Cypher literal of %q spans lines: %q", s, c)
		}
	})
}
