package graph

// Provenance of stories: each step records the state of the nodes and
// relationships it cites (a fingerprint of each), and reads compare it with
// the records as they are now, to mark steps stale with what changed.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Records holds the current records a story's citations resolve to, by id;
// a missing id means the record does not exist.
type Records struct {
	Nodes         map[string]*Node
	Relationships map[string]*Relationship
}

// CheckReferences returns a problem for each node or relationship the story
// names (citations, seeds, highlights) that recs does not hold.
func (s *Story) CheckReferences(recs Records) []string { return s.checkReferences(recs, false) }

// CheckImportReferences is CheckReferences for a story that comes with a
// dataset (an export read back): a record a step names may be missing
// when that step carries its recorded state, because it was deleted after
// the step was written; the story arrives stale, as it left.
func (s *Story) CheckImportReferences(recs Records) []string { return s.checkReferences(recs, true) }

func (s *Story) checkReferences(recs Records, recordedMayBeGone bool) []string {
	var p []string
	for i, st := range s.Steps {
		if st == nil {
			continue
		}
		gone := map[string]bool{}
		if recordedMayBeGone {
			for _, c := range st.Recorded {
				gone[c.Target+"\x00"+c.ID] = true
			}
		}
		for _, group := range []struct {
			what string
			ids  []string
		}{{"cited node", st.CitedNodes}, {"seed", st.View.Seeds}, {"highlighted node", st.View.HighlightNodes}} {
			for _, id := range group.ids {
				if recs.Nodes[id] == nil && !gone[CitedNode+"\x00"+id] {
					p = append(p, fmt.Sprintf("steps[%d]: %s %q does not exist", i, group.what, id))
				}
			}
		}
		for _, group := range []struct {
			what string
			ids  []string
		}{{"cited relationship", st.CitedRelationships}, {"highlighted relationship", st.View.HighlightRelationships}} {
			for _, id := range group.ids {
				if recs.Relationships[id] == nil && !gone[CitedRelationship+"\x00"+id] {
					p = append(p, fmt.Sprintf("steps[%d]: %s %q does not exist", i, group.what, id))
				}
			}
		}
	}
	return p
}

// Fingerprint is a content hash of a record: SHA-256 over its JSON with
// empty lists left out, so that stores that return nil or empty lists
// agree. Any change of any field (name, summary, years, sources,
// endpoints, tensions, and fields added later such as disputes) changes it.
func Fingerprint(record any) string {
	var v any
	switch x := record.(type) {
	case *Node:
		c := *x
		c.Aliases, c.SourceIDs = nilIfEmpty(c.Aliases), nilIfEmpty(c.SourceIDs)
		v = &c
	case *Relationship:
		c := *x
		c.TensionIDs, c.SourceIDs = nilIfEmpty(c.TensionIDs), nilIfEmpty(c.SourceIDs)
		v = &c
	default:
		v = record
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Nodes and relationships always marshal.
		panic(fmt.Sprintf("fingerprint: %v", err))
	}
	sum := sha256.Sum256(b)
	return storyFingerprintPrefix + hex.EncodeToString(sum[:16])
}

// hashJSON is the first 16 bytes of the SHA-256 of v's JSON, in hex.
func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("hash: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// IsDisputed reports whether a record is contested: its JSON carries a
// "status" of "DISPUTED" or a non-empty "disputes" list. It reads the JSON
// so that it follows the dispute fields wherever the model keeps them.
func IsDisputed(record any) bool {
	b, err := json.Marshal(record)
	if err != nil || !strings.Contains(string(b), `"disput`) && !strings.Contains(string(b), `"status"`) {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	var status string
	if raw, ok := m["status"]; ok && json.Unmarshal(raw, &status) == nil && strings.EqualFold(status, "DISPUTED") {
		return true
	}
	var list []json.RawMessage
	if raw, ok := m["disputes"]; ok && json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return true
	}
	return false
}

func stateOf(id, target string, rec any) CitedState {
	return CitedState{ID: id, Target: target, Hash: Fingerprint(rec), Disputed: IsDisputed(rec)}
}

// Record sets the recorded state of step st's citations from recs, which
// must hold every cited record (see CheckReferences).
func (st *StoryStep) Record(recs Records) {
	st.Recorded = make([]CitedState, 0, len(st.CitedNodes)+len(st.CitedRelationships))
	for _, id := range st.CitedNodes {
		if n := recs.Nodes[id]; n != nil {
			st.Recorded = append(st.Recorded, stateOf(id, CitedNode, n))
		}
	}
	for _, id := range st.CitedRelationships {
		if r := recs.Relationships[id]; r != nil {
			st.Recorded = append(st.Recorded, stateOf(id, CitedRelationship, r))
		}
	}
}

// content is the part of a step an editor writes: everything but the
// recorded state.
func (st *StoryStep) content() string {
	c := *st
	c.Recorded, c.Stale, c.Changes = nil, false, nil
	b, _ := json.Marshal(&c)
	return string(b)
}

// recordedFor says whether st's recorded state covers exactly its citations.
func (st *StoryStep) recordedFor() bool {
	if len(st.Recorded) != len(st.CitedNodes)+len(st.CitedRelationships) {
		return false
	}
	have := map[string]bool{}
	for _, c := range st.Recorded {
		have[c.Target+"\x00"+c.ID] = true
	}
	for _, id := range st.CitedNodes {
		if !have[CitedNode+"\x00"+id] {
			return false
		}
	}
	for _, id := range st.CitedRelationships {
		if !have[CitedRelationship+"\x00"+id] {
			return false
		}
	}
	return true
}

// PrepareStory readies s for writing over old (nil when new) at time now,
// given the current records it references: it validates s and its
// references, sets the author's timestamps and version, and records the
// state of each step's citations. A step whose content (view, caption,
// citations) is the same as one of old's keeps old's recorded state, so an
// edit elsewhere in the story does not silently accept a stale step; every
// other step records the current state. EINVALID lists every problem.
func PrepareStory(s, old *Story, recs Records, now time.Time) error {
	if s == nil {
		return Errorf(EINVALID, "no story")
	}
	p := s.Validate()
	if len(p) == 0 {
		p = s.CheckReferences(recs)
	}
	if len(p) > 0 {
		return &Error{Code: EINVALID, Message: fmt.Sprintf("story %.80q: %s", s.ID, strings.Join(p, "; ")), Problems: p}
	}
	now = now.UTC().Truncate(time.Millisecond)
	kept := map[string][]CitedState{}
	if old != nil {
		s.CreatedAt = old.CreatedAt
		s.Version = old.Version + 1
		for _, st := range old.Steps {
			if st.recordedFor() {
				kept[st.content()] = st.Recorded
			}
		}
	} else {
		s.CreatedAt = now
		s.Version = 1
	}
	s.UpdatedAt = now
	for _, st := range s.Steps {
		if rec, ok := kept[st.content()]; ok {
			st.Recorded = slices.Clone(rec)
		} else {
			st.Record(recs)
		}
		st.Stale, st.Changes = false, nil
	}
	s.Stale = false
	return nil
}

// PrepareImportedStory readies a story that comes with a dataset: it keeps
// the recorded state it carries (an export's, so staleness survives a
// round trip) and records the current state for steps without one; it
// keeps given timestamps and version, filling in now and 1.
func PrepareImportedStory(s *Story, recs Records, now time.Time) {
	now = now.UTC().Truncate(time.Millisecond)
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = s.CreatedAt
	}
	if s.Version < 1 {
		s.Version = 1
	}
	for _, st := range s.Steps {
		if !st.recordedFor() {
			st.Record(recs)
		}
	}
}

// AcceptStep re-records the state of step i's citations (0-based) from
// recs, bumps the version and stamps the update. ENOTFOUND for a step
// out of range; EINVALID if a cited record no longer exists (the step
// must then be updated rather than accepted).
func AcceptStep(s *Story, i int, recs Records, now time.Time) error {
	if i < 0 || i >= len(s.Steps) {
		return Errorf(ENOTFOUND, "story %q has no step %d (it has %d, numbered from 0)", s.ID, i, len(s.Steps))
	}
	st := s.Steps[i]
	one := &Story{Steps: []*StoryStep{{CitedNodes: st.CitedNodes, CitedRelationships: st.CitedRelationships}}}
	if p := one.CheckReferences(recs); len(p) > 0 {
		for j := range p {
			p[j] = strings.Replace(p[j], "steps[0]", fmt.Sprintf("steps[%d]", i), 1)
		}
		return &Error{Code: EINVALID, Message: fmt.Sprintf("story %q step %d cannot be accepted: %s; update the step instead",
			s.ID, i, strings.Join(p, "; ")), Problems: p}
	}
	st.Record(recs)
	st.Stale, st.Changes = false, nil
	s.Version++
	s.UpdatedAt = now.UTC().Truncate(time.Millisecond)
	return nil
}

// CheckStory compares each step's recorded state with recs (the current
// records of every cited id) and sets Stale and Changes on the steps and
// Stale on the story.
func CheckStory(s *Story, recs Records) {
	s.Stale = false
	for i, st := range s.Steps {
		st.Index = i
		st.Stale, st.Changes = false, nil
		for _, c := range st.Recorded {
			var cur any
			switch c.Target {
			case CitedNode:
				if n := recs.Nodes[c.ID]; n != nil {
					cur = n
				}
			case CitedRelationship:
				if r := recs.Relationships[c.ID]; r != nil {
					cur = r
				}
			}
			ch := StoryChange{ID: c.ID, Target: c.Target, Was: c.Hash}
			switch {
			case cur == nil:
				ch.What = StoryDeleted
			case IsDisputed(cur) && !c.Disputed:
				ch.What, ch.Now = StoryDisputed, Fingerprint(cur)
			default:
				if now := Fingerprint(cur); now != c.Hash {
					ch.What, ch.Now = StoryChanged, now
				} else {
					continue
				}
			}
			st.Changes = append(st.Changes, ch)
		}
		st.Stale = len(st.Changes) > 0
		s.Stale = s.Stale || st.Stale
	}
}

// CitedIDs lists the ids of the records the stories' steps have recorded
// state for, each once, to fetch before CheckStory.
func CitedIDs(stories ...*Story) (nodes, rels []string) {
	seen := map[string]bool{}
	for _, s := range stories {
		for _, st := range s.Steps {
			for _, c := range st.Recorded {
				if k := c.Target + "\x00" + c.ID; !seen[k] {
					seen[k] = true
					if c.Target == CitedNode {
						nodes = append(nodes, c.ID)
					} else {
						rels = append(rels, c.ID)
					}
				}
			}
		}
	}
	return nodes, rels
}

// CloneStory returns a deep copy of s (through its JSON, which is also how
// stores keep stories).
func CloneStory(s *Story) *Story {
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("clone story: %v", err))
	}
	var c Story
	if err := json.Unmarshal(b, &c); err != nil {
		panic(fmt.Sprintf("clone story: %v", err))
	}
	return &c
}

// RecordReader reads records by id; every Store is one.
type RecordReader interface {
	NodesByID(ctx context.Context, ids []string) ([]*Node, error)
	RelationshipsByID(ctx context.Context, ids []string) ([]*Relationship, error)
}

// FetchRecords reads the given nodes and relationships into Records.
func FetchRecords(ctx context.Context, r RecordReader, nodes, rels []string) (Records, error) {
	recs := Records{Nodes: make(map[string]*Node, len(nodes)), Relationships: make(map[string]*Relationship, len(rels))}
	if len(nodes) > 0 {
		ns, err := r.NodesByID(ctx, nodes)
		if err != nil {
			return recs, fmt.Errorf("read cited nodes: %w", err)
		}
		for _, n := range ns {
			if n != nil {
				recs.Nodes[n.ID] = n
			}
		}
	}
	if len(rels) > 0 {
		rs, err := r.RelationshipsByID(ctx, rels)
		if err != nil {
			return recs, fmt.Errorf("read cited relationships: %w", err)
		}
		for _, x := range rs {
			if x != nil {
				recs.Relationships[x.ID] = x
			}
		}
	}
	return recs, nil
}

// CheckStories fetches the records the stories cite (only those ids) and
// runs CheckStory on each.
func CheckStories(ctx context.Context, r RecordReader, stories ...*Story) error {
	nodes, rels := CitedIDs(stories...)
	recs, err := FetchRecords(ctx, r, nodes, rels)
	if err != nil {
		return err
	}
	for _, s := range stories {
		CheckStory(s, recs)
	}
	return nil
}

// RelationshipLookup is an optional part of a Lookup: a store that can say
// whether a relationship exists lets Dataset.Validate check the
// citations of the dataset's stories against it.
type RelationshipLookup interface {
	HasRelationship(id string) bool
}

// validateStories checks the dataset's stories: each on its own, unique
// ids, and references to nodes and relationships of the dataset or (when
// have can tell) of the store.
func (d *Dataset) validateStories(have Lookup, rels map[string]bool, kindOf func(string) Kind, add func(section string, i int, id string, ps ...string)) {
	ids := make(map[string]bool, len(d.Stories))
	rl, _ := have.(RelationshipLookup)
	for i, s := range d.Stories {
		if s == nil {
			add("stories", i, "", "empty story")
			continue
		}
		add("stories", i, s.ID, s.Validate()...)
		if ids[s.ID] {
			add("stories", i, s.ID, "duplicate story id")
		}
		ids[s.ID] = true
		nodes, rs := s.referenced()
		recs := Records{Nodes: map[string]*Node{}, Relationships: map[string]*Relationship{}}
		for _, id := range nodes {
			if kindOf(id) != "" {
				recs.Nodes[id] = &Node{ID: id}
			}
		}
		for _, id := range rs {
			// A store that cannot tell checks its own relationships when
			// it records the stories' state (see PrepareImportedStory).
			if rels[id] || (rl != nil && rl.HasRelationship(id)) || (have != nil && rl == nil) {
				recs.Relationships[id] = &Relationship{ID: id}
			}
		}
		add("stories", i, s.ID, s.CheckImportReferences(recs)...)
	}
}
