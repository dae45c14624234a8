package mapimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Mapping says how a map's vocabulary becomes hmkg's. It is read from a
// small JSON file (see ReadMapping and README.md):
//
//	{
//	  "kinds": {"Activist group": "MOVEMENT", "NGO": "ORGANISATION"},
//	  "relationships": {"Allies": "PARTNERED_WITH",
//	                    "Funds": {"type": "FUNDED_BY", "reverse": true}},
//	  "defaultKind": "ORGANISATION",
//	  "defaultRelationship": "INVOLVED",
//	  "idPrefix": "kumu-",
//	  "idFrom": "label",
//	  "columns": {"nodeType": "Category", "relationshipType": "Kind"}
//	}
//
// Their type names match ignoring case and surrounding space. hmkg's own
// names (MOVEMENT or Movement, PARTNERED_WITH or "partnered with") need no
// entry.
type Mapping struct {
	// Kinds maps their element types to node kinds.
	Kinds map[string]graph.Kind `json:"kinds"`
	// Relationships maps their connection types to relationship types.
	Relationships map[string]RelMapping `json:"relationships"`
	// DefaultKind is the kind of an element without a type; empty makes
	// that a problem.
	DefaultKind graph.Kind `json:"defaultKind"`
	// DefaultRelationship is the type of a connection without a type.
	DefaultRelationship graph.RelType `json:"defaultRelationship"`
	// IDPrefix is put before every derived node id, e.g. "kumu-".
	IDPrefix string `json:"idPrefix"`
	// IDFrom says what a node id is derived from: "id" (the map's own id
	// column, falling back to the label; the default) or "label".
	IDFrom string `json:"idFrom"`
	// Columns names the columns that hold types when they are not the
	// format's usual ones.
	Columns Columns `json:"columns"`
}

// Columns overrides the columns types are read from.
type Columns struct {
	// NodeType is the element column holding the type (default "Type").
	NodeType string `json:"nodeType"`
	// RelationshipType is the connection column holding the type (default
	// "Type", or "Label" for Gephi edges, whose Type says Directed).
	RelationshipType string `json:"relationshipType"`
}

// RelMapping is the relationship type one of their connection types
// becomes; Reverse swaps from and to ("A funds B" is "B FUNDED_BY A"). In
// JSON it is the type name or {"type": ..., "reverse": true}.
type RelMapping struct {
	Type    graph.RelType `json:"type"`
	Reverse bool          `json:"reverse,omitempty"`
}

// UnmarshalJSON reads "TYPE" or {"type": "TYPE", "reverse": bool}.
func (m *RelMapping) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = RelMapping{Type: graph.RelType(s)}
		return nil
	}
	type plain RelMapping
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf(`a relationship mapping is "TYPE" or {"type": "TYPE", "reverse": true}: %w`, err)
	}
	*m = RelMapping(p)
	return nil
}

// ReadMapping parses a mapping file and checks it: every kind and
// relationship type it names must be hmkg's, the id rule known and the
// prefix slug-shaped. Every problem is reported at once (EINVALID with
// Problems), each prefixed by name.
func ReadMapping(r io.Reader, name string) (*Mapping, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		return nil, &graph.Error{Code: graph.EINVALID, Message: fmt.Sprintf("%s: %v", name, err),
			Problems: []string{fmt.Sprintf("%s: %v", name, err)}}
	}
	if ps := m.problems(); len(ps) > 0 {
		for i := range ps {
			ps[i] = name + ": " + ps[i]
		}
		return nil, problemsError(ps)
	}
	return &m, nil
}

// problems lists what is wrong with m, sorted so that messages are stable.
func (m *Mapping) problems() []string {
	var ps []string
	for theirs, k := range m.Kinds {
		if canonKind(string(k)) == "" {
			ps = append(ps, fmt.Sprintf("kinds: %q maps to unknown kind %q (use one of %s)", theirs, k, kindNames()))
		}
	}
	for theirs, r := range m.Relationships {
		if canonRel(string(r.Type)) == "" {
			ps = append(ps, fmt.Sprintf("relationships: %q maps to unknown relationship type %q (use one of %s)", theirs, r.Type, relNames()))
		}
	}
	sort.Strings(ps)
	if m.DefaultKind != "" && canonKind(string(m.DefaultKind)) == "" {
		ps = append(ps, fmt.Sprintf("defaultKind: unknown kind %q", m.DefaultKind))
	}
	if m.DefaultRelationship != "" && canonRel(string(m.DefaultRelationship)) == "" {
		ps = append(ps, fmt.Sprintf("defaultRelationship: unknown relationship type %q", m.DefaultRelationship))
	}
	switch m.IDFrom {
	case "", "id", "label":
	default:
		ps = append(ps, fmt.Sprintf(`idFrom: %q is not "id" or "label"`, m.IDFrom))
	}
	if m.IDPrefix != "" && !graph.ValidSlug(m.IDPrefix+"x") {
		ps = append(ps, fmt.Sprintf("idPrefix: %q does not make slug ids (use lower-case letters, digits and hyphens, e.g. \"kumu-\")", m.IDPrefix))
	}
	return ps
}

// kind resolves their type name: the mapping first, then hmkg's own names.
func (m *Mapping) kind(theirs string) graph.Kind {
	t := strings.TrimSpace(theirs)
	if t == "" {
		return canonKind(string(m.DefaultKind))
	}
	for k, v := range m.Kinds {
		if strings.EqualFold(strings.TrimSpace(k), t) {
			return canonKind(string(v))
		}
	}
	return canonKind(t)
}

// rel resolves their connection type name.
func (m *Mapping) rel(theirs string) (graph.RelType, bool) {
	t := strings.TrimSpace(theirs)
	if t == "" {
		return canonRel(string(m.DefaultRelationship)), false
	}
	for k, v := range m.Relationships {
		if strings.EqualFold(strings.TrimSpace(k), t) {
			return canonRel(string(v.Type)), v.Reverse
		}
	}
	return canonRel(t), false
}

// canonKind accepts MOVEMENT, Movement or "movement"; "" when unknown.
func canonKind(s string) graph.Kind {
	k := graph.Kind(strings.ToUpper(strings.TrimSpace(s)))
	if k.Valid() {
		return k
	}
	return ""
}

// canonRel accepts PARTNERED_WITH, "partnered with" or "Partnered-With".
func canonRel(s string) graph.RelType {
	r := graph.RelType(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToUpper(strings.TrimSpace(s))))
	if r.Valid() {
		return r
	}
	return ""
}

func kindNames() string {
	s := make([]string, len(graph.Kinds))
	for i, k := range graph.Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func relNames() string {
	s := make([]string, len(graph.RelTypes))
	for i, t := range graph.RelTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func problemsError(ps []string) error {
	if len(ps) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d problem(s): %s", len(ps), ps[0])
	if len(ps) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(ps)-1)
	}
	return &graph.Error{Code: graph.EINVALID, Message: msg, Problems: ps}
}
