package graph

import (
	"context"
	"io"
)

// Limits every store and the API enforce (see also rules.go). Requests
// above them fail with EINVALID rather than being silently clamped.
const (
	MaxPageSize          = 500
	MaxNeighbourhoodSize = 5000
	MaxDepth             = 4
	MaxPathLength        = 10
	MaxPaths             = 20
	MaxSearchResults     = 100
	DefaultPageSize      = 20
)

// NodeFilter selects nodes. All set fields must hold (AND); And, Or and Not
// combine nested filters. The zero value matches every node.
type NodeFilter struct {
	And []*NodeFilter `json:"and,omitempty"`
	Or  []*NodeFilter `json:"or,omitempty"`
	Not *NodeFilter   `json:"not,omitempty"`
	// IDs restricts to these node ids.
	IDs []string `json:"ids,omitempty"`
	// Kinds restricts to these kinds.
	Kinds []Kind `json:"kinds,omitempty"`
	// NameContains matches a case-insensitive substring of the name or an alias.
	NameContains *string `json:"nameContains,omitempty"`
	// RegionContains matches a case-insensitive substring of region or country.
	RegionContains *string `json:"regionContains,omitempty"`
	// Category matches the kind refinement exactly ("grassroots", "regulator"...).
	Category *string `json:"category,omitempty"`
	// YearFrom and YearTo bound the node's year (see Node.Since), inclusive.
	// A bound excludes undated nodes.
	YearFrom *int `json:"yearFrom,omitempty"`
	YearTo   *int `json:"yearTo,omitempty"`
	// HasRelationship requires at least one relationship of this shape.
	HasRelationship *RelFilter `json:"hasRelationship,omitempty"`
	// CitesSource requires the node to cite this source id.
	CitesSource *string `json:"citesSource,omitempty"`
}

// RelFilter describes relationships a node must have.
type RelFilter struct {
	Type      *RelType  `json:"type,omitempty"`
	Direction Direction `json:"direction,omitempty"`
	// OtherID requires the relationship's other endpoint to be this node.
	OtherID *string `json:"otherId,omitempty"`
}

// OrderField is a node property to sort by.
type OrderField string

// Sort fields.
const (
	// OrderByName sorts by name ignoring case, then by the exact name.
	OrderByName OrderField = "NAME"
	OrderByYear OrderField = "YEAR"
	OrderByKind OrderField = "KIND"
	OrderByID   OrderField = "ID"
	// OrderByDegree sorts by number of relationships.
	OrderByDegree OrderField = "DEGREE"
)

// OrderDirection is ascending or descending.
type OrderDirection string

// Sort directions.
const (
	Asc  OrderDirection = "ASC"
	Desc OrderDirection = "DESC"
)

// NodeOrder is one sort key. Ties are broken by the next key and finally by id.
// Nodes without a value for the field sort last in both directions.
type NodeOrder struct {
	Field     OrderField     `json:"field"`
	Direction OrderDirection `json:"direction,omitempty"`
}

// Descending reports whether the key sorts high to low.
func (o NodeOrder) Descending() bool { return o.Direction == Desc }

// NodeQuery asks for a page of nodes.
type NodeQuery struct {
	Filter  *NodeFilter
	OrderBy []*NodeOrder
	// Offset is the number of matching nodes to skip, 0..MaxOffset.
	Offset int
	// Limit is the page size, 0..MaxPageSize.
	Limit int
}

// NodePage is one page of a node query.
type NodePage struct {
	Nodes []*Node
	// Total is the number of nodes matching the filter, across all pages.
	Total int
}

// RelQuery asks for the relationships of a set of nodes.
type RelQuery struct {
	NodeIDs   []string
	Direction Direction
	Types     []RelType
	AsOf      *int
	// PerNode, when above 0, lets a store leave out, for each of NodeIDs,
	// that node's matching relationships after its first PerNode by id (a
	// page of a node's relationships needs no more). It is a hint: a store
	// may return more, so callers cut each node's list to PerNode
	// themselves (CapPerNode). 0: every relationship.
	PerNode int
}

// NeighbourhoodQuery asks for the k-hop neighbourhood of a node.
type NeighbourhoodQuery struct {
	// Seeds are the start nodes; at least one.
	Seeds     []string
	Depth     int
	Direction Direction
	Types     []RelType
	// Kinds restricts which nodes are reached; the seeds are always included.
	Kinds []Kind
	AsOf  *int
	// Limit caps the number of nodes returned; when hit, Truncated is set.
	Limit int
	// ExcludeContested leaves out relationships whose status is DISPUTED
	// or RETRACTED, as if they were not there (includeDisputed: false).
	ExcludeContested bool
}

// PathQuery asks for the shortest paths between two nodes. Relationships are
// followed in either direction.
type PathQuery struct {
	From      string
	To        string
	MaxLength int
	Types     []RelType
	AsOf      *int
	// K is how many paths to return, shortest first.
	K int
	// ExcludeContested leaves out relationships whose status is DISPUTED
	// or RETRACTED (includeDisputed: false).
	ExcludeContested bool
}

// SearchQuery is a full-text search over names, aliases and summaries.
type SearchQuery struct {
	Text  string
	Kinds []Kind
	Limit int
}

// Store is where the knowledge graph lives. Every method is safe for
// concurrent use. Returned values are the caller's to keep: a store never
// hands out memory it later mutates.
//
// Errors carry codes from this package: ENOTFOUND when a named node,
// relationship or source does not exist; EINVALID when a request or a
// record breaks the rules (the Normalize methods of the queries, CheckActor
// for every mutation, and the Validate methods for records); EUNAVAILABLE
// when the backing database cannot be reached; EINTERNAL for anything else.
// A store applies those rules first and then only translates the
// normalised query into its technology, so every store answers alike.
type Store interface {
	// Node returns the node with the given id, or ENOTFOUND.
	Node(ctx context.Context, id string) (*Node, error)
	// NodesByID returns the nodes with the given ids in the same order;
	// missing ids give nil entries, not an error.
	NodesByID(ctx context.Context, ids []string) ([]*Node, error)
	// Nodes returns a filtered, sorted page of nodes and the total count.
	Nodes(ctx context.Context, q NodeQuery) (*NodePage, error)
	// Relationship returns the relationship with the given id, or ENOTFOUND.
	Relationship(ctx context.Context, id string) (*Relationship, error)
	// RelationshipsByID returns relationships in the order of ids; missing give nil.
	RelationshipsByID(ctx context.Context, ids []string) ([]*Relationship, error)
	// Relationships returns the relationships touching any of q.NodeIDs in
	// the given direction, sorted by id. With AsOf set, relationships dated
	// later or whose other endpoint did not yet exist are left out.
	Relationships(ctx context.Context, q RelQuery) ([]*Relationship, error)
	// Exemplifying returns the relationships whose Tensions include any of
	// tensionIDs (the episodes of those tensions), sorted by id.
	Exemplifying(ctx context.Context, tensionIDs []string) ([]*Relationship, error)
	// SourcesByID returns sources in the order of ids; missing give nil.
	SourcesByID(ctx context.Context, ids []string) ([]*Source, error)
	// Sources returns every source, sorted by id.
	Sources(ctx context.Context) ([]*Source, error)
	// Search ranks nodes by relevance to free text, best first; ties by id.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// Neighbourhood returns the nodes within q.Depth hops of the seeds and
	// every relationship among them that matches the query. ENOTFOUND if a
	// seed does not exist.
	Neighbourhood(ctx context.Context, q NeighbourhoodQuery) (*Subgraph, error)
	// ShortestPaths returns up to q.K loopless paths from q.From to q.To,
	// shortest first, none longer than q.MaxLength; empty when none exists.
	// ENOTFOUND if either endpoint does not exist.
	ShortestPaths(ctx context.Context, q PathQuery) ([]*Path, error)
	// Disputes returns a page of the contested claims recorded on nodes
	// and relationships, each naming its subject, in DisputePage order.
	Disputes(ctx context.Context, q DisputeQuery) (*DisputePage, error)
	// Stats counts nodes per kind and relationships per type.
	Stats(ctx context.Context) (*Stats, error)

	// Import validates d against itself and the store's contents and writes
	// it atomically: either everything is written or nothing is. Records
	// with existing ids are replaced (so importing twice is idempotent).
	// EINVALID lists every problem found.
	Import(ctx context.Context, d *Dataset, actor string) error
	// UpsertSource creates or replaces a source.
	UpsertSource(ctx context.Context, s *Source, actor string) error
	// UpsertNode creates or replaces a node. Its sources must exist.
	UpsertNode(ctx context.Context, n *Node, actor string) error
	// UpsertRelationship creates or replaces a relationship. Endpoints,
	// tensions and sources must exist.
	UpsertRelationship(ctx context.Context, r *Relationship, actor string) error
	// DeleteNode removes a node and its relationships, or ENOTFOUND.
	DeleteNode(ctx context.Context, id, actor string) error
	// DeleteRelationship removes a relationship, or ENOTFOUND.
	DeleteRelationship(ctx context.Context, id, actor string) error
	// Changes returns audit entries newest first, starting after the entry
	// with id before (0 for the newest); see ChangesQuery for the rules.
	Changes(ctx context.Context, before int64, limit int) ([]*Change, error)

	// Stories returns a page of stories sorted by id, each checked against
	// the current records (Stale, StoryStep.Changes; see story.go).
	Stories(ctx context.Context, q StoryQuery) (*StoryPage, error)
	// Story returns one story, checked, or ENOTFOUND.
	Story(ctx context.Context, id string) (*Story, error)
	// UpsertStory creates or replaces a story after PrepareStory (validation,
	// references that must exist, timestamps, version, recorded state) and
	// returns it as stored.
	UpsertStory(ctx context.Context, s *Story, actor string) (*Story, error)
	// DeleteStory removes a story, or ENOTFOUND.
	DeleteStory(ctx context.Context, id, actor string) error
	// AcceptStoryStep re-records the state of step (0-based) of a story's
	// citations (see AcceptStep) and returns the story.
	AcceptStoryStep(ctx context.Context, id string, step int, actor string) (*Story, error)

	// Ping reports whether the store can serve requests (EUNAVAILABLE if not).
	Ping(ctx context.Context) error
	io.Closer
}
