package export

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hmkg/hmkg/graph"
)

// Sheets of the Kumu workbook. Kumu reads the first two; Sources and
// Manifest say where the facts come from and what the file holds.
const (
	SheetElements    = "Elements"
	SheetConnections = "Connections"
	SheetSources     = "Sources"
	SheetManifest    = "Manifest"
	// KumuDelimiter separates the values of a multi-value cell, as Kumu
	// expects in spreadsheets.
	KumuDelimiter = "|"
)

// KumuElementColumns are the leading columns of the Elements sheet; the
// property fields (fieldName of each) and "Source URLs" follow.
var KumuElementColumns = []string{"ID", "Label", "Type", "Description", "Tags"}

// KumuConnectionColumns are the leading columns of the Connections sheet;
// the relationship fields, "Source URLs" and "ID" follow.
var KumuConnectionColumns = []string{"From", "To", "Type", "Direction", "Description"}

// xlsxMaxRows is the row limit of an Excel worksheet.
const xlsxMaxRows = 1 << 20

// EncodeKumuXLSX writes d as the workbook Kumu imports: an Elements sheet
// (ID, Label, Type = kind label, Description = summary, Tags = category,
// then a column per property such as "Start Year" and "Aliases", and
// "Source URLs") and a Connections sheet (From, To, Type = relationship
// type, Direction "directed", Description, Year, Tensions, Sources,
// Source URLs, ID). Multi-value cells are joined with "|" as Kumu expects;
// a list element containing "|" cannot be represented and is EINVALID.
// Years are numbers, other cells text; empty cells are missing values.
// A Sources sheet lists the cited sources (ID, Title, URL, Publisher,
// Year) and a Manifest sheet the manifest (one field per row, the
// selection as JSON). Because every element has its hmkg id, importing
// the workbook again into Kumu updates the map instead of duplicating it.
func EncodeKumuXLSX(w io.Writer, d *Document) error {
	// A worksheet holds at most 1,048,576 rows, one of them the header.
	if n, r := len(d.Subgraph.Nodes), len(d.Subgraph.Relationships); max(n, r, len(d.Sources)) >= xlsxMaxRows {
		return graph.Errorf(graph.EINVALID, "kumu xlsx: %d nodes and %d relationships do not fit a worksheet of %d rows; choose a smaller selection or the KUMU format",
			n, r, xlsxMaxRows)
	}
	if err := checkDelimiter(d.Subgraph); err != nil {
		return graph.Errorf(graph.EINVALID, "kumu xlsx: %s", strings.TrimPrefix(graph.ErrorMessage(err), "csv: "))
	}
	f := excelize.NewFile()
	defer f.Close()
	at := d.Manifest.GeneratedAt.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "hmkg", Created: at, Modified: at,
		Title: "hmkg export", Description: "hmkg " + d.Manifest.DatasetName + " " + d.Manifest.DatasetVersion}); err != nil {
		return fmt.Errorf("kumu xlsx: %w", err)
	}
	if err := f.SetSheetName("Sheet1", SheetElements); err != nil {
		return fmt.Errorf("kumu xlsx: %w", err)
	}
	for _, s := range []string{SheetConnections, SheetSources, SheetManifest} {
		if _, err := f.NewSheet(s); err != nil {
			return fmt.Errorf("kumu xlsx: %w", err)
		}
	}
	urls := newURLIndex(d.Sources)

	head := append([]any(nil), anys(KumuElementColumns)...)
	for _, p := range kumuNodeProps {
		head = append(head, fieldName(p.name))
	}
	for _, p := range d.metricCols() {
		head = append(head, fieldName(p.name))
	}
	head = append(head, kumuSourceURLs)
	nodes := sortedNodes(d.Subgraph)
	if err := writeSheet(f, SheetElements, head, len(nodes), func(i int, row []any) []any {
		n := nodes[i]
		row = append(row, n.ID, n.Name, n.Kind.Label(), cellOf(n.Summary), cellOf(strings.Join(kumuTags(n), KumuDelimiter)))
		for _, p := range kumuNodeProps {
			row = append(row, xlsxCell(p.typ, p.get(n)))
		}
		for _, p := range d.metricCols() {
			row = append(row, xlsxCell(p.typ, d.metricValue(p, n.ID)))
		}
		return append(row, cellOf(strings.Join(urls.of(n.SourceIDs), KumuDelimiter)))
	}); err != nil {
		return err
	}

	head = append(head[:0], anys(KumuConnectionColumns)...)
	for _, p := range kumuRelProps {
		head = append(head, fieldName(p.name))
	}
	head = append(head, kumuSourceURLs, "ID")
	rels := sortedRels(d.Subgraph)
	if err := writeSheet(f, SheetConnections, head, len(rels), func(i int, row []any) []any {
		r := rels[i]
		row = append(row, r.From, r.To, string(r.Type), KumuDirection, cellOf(r.Summary))
		for _, p := range kumuRelProps {
			row = append(row, xlsxCell(p.typ, p.get(r)))
		}
		return append(row, cellOf(strings.Join(urls.of(r.SourceIDs), KumuDelimiter)), r.ID)
	}); err != nil {
		return err
	}

	head = append(head[:0], "ID")
	for _, p := range sourceProps {
		head = append(head, fieldName(p.name))
	}
	sources := sortedSources(d.Sources)
	if err := writeSheet(f, SheetSources, head, len(sources), func(i int, row []any) []any {
		s := sources[i]
		row = append(row, s.ID)
		for _, p := range sourceProps {
			row = append(row, xlsxCell(p.typ, p.get(s)))
		}
		return row
	}); err != nil {
		return err
	}

	man, err := manifestRows(d)
	if err != nil {
		return fmt.Errorf("kumu xlsx: manifest: %w", err)
	}
	if err := writeSheet(f, SheetManifest, []any{"Field", "Value"}, len(man), func(i int, row []any) []any {
		return append(row, man[i][0], man[i][1])
	}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("kumu xlsx: %w", err)
	}
	if err := sortZip(w, buf.Bytes(), d.Manifest.GeneratedAt); err != nil {
		return fmt.Errorf("kumu xlsx: %w", err)
	}
	return nil
}

// sortZip copies the zip b to w with its entries sorted by name and dated
// modified, without recompressing them. excelize writes a workbook's parts
// in map order; sorting makes the file a function of its content
// ("[Content_Types].xml" sorts first, where readers expect it).
func sortZip(w io.Writer, b []byte, modified time.Time) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	if modified.IsZero() || modified.Year() < 1980 {
		modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		h := f.FileHeader
		h.Modified = modified.UTC()
		h.Extra = nil
		out, err := zw.CreateRaw(&h)
		if err != nil {
			return err
		}
		in, err := f.OpenRaw()
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			return err
		}
	}
	return zw.Close()
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// cellOf is a text cell, nil (an absent cell) when empty.
func cellOf(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func xlsxCell(t propType, v value) any {
	switch {
	case v.missing(t):
		return nil
	case t == tInt:
		return *v.num
	case t == tList:
		return strings.Join(v.list, KumuDelimiter)
	case t == tFloat:
		return *v.flt
	}
	return v.str
}

// writeSheet streams a header and n rows made by row into sheet.
func writeSheet(f *excelize.File, sheet string, head []any, n int, row func(i int, buf []any) []any) error {
	// The stream writer leaves the dimension at "A1", and readers that
	// trust it (openpyxl in read-only mode) then see one cell; the size is
	// known, so say it before streaming.
	last, _ := excelize.CoordinatesToCellName(len(head), n+1)
	if err := f.SetSheetDimension(sheet, "A1:"+last); err != nil {
		return fmt.Errorf("kumu xlsx: %s: %w", sheet, err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("kumu xlsx: %s: %w", sheet, err)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("kumu xlsx: %s: %w", sheet, err)
	}
	var buf []any
	for i := 0; i < n; i++ {
		buf = row(i, buf[:0])
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, buf); err != nil {
			if errors.Is(err, excelize.ErrCellCharsLength) {
				return graph.Errorf(graph.EINVALID, "kumu xlsx: %s row %d: a cell is longer than Excel's %d characters", sheet, i+2, excelize.TotalCellChars)
			}
			return fmt.Errorf("kumu xlsx: %s row %d: %w", sheet, i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("kumu xlsx: %s: %w", sheet, err)
	}
	return nil
}

// manifestRows is the manifest as field/value pairs for a Manifest sheet;
// the sources are on their own sheet.
func manifestRows(d *Document) ([][2]any, error) {
	m := d.Manifest
	sel, err := json.Marshal(m.Selection.normalised())
	if err != nil {
		return nil, err
	}
	return [][2]any{
		{"generator", m.Generator},
		{"format", string(m.Format)},
		{"datasetName", m.DatasetName},
		{"datasetVersion", m.DatasetVersion},
		{"selection", string(bytes.TrimSpace(sel))},
		{"nodes", m.Counts.Nodes},
		{"relationships", m.Counts.Relationships},
		{"sources", m.Counts.Sources},
		{"generatedAt", m.GeneratedAt.UTC().Format(time.RFC3339)},
		{"sourcesSheet", SheetSources},
		{"delimiter", KumuDelimiter},
		{"note", "hmkg export for Kumu: import Elements and Connections; ids are hmkg ids, so a re-import updates rather than duplicates. " + strconv.Quote("|") + " separates multiple values."},
	}, nil
}
