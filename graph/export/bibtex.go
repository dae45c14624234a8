package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// EncodeBibTeX writes the document's sources as a BibTeX database, one
// entry per source sorted by id, keyed by the source id (made a valid,
// unique key; see bibKey). Entry types: @article for journal and newspaper
// articles (journal = the journal or newspaper), @techreport for reports
// (institution = publisher), @book, and @misc for web pages, encyclopedia
// entries and legislation (howpublished = publisher). Titles are wrapped
// in a second pair of braces so that styles keep their capitals; the
// characters LaTeX treats specially are escaped; URLs are written as they
// are (url is a verbatim field for biblatex and the url package), with
// any brace percent-encoded. Non-ASCII text stays UTF-8: the header says
// so for biber/biblatex (or inputenc with BibTeX 8-bit).
func EncodeBibTeX(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	sel, err := json.Marshal(d.Manifest.Selection.normalised())
	if err != nil {
		return fmt.Errorf("bibtex: selection: %w", err)
	}
	m := d.Manifest
	fmt.Fprintf(bw, "%% %s cited by %s and %s of the Health Movements Knowledge Graph (hmkg)\n",
		plural(len(d.Sources), "source"), plural(m.Counts.Nodes, "node"), plural(m.Counts.Relationships, "relationship"))
	if m.DatasetName != "" {
		fmt.Fprintf(bw, "%% dataset: %s %s\n", oneLine(m.DatasetName), oneLine(m.DatasetVersion))
	}
	fmt.Fprintf(bw, "%% selection: %s\n%% generated: %s\n", sel, m.GeneratedAt.UTC().Format(time.RFC3339))
	bw.WriteString("% Encoding: UTF-8. Non-ASCII characters are kept as UTF-8: use biblatex with biber\n" +
		"% (\\usepackage[backend=biber]{biblatex}), or BibTeX with \\usepackage[utf8]{inputenc}.\n")
	var b []byte
	for _, s := range citeSources(d) {
		b = b[:0]
		info := citeTypeInfo[s.typ]
		b = append(b, "\n@"...)
		b = append(b, info.bibtex...)
		b = append(b, '{')
		b = append(b, s.key...)
		b = append(b, ",\n"...)
		b = bibField(b, "title", "{"+latexEscape(s.title)+"}")
		if s.publisher != "" {
			field := "howpublished"
			switch s.typ {
			case citeJournal, citeNewspaper:
				field = "journal"
			case citeReport:
				field = "institution"
			case citeBook:
				field = "publisher"
			}
			b = bibField(b, field, latexEscape(s.publisher))
		}
		if s.year != nil {
			b = bibField(b, "year", strconv.Itoa(*s.year))
		}
		if s.url != "" {
			b = bibField(b, "url", bibURL(s.url))
		}
		b = bibField(b, "note", latexEscape(s.note))
		b = append(b, "}\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("bibtex: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("bibtex: %w", err)
	}
	return nil
}

// bibField appends "  name = {value},".
func bibField(b []byte, name, value string) []byte {
	b = append(b, "  "...)
	b = append(b, name...)
	b = append(b, " = {"...)
	b = append(b, value...)
	return append(b, "},\n"...)
}

// latexEscapes are the characters LaTeX gives a meaning to, as text.
var latexEscapes = strings.NewReplacer(
	`\`, `\textbackslash{}`,
	`{`, `\{`, `}`, `\}`,
	`&`, `\&`, `%`, `\%`, `$`, `\$`, `#`, `\#`, `_`, `\_`,
	`~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`,
)

// latexEscape makes s safe as the text of a BibTeX field: every brace in
// the result is balanced and no character starts a command or a comment.
func latexEscape(s string) string { return latexEscapes.Replace(s) }

// bibURL keeps a URL verbatim except for braces, which would unbalance the
// field; percent-encoding them leaves the same URL.
func bibURL(u string) string {
	return strings.NewReplacer("{", "%7B", "}", "%7D", `\`, "%5C").Replace(u)
}

// plural is "1 node", "2 nodes".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
