package graph

import (
	"fmt"
	"regexp"
	"strings"
)

// The vocabulary: every node kind and relationship type, each with a fixed
// code. The two lists below are the only place a kind or type is declared;
// Kinds, RelTypes, Valid, Code and the lookups by code are derived from
// them.
//
// To add a relationship type: add a line to relTypeList (anywhere; the list
// order is the schema order) with the lowest unused code, add the value to
// the RelationshipType enum of schema.graphqls (then go generate ./...), and
// pin the code with `go test ./graph -run TestVocabularyGolden -update`,
// which appends `type NAME=CODE` to testdata/vocabulary.golden. A kind goes
// the same way into kindList and the NodeKind enum; the GraphQL layer also
// needs an object type for it (schema.graphqls, kinds.go).
//
// A code is what stored data holds (the embedded store writes it as one
// byte), so it never changes and is never given to another name.
// TestVocabularyGolden fails when a code changes or an entry disappears.

// Code is the fixed number of a kind or relationship type in stored data.
type Code uint8

// Kind is the kind of a node. The values match the GraphQL NodeKind enum.
type Kind string

// Node kinds, for Go code that names one.
const (
	KindMovement     Kind = "MOVEMENT"
	KindOrganisation Kind = "ORGANISATION"
	KindInstitution  Kind = "INSTITUTION"
	KindReport       Kind = "REPORT"
	KindPerson       Kind = "PERSON"
	KindEvent        Kind = "EVENT"
	KindTension      Kind = "TENSION"
)

// KindCode is a node kind with its fixed code.
type KindCode struct {
	Kind Kind
	Code Code
}

// kindList is every node kind in schema order, with its code.
var kindList = []KindCode{
	{KindMovement, 0},
	{KindOrganisation, 1},
	{KindInstitution, 2},
	{KindReport, 3},
	{KindPerson, 4},
	{KindEvent, 5},
	{KindTension, 6},
}

// RelType is the type of a relationship. The values match the GraphQL
// RelationshipType enum and are used verbatim as Neo4j relationship types.
type RelType string

// Relationship types, for Go code that names one.
const (
	RelChallenged         RelType = "CHALLENGED"
	RelPartneredWith      RelType = "PARTNERED_WITH"
	RelFundedBy           RelType = "FUNDED_BY"
	RelInfluencedPolicyOf RelType = "INFLUENCED_POLICY_OF"
	RelCoOptedBy          RelType = "CO_OPTED_BY"
	RelPartOf             RelType = "PART_OF"
	RelPublished          RelType = "PUBLISHED"
	RelDescribes          RelType = "DESCRIBES"
	RelInspired           RelType = "INSPIRED"
	RelFounded            RelType = "FOUNDED"
	RelOrganised          RelType = "ORGANISED"
	RelTargeted           RelType = "TARGETED"
	RelLed                RelType = "LED"
	RelInvolved           RelType = "INVOLVED"
	RelExemplifies        RelType = "EXEMPLIFIES"
)

// RelTypeCode is a relationship type with its fixed code.
type RelTypeCode struct {
	Type RelType
	Code Code
}

// relTypeList is every relationship type in schema order, with its code.
var relTypeList = []RelTypeCode{
	{RelChallenged, 0},
	{RelPartneredWith, 1},
	{RelFundedBy, 2},
	{RelInfluencedPolicyOf, 3},
	{RelCoOptedBy, 4},
	{RelPartOf, 5},
	{RelPublished, 6},
	{RelDescribes, 7},
	{RelInspired, 8},
	{RelFounded, 9},
	{RelOrganised, 10},
	{RelTargeted, 11},
	{RelLed, 12},
	{RelInvolved, 13},
	{RelExemplifies, 14},
}

// Derived from the lists above by setVocabulary.
var (
	// Kinds lists every node kind in schema order.
	Kinds []Kind
	// RelTypes lists every relationship type in schema order.
	RelTypes []RelType

	kindVocab vocab[Kind]
	typeVocab vocab[RelType]
)

func init() {
	if err := setVocabulary(kindList, relTypeList); err != nil {
		panic(err)
	}
}

var vocabNameRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// vocab indexes one list both ways.
type vocab[T ~string] struct {
	code   map[T]Code
	byCode [1 << 8]T // "" for an unused code
}

func newVocab[T ~string](what string, names []T, codes []Code) (vocab[T], error) {
	v := vocab[T]{code: make(map[T]Code, len(names))}
	for i, name := range names {
		c := codes[i]
		switch {
		case !vocabNameRE.MatchString(string(name)):
			return v, fmt.Errorf("vocabulary: %s %q: a name is upper-case letters, digits and underscores", what, name)
		case v.byCode[c] != "":
			return v, fmt.Errorf("vocabulary: %s %s and %s share code %d", what, v.byCode[c], name, c)
		}
		if _, dup := v.code[name]; dup {
			return v, fmt.Errorf("vocabulary: %s %s is listed twice", what, name)
		}
		v.code[name] = c
		v.byCode[c] = name
	}
	return v, nil
}

// setVocabulary derives the exported lists and the lookups from kinds and
// types, or changes nothing if they are inconsistent.
func setVocabulary(kinds []KindCode, types []RelTypeCode) error {
	ks, kc := make([]Kind, len(kinds)), make([]Code, len(kinds))
	for i, k := range kinds {
		ks[i], kc[i] = k.Kind, k.Code
	}
	ts, tc := make([]RelType, len(types)), make([]Code, len(types))
	for i, t := range types {
		ts[i], tc[i] = t.Type, t.Code
	}
	kv, err := newVocab("kind", ks, kc)
	if err != nil {
		return err
	}
	tv, err := newVocab("relationship type", ts, tc)
	if err != nil {
		return err
	}
	Kinds, RelTypes, kindVocab, typeVocab = ks, ts, kv, tv
	kindList, relTypeList = kinds, types
	return nil
}

// KindCodes returns every node kind with its code, in schema order.
func KindCodes() []KindCode { return append([]KindCode(nil), kindList...) }

// RelTypeCodes returns every relationship type with its code, in schema
// order.
func RelTypeCodes() []RelTypeCode { return append([]RelTypeCode(nil), relTypeList...) }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindVocab.code[k]; return ok }

// Code returns the fixed code of k; ok is false for an unknown kind.
func (k Kind) Code() (c Code, ok bool) { c, ok = kindVocab.code[k]; return c, ok }

// KindByCode returns the kind whose code is c; ok is false when no kind has
// that code (data written by a newer hmkg, or corrupt).
func KindByCode(c Code) (k Kind, ok bool) { k = kindVocab.byCode[c]; return k, k != "" }

// Label is the Neo4j label and GraphQL object type name of the kind, e.g. "Movement".
func (k Kind) Label() string {
	if k == "" {
		return ""
	}
	s := strings.ToLower(string(k))
	return strings.ToUpper(s[:1]) + s[1:]
}

// Valid reports whether t is a known relationship type.
func (t RelType) Valid() bool { _, ok := typeVocab.code[t]; return ok }

// Code returns the fixed code of t; ok is false for an unknown type.
func (t RelType) Code() (c Code, ok bool) { c, ok = typeVocab.code[t]; return c, ok }

// RelTypeByCode returns the relationship type whose code is c; ok is false
// when no type has that code (data written by a newer hmkg, or corrupt).
func RelTypeByCode(c Code) (t RelType, ok bool) { t = typeVocab.byCode[c]; return t, t != "" }

// SetVocabularyForTest replaces the vocabulary until the end of the test
// tb, so that a test can prove that code keyed by kinds and types copes
// with an entry added anywhere in the lists. Only for tests, and not for
// tests that run in parallel with others.
func SetVocabularyForTest(tb interface{ Cleanup(func()) }, kinds []KindCode, types []RelTypeCode) error {
	oldK, oldT := kindList, relTypeList
	if err := setVocabulary(kinds, types); err != nil {
		return err
	}
	tb.Cleanup(func() {
		if err := setVocabulary(oldK, oldT); err != nil {
			panic(err)
		}
	})
	return nil
}
