package export

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/analysis"
)

// Document is what an encoder writes: a subgraph, the sources its facts
// cite, and the manifest that describes the export.
type Document struct {
	Subgraph *graph.Subgraph
	Sources  []*graph.Source
	Manifest Manifest
	// Metrics are the network figures of Subgraph, written by the formats
	// that carry them (see AddMetrics); nil when not computed.
	Metrics *analysis.Result
	// Stories are the stories that travel with the export (JSON only; see
	// AddStories); nil for the other formats.
	Stories []*graph.Story
}

// Manifest describes an export so that a file found later still says what
// it holds: the dataset it came from, how it was selected, how much is in
// it, when it was made and which sources back it.
type Manifest struct {
	Generator      string    `json:"generator"`
	Format         Format    `json:"format"`
	DatasetName    string    `json:"datasetName"`
	DatasetVersion string    `json:"datasetVersion"`
	Selection      Selection `json:"selection"`
	Counts         Counts    `json:"counts"`
	// Metrics says whether node metrics were computed (formats that carry them only).
	Metrics     *MetricsNote `json:"metrics,omitempty"`
	GeneratedAt time.Time    `json:"generatedAt"`
	// Sources are the sources cited by the exported nodes and relationships.
	Sources []*graph.Source `json:"sources"`
	// StoriesLeftOut are the ids of the stories a format that carries
	// stories left out because they name records outside the selection.
	StoriesLeftOut []string `json:"storiesLeftOut,omitempty"`
}

// Counts says how much an export holds.
type Counts struct {
	Nodes         int `json:"nodes"`
	Relationships int `json:"relationships"`
	Sources       int `json:"sources"`
	// Stories is the number of stories carried (formats that carry them).
	Stories int `json:"stories,omitempty"`
}

// NewDocument builds the document for an export of sub in format f. The
// dataset name and version come from stats (nil leaves them empty); now is
// the generation time, injected so that golden files stay stable.
func NewDocument(f Format, sub *graph.Subgraph, sources []*graph.Source, sel Selection, stats *graph.Stats, now time.Time) *Document {
	m := Manifest{
		Generator:   "hmkg",
		Format:      f,
		Selection:   sel.normalised(),
		GeneratedAt: now.UTC(),
		Sources:     sortedSources(sources),
		Counts: Counts{
			Nodes:         len(sub.Nodes),
			Relationships: len(sub.Relationships),
			Sources:       len(sources),
		},
	}
	if stats != nil {
		m.DatasetName, m.DatasetVersion = stats.DatasetName, stats.DatasetVersion
	}
	return &Document{Subgraph: sub, Sources: m.Sources, Manifest: m}
}

// manifestJSON is the manifest as one line of JSON.
func (d *Document) manifestJSON() ([]byte, error) {
	m := d.Manifest
	if m.Sources == nil {
		m.Sources = []*graph.Source{}
	}
	m.Selection = m.Selection.normalised()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// sortedNodes returns the nodes sorted by id without touching the input.
func sortedNodes(sub *graph.Subgraph) []*graph.Node {
	ns := slices.Clone(sub.Nodes)
	byID := func(a, b *graph.Node) int { return cmp.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(ns, byID) { // stores usually hand them over sorted
		slices.SortFunc(ns, byID)
	}
	return ns
}

// sortedRels returns the relationships sorted by id without touching the input.
func sortedRels(sub *graph.Subgraph) []*graph.Relationship {
	rs := slices.Clone(sub.Relationships)
	byID := func(a, b *graph.Relationship) int { return cmp.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(rs, byID) {
		slices.SortFunc(rs, byID)
	}
	return rs
}

func sortedSources(ss []*graph.Source) []*graph.Source {
	out := make([]*graph.Source, 0, len(ss))
	for _, s := range ss {
		if s != nil {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *graph.Source) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
