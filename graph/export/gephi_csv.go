package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// Files inside the Gephi CSV zip.
const (
	GephiNodes   = "nodes.csv"
	GephiEdges   = "edges.csv"
	GephiSources = "sources.csv"
	gephiReadme  = "README.md"
	// GephiDirected is the edge Type Gephi reads as a directed edge.
	GephiDirected = "Directed"
)

const gephiReadmeText = `# hmkg export: Gephi spreadsheet CSV

Open Gephi, File > Import spreadsheet, and import nodes.csv as a "Nodes table", then edges.csv as
an "Edges table" into the same workspace (append). Gephi recognises Id, Label, Source, Target and
Type (Directed) by name.

- nodes.csv: Id (hmkg id), Label (name), Type (kind: Movement, Organisation, ...), Interval, then
  every property (summary, aliases, region, ..., sources).
- edges.csv: Source, Target, Type (always Directed), Label (the relationship type, e.g. CHALLENGED),
  Id (hmkg relationship id), Interval, year, summary, tensions, sources.
- Interval is when the element exists, as Gephi's interval "<[start,end]>" in years: a node from
  its start, founding, publication or event year to its endYear (or 2100 when it has none), an edge
  from its year to 2100; empty when undated (always present). In the import wizard set the column's
  type to "Interval" and the time representation to integer years to replay the graph on Gephi's
  timeline.
- Lists (aliases, tensions, sources) are separated by "|". sources.csv describes every cited source;
  manifest.json says what was exported, from which dataset, when.
`

// EncodeGephiCSV writes d as a zip of the CSV pair Gephi's spreadsheet
// import reads (see gephiReadmeText, shipped as README.md in the zip):
// nodes.csv "Id,Label,Type,Interval,summary,...", edges.csv
// "Source,Target,Type,Label,Id,Interval,year,...", plus sources.csv and
// manifest.json. A list element containing "|" is EINVALID.
func EncodeGephiCSV(w io.Writer, d *Document) error {
	if err := checkDelimiter(d.Subgraph); err != nil {
		return graph.Errorf(graph.EINVALID, "gephi csv: %s", strings.TrimPrefix(graph.ErrorMessage(err), "csv: "))
	}
	modified := d.Manifest.GeneratedAt
	if modified.IsZero() || modified.Year() < 1980 {
		modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(w)
	file := func(name string, write func(io.Writer) error) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.UTC()})
		if err == nil {
			err = write(f)
		}
		if err != nil {
			return fmt.Errorf("gephi csv: %s: %w", name, err)
		}
		return nil
	}
	if err := file(csvManifest, func(w io.Writer) error {
		m, err := d.manifestJSON()
		if err != nil {
			return err
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, m, "", "  "); err != nil {
			return err
		}
		pretty.WriteByte('\n')
		_, err = w.Write(pretty.Bytes())
		return err
	}); err != nil {
		return err
	}
	if err := file(gephiReadme, func(w io.Writer) error { _, err := io.WriteString(w, gephiReadmeText); return err }); err != nil {
		return err
	}
	nodeCols := kumuNodeProps // every property but kind and name, which are Type and Label
	if err := file(GephiNodes, func(w io.Writer) error {
		head := []string{"Id", "Label", "Type", "Interval", "summary"}
		for _, p := range nodeCols {
			head = append(head, p.name)
		}
		for _, p := range d.metricCols() {
			head = append(head, p.name)
		}
		nodes := sortedNodes(d.Subgraph)
		return writeRows(w, head, len(nodes), func(i int, row []string) []string {
			n := nodes[i]
			row = append(row, n.ID, n.Name, n.Kind.Label(), gephiInterval(n.Since(), n.EndYear), n.Summary)
			for _, p := range nodeCols {
				row = append(row, csvCell(p.typ, p.get(n)))
			}
			for _, p := range d.metricCols() {
				row = append(row, csvCell(p.typ, d.metricValue(p, n.ID)))
			}
			return row
		})
	}); err != nil {
		return err
	}
	if err := file(GephiEdges, func(w io.Writer) error {
		head := []string{"Source", "Target", "Type", "Label", "Id", "Interval"}
		props := relProps[1:] // the type is the Label
		for _, p := range props {
			head = append(head, p.name)
		}
		rels := sortedRels(d.Subgraph)
		return writeRows(w, head, len(rels), func(i int, row []string) []string {
			r := rels[i]
			row = append(row, r.From, r.To, GephiDirected, string(r.Type), r.ID, gephiInterval(r.Year, nil))
			for _, p := range props {
				row = append(row, csvCell(p.typ, p.get(r)))
			}
			return row
		})
	}); err != nil {
		return err
	}
	if err := file(GephiSources, func(w io.Writer) error {
		head := []string{"Id"}
		for _, p := range sourceProps {
			head = append(head, p.name)
		}
		ss := sortedSources(d.Sources)
		return writeRows(w, head, len(ss), func(i int, row []string) []string {
			row = append(row, ss[i].ID)
			for _, p := range sourceProps {
				row = append(row, csvCell(p.typ, p.get(ss[i])))
			}
			return row
		})
	}); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gephi csv: %w", err)
	}
	return nil
}

// gephiInterval is Gephi's interval "<[start,end]>" from a start year to an
// end year (graph.MaxYear when open), or "" when undated.
func gephiInterval(start, end *int) string {
	if start == nil && end == nil {
		return ""
	}
	s, e := graph.MinYear, graph.MaxYear
	if start != nil {
		s = *start
	}
	if end != nil {
		e = *end
	}
	return "<[" + strconv.Itoa(s) + "," + strconv.Itoa(e) + "]>"
}

// writeRows writes a CSV header and n rows made by row.
func writeRows(w io.Writer, head []string, n int, row func(i int, buf []string) []string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(head); err != nil {
		return err
	}
	var buf []string
	for i := 0; i < n; i++ {
		buf = row(i, buf[:0])
		if err := cw.Write(buf); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
