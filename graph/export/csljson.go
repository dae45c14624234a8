package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// cslItem is one CSL-JSON item (CSL 1.0.2 schema, csl-data.json). Only
// fields a source can fill are present; the struct's order is the output's.
type cslItem struct {
	ID             string   `json:"id"`
	Type           string   `json:"type"`
	Title          string   `json:"title,omitempty"`
	ContainerTitle string   `json:"container-title,omitempty"`
	Publisher      string   `json:"publisher,omitempty"`
	Issued         *cslDate `json:"issued,omitempty"`
	URL            string   `json:"URL,omitempty"`
	Note           string   `json:"note,omitempty"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

// cslItemOf maps a source to CSL. Newspaper and journal articles, web pages
// and encyclopedia entries appear in their publisher (container-title: the
// newspaper, the journal, the site, the legislation site); reports and books are
// issued by it (publisher).
func cslItemOf(s sourceFields) cslItem {
	it := cslItem{ID: s.id, Type: citeTypeInfo[s.typ].csl, Title: s.title, URL: s.url, Note: s.note}
	switch s.typ {
	case citeNewspaper, citeJournal, citeWebpage, citeEncyclopedia, citeLegislation:
		it.ContainerTitle = s.publisher
	default:
		it.Publisher = s.publisher
	}
	if s.year != nil {
		it.Issued = &cslDate{DateParts: [][]int{{*s.year}}}
	}
	return it
}

// EncodeCSLJSON writes the document's sources as a CSL-JSON array (the
// input of citeproc-js, Zotero, Pandoc and citation.js), one item per
// source and per line, sorted by id. The nodes and relationships themselves are not
// written: the sources are the ones they cite.
func EncodeCSLJSON(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw.WriteString("[")
	for i, s := range citeSources(d) {
		buf.Reset()
		if err := enc.Encode(cslItemOf(s)); err != nil {
			return fmt.Errorf("csl-json: source %s: %w", s.id, err)
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		if _, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
			return fmt.Errorf("csl-json: %w", err)
		}
	}
	bw.WriteString("\n]\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("csl-json: %w", err)
	}
	return nil
}
