// Package mapimport turns maps made in other tools — Kumu (JSON blueprint
// or XLSX), Onodo and Polinode workbooks, Gephi's CSV pair, Cytoscape JSON —
// into an hmkg graph.Dataset. It is pure: bytes in, a dataset and every
// problem out; the caller imports the dataset through the usual store
// Import (validated, atomic, idempotent).
//
// Ids are derived deterministically (a slug of the map's id, or of the
// label when there is none), so importing the same map again updates the
// same nodes and relationships instead of duplicating them. Every imported
// node and relationship cites the Citation source the user names; maps
// exported by hmkg also keep the sources they carry.
//
// This file (over 500 lines) holds the conversion shared by every format:
// ids, kinds, types, years and the problem list; the readers of each
// format are in read.go and the mapping file in mapping.go.
package mapimport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Format is a map format the importer reads.
type Format string

// Formats.
const (
	Kumu      Format = "kumu"
	KumuXLSX  Format = "kumu-xlsx"
	Onodo     Format = "onodo"
	Polinode  Format = "polinode"
	GephiCSV  Format = "gephi-csv"
	Cytoscape Format = "cytoscape"
)

// Formats lists every format the importer reads.
var Formats = []Format{Kumu, KumuXLSX, Onodo, Polinode, GephiCSV, Cytoscape}

// ParseFormat returns the format named s (ignoring case, "_" for "-").
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-"))
	if slices.Contains(Formats, f) {
		return f, nil
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", graph.Errorf(graph.EINVALID, "unknown map format %q: use one of %s", s, strings.Join(names, ", "))
}

// File is one input file: its name (for messages and detection) and bytes.
type File struct {
	Name string
	Data []byte
}

// Options say how to convert a map.
type Options struct {
	// Format of the files; empty means Detect.
	Format Format
	// Mapping of their types to hmkg's; nil accepts hmkg's names only.
	Mapping *Mapping
	// Citation is the source every imported fact cites: required, and
	// added to the dataset (an existing source with its id is replaced).
	Citation graph.Source
	// Lookup, when set, answers for records the map refers to but does not
	// hold (an endpoint that is an existing hmkg node id); it also lets the
	// dataset be validated against the store with the map's problems.
	Lookup graph.Lookup
}

// Detect names the format of files from their names and content: .xlsx by
// sheet names (Elements+Connections: Kumu, Nodes+Relations: Onodo,
// Nodes+Edges: Polinode), .json and .cyjs by keys (elements+connections:
// Kumu, elements.nodes: Cytoscape), .csv and .zip as Gephi's pair. It
// returns "" when the files are not a map it knows (an hmkg dataset, say).
func Detect(files []File) Format {
	if len(files) == 0 {
		return ""
	}
	f := files[0]
	switch strings.ToLower(filepath.Ext(f.Name)) {
	case ".xlsx":
		switch {
		case hasSheets(f.Data, "Elements", "Connections"):
			return KumuXLSX
		case hasSheets(f.Data, "Nodes", "Relations"):
			return Onodo
		case hasSheets(f.Data, "Nodes", "Edges"):
			return Polinode
		}
	case ".csv", ".zip":
		return GephiCSV
	case ".json", ".cyjs":
		var top map[string]json.RawMessage
		if json.Unmarshal(f.Data, &top) != nil {
			return ""
		}
		el := bytes.TrimSpace(top["elements"])
		switch {
		case len(el) > 0 && el[0] == '[' && top["connections"] != nil:
			return Kumu
		case len(el) > 0 && el[0] == '{', len(el) > 0 && el[0] == '[' && bytes.Contains(el, []byte(`"group"`)):
			return Cytoscape
		case len(el) > 0 && el[0] == '[':
			return Kumu
		}
	}
	return ""
}

// shape is a map read into tables, with the names its fields go by.
type shape struct {
	nodes, rels table
	// sources are the sources an hmkg export carries; when present the
	// map's Sources, Tensions and Publisher fields are hmkg ids.
	sources []*graph.Source
	hmkg    bool

	nodeID, nodeName, nodeType []string
	relFrom, relTo, relType    []string
	relYear                    []string
}

// Convert reads files in opts.Format (or the detected one) and returns the
// dataset they describe. Every problem — unreadable files, missing sheets,
// unknown types, dangling endpoints, ids that collide, values hmkg rejects
// — is reported at once in an EINVALID *graph.Error whose Problems name
// the file, sheet and row, e.g. `map.xlsx: Relations row 7: unknown type
// "Allies"`. The dataset's Locate points validation problems found later
// at the same rows.
func Convert(files []File, opts Options) (*graph.Dataset, error) {
	if len(files) == 0 {
		return nil, graph.Errorf(graph.EINVALID, "no map files given")
	}
	f := opts.Format
	if f == "" {
		if f = Detect(files); f == "" {
			return nil, graph.Errorf(graph.EINVALID, "%s: cannot tell the map format: name it with --format (%s)", files[0].Name, formatList())
		}
	}
	m := opts.Mapping
	if m == nil {
		m = &Mapping{}
	}
	var problems []string
	if ps := m.problems(); len(ps) > 0 {
		for _, p := range ps {
			problems = append(problems, "mapping: "+p)
		}
	}
	cite := opts.Citation
	for _, p := range cite.Validate() {
		problems = append(problems, "the map's source (--source-id, --source-title, --source-url): "+p)
	}
	sh, ps := read(f, files)
	problems = append(problems, ps...)
	if sh == nil {
		return nil, problemsError(problems)
	}
	if c := m.Columns.NodeType; c != "" {
		sh.nodeType = []string{norm(c)}
	}
	if c := m.Columns.RelationshipType; c != "" {
		sh.relType = []string{norm(c)}
	}
	b := &builder{m: m, sh: sh, cite: cite.ID, lookup: opts.Lookup, byRaw: map[string]string{},
		byLabel: map[string]string{}, byFold: map[string]string{}, ids: map[string]string{}, relAt: map[string]int{}, failed: map[string]bool{}}
	b.nodes()
	b.relationships()
	problems = append(problems, b.problems...)

	d := &graph.Dataset{Nodes: b.outNodes, Relationships: b.outRels}
	for _, s := range sh.sources {
		if s.ID != cite.ID {
			d.Sources = append(d.Sources, s)
		}
	}
	c := cite
	d.Sources = append(d.Sources, &c)
	srcWhere := files[0].Name + ": sources"
	d.Locate = func(section string, i int) string {
		switch section {
		case "nodes":
			return b.nodeWhere[i]
		case "relationships":
			return b.relWhere[i]
		}
		if i == len(d.Sources)-1 {
			return "the map's source (--source-id)"
		}
		return fmt.Sprintf("%s[%d]", srcWhere, i)
	}
	// hmkg's own checks, on the records that converted, in the same list.
	if err := d.Validate(opts.Lookup); err != nil {
		for _, p := range graph.ErrorProblems(err) {
			if !slices.Contains(problems, p) && !strings.HasPrefix(p, "the map's source") {
				problems = append(problems, p)
			}
		}
	}
	if len(problems) > 0 {
		return nil, problemsError(problems)
	}
	return d, nil
}

func formatList() string {
	s := make([]string, len(Formats))
	for i, f := range Formats {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// read parses files of format f into a shape.
func read(f Format, files []File) (*shape, []string) {
	one := func() (File, []string) {
		if len(files) != 1 {
			return File{}, []string{fmt.Sprintf("a %s map is one file, got %d", f, len(files))}
		}
		return files[0], nil
	}
	switch f {
	case Kumu:
		file, ps := one()
		if ps != nil {
			return nil, ps
		}
		return readKumuJSON(file)
	case KumuXLSX, Onodo, Polinode:
		file, ps := one()
		if ps != nil {
			return nil, ps
		}
		return readWorkbook(f, file)
	case GephiCSV:
		return readGephi(files)
	case Cytoscape:
		file, ps := one()
		if ps != nil {
			return nil, ps
		}
		return readCytoscape(file)
	}
	_, err := ParseFormat(string(f))
	return nil, []string{graph.ErrorMessage(err)}
}

func readKumuJSON(file File) (*shape, []string) {
	var doc struct {
		Elements    []map[string]json.RawMessage `json:"elements"`
		Connections []map[string]json.RawMessage `json:"connections"`
		Hmkg        *hmkgManifest                `json:"hmkg"`
	}
	if err := json.Unmarshal(file.Data, &doc); err != nil {
		return nil, []string{fmt.Sprintf("%s: not a Kumu blueprint: %v", file.Name, err)}
	}
	sh := kumuShape()
	var ps, p2 []string
	sh.nodes, ps = jsonTable(file.Name, "elements", doc.Elements)
	sh.rels, p2 = jsonTable(file.Name, "connections", doc.Connections)
	if doc.Hmkg != nil && doc.Hmkg.Sources != nil {
		sh.sources, sh.hmkg = doc.Hmkg.Sources, true
	}
	return sh, append(ps, p2...)
}

func kumuShape() *shape {
	return &shape{
		nodeID: []string{"id"}, nodeName: []string{"label", "name"}, nodeType: []string{"type"},
		relFrom: []string{"from"}, relTo: []string{"to"}, relType: []string{"type"}, relYear: []string{"year"},
	}
}

func readWorkbook(f Format, file File) (*shape, []string) {
	var nodes, rels string
	sh := &shape{nodeID: []string{"id"}, nodeName: []string{"name", "label"}, nodeType: []string{"type"},
		relFrom: []string{"source", "from"}, relTo: []string{"target", "to"}, relType: []string{"type"}, relYear: []string{"year"}}
	switch f {
	case KumuXLSX:
		nodes, rels = "Elements", "Connections"
		sh = kumuShape()
	case Onodo:
		nodes, rels = "Nodes", "Relations"
		// Onodo's From and To are the dates a relation held, At when it happened.
		sh.relFrom, sh.relTo, sh.relYear = []string{"source"}, []string{"target"}, []string{"at", "from", "year"}
	case Polinode:
		nodes, rels = "Nodes", "Edges"
	}
	tabs, ps := workbook(file.Name, file.Data, nodes, rels)
	if len(ps) > 0 {
		return nil, ps
	}
	sh.nodes, sh.rels = tabs[nodes], tabs[rels]
	if f == KumuXLSX && hasSheets(file.Data, "Sources") {
		st, p2 := workbook(file.Name, file.Data, "Sources")
		ss, p3 := sourcesOf(st["Sources"])
		sh.sources, sh.hmkg = ss, true
		ps = append(append(ps, p2...), p3...)
	}
	return sh, ps
}

// readGephi reads Gephi's CSV pair: nodes.csv and edges.csv given as two
// files or inside a zip (as hmkg's GEPHI_CSV export writes them, with
// sources.csv). Which file is which is told by its header: an edges table
// has Source and Target columns.
func readGephi(files []File) (*shape, []string) {
	sh := &shape{nodeID: []string{"id"}, nodeName: []string{"label", "name"}, nodeType: []string{"type"},
		relFrom: []string{"source"}, relTo: []string{"target"}, relType: []string{"label", "kind"}, relYear: []string{"year", "interval", "timeset"}}
	var ps []string
	var csvs []File
	for _, f := range files {
		if strings.EqualFold(filepath.Ext(f.Name), ".zip") {
			inside, err := unzip(f.Name, f.Data)
			if err != nil {
				ps = append(ps, err.Error())
				continue
			}
			for name, b := range inside {
				if strings.HasSuffix(name, ".csv") {
					csvs = append(csvs, File{Name: f.Name + ": " + name, Data: b})
				}
			}
			continue
		}
		csvs = append(csvs, f)
	}
	slices.SortFunc(csvs, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	var haveNodes, haveEdges bool
	for _, f := range csvs {
		t, err := csvTable(f.Name, f.Data)
		if err != nil {
			ps = append(ps, err.Error())
			continue
		}
		t.name = f.Name
		cols := header(f.Data)
		switch {
		case cols["source"] && cols["target"]:
			if haveEdges {
				ps = append(ps, fmt.Sprintf("%s: a second edges table", f.Name))
			}
			sh.rels, haveEdges = t, true
		case cols["title"] && cols["url"] && !cols["label"]:
			ss, p2 := sourcesOf(t)
			sh.sources, sh.hmkg = ss, true
			ps = append(ps, p2...)
		case cols["id"]:
			if haveNodes {
				ps = append(ps, fmt.Sprintf("%s: a second nodes table", f.Name))
			}
			sh.nodes, haveNodes = t, true
		default:
			ps = append(ps, fmt.Sprintf("%s: neither a nodes table (Id, Label) nor an edges table (Source, Target)", f.Name))
		}
	}
	if !haveNodes {
		ps = append(ps, "gephi csv: no nodes table (a CSV with Id and Label columns)")
	}
	if !haveEdges {
		ps = append(ps, "gephi csv: no edges table (a CSV with Source and Target columns)")
	}
	return sh, ps
}

// header returns the normalised column names of a CSV file's first line.
func header(data []byte) map[string]bool {
	cols := map[string]bool{}
	line := bytes.TrimPrefix(firstLine(data), []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(line))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		r.Comma = ';'
	}
	r.LazyQuotes = true
	row, _ := r.Read()
	for _, c := range row {
		cols[norm(c)] = true
	}
	return cols
}

func firstLine(b []byte) []byte {
	l, _, _ := bytes.Cut(b, []byte("\n"))
	return l
}

func readCytoscape(file File) (*shape, []string) {
	var doc struct {
		Elements json.RawMessage `json:"elements"`
		Hmkg     *hmkgManifest   `json:"hmkg"`
	}
	if err := json.Unmarshal(file.Data, &doc); err != nil {
		return nil, []string{fmt.Sprintf("%s: not Cytoscape JSON: %v", file.Name, err)}
	}
	type el struct {
		Group string                     `json:"group"`
		Data  map[string]json.RawMessage `json:"data"`
	}
	var nodes, edges []el
	if t := bytes.TrimSpace(doc.Elements); len(t) > 0 && t[0] == '[' {
		var all []el
		if err := json.Unmarshal(t, &all); err != nil {
			return nil, []string{fmt.Sprintf("%s: elements: %v", file.Name, err)}
		}
		for _, e := range all {
			if e.Group == "edges" {
				edges = append(edges, e)
			} else {
				nodes = append(nodes, e)
			}
		}
	} else {
		var split struct {
			Nodes []el `json:"nodes"`
			Edges []el `json:"edges"`
		}
		if err := json.Unmarshal(t, &split); err != nil {
			return nil, []string{fmt.Sprintf("%s: elements: %v", file.Name, err)}
		}
		nodes, edges = split.Nodes, split.Edges
	}
	data := func(es []el) []map[string]json.RawMessage {
		out := make([]map[string]json.RawMessage, len(es))
		for i, e := range es {
			out[i] = e.Data
		}
		return out
	}
	sh := &shape{nodeID: []string{"id"}, nodeName: []string{"name", "label"}, nodeType: []string{"kind", "type"},
		relFrom: []string{"source"}, relTo: []string{"target"}, relType: []string{"type", "interaction"}, relYear: []string{"year"}}
	var ps, p2 []string
	sh.nodes, ps = jsonTable(file.Name, "elements.nodes", data(nodes))
	sh.rels, p2 = jsonTable(file.Name, "elements.edges", data(edges))
	if doc.Hmkg != nil && doc.Hmkg.Sources != nil {
		sh.sources, sh.hmkg = doc.Hmkg.Sources, true
	}
	return sh, append(ps, p2...)
}

// builder converts a shape's records into nodes and relationships.
type builder struct {
	m      *Mapping
	sh     *shape
	cite   string
	lookup graph.Lookup

	byRaw, byLabel, byFold map[string]string // their id or label -> our id ("" when ambiguous)
	ids                    map[string]string // our id -> where it was defined
	relAt                  map[string]int    // relationship id -> index in outRels
	failed                 map[string]bool   // nodes not converted, already reported

	outNodes  []*graph.Node
	nodeWhere []string
	outRels   []*graph.Relationship
	relWhere  []string
	problems  []string
}

// disputes reads the disputes an hmkg export wrote as JSON text; the
// loader validates them like any others.
func (b *builder) disputes(r record) []*graph.Dispute {
	s := r.raw("disputes")
	if s == "" {
		return nil
	}
	var ds []*graph.Dispute
	if err := json.Unmarshal([]byte(s), &ds); err != nil {
		b.problem(r.where, "disputes: not the JSON an hmkg export writes: %v", err)
		return nil
	}
	return ds
}

func (b *builder) problem(where, format string, args ...any) {
	b.problems = append(b.problems, where+": "+fmt.Sprintf(format, args...))
}

func (b *builder) nodes() {
	for _, r := range b.sh.nodes.records {
		rawID, label := r.str(b.sh.nodeID...), r.str(b.sh.nodeName...)
		if rawID == "" && label == "" {
			b.problem(r.where, "no id or label")
			continue
		}
		name := label
		if name == "" {
			name = rawID
		}
		typ := r.str(b.sh.nodeType...)
		kind := b.m.kind(typ)
		switch {
		case kind == "" && typ == "":
			b.problem(r.where, "no type (give the mapping a defaultKind)")
		case kind == "":
			b.problem(r.where, "unknown type %q (map it to a kind in the mapping file's \"kinds\")", typ)
		}
		from := rawID
		if b.m.IDFrom == "label" || from == "" {
			from = name
		}
		id := Slug(from)
		if id == "" {
			b.problem(r.where, "cannot derive an id from %q (give it an ID made of letters or digits)", from)
			continue
		}
		id = b.m.IDPrefix + id
		if len(id) > 100 {
			id = strings.TrimRight(id[:100], "-")
		}
		if prev, dup := b.ids[id]; dup {
			b.problem(r.where, "id %q is also the id of %s (give them different IDs)", id, strings.TrimPrefix(prev, b.sh.nodes.name+" "))
			continue
		}
		b.ids[id] = r.where
		if rawID != "" {
			b.byRaw[rawID] = id
		}
		remember(b.byLabel, label, id)
		remember(b.byFold, strings.ToLower(label), id)
		if kind == "" {
			b.failed[id] = true
			continue
		}
		n := &graph.Node{ID: id, Kind: kind, Name: name, Summary: r.raw("description", "summary"),
			Aliases: r.list("aliases"), Region: r.str("region"), Country: r.str("country"), Category: r.str("category"),
			Date: r.str("date"), URL: r.str("url"), Role: r.raw("role"), Question: r.raw("question")}
		for _, y := range []struct {
			key string
			dst **int
		}{{"startyear", &n.StartYear}, {"endyear", &n.EndYear}, {"foundedyear", &n.FoundedYear}, {"year", &n.Year}} {
			if s := r.str(y.key); s != "" {
				v, err := parseYear(s)
				if err != nil {
					b.problem(r.where, "%s: %v", y.key, err)
				}
				*y.dst = v
			}
		}
		if b.sh.hmkg {
			n.Publisher = r.str("publisher")
			n.SourceIDs = r.list("sources")
			n.Disputes = b.disputes(r)
		}
		n.SourceIDs = addCitation(n.SourceIDs, b.cite)
		b.outNodes = append(b.outNodes, n)
		b.nodeWhere = append(b.nodeWhere, r.where)
	}
	// Publishers may be named by their map id or label.
	for i, n := range b.outNodes {
		if n.Publisher != "" {
			if id, ok := b.ref(n.Publisher); ok {
				n.Publisher = id
			} else {
				b.problem(b.nodeWhere[i], "unknown publisher %q", n.Publisher)
			}
		}
	}
}

func remember(m map[string]string, key, id string) {
	if key == "" {
		return
	}
	if prev, ok := m[key]; ok && prev != id {
		m[key] = "" // ambiguous
		return
	}
	m[key] = id
}

// ref resolves how the map names a node: its own id, then its label
// (exactly, then ignoring case), then an existing hmkg node id.
func (b *builder) ref(s string) (string, bool) {
	if id, ok := b.byRaw[s]; ok {
		return id, true
	}
	if id := b.byLabel[s]; id != "" {
		return id, true
	}
	if id := b.byFold[strings.ToLower(s)]; id != "" {
		return id, true
	}
	if b.lookup != nil && graph.ValidSlug(s) && b.lookup.NodeKind(s) != "" {
		return s, true
	}
	return "", false
}

func (b *builder) relationships() {
	for _, r := range b.sh.rels.records {
		from, to := r.str(b.sh.relFrom...), r.str(b.sh.relTo...)
		fromID, okFrom := b.ref(from)
		toID, okTo := b.ref(to)
		ok := true
		for _, end := range []struct {
			name, v string
			ok      bool
		}{{"from", from, okFrom}, {"to", to, okTo}} {
			switch {
			case end.v == "":
				b.problem(r.where, "no %s element", end.name)
				ok = false
			case !end.ok:
				b.problem(r.where, "unknown %s element %q (no element has that id or label)", end.name, end.v)
				ok = false
			}
		}
		typ := r.str(b.sh.relType...)
		rt, reverse := b.m.rel(typ)
		switch {
		case rt == "" && typ == "":
			b.problem(r.where, "no type (give the mapping a defaultRelationship)")
			ok = false
		case rt == "":
			b.problem(r.where, "unknown type %q (map it to a relationship type in the mapping file's \"relationships\")", typ)
			ok = false
		}
		var year *int
		if s := r.str(b.sh.relYear...); s != "" {
			y, err := parseYear(s)
			if err != nil {
				b.problem(r.where, "year: %v", err)
			}
			year = y
		}
		if !ok || b.failed[fromID] || b.failed[toID] {
			continue // reported already; its endpoint's problem would only repeat
		}
		if reverse {
			fromID, toID = toID, fromID
		}
		rel := &graph.Relationship{Type: rt, From: fromID, To: toID, Year: year, Summary: r.raw("description", "summary")}
		if b.sh.hmkg {
			for _, t := range r.list("tensions") {
				id, found := b.ref(t)
				if !found {
					b.problem(r.where, "unknown tension %q", t)
					continue
				}
				rel.TensionIDs = append(rel.TensionIDs, id)
			}
			rel.SourceIDs = r.list("sources")
			if st := graph.RelationshipStatus(strings.ToUpper(r.str("status"))); st != graph.StatusAsserted {
				rel.Status = st
			}
			rel.Disputes = b.disputes(r)
		}
		rel.SourceIDs = addCitation(rel.SourceIDs, b.cite)
		rel.ID = graph.RelationshipID(rel.From, rel.Type, rel.To, rel.Year)
		if i, dup := b.relAt[rel.ID]; dup {
			// The same fact twice (Kumu maps often repeat a connection):
			// one relationship citing what both cite.
			prev := b.outRels[i]
			prev.SourceIDs = union(prev.SourceIDs, rel.SourceIDs)
			prev.TensionIDs = union(prev.TensionIDs, rel.TensionIDs)
			if prev.Summary == "" {
				prev.Summary = rel.Summary
			}
			continue
		}
		b.relAt[rel.ID] = len(b.outRels)
		b.outRels = append(b.outRels, rel)
		b.relWhere = append(b.relWhere, r.where)
	}
}

func addCitation(ids []string, cite string) []string {
	if cite == "" || slices.Contains(ids, cite) {
		return ids
	}
	return append(ids, cite)
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

var yearRE = regexp.MustCompile(`(?:^|[^0-9])([0-9]{4})(?:[^0-9]|$)`)

// parseYear reads a year from "1987", "1987.0", "1987-05-01", "05/03/1987"
// or Gephi's "<[1987,2100]>" (the first year). Anything else is an error
// naming the value.
func parseYear(s string) (*int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return &n, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int(f)) {
		n := int(f)
		return &n, nil
	}
	m := yearRE.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("%q is not a year", s)
	}
	n, _ := strconv.Atoi(m[1])
	return &n, nil
}
