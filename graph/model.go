// Package graph is the domain vocabulary of hmkg: nodes, relationships and
// their sources, the filters and pages used to read them, and the Store
// interface that every backing store implements. It imports only the
// standard library so that every other package can depend on it.
package graph

import (
	"fmt"
	"regexp"
	"time"
)

// Kind and RelType, the vocabulary of node kinds and relationship types
// with their fixed codes, are in vocab.go.

// Direction says which relationships of a node to follow.
type Direction string

// Directions.
const (
	DirectionOut  Direction = "OUT"
	DirectionIn   Direction = "IN"
	DirectionBoth Direction = "BOTH"
)

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool {
	return d == DirectionOut || d == DirectionIn || d == DirectionBoth
}

// Source is a citable document that backs nodes and relationships.
type Source struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Publisher string `json:"publisher,omitempty"`
	Year      *int   `json:"year,omitempty"`
	// Kind says what the document is (see SourceKind); empty when unknown.
	Kind SourceKind `json:"kind,omitempty"`
}

// Node is a vertex of the knowledge graph. Fields that do not apply to a
// node's kind stay empty.
type Node struct {
	ID      string   `json:"id"`
	Kind    Kind     `json:"kind"`
	Name    string   `json:"name"`
	Summary string   `json:"summary,omitempty"`
	Aliases []string `json:"aliases,omitempty"`
	// Region is where a movement or organisation acted.
	Region string `json:"region,omitempty"`
	// Country is where an institution sits.
	Country string `json:"country,omitempty"`
	// Category refines the kind: "grassroots", "charity", "regulator"...
	Category  string `json:"category,omitempty"`
	StartYear *int   `json:"startYear,omitempty"`
	EndYear   *int   `json:"endYear,omitempty"`
	// FoundedYear is when an organisation or institution was founded.
	FoundedYear *int `json:"foundedYear,omitempty"`
	// Year is when a report was published or an event happened.
	Year *int `json:"year,omitempty"`
	// Date is an ISO 8601 date or partial date (YYYY, YYYY-MM, YYYY-MM-DD) of an event.
	Date string `json:"date,omitempty"`
	// Publisher is the node id of a report's publisher.
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	// Role describes a person.
	Role string `json:"role,omitempty"`
	// Question is the question a tension asks.
	Question  string   `json:"question,omitempty"`
	SourceIDs []string `json:"sources"`
	// Disputes are the contested claims about this node.
	Disputes []*Dispute `json:"disputes,omitempty"`
}

// Base returns n itself; it lets the per-kind wrapper types satisfy Entity.
func (n *Node) Base() *Node { return n }

// Since is the year from which the node exists for asOf queries: the start
// year of a movement, the founding year of an organisation or institution,
// the year of a report or event. Nil means undated, which asOf treats as
// always present.
func (n *Node) Since() *int {
	switch {
	case n.StartYear != nil:
		return n.StartYear
	case n.FoundedYear != nil:
		return n.FoundedYear
	default:
		return n.Year
	}
}

// ExistsAsOf reports whether the node belongs to the graph as it stood at
// the end of year asOf. Undated nodes always do.
func (n *Node) ExistsAsOf(asOf *int) bool {
	if asOf == nil {
		return true
	}
	s := n.Since()
	return s == nil || *s <= *asOf
}

// Relationship is a typed, directed edge between two nodes.
type Relationship struct {
	ID         string   `json:"id"`
	Type       RelType  `json:"type"`
	From       string   `json:"from"`
	To         string   `json:"to"`
	Year       *int     `json:"year,omitempty"`
	Summary    string   `json:"summary,omitempty"`
	TensionIDs []string `json:"tensions,omitempty"`
	SourceIDs  []string `json:"sources"`
	// Status says whether the relationship is asserted, disputed or
	// retracted; empty means asserted (see Relationship.State).
	Status RelationshipStatus `json:"status,omitempty"`
	// Disputes are the contested claims about this relationship.
	Disputes []*Dispute `json:"disputes,omitempty"`
}

// State is the relationship's status, ASSERTED when none is recorded.
func (r *Relationship) State() RelationshipStatus {
	if r.Status == "" {
		return StatusAsserted
	}
	return r.Status
}

// Contested reports whether the relationship is DISPUTED or RETRACTED, the
// ones that an includeDisputed=false reading leaves out.
func (r *Relationship) Contested() bool { return r.State() != StatusAsserted }

// ExistsAsOf reports whether the relationship is dated no later than asOf.
// Undated relationships always exist; callers also check both endpoints.
func (r *Relationship) ExistsAsOf(asOf *int) bool {
	return asOf == nil || r.Year == nil || *r.Year <= *asOf
}

// Other returns the endpoint of r that is not id.
func (r *Relationship) Other(id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// RelationshipID derives the stable id of a relationship from what
// identifies it: its endpoints, type and year. Loading the same fact twice
// therefore yields the same relationship.
func RelationshipID(from string, t RelType, to string, year *int) string {
	id := from + ":" + string(t) + ":" + to
	if year != nil {
		id += fmt.Sprintf(":%d", *year)
	}
	return id
}

// Subgraph is a set of nodes with the relationships among them.
type Subgraph struct {
	Nodes         []*Node         `json:"nodes"`
	Relationships []*Relationship `json:"relationships"`
	// Truncated is true when a limit cut the result short.
	Truncated bool `json:"truncated"`
}

// Path is a walk from one node to another. Nodes has one more element
// than Relationships.
type Path struct {
	Nodes         []*Node         `json:"nodes"`
	Relationships []*Relationship `json:"relationships"`
}

// Length is the number of relationships on the path.
func (p *Path) Length() int { return len(p.Relationships) }

// SearchHit is a node that matched a full-text search, with its relevance.
type SearchHit struct {
	Node  *Node   `json:"node"`
	Score float64 `json:"score"`
}

// Stats counts what a store holds.
type Stats struct {
	DatasetName       string          `json:"datasetName"`
	DatasetVersion    string          `json:"datasetVersion"`
	Nodes             int             `json:"nodes"`
	Relationships     int             `json:"relationships"`
	Sources           int             `json:"sources"`
	KindCounts        map[Kind]int    `json:"kindCounts"`
	RelTypeCounts     map[RelType]int `json:"relTypeCounts"`
	LastChangeAt      *time.Time      `json:"lastChangeAt,omitempty"`
	AuditEntriesCount int             `json:"auditEntries"`
}

// Dataset is a unit of import: sources, nodes and relationships that are
// validated together and written atomically.
type Dataset struct {
	Name          string          `json:"name,omitempty"`
	Version       string          `json:"version,omitempty"`
	Description   string          `json:"description,omitempty"`
	Sources       []*Source       `json:"sources"`
	Nodes         []*Node         `json:"nodes"`
	Relationships []*Relationship `json:"relationships"`
	// Disputes are contested claims about records of this dataset, each
	// naming its record in About; Validate attaches them to that node or
	// relationship (Node.Disputes, Relationship.Disputes).
	Disputes []*Dispute `json:"disputes,omitempty"`
	// Stories are saved narratives over the records (see story.go).
	Stories []*Story `json:"stories,omitempty"`
	// Locate, when set, names where record i of a section ("sources",
	// "nodes", "relationships") came from, e.g. "a.json: nodes[3]", so that
	// validation problems point into the user's files.
	Locate func(section string, i int) string `json:"-"`
}

// Change records one accepted mutation: who made it, when, and what.
type Change struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	TargetID string    `json:"targetId"`
	// Detail is the JSON of the written record, or empty for deletions.
	Detail string `json:"detail,omitempty"`
}

// Actions recorded in the audit log.
const (
	ActionUpsertNode         = "UPSERT_NODE"
	ActionUpsertRelationship = "UPSERT_RELATIONSHIP"
	ActionUpsertSource       = "UPSERT_SOURCE"
	ActionDeleteNode         = "DELETE_NODE"
	ActionDeleteRelationship = "DELETE_RELATIONSHIP"
	ActionImport             = "IMPORT"
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a readable id: lower-case letters and
// digits in words joined by single hyphens, at most 100 characters.
func ValidSlug(s string) bool { return len(s) <= 100 && slugRE.MatchString(s) }

// Plausible year bounds for dated facts.
const (
	MinYear = 1000
	MaxYear = 2100
)

func plausibleYear(y *int) bool { return y == nil || (*y >= MinYear && *y <= MaxYear) }
