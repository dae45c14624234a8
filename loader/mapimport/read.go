package mapimport

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/hmkg/hmkg/graph"
)

// val is one field of a record: text, or a list when the file has lists
// (JSON arrays); a text is split on "|" when a list is wanted.
type val struct {
	text   string
	list   []string
	isList bool
}

// record is one row or object of a map, with its fields under normalised
// names (see norm) and where it came from, e.g. `map.xlsx: Relations row 7`.
type record struct {
	where string
	f     map[string]val
}

// str returns the first non-empty field among keys.
func (r record) str(keys ...string) string {
	for _, k := range keys {
		v, ok := r.f[k]
		if !ok {
			continue
		}
		if v.isList {
			if len(v.list) > 0 {
				return strings.Join(v.list, ", ")
			}
			continue
		}
		if s := strings.TrimSpace(v.text); s != "" {
			return s
		}
	}
	return ""
}

// list returns the field as a list: a JSON array, or text split on "|".
func (r record) list(key string) []string {
	v, ok := r.f[key]
	if !ok {
		return nil
	}
	var in []string
	if v.isList {
		in = v.list
	} else {
		in = strings.Split(v.text, "|")
	}
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// raw is the field's text exactly as written (for summaries with line breaks).
func (r record) raw(keys ...string) string {
	for _, k := range keys {
		if v, ok := r.f[k]; ok && !v.isList && strings.TrimSpace(v.text) != "" {
			return v.text
		}
	}
	return ""
}

// norm folds a column or key name: lower case, letters and digits only, so
// "Start Year", "startYear" and "start_year" are one field.
func norm(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// table is a sheet or CSV file: its records in order.
type table struct {
	name    string
	records []record
}

// rowsTable turns a header row and data rows into records. Row numbers
// count from 1 with the header as row 1, as spreadsheets show them.
func rowsTable(file, sheet string, rows [][]string, rowWord string) table {
	t := table{name: sheet}
	if len(rows) == 0 {
		return t
	}
	head := make([]string, len(rows[0]))
	for i, h := range rows[0] {
		head[i] = norm(h)
	}
	for i, row := range rows[1:] {
		rec := record{where: fmt.Sprintf("%s: %s %s %d", file, sheet, rowWord, i+2), f: map[string]val{}}
		empty := true
		for j, cell := range row {
			if j >= len(head) || head[j] == "" {
				continue
			}
			if _, dup := rec.f[head[j]]; dup {
				continue
			}
			if strings.TrimSpace(cell) != "" {
				empty = false
			}
			rec.f[head[j]] = val{text: cell}
		}
		if !empty {
			t.records = append(t.records, rec)
		}
	}
	return t
}

// workbook reads the named sheets (matched ignoring case) of an XLSX file;
// a missing sheet is a problem naming the sheets there are.
func workbook(file string, data []byte, sheets ...string) (map[string]table, []string) {
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, []string{fmt.Sprintf("%s: not a readable XLSX workbook: %v", file, err)}
	}
	defer x.Close()
	out := map[string]table{}
	var ps []string
	have := x.GetSheetList()
	for _, want := range sheets {
		found := ""
		for _, s := range have {
			if strings.EqualFold(strings.TrimSpace(s), want) {
				found = s
				break
			}
		}
		if found == "" {
			ps = append(ps, fmt.Sprintf("%s: no %q sheet (the workbook has %s)", file, want, strings.Join(have, ", ")))
			continue
		}
		rows, err := x.GetRows(found)
		if err != nil {
			ps = append(ps, fmt.Sprintf("%s: %s: %v", file, found, err))
			continue
		}
		out[want] = rowsTable(file, found, rows, "row")
	}
	return out, ps
}

// hasSheets reports whether the workbook has every named sheet.
func hasSheets(data []byte, sheets ...string) bool {
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return false
	}
	defer x.Close()
	have := map[string]bool{}
	for _, s := range x.GetSheetList() {
		have[strings.ToLower(strings.TrimSpace(s))] = true
	}
	for _, s := range sheets {
		if !have[strings.ToLower(s)] {
			return false
		}
	}
	return true
}

// csvTable reads a CSV file (comma or, for European spreadsheets, semicolon
// separated); rows are numbered as lines of records with the header as 1.
func csvTable(file string, data []byte) (table, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	rows, err := r.ReadAll()
	if err != nil {
		return table{}, fmt.Errorf("%s: %w", file, err)
	}
	return rowsTable(file, filepath.Base(file), rows, "row"), nil
}

// jsonTable turns a JSON array of objects into records; at says how to
// find object i, e.g. "elements[3]".
func jsonTable(file, name string, objs []map[string]json.RawMessage) (table, []string) {
	t := table{name: name}
	var ps []string
	for i, o := range objs {
		rec := record{where: fmt.Sprintf("%s: %s[%d]", file, name, i), f: map[string]val{}}
		for k, raw := range o {
			v, err := jsonVal(raw)
			if err != nil {
				ps = append(ps, fmt.Sprintf("%s: %q: %v", rec.where, k, err))
				continue
			}
			if _, dup := rec.f[norm(k)]; !dup {
				rec.f[norm(k)] = v
			}
		}
		t.records = append(t.records, rec)
	}
	return t, ps
}

func jsonVal(raw json.RawMessage) (val, error) {
	var x any
	if err := json.Unmarshal(raw, &x); err != nil {
		return val{}, err
	}
	switch v := x.(type) {
	case nil:
		return val{}, nil
	case string:
		return val{text: v}, nil
	case float64:
		return val{text: strconv.FormatFloat(v, 'f', -1, 64)}, nil
	case bool:
		return val{text: strconv.FormatBool(v)}, nil
	case []any:
		out := val{isList: true}
		for _, e := range v {
			switch e := e.(type) {
			case string:
				out.list = append(out.list, e)
			case float64:
				out.list = append(out.list, strconv.FormatFloat(e, 'f', -1, 64))
			default:
				return val{}, fmt.Errorf("a list may hold only text and numbers")
			}
		}
		return out, nil
	}
	return val{text: string(raw)}, nil
}

// hmkgManifest is the part of an hmkg export's manifest an import uses:
// the sources its facts cite.
type hmkgManifest struct {
	Sources []*graph.Source `json:"sources"`
}

// unzip returns the files of a zip by base name.
func unzip(file string, data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: not a zip: %w", file, err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, 1<<30))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, f.Name, err)
		}
		out[strings.ToLower(filepath.Base(f.Name))] = b
	}
	return out, nil
}

// sourcesOf reads a sources table (ID, Title, URL, Publisher, Year).
func sourcesOf(t table) ([]*graph.Source, []string) {
	var out []*graph.Source
	var ps []string
	for _, r := range t.records {
		s := &graph.Source{ID: r.str("id"), Title: r.str("title"), URL: r.str("url"), Publisher: r.str("publisher"),
			Kind: graph.SourceKind(strings.ToUpper(r.str("kind")))}
		if y := r.str("year"); y != "" {
			n, err := parseYear(y)
			if err != nil {
				ps = append(ps, fmt.Sprintf("%s: Year: %v", r.where, err))
			}
			s.Year = n
		}
		out = append(out, s)
	}
	return out, ps
}
