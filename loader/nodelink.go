package loader

// hmkg's JSON export (graph/export, node-link JSON) is also a dataset file:
// `hmkg load` reads it back whole. Its "graph" object is the export's
// manifest, which holds the dataset's name and version and every source
// the records cite; "nodes" are nodes as a dataset file writes them (with
// null for a missing value); "edges" are relationships with their
// endpoints as "source" and "target" (networkx's names) and the id also
// as "key"; "stories" is a dataset file's stories section. "directed" and
// "multigraph" are networkx's flags and are not needed.

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hmkg/hmkg/graph"
)

// nodeLinkEdge is one edge of the JSON export.
type nodeLinkEdge struct {
	Source   string                   `json:"source"`
	Target   string                   `json:"target"`
	Key      string                   `json:"key"`
	ID       string                   `json:"id"`
	Type     graph.RelType            `json:"type"`
	Year     *int                     `json:"year"`
	Summary  string                   `json:"summary"`
	Tensions []string                 `json:"tensions"`
	Sources  []string                 `json:"sources"`
	Status   graph.RelationshipStatus `json:"status"`
	Disputes []*graph.Dispute         `json:"disputes"`
}

// exportManifest is the part of the export's manifest a load keeps; the
// rest (selection, counts, generation time...) describes the file.
type exportManifest struct {
	DatasetName    string          `json:"datasetName"`
	DatasetVersion string          `json:"datasetVersion"`
	Sources        []*graph.Source `json:"sources"`
}

// exportManifest reads the "graph" object of a JSON export: the dataset's
// name and version (as a dataset file's name and version) and its sources.
// Each source is located at the manifest's start.
func (d *decoder) exportManifest() error {
	valAt := d.lr.skipSpace(d.dec.InputOffset(), ":")
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return d.syntax(err)
	}
	var m exportManifest
	// Not strict: the manifest's other fields say how the file was made.
	if err := json.Unmarshal(raw, &m); err != nil {
		d.problemAt(valAt, fmt.Sprintf("graph: the export's manifest: %s", typeProblem(err, reflect.TypeFor[exportManifest]())))
		return nil
	}
	if d.f.name == "" {
		d.f.name = m.DatasetName
	}
	if d.f.version == "" {
		d.f.version = m.DatasetVersion
	}
	line, col := d.lr.pos(valAt)
	for _, s := range m.Sources {
		d.f.sources = append(d.f.sources, s)
		d.f.sourcesAt = append(d.f.sourcesAt, at{int32(line), int32(col)})
	}
	return nil
}

// edges reads the export's edges into relationships. An edge whose key
// differs from its id is a problem: the id names the relationship.
func (d *decoder) edges(name string) error {
	var es []*nodeLinkEdge
	var where []at
	if err := section(d, name, &es, &where); err != nil {
		return err
	}
	for i, e := range es {
		if e.Key != "" && e.Key != e.ID {
			d.errs.add(fmt.Sprintf("%s:%d:%d: %s[%d] %.60q: key %.60q differs from the id", d.f.path, where[i].line, where[i].col, name, i, e.ID, e.Key))
			continue
		}
		d.f.relationships = append(d.f.relationships, &graph.Relationship{
			ID: e.ID, Type: e.Type, From: e.Source, To: e.Target, Year: e.Year, Summary: e.Summary,
			TensionIDs: e.Tensions, SourceIDs: e.Sources, Status: e.Status, Disputes: e.Disputes,
		})
		d.f.relsAt = append(d.f.relsAt, where[i])
	}
	return nil
}
