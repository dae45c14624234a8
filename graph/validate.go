package graph

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Validate checks a source on its own: a slug id, a title and an absolute
// http(s) URL.
func (s *Source) Validate() []string {
	var p []string
	if !ValidSlug(s.ID) {
		p = append(p, fmt.Sprintf("source id %q is not a slug (lower-case words joined by hyphens)", s.ID))
	}
	if strings.TrimSpace(s.Title) == "" {
		p = append(p, "title is required")
	}
	if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p = append(p, fmt.Sprintf("url %q is not an absolute http(s) URL", s.URL))
	}
	if !plausibleYear(s.Year) {
		p = append(p, fmt.Sprintf("year %d is not plausible (%d..%d)", *s.Year, MinYear, MaxYear))
	}
	// A kind is optional, so that files written before kinds still load,
	// but one that is given must be known.
	if s.Kind != "" && !s.Kind.Valid() {
		p = append(p, fmt.Sprintf("unknown source kind %q (want PRIMARY, SECONDARY, MIRROR or ARCHIVE)", s.Kind))
	}
	return p
}

// Validate checks a node on its own: slug id, known kind, a name, plausible
// years in order and at least one source.
func (n *Node) Validate() []string {
	var p []string
	if !ValidSlug(n.ID) {
		p = append(p, fmt.Sprintf("node id %q is not a slug (lower-case words joined by hyphens)", n.ID))
	}
	if !n.Kind.Valid() {
		p = append(p, fmt.Sprintf("unknown kind %q", n.Kind))
	}
	if strings.TrimSpace(n.Name) == "" {
		p = append(p, "name is required")
	}
	for _, y := range []struct {
		name string
		v    *int
	}{{"startYear", n.StartYear}, {"endYear", n.EndYear}, {"foundedYear", n.FoundedYear}, {"year", n.Year}} {
		if !plausibleYear(y.v) {
			p = append(p, fmt.Sprintf("%s %d is not plausible (%d..%d)", y.name, *y.v, MinYear, MaxYear))
		}
	}
	if n.StartYear != nil && n.EndYear != nil && *n.EndYear < *n.StartYear {
		p = append(p, fmt.Sprintf("endYear %d is before startYear %d", *n.EndYear, *n.StartYear))
	}
	if n.Kind == KindTension && strings.TrimSpace(n.Question) == "" {
		p = append(p, "a tension needs its question")
	}
	if len(n.SourceIDs) == 0 {
		p = append(p, "at least one source is required")
	}
	for _, d := range n.Disputes {
		p = append(p, d.Validate()...)
	}
	return p
}

// Validate checks a relationship on its own: known type, both endpoints
// named and different, a plausible year and at least one source.
func (r *Relationship) Validate() []string {
	var p []string
	if !r.Type.Valid() {
		p = append(p, fmt.Sprintf("unknown relationship type %q", r.Type))
	}
	// A derived id is as good as its parts, which are checked below; an id
	// given by the user must be well formed on its own.
	if r.ID != "" && r.ID != RelationshipID(r.From, r.Type, r.To, r.Year) && !ValidRelationshipID(r.ID) {
		p = append(p, fmt.Sprintf("relationship id %.80q is not valid: use a slug (lower-case words joined by hyphens) "+
			"or the form from:TYPE:to[:year], at most %d characters", r.ID, maxRelationshipIDLen))
	}
	if r.From == "" || r.To == "" {
		p = append(p, "from and to are required")
	} else if r.From == r.To {
		p = append(p, fmt.Sprintf("relationship from %q to itself", r.From))
	}
	if !plausibleYear(r.Year) {
		p = append(p, fmt.Sprintf("year %d is not plausible (%d..%d)", *r.Year, MinYear, MaxYear))
	}
	if len(r.SourceIDs) == 0 {
		p = append(p, "at least one source is required")
	}
	if !r.Status.Valid() {
		p = append(p, fmt.Sprintf("unknown status %q (want ASSERTED, DISPUTED or RETRACTED)", r.Status))
	}
	// DISPUTED says that sources disagree, so the disagreement must be
	// recorded; a retraction may stand on the relationship's own sources.
	if r.Status == StatusDisputed && len(r.Disputes) == 0 {
		p = append(p, "status DISPUTED needs at least one dispute saying who disagrees")
	}
	for _, d := range r.Disputes {
		p = append(p, d.Validate()...)
	}
	return p
}

// maxRelationshipIDLen bounds a relationship id: two slug endpoints, a
// type and a year, with room to spare.
const maxRelationshipIDLen = 300

var relIDRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*(?::(?:[a-z0-9]+(?:-[a-z0-9]+)*|[A-Z][A-Z0-9_]*))*$`)

// ValidRelationshipID reports whether s is a usable relationship id: a
// slug, or slugs and upper-case type names joined by colons, as
// RelationshipID derives them (act-up:CHALLENGED:fda:1988).
func ValidRelationshipID(s string) bool {
	return len(s) <= maxRelationshipIDLen && relIDRE.MatchString(s)
}

// Lookup answers whether a store already holds a record. Validation uses it
// for references that the dataset itself does not define.
type Lookup interface {
	HasSource(id string) bool
	// NodeKind returns the kind of an existing node, or "" if there is none.
	NodeKind(id string) Kind
}

// Validate checks the whole dataset against itself and, through have, the
// store it is going into. It fills in missing relationship ids and returns
// an *Error with code EINVALID listing every problem, or nil.
func (d *Dataset) Validate(have Lookup) error {
	var problems []string
	// A record's location is formatted only when it has a problem: most
	// records have none, and large imports validate millions of them.
	type loc struct {
		section string
		i       int
		id      string
	}
	at := func(section string, i int, id string) loc { return loc{section, i, id} }
	add := func(where loc, ps ...string) {
		if len(ps) == 0 {
			return
		}
		// Ids are quoted up to 80 characters: a problem may be about a huge one.
		name := fmt.Sprintf("%s[%d] %.80q", where.section, where.i, where.id)
		if d.Locate != nil {
			name = fmt.Sprintf("%s %.80q", d.Locate(where.section, where.i), where.id)
		}
		for _, p := range ps {
			problems = append(problems, name+": "+p)
		}
	}
	for _, r := range d.Relationships {
		if r.ID == "" {
			r.ID = RelationshipID(r.From, r.Type, r.To, r.Year)
		}
		// ASSERTED is the default and is kept as empty, so that every
		// store and export writes a status only when it says something.
		if r.Status = RelationshipStatus(strings.ToUpper(string(r.Status))); r.Status == StatusAsserted {
			r.Status = ""
		}
	}
	sources := make(map[string]bool, len(d.Sources))
	for i, s := range d.Sources {
		// Kinds are written in lower case by hand and in the issue's
		// prose; the vocabulary is upper case, like every enum.
		s.Kind = SourceKind(strings.ToUpper(string(s.Kind)))
		where := at("sources", i, s.ID)
		add(where, s.Validate()...)
		if sources[s.ID] {
			add(where, "duplicate source id")
		}
		sources[s.ID] = true
	}
	hasSource := func(id string) bool { return sources[id] || (have != nil && have.HasSource(id)) }
	kinds := make(map[string]Kind, len(d.Nodes))
	for i, n := range d.Nodes {
		if _, dup := kinds[n.ID]; dup {
			add(at("nodes", i, n.ID), "duplicate node id")
		}
		kinds[n.ID] = n.Kind
	}
	kindOf := func(id string) Kind {
		if k, ok := kinds[id]; ok {
			return k
		}
		if have != nil {
			return have.NodeKind(id)
		}
		return ""
	}
	problems = append(problems, d.attachDisputes()...)
	disputeSources := func(where loc, ds []*Dispute) {
		for _, x := range ds {
			for _, s := range x.Sources() {
				if !hasSource(s) {
					add(where, fmt.Sprintf("dispute %.60q cites unknown source %q", x.Claim, s))
				}
			}
		}
	}
	for i, n := range d.Nodes {
		where := at("nodes", i, n.ID)
		add(where, n.Validate()...)
		disputeSources(where, n.Disputes)
		for _, x := range n.Disputes {
			if x != nil {
				x.About, x.AboutKind = n.ID, AboutNode
			}
		}
		for _, s := range n.SourceIDs {
			if !hasSource(s) {
				add(where, fmt.Sprintf("unknown source %q", s))
			}
		}
		if n.Publisher != "" && kindOf(n.Publisher) == "" {
			add(where, fmt.Sprintf("unknown publisher %q", n.Publisher))
		}
	}
	rels := make(map[string]bool, len(d.Relationships))
	for i, r := range d.Relationships {
		where := at("relationships", i, r.ID)
		add(where, r.Validate()...)
		disputeSources(where, r.Disputes)
		for _, x := range r.Disputes {
			if x != nil {
				x.About, x.AboutKind = r.ID, AboutRelationship
			}
		}
		if rels[r.ID] {
			add(where, "duplicate relationship id")
		}
		rels[r.ID] = true
		for _, end := range []string{r.From, r.To} {
			if end != "" && kindOf(end) == "" {
				add(where, fmt.Sprintf("unknown node %q", end))
			}
		}
		for _, t := range r.TensionIDs {
			if k := kindOf(t); k != KindTension {
				add(where, fmt.Sprintf("tension %q is not a known tension node", t))
			}
		}
		for _, s := range r.SourceIDs {
			if !hasSource(s) {
				add(where, fmt.Sprintf("unknown source %q", s))
			}
		}
	}
	if len(d.Stories) > 0 {
		d.validateStories(have, rels, kindOf, func(section string, i int, id string, ps ...string) { add(at(section, i, id), ps...) })
	}
	if len(problems) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d problem(s): %s", len(problems), problems[0])
	if len(problems) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(problems)-1)
	}
	return &Error{Code: EINVALID, Message: msg, Problems: problems}
}

// attachDisputes moves the disputes section onto the nodes and
// relationships it is about (so validating twice attaches once) and returns
// a problem for each dispute whose subject is not in the dataset.
func (d *Dataset) attachDisputes() []string {
	if len(d.Disputes) == 0 {
		return nil
	}
	nodes := make(map[string]*Node, len(d.Nodes))
	for _, n := range d.Nodes {
		nodes[n.ID] = n
	}
	rels := make(map[string]*Relationship, len(d.Relationships))
	for _, r := range d.Relationships {
		rels[r.ID] = r
	}
	var problems []string
	for i, x := range d.Disputes {
		where := fmt.Sprintf("disputes[%d]", i)
		if d.Locate != nil {
			where = d.Locate("disputes", i)
		}
		if x == nil {
			problems = append(problems, where+": empty dispute")
			continue
		}
		n, isNode := nodes[x.About]
		r, isRel := rels[x.About]
		switch {
		case x.AboutKind != "" && !strings.EqualFold(string(x.AboutKind), string(AboutNode)) && !strings.EqualFold(string(x.AboutKind), string(AboutRelationship)):
			problems = append(problems, fmt.Sprintf("%s %.80q: aboutKind %q, want node or relationship", where, x.About, x.AboutKind))
		case isNode && !strings.EqualFold(string(x.AboutKind), string(AboutRelationship)):
			c := *x
			n.Disputes = append(n.Disputes, &c)
		case isRel && !strings.EqualFold(string(x.AboutKind), string(AboutNode)):
			c := *x
			r.Disputes = append(r.Disputes, &c)
		default:
			what := "node or relationship"
			if x.AboutKind != "" {
				what = strings.ToLower(string(x.AboutKind))
			}
			problems = append(problems, fmt.Sprintf("%s: about %.80q names no %s of this dataset", where, x.About, what))
		}
	}
	d.Disputes = nil
	return problems
}

// CheckLimit returns EINVALID when v is outside 0..max, naming the argument.
func CheckLimit(name string, v, max int) error {
	if v < 0 || v > max {
		return Errorf(EINVALID, "%s must be between 0 and %d, got %d", name, max, v)
	}
	return nil
}

// OrBoth returns d, BOTH when d is empty, or EINVALID for an unknown value.
func (d Direction) OrBoth() (Direction, error) {
	if d == "" {
		return DirectionBoth, nil
	}
	if !d.Valid() {
		return "", Errorf(EINVALID, "unknown direction %q", d)
	}
	return d, nil
}
