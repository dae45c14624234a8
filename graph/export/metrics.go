package export

import (
	"context"
	"fmt"
	"slices"

	"github.com/hmkg/hmkg/graph/analysis"
)

// MetricsFormats are the formats whose nodes carry the network figures of
// graph/analysis as typed attributes, so that Gephi and Kumu users get them
// without recomputing.
var MetricsFormats = []Format{GraphML, GEXF, Kumu, KumuXLSX, GephiCSV}

// MetricsMaxNodes caps the selections whose exports carry metrics: half
// the analysis cap, so that computing them (O(n·m), a few seconds of one
// core at this size) leaves an export over HTTP room within the request
// deadline for reading and encoding. Larger selections are exported
// without metrics, and the manifest says so.
const MetricsMaxNodes = analysis.MaxNodes / 2

// CarriesMetrics reports whether f writes node metrics.
func (f Format) CarriesMetrics() bool { return slices.Contains(MetricsFormats, f) }

// MetricsNote is the manifest's account of the metrics: computed over the
// exported selection, or omitted and why.
type MetricsNote struct {
	Computed bool `json:"computed"`
	// Omitted says why metrics were left out (the selection is over MaxNodes).
	Omitted string `json:"omitted,omitempty"`
	// MaxNodes is the largest selection for which metrics are computed.
	MaxNodes int `json:"maxNodes"`
	// Modularity and Communities summarise the Louvain communities.
	Modularity  *float64 `json:"modularity,omitempty"`
	Communities int      `json:"communities,omitempty"`
	// Definitions says where the figures are defined.
	Definitions string `json:"definitions"`
}

const metricsDefinitions = "networkx 3 definitions on the exported selection's undirected simple graph (parallel relationships collapsed, self-loops dropped); " +
	"inDegree, outDegree and pageRank (alpha 0.85) on its directed simple graph; brokerage = betweenness_centrality_subset(sources=movements, targets=institutions, normalized=False); " +
	"community = Louvain (fixed seed), communityLabel = its two most central members; see the analysis query in the GraphQL schema"

// AddMetrics computes the network figures of the document's subgraph (see
// graph/analysis) when its format carries them, and states in the manifest
// whether they were computed: a selection of more than MetricsMaxNodes
// nodes is exported without them. It stops with ctx's error.
func (d *Document) AddMetrics(ctx context.Context) error {
	if !d.Manifest.Format.CarriesMetrics() {
		return nil
	}
	note := &MetricsNote{MaxNodes: MetricsMaxNodes, Definitions: metricsDefinitions}
	if n := len(d.Subgraph.Nodes); n > MetricsMaxNodes {
		note.Omitted = fmt.Sprintf("the selection has %d nodes; metrics are exported for at most %d (the analysis query computes them for up to %d)", n, MetricsMaxNodes, analysis.MaxNodes)
	} else {
		res, err := analysis.Analyze(ctx, d.Subgraph)
		if err != nil {
			return fmt.Errorf("export: metrics: %w", err)
		}
		d.Metrics = res
		note.Computed = true
		q := res.Modularity
		note.Modularity, note.Communities = &q, len(res.Communities)
	}
	d.Manifest.Metrics = note
	return nil
}

// metricProps are a node's figures as exported attributes, named as in the
// GraphQL NodeMetrics type. The map importer (loader/mapimport) ignores
// them: they are derived, not data.
var metricProps = []prop[*analysis.NodeMetrics]{
	integer("degree", func(m *analysis.NodeMetrics) int { return m.Degree }),
	integer("inDegree", func(m *analysis.NodeMetrics) int { return m.InDegree }),
	integer("outDegree", func(m *analysis.NodeMetrics) int { return m.OutDegree }),
	double("degreeCentrality", func(m *analysis.NodeMetrics) float64 { return m.DegreeCentrality }),
	double("betweenness", func(m *analysis.NodeMetrics) float64 { return m.Betweenness }),
	double("closeness", func(m *analysis.NodeMetrics) float64 { return m.Closeness }),
	double("pageRank", func(m *analysis.NodeMetrics) float64 { return m.PageRank }),
	double("eigenvector", func(m *analysis.NodeMetrics) float64 { return m.Eigenvector }),
	double("brokerage", func(m *analysis.NodeMetrics) float64 { return m.Brokerage }),
	integer("community", func(m *analysis.NodeMetrics) int { return m.Community }),
	str("communityLabel", func(m *analysis.NodeMetrics) string { return m.CommunityLabel }),
}

// MetricAttributes are the names of the metric attributes, for importers
// that must skip them.
var MetricAttributes = func() []string {
	out := make([]string, len(metricProps))
	for i, p := range metricProps {
		out[i] = p.name
	}
	return out
}()

func integer[T any](name string, f func(T) int) prop[T] {
	return prop[T]{name, tInt, func(x T) value { v := f(x); return value{num: &v} }}
}

func double[T any](name string, f func(T) float64) prop[T] {
	return prop[T]{name, tFloat, func(x T) value { v := f(x); return value{flt: &v} }}
}

// metricCols are the metric attributes the document writes: none when its
// metrics were not computed.
func (d *Document) metricCols() []prop[*analysis.NodeMetrics] {
	if d.Metrics == nil {
		return nil
	}
	return metricProps
}

// metricValue is node id's value of metric p; missing when the node has
// no figures.
func (d *Document) metricValue(p prop[*analysis.NodeMetrics], id string) value {
	m := d.Metrics.Node(id)
	if m == nil {
		return value{}
	}
	return p.get(m)
}
