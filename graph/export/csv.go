package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// Names inside the CSV bundle and the settings its import command needs.
const (
	csvNodes         = "nodes.csv"
	csvRelationships = "relationships.csv"
	csvSources       = "sources.csv"
	csvManifest      = "manifest.json"
	csvReadme        = "README.md"
	// CSVArrayDelimiter separates list elements and labels in the CSV files;
	// pass it to neo4j-admin as --array-delimiter.
	CSVArrayDelimiter = "|"
	// NodeLabel is the label every exported node has besides its kind's
	// label; the Cypher script puts a uniqueness constraint on its id.
	NodeLabel = "Node"
	// SourceLabel is the label of the exported sources.
	SourceLabel = "Source"
)

const csvReadmeText = `# hmkg export: CSV for neo4j-admin import

Files:

- nodes.csv: one row per node. ` + "`id:ID(Node)`" + ` is the hmkg id (also stored as the
  ` + "`id`" + ` property), ` + "`:LABEL`" + ` is ` + "`Node|<Kind>`" + `, years are ` + "`:int`" + `, lists are ` + "`:string[]`" + `.
- relationships.csv: one row per relationship: ` + "`:START_ID(Node)`, `:END_ID(Node)`, `:TYPE`" + `,
  the relationship id and its properties; ` + "`sources`" + ` lists the ids of the sources it cites.
- sources.csv: the sources cited by the exported nodes and relationships (label Source).
- manifest.json: dataset, selection, counts, generation time and the cited sources.

Lists and labels are separated by "|". Empty cells are missing values.
Text cells may span lines. Import into an empty database (Neo4j 5):

    neo4j-admin database import full --overwrite-destination \
      --array-delimiter='|' --multiline-fields=true \
      --nodes=nodes.csv --nodes=sources.csv --relationships=relationships.csv neo4j

then, in cypher-shell:

    CREATE CONSTRAINT hmkg_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE;
    CREATE CONSTRAINT hmkg_source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE;
`

// EncodeCSV writes d as a zip of CSV files in the layout of
// `neo4j-admin database import` (see csvReadmeText, shipped as README.md in
// the zip), with manifest.json beside them. A list element containing the
// array delimiter "|" cannot be represented and is an EINVALID error.
func EncodeCSV(w io.Writer, d *Document) error {
	if err := checkDelimiter(d.Subgraph); err != nil {
		return err
	}
	modified := d.Manifest.GeneratedAt
	if modified.IsZero() || modified.Year() < 1980 {
		modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(w)
	// Deflate at its fastest level: three times quicker than the default
	// on large exports, for a somewhat larger zip.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	create := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.UTC()})
	}
	f, err := create(csvManifest)
	if err != nil {
		return fmt.Errorf("csv: %s: %w", csvManifest, err)
	}
	m, err := d.manifestJSON()
	if err != nil {
		return fmt.Errorf("csv: manifest: %w", err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, m, "", "  "); err != nil {
		return fmt.Errorf("csv: manifest: %w", err)
	}
	if _, err := io.WriteString(f, pretty.String()+"\n"); err != nil {
		return fmt.Errorf("csv: %s: %w", csvManifest, err)
	}
	if f, err = create(csvReadme); err != nil {
		return fmt.Errorf("csv: %s: %w", csvReadme, err)
	}
	if _, err := io.WriteString(f, csvReadmeText); err != nil {
		return fmt.Errorf("csv: %s: %w", csvReadme, err)
	}
	if f, err = create(csvNodes); err != nil {
		return fmt.Errorf("csv: %s: %w", csvNodes, err)
	}
	if err := writeNodesCSV(f, sortedNodes(d.Subgraph)); err != nil {
		return fmt.Errorf("csv: %s: %w", csvNodes, err)
	}
	if f, err = create(csvRelationships); err != nil {
		return fmt.Errorf("csv: %s: %w", csvRelationships, err)
	}
	if err := writeRelsCSV(f, sortedRels(d.Subgraph)); err != nil {
		return fmt.Errorf("csv: %s: %w", csvRelationships, err)
	}
	if f, err = create(csvSources); err != nil {
		return fmt.Errorf("csv: %s: %w", csvSources, err)
	}
	if err := writeSourcesCSV(f, sortedSources(d.Sources)); err != nil {
		return fmt.Errorf("csv: %s: %w", csvSources, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

func checkDelimiter(sub *graph.Subgraph) error {
	bad := func(id string, l []string) error {
		for _, s := range l {
			if strings.Contains(s, CSVArrayDelimiter) {
				return graph.Errorf(graph.EINVALID, "csv: %s: list value %q contains the array delimiter %q", id, s, CSVArrayDelimiter)
			}
		}
		return nil
	}
	for _, n := range sub.Nodes {
		for _, p := range nodeProps {
			if p.typ == tList {
				if err := bad(n.ID, p.get(n).list); err != nil {
					return err
				}
			}
		}
	}
	for _, r := range sub.Relationships {
		for _, p := range relProps {
			if p.typ == tList {
				if err := bad(r.ID, p.get(r).list); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// csvHeader is a column header in neo4j-admin's name:type notation.
func csvHeader(name string, t propType) string {
	switch t {
	case tInt:
		return name + ":int"
	case tList:
		return name + ":string[]"
	}
	return name
}

func csvCell(t propType, v value) string {
	switch {
	case v.missing(t):
		return ""
	case t == tInt:
		return strconv.Itoa(*v.num)
	case t == tList:
		return strings.Join(v.list, CSVArrayDelimiter)
	case t == tFloat:
		return strconv.FormatFloat(*v.flt, 'g', -1, 64)
	}
	return v.str
}

func writeCSV[T any](w io.Writer, lead []string, props []prop[T], items []T, leadCells func(T, []string)) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	row := append([]string(nil), lead...)
	for _, p := range props {
		row = append(row, csvHeader(p.name, p.typ))
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	for _, it := range items {
		leadCells(it, row[:len(lead)])
		for i, p := range props {
			row[len(lead)+i] = csvCell(p.typ, p.get(it))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeNodesCSV(w io.Writer, ns []*graph.Node) error {
	return writeCSV(w, []string{"id:ID(Node)", ":LABEL"}, nodeProps, ns, func(n *graph.Node, c []string) {
		c[0], c[1] = n.ID, NodeLabel+CSVArrayDelimiter+n.Kind.Label()
	})
}

func writeRelsCSV(w io.Writer, rs []*graph.Relationship) error {
	props := relProps[1:] // the type is the :TYPE column
	return writeCSV(w, []string{":START_ID(Node)", ":END_ID(Node)", ":TYPE", "id"}, props, rs, func(r *graph.Relationship, c []string) {
		c[0], c[1], c[2], c[3] = r.From, r.To, string(r.Type), r.ID
	})
}

func writeSourcesCSV(w io.Writer, ss []*graph.Source) error {
	return writeCSV(w, []string{"id:ID(Source)", ":LABEL"}, sourceProps, ss, func(s *graph.Source, c []string) {
		c[0], c[1] = s.ID, SourceLabel
	})
}
