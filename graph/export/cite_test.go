package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// citeFixture is the fixture's subgraph with sources of every type and
// every character BibTeX and RIS make awkward, out of id order.
func citeFixture(f Format) *Document {
	base := fixture()
	sources := append([]*graph.Source{
		{ID: "guardian-2019", Title: "Activists 'die-in' at NHS offices", URL: "https://www.theguardian.com/society/2019/x", Publisher: "The Guardian", Year: yr(2019)},
		{ID: "pmc-study", Title: "Patient activism and HIV trials: a review", URL: "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/", Publisher: "Social Science & Medicine (via PMC)", Year: yr(2004)},
		{ID: "wiki-act-up", Title: "ACT UP", URL: "https://en.wikipedia.org/wiki/ACT_UP", Publisher: "Wikipedia"},
		{ID: "hse-report", Title: "Annual report on\nmaternity care", URL: "https://example.gov.uk/report.pdf", Publisher: "Healthcare Commission", Year: yr(2008)},
		{ID: "specials", Title: `50% of {costs} & $5 #1 a_b ~x^2 C:\path — Zoë's “quote”`, URL: "https://example.org/p?a=1&b=%20#frag{x}", Publisher: "Ünïcødé & Sons_Ltd"},
		{ID: "bad key, with {braces}", Title: "Odd id", URL: "https://example.org/odd"},
	}, base.Sources...)
	return NewDocument(f, base.Subgraph, sources, base.Manifest.Selection, &graph.Stats{DatasetName: "fixture", DatasetVersion: "1.0.0"},
		time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
}

func TestCitationGolden(t *testing.T) {
	for _, f := range []Format{CSLJSON, BibTeX, RIS} {
		t.Run(string(f), func(t *testing.T) {
			got := encode(t, f, citeFixture(f))
			golden(t, "fixture"+f.Extension(), got)
			if again := encode(t, f, citeFixture(f)); !bytes.Equal(got, again) {
				t.Error("two encodings of the same document differ")
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		src  graph.Source
		want string
	}{
		{graph.Source{URL: "https://www.theguardian.com/a"}, "article-newspaper"},
		{graph.Source{URL: "https://news.bbc.co.uk/a"}, "article-newspaper"},
		{graph.Source{URL: "https://example.org/a", Publisher: "Los Angeles Times"}, "article-newspaper"},
		{graph.Source{URL: "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/"}, "article-journal"},
		{graph.Source{URL: "https://example.org/a", Publisher: "Health Service Journal"}, "article-journal"},
		{graph.Source{URL: "https://en.wikipedia.org/wiki/X"}, "entry-encyclopedia"},
		{graph.Source{URL: "https://www.legislation.gov.uk/ukpga/1995/50"}, "legislation"},
		{graph.Source{URL: "https://books.google.co.uk/books?id=1"}, "book"},
		{graph.Source{URL: "https://example.org/a", Title: "The Francis Report"}, "report"},
		{graph.Source{URL: "https://example.org/a.PDF"}, "report"},
		{graph.Source{URL: "https://example.org/a", Title: "About us", Publisher: "Breast Cancer Action"}, "webpage"},
		{graph.Source{URL: "not a url"}, "webpage"},
		// A host is matched whole, not as a suffix of another name.
		{graph.Source{URL: "https://notbmj.com/a"}, "webpage"},
	} {
		if got := citeTypeInfo[classify(&c.src)].csl; got != c.want {
			t.Errorf("classify(%+v) = %s, want %s", c.src, got, c.want)
		}
	}
}

func TestLatexEscape(t *testing.T) {
	in := `a & b % c $ d # e _ f { g } h ~ i ^ j \ k Zoë`
	want := `a \& b \% c \$ d \# e \_ f \{ g \} h \textasciitilde{} i \textasciicircum{} j \textbackslash{} k Zoë`
	if got := latexEscape(in); got != want {
		t.Errorf("latexEscape:\n got %s\nwant %s", got, want)
	}
	// Every brace of an escaped value is balanced (or escaped).
	for _, s := range []string{"}{", "{{", `\`, `\}`, "}}}{"} {
		depth := 0
		esc := latexEscape(s)
		for i := 0; i < len(esc); i++ {
			switch esc[i] {
			case '\\':
				if i+1 < len(esc) && (esc[i+1] == '{' || esc[i+1] == '}') {
					i++
				}
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth < 0 {
				t.Fatalf("latexEscape(%q) = %q closes a brace it did not open", s, esc)
			}
		}
		if depth != 0 {
			t.Errorf("latexEscape(%q) = %q leaves %d braces open", s, esc, depth)
		}
	}
}

func TestBibKeys(t *testing.T) {
	d := NewDocument(BibTeX, &graph.Subgraph{}, []*graph.Source{
		{ID: "a b", Title: "1"}, {ID: "a-b", Title: "2"}, {ID: "a,b", Title: "3"}, {ID: "", Title: "4"}, {ID: "x{y}", Title: "5"},
	}, Selection{}, nil, time.Unix(0, 0))
	seen := map[string]string{}
	for _, s := range citeSources(d) {
		if prev, dup := seen[s.key]; dup {
			t.Errorf("key %q for %q and %q", s.key, prev, s.id)
		}
		seen[s.key] = s.id
		if s.key == "" || strings.ContainsAny(s.key, " ,{}()\"#%'=\\~") {
			t.Errorf("key %q of %q is not a valid BibTeX key", s.key, s.id)
		}
	}
	if len(seen) != 5 {
		t.Errorf("%d keys for 5 sources", len(seen))
	}
}

func TestCSLJSONShape(t *testing.T) {
	var items []map[string]any
	if err := json.Unmarshal(encode(t, CSLJSON, citeFixture(CSLJSON)), &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != 8 {
		t.Fatalf("%d items, want 8", len(items))
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it["id"].(string))
	}
	if want := "bad key, with {braces} guardian-2019 hse-report pmc-study specials src-a src-b wiki-act-up"; strings.Join(ids, " ") != want {
		t.Errorf("ids %v, want sorted %s", ids, want)
	}
	for _, it := range items {
		if it["id"] == "hse-report" {
			if it["type"] != "report" || it["title"] != "Annual report on maternity care" || it["publisher"] != "Healthcare Commission" {
				t.Errorf("report item: %v", it)
			}
			if y := it["issued"].(map[string]any)["date-parts"].([]any)[0].([]any)[0]; y != float64(2008) {
				t.Errorf("issued %v", y)
			}
		}
		if it["id"] == "specials" && it["URL"] != "https://example.org/p?a=1&b=%20#frag{x}" {
			t.Errorf("URL changed: %v", it["URL"])
		}
	}
}

func TestRISLines(t *testing.T) {
	out := string(encode(t, RIS, citeFixture(RIS)))
	if strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Error("a line ends in LF alone")
	}
	if n := strings.Count(out, "TY  - "); n != 8 {
		t.Errorf("%d records, want 8", n)
	}
	if n := strings.Count(out, "ER  - \r\n"); n != 8 {
		t.Errorf("%d ER lines, want 8", n)
	}
	if !strings.Contains(out, "TY  - NEWS\r\nID  - guardian-2019\r\nTI  - Activists 'die-in' at NHS offices\r\nPB  - The Guardian\r\nPY  - 2019\r\n") {
		t.Errorf("guardian record not as expected:\n%s", out)
	}
}

func TestParseCitationFormats(t *testing.T) {
	for in, want := range map[string]Format{"csljson": CSLJSON, "csl-json": CSLJSON, "CSL_JSON": CSLJSON, "bibtex": BibTeX, "ris": RIS, "RIS": RIS} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := ParseFormat("bib"); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("ParseFormat(bib): %v", err)
	}
}
