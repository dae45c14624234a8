package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// EncodeRIS writes the document's sources as RIS records, one per source
// sorted by id: TY (type: ELEC, JOUR, NEWS, RPRT, BOOK, ENCYC or STAT),
// ID (the source id), TI, PB (publisher), PY (year), UR, N1 (a note naming
// the hmkg source) and ER. Each line is "XX  - value" ending in CR LF, as
// the RIS specification has it; values are on one line, in UTF-8 (Zotero,
// EndNote and Mendeley read UTF-8 RIS).
func EncodeRIS(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var b []byte
	for _, s := range citeSources(d) {
		b = b[:0]
		b = risLine(b, "TY", citeTypeInfo[s.typ].ris)
		b = risLine(b, "ID", s.id)
		b = risLine(b, "TI", s.title)
		if s.publisher != "" {
			b = risLine(b, "PB", s.publisher)
		}
		if s.year != nil {
			// PY is YYYY/MM/DD/other; a year alone is YYYY.
			b = risLine(b, "PY", strconv.Itoa(*s.year))
		}
		if s.url != "" {
			b = risLine(b, "UR", s.url)
		}
		b = risLine(b, "N1", s.note)
		b = risLine(b, "ER", "")
		b = append(b, "\r\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("ris: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ris: %w", err)
	}
	return nil
}

// risLine appends "TAG  - value\r\n".
func risLine(b []byte, tag, value string) []byte {
	b = append(b, tag...)
	b = append(b, "  - "...)
	b = append(b, value...)
	return append(b, "\r\n"...)
}
