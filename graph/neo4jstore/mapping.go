package neo4jstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/hmkg/hmkg/graph"
)

// nodeProps is the property map a node is stored as. Empty fields are left
// out because Neo4j does not store nulls.
func nodeProps(n *graph.Node) map[string]any {
	p := map[string]any{"id": n.ID, "kind": string(n.Kind), "name": n.Name}
	str := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	num := func(k string, v *int) {
		if v != nil {
			p[k] = int64(*v)
		}
	}
	str("summary", n.Summary)
	if len(n.Aliases) > 0 {
		p["aliases"] = stringsAny(n.Aliases)
	}
	text, keys, dl := searchText(n)
	p["searchText"], p["nameKeys"], p["dl"] = text, keys, int64(dl)
	str("region", n.Region)
	str("country", n.Country)
	str("category", n.Category)
	num("startYear", n.StartYear)
	num("endYear", n.EndYear)
	num("foundedYear", n.FoundedYear)
	num("year", n.Year)
	num("since", n.Since())
	str("date", n.Date)
	str("publisher", n.Publisher)
	str("url", n.URL)
	str("role", n.Role)
	str("question", n.Question)
	p["sources"] = stringsAny(n.SourceIDs)
	if len(n.Disputes) > 0 {
		p["disputes"] = disputesJSON(n.Disputes)
	}
	return p
}

// disputesJSON is how disputes are stored: nested lists of maps are not
// property values in Neo4j, and disputes are read whole, never queried
// inside, so a JSON string is enough.
func disputesJSON(ds []*graph.Dispute) string {
	j, err := json.Marshal(ds)
	if err != nil {
		// Disputes are plain strings and slices; Marshal cannot fail.
		panic(fmt.Sprintf("neo4jstore: encode disputes: %v", err))
	}
	return string(j)
}

func getDisputes(p map[string]any) ([]*graph.Dispute, error) {
	return disputesFrom(getString(p, "disputes"), getString(p, "id"))
}

// disputesFrom decodes the disputes j stored on the node or relationship
// id.
func disputesFrom(j, id string) ([]*graph.Dispute, error) {
	if j == "" {
		return nil, nil
	}
	var ds []*graph.Dispute
	if err := json.Unmarshal([]byte(j), &ds); err != nil {
		return nil, fmt.Errorf("disputes of %q: %w", id, err)
	}
	return ds, nil
}

// relProps is the property map a relationship is stored as (its type and
// endpoints are the relationship itself).
func relProps(r *graph.Relationship) map[string]any {
	p := map[string]any{"id": r.ID, "sources": stringsAny(r.SourceIDs)}
	if r.Year != nil {
		p["year"] = int64(*r.Year)
	}
	if r.Summary != "" {
		p["summary"] = r.Summary
	}
	if len(r.TensionIDs) > 0 {
		p["tensions"] = stringsAny(r.TensionIDs)
	}
	// Only a status other than ASSERTED is stored, so that relOK can test
	// r.status IS NULL.
	if r.Status != "" && r.Status != graph.StatusAsserted {
		p["status"] = string(r.Status)
	}
	if len(r.Disputes) > 0 {
		p["disputes"] = disputesJSON(r.Disputes)
	}
	return p
}

func sourceProps(s *graph.Source) map[string]any {
	p := map[string]any{"id": s.ID, "title": s.Title, "url": s.URL}
	if s.Publisher != "" {
		p["publisher"] = s.Publisher
	}
	if s.Year != nil {
		p["year"] = int64(*s.Year)
	}
	if s.Kind != "" {
		p["kind"] = string(s.Kind)
	}
	return p
}

func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// props reads a property map out of a record value, which is a node, a
// relationship or a map returned by the statement.
func props(v any) (map[string]any, error) {
	switch x := v.(type) {
	case dbtype.Node:
		return x.Props, nil
	case dbtype.Relationship:
		return x.Props, nil
	case map[string]any:
		return x, nil
	case nil:
		return nil, nil
	default:
		return nil, fmt.Errorf("unexpected value %T", v)
	}
}

func getString(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

func getInt(p map[string]any, k string) *int {
	if v, ok := p[k].(int64); ok {
		i := int(v)
		return &i
	}
	return nil
}

func getStrings(p map[string]any, k string) []string { return listStrings(p[k]) }

// listStrings reads a list of strings; nil when empty or null.
func listStrings(v any) []string {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func toNode(v any) (*graph.Node, error) {
	p, err := props(v)
	if err != nil || p == nil {
		return nil, err
	}
	n := &graph.Node{
		ID:          getString(p, "id"),
		Kind:        graph.Kind(getString(p, "kind")),
		Name:        getString(p, "name"),
		Summary:     getString(p, "summary"),
		Aliases:     getStrings(p, "aliases"),
		Region:      getString(p, "region"),
		Country:     getString(p, "country"),
		Category:    getString(p, "category"),
		StartYear:   getInt(p, "startYear"),
		EndYear:     getInt(p, "endYear"),
		FoundedYear: getInt(p, "foundedYear"),
		Year:        getInt(p, "year"),
		Date:        getString(p, "date"),
		Publisher:   getString(p, "publisher"),
		URL:         getString(p, "url"),
		Role:        getString(p, "role"),
		Question:    getString(p, "question"),
		SourceIDs:   getStrings(p, "sources"),
	}
	if n.SourceIDs == nil {
		n.SourceIDs = []string{}
	}
	if n.Disputes, err = getDisputes(p); err != nil {
		return nil, err
	}
	return n, nil
}

// toRel maps a record value built by the relMap projection in cypher.go:
// the relationship's properties plus type, from and to.
func toRel(v any) (*graph.Relationship, error) {
	p, err := props(v)
	if err != nil || p == nil {
		return nil, err
	}
	r := &graph.Relationship{
		ID:         getString(p, "id"),
		Type:       graph.RelType(getString(p, "type")),
		From:       getString(p, "from"),
		To:         getString(p, "to"),
		Year:       getInt(p, "year"),
		Summary:    getString(p, "summary"),
		TensionIDs: getStrings(p, "tensions"),
		SourceIDs:  getStrings(p, "sources"),
	}
	if r.SourceIDs == nil {
		r.SourceIDs = []string{}
	}
	r.Status = graph.RelationshipStatus(getString(p, "status"))
	if r.Disputes, err = getDisputes(p); err != nil {
		return nil, err
	}
	return r, nil
}

// listString and listInt read an item of a list projection; a missing
// property is null, so zero.
func listString(v any) string {
	s, _ := v.(string)
	return s
}

func listInt(v any) *int {
	if x, ok := v.(int64); ok {
		i := int(x)
		return &i
	}
	return nil
}

func listDisputes(v any, id string) ([]*graph.Dispute, error) { return disputesFrom(listString(v), id) }

// nodeFromList reads a node projected by nodeListFor with the same f;
// nil for a null.
func nodeFromList(v any, f *graph.Fields) (*graph.Node, error) {
	l, ok := v.([]any)
	if !ok {
		if v == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("unexpected node value %T", v)
	}
	names := listNames(graph.NodeFieldNames, f, nodeNames)
	fixed := 4
	if f != nil && f.Bare {
		fixed = 3
	}
	if len(l) != fixed+len(names) {
		return nil, fmt.Errorf("node list of %d items, want %d", len(l), fixed+len(names))
	}
	n := &graph.Node{ID: listString(l[0]), Kind: graph.Kind(listString(l[1])), Name: listString(l[2]), SourceIDs: []string{}}
	if fixed == 4 {
		if ids := listStrings(l[3]); ids != nil {
			n.SourceIDs = ids
		}
	}
	for i, name := range names {
		x := l[fixed+i]
		switch name {
		case "summary":
			n.Summary = listString(x)
		case "aliases":
			n.Aliases = listStrings(x)
		case "region":
			n.Region = listString(x)
		case "country":
			n.Country = listString(x)
		case "category":
			n.Category = listString(x)
		case "startYear":
			n.StartYear = listInt(x)
		case "endYear":
			n.EndYear = listInt(x)
		case "foundedYear":
			n.FoundedYear = listInt(x)
		case "year":
			n.Year = listInt(x)
		case "date":
			n.Date = listString(x)
		case "publisher":
			n.Publisher = listString(x)
		case "url":
			n.URL = listString(x)
		case "role":
			n.Role = listString(x)
		case "question":
			n.Question = listString(x)
		case "disputes":
			var err error
			if n.Disputes, err = listDisputes(x, n.ID); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

// relFromList reads a relationship projected by relListFor with the same
// f.
func relFromList(v any, f *graph.Fields) (*graph.Relationship, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("unexpected relationship value %T", v)
	}
	names := listNames(graph.RelFieldNames, f, relNames)
	fixed := 7
	if f != nil && f.Bare {
		fixed = 4
	}
	if len(l) != fixed+len(names) {
		return nil, fmt.Errorf("relationship list of %d items, want %d", len(l), fixed+len(names))
	}
	r := &graph.Relationship{ID: listString(l[0]), Type: graph.RelType(listString(l[1])), From: listString(l[2]),
		To: listString(l[3]), SourceIDs: []string{}}
	if fixed == 7 {
		if ids := listStrings(l[4]); ids != nil {
			r.SourceIDs = ids
		}
		r.TensionIDs = listStrings(l[5])
		r.Status = graph.RelationshipStatus(listString(l[6]))
	}
	for i, name := range names {
		x := l[fixed+i]
		switch name {
		case "year":
			r.Year = listInt(x)
		case "summary":
			r.Summary = listString(x)
		case "disputes":
			var err error
			if r.Disputes, err = listDisputes(x, r.ID); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

func toSource(v any) (*graph.Source, error) {
	p, err := props(v)
	if err != nil || p == nil {
		return nil, err
	}
	return &graph.Source{
		ID:        getString(p, "id"),
		Title:     getString(p, "title"),
		URL:       getString(p, "url"),
		Publisher: getString(p, "publisher"),
		Year:      getInt(p, "year"),
		Kind:      graph.SourceKind(getString(p, "kind")),
	}, nil
}

func toChange(v any) (*graph.Change, error) {
	p, err := props(v)
	if err != nil || p == nil {
		return nil, err
	}
	c := &graph.Change{
		Actor:    getString(p, "actor"),
		Action:   getString(p, "action"),
		TargetID: getString(p, "targetId"),
		Detail:   getString(p, "detail"),
	}
	if id, ok := p["id"].(int64); ok {
		c.ID = id
	}
	if at, ok := p["at"].(time.Time); ok {
		c.At = at.UTC()
	}
	return c, nil
}

// value returns the named column of a record, or nil.
func value(rec *neo4j.Record, key string) any {
	if rec == nil {
		return nil
	}
	v, _ := rec.Get(key)
	return v
}

func asInt(v any) int {
	i, _ := v.(int64)
	return int(i)
}
