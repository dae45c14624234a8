package graph

import (
	"fmt"
	"strings"
)

// SourceKind says what a source is, so that a reader can judge it.
type SourceKind string

// Source kinds.
const (
	// SourcePrimary is the organisation, government body, court or person
	// the fact is about, speaking for itself.
	SourcePrimary SourceKind = "PRIMARY"
	// SourceSecondary is an account by someone else: news, encyclopedias,
	// journals, histories.
	SourceSecondary SourceKind = "SECONDARY"
	// SourceMirror is a third party's copy of someone else's document.
	SourceMirror SourceKind = "MIRROR"
	// SourceArchive is a library, court or web archive holding the original.
	SourceArchive SourceKind = "ARCHIVE"
)

// SourceKinds lists every source kind.
var SourceKinds = []SourceKind{SourcePrimary, SourceSecondary, SourceMirror, SourceArchive}

// Valid reports whether k is a known source kind.
func (k SourceKind) Valid() bool {
	switch k {
	case SourcePrimary, SourceSecondary, SourceMirror, SourceArchive:
		return true
	}
	return false
}

// RelationshipStatus says whether a relationship is asserted, disputed or retracted.
type RelationshipStatus string

// Relationship statuses.
const (
	// StatusAsserted: the sources agree that the relationship holds.
	StatusAsserted RelationshipStatus = "ASSERTED"
	// StatusDisputed: sources disagree about whether it holds, or about
	// its type or direction (see the relationship's disputes).
	StatusDisputed RelationshipStatus = "DISPUTED"
	// StatusRetracted: it was asserted and has been withdrawn.
	StatusRetracted RelationshipStatus = "RETRACTED"
)

// RelationshipStatuses lists every relationship status.
var RelationshipStatuses = []RelationshipStatus{StatusAsserted, StatusDisputed, StatusRetracted}

// Valid reports whether s is a known status; empty counts as ASSERTED.
func (s RelationshipStatus) Valid() bool {
	switch s {
	case "", StatusAsserted, StatusDisputed, StatusRetracted:
		return true
	}
	return false
}

// DisputeSubject says whether a dispute is about a node or a relationship.
type DisputeSubject string

// Subject kinds of a dispute (Dispute.AboutKind).
const (
	AboutNode         DisputeSubject = "NODE"
	AboutRelationship DisputeSubject = "RELATIONSHIP"
)

// Dispute is a contested claim about a node or a relationship: what is
// claimed, the positions taken, each with its own sources, and a note.
type Dispute struct {
	// About is the id of the node or relationship the claim is about, and
	// AboutKind says which. Validation sets both on the disputes of a
	// record to that record; in a Dataset's disputes section About is
	// required and AboutKind optional (either case).
	About     string         `json:"about,omitempty"`
	AboutKind DisputeSubject `json:"aboutKind,omitempty"`
	Claim     string         `json:"claim"`
	// Positions are the sides taken; at least two, since one side alone
	// is not a dispute.
	Positions []*Position `json:"positions"`
	Note      string      `json:"note,omitempty"`
}

// Position is one side of a dispute and the sources that take it.
type Position struct {
	Says      string   `json:"says"`
	SourceIDs []string `json:"sourceIds"`
}

// MinPositions is the fewest positions a dispute may have.
const MinPositions = 2

// Validate checks a dispute on its own: a claim, at least MinPositions
// positions, each saying something and citing at least one source.
func (d *Dispute) Validate() []string {
	if d == nil {
		return []string{"empty dispute"}
	}
	var p []string
	if strings.TrimSpace(d.Claim) == "" {
		p = append(p, "a dispute needs its claim")
	}
	if len(d.Positions) < MinPositions {
		p = append(p, fmt.Sprintf("dispute %.60q has %d position(s), want at least %d", d.Claim, len(d.Positions), MinPositions))
	}
	for i, pos := range d.Positions {
		if pos == nil {
			p = append(p, fmt.Sprintf("dispute %.60q: position %d is empty", d.Claim, i))
			continue
		}
		if strings.TrimSpace(pos.Says) == "" {
			p = append(p, fmt.Sprintf("dispute %.60q: position %d says nothing", d.Claim, i))
		}
		if len(pos.SourceIDs) == 0 {
			p = append(p, fmt.Sprintf("dispute %.60q: position %d cites no source", d.Claim, i))
		}
	}
	return p
}

// Sources returns the ids of every source the dispute's positions cite.
func (d *Dispute) Sources() []string {
	if d == nil {
		return nil
	}
	var ids []string
	for _, p := range d.Positions {
		if p != nil {
			ids = append(ids, p.SourceIDs...)
		}
	}
	return ids
}

// CloneDisputes returns a deep copy of ds.
func CloneDisputes(ds []*Dispute) []*Dispute {
	if ds == nil {
		return nil
	}
	out := make([]*Dispute, 0, len(ds))
	for _, d := range ds {
		if d == nil {
			continue
		}
		c := *d
		c.Positions = make([]*Position, len(d.Positions))
		for j, p := range d.Positions {
			if p == nil {
				continue
			}
			pc := *p
			pc.SourceIDs = append([]string(nil), p.SourceIDs...)
			c.Positions[j] = &pc
		}
		out = append(out, &c)
	}
	return out
}

// withSubject returns copies of ds naming their subject.
func withSubject(ds []*Dispute, about string, kind DisputeSubject) []*Dispute {
	out := CloneDisputes(ds)
	for _, d := range out {
		d.About, d.AboutKind = about, kind
	}
	return out
}

// NodeDisputes returns n's disputes, each naming n as its subject.
func NodeDisputes(n *Node) []*Dispute { return withSubject(n.Disputes, n.ID, AboutNode) }

// RelationshipDisputes returns r's disputes, each naming r as its subject.
func RelationshipDisputes(r *Relationship) []*Dispute {
	return withSubject(r.Disputes, r.ID, AboutRelationship)
}

// DisputeQuery asks for a page of disputes.
type DisputeQuery struct {
	// AboutKind restricts to disputes about nodes (AboutNode) or
	// relationships (AboutRelationship); empty for both.
	AboutKind DisputeSubject
	// About restricts to disputes about these node or relationship ids.
	About []string
	// ClaimContains matches a case-insensitive substring of the claim.
	ClaimContains string
	Offset        int
	// Limit is the page size, 0..MaxPageSize.
	Limit int
}

// Normalize checks q and fills in defaults.
func (q *DisputeQuery) Normalize() error {
	switch q.AboutKind {
	case "", AboutNode, AboutRelationship:
	default:
		return Errorf(EINVALID, "aboutKind must be NODE or RELATIONSHIP, got %q", q.AboutKind)
	}
	if err := CheckLimit("offset", q.Offset, MaxOffset); err != nil {
		return err
	}
	if q.Limit == 0 {
		q.Limit = DefaultPageSize
	}
	return CheckLimit("limit", q.Limit, MaxPageSize)
}

// Match reports whether d (with its subject filled in) passes q's filters.
func (q *DisputeQuery) Match(d *Dispute) bool {
	if q.AboutKind != "" && d.AboutKind != q.AboutKind {
		return false
	}
	if len(q.About) > 0 {
		found := false
		for _, id := range q.About {
			found = found || id == d.About
		}
		if !found {
			return false
		}
	}
	return q.ClaimContains == "" || strings.Contains(strings.ToLower(d.Claim), strings.ToLower(q.ClaimContains))
}

// DisputePage is one page of disputes, ordered by subject kind (nodes
// first), subject id and then the order recorded.
type DisputePage struct {
	Disputes []*Dispute
	// Total is the number of disputes matching, across all pages.
	Total int
}

// PageDisputes filters and pages all, which must be in the page order.
func PageDisputes(all []*Dispute, q DisputeQuery) *DisputePage {
	page := &DisputePage{Disputes: []*Dispute{}}
	for _, d := range all {
		if !q.Match(d) {
			continue
		}
		if page.Total >= q.Offset && len(page.Disputes) < q.Limit {
			page.Disputes = append(page.Disputes, d)
		}
		page.Total++
	}
	return page
}
