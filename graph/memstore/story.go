package memstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/hmkg/hmkg/graph"
)

// Stories live in their own bucket, "stories", which maps a story id to the
// JSON of the graph.Story (steps with their recorded state). They are few
// and small, and read whole, so JSON is enough; the node and relationship
// codec is not involved. In memory they are kept as that JSON, so every
// read decodes a fresh copy.

var bucketStories = []byte("stories")

// HasRelationship lets Dataset.Validate check story citations.
func (l lookup) HasRelationship(id string) bool { _, ok := l.s.findRel(id); return ok }

// records reads the current records of the given ids. The caller holds
// the lock.
func (s *Store) records(nodes, rels []string, d *graph.Dataset) graph.Records {
	recs := graph.Records{Nodes: map[string]*graph.Node{}, Relationships: map[string]*graph.Relationship{}}
	for _, id := range nodes {
		if h, ok := s.findNode(id); ok {
			recs.Nodes[id] = s.nodeOut(h)
		}
	}
	for _, id := range rels {
		if h, ok := s.findRel(id); ok {
			recs.Relationships[id] = s.relOut(h)
		}
	}
	if d != nil {
		// The dataset's records replace the store's.
		want := map[string]bool{}
		for _, id := range nodes {
			want["n"+id] = true
		}
		for _, id := range rels {
			want["r"+id] = true
		}
		for _, n := range d.Nodes {
			if want["n"+n.ID] {
				recs.Nodes[n.ID] = n
			}
		}
		for _, r := range d.Relationships {
			if want["r"+r.ID] {
				recs.Relationships[r.ID] = r
			}
		}
	}
	return recs
}

// importStories prepares the stories of a validated dataset and returns
// their records. The caller holds the write lock.
func (s *Store) importStories(d *graph.Dataset) ([]record, error) {
	var recs []record
	var problems []string
	for i, st := range d.Stories {
		nodes, rels := st.Referenced()
		have := s.records(nodes, rels, d)
		if p := st.CheckImportReferences(have); len(p) > 0 {
			for _, q := range p {
				problems = append(problems, fmt.Sprintf("stories[%d] %q: %s", i, st.ID, q))
			}
			continue
		}
		graph.PrepareImportedStory(st, have, s.cfg.now())
		b, err := json.Marshal(st)
		if err != nil {
			return nil, fmt.Errorf("encode story %s: %w", st.ID, err)
		}
		recs = append(recs, record{bucket: bucketStories, key: []byte(st.ID), value: b})
	}
	if len(problems) > 0 {
		return nil, &graph.Error{Code: graph.EINVALID, Message: fmt.Sprintf("%d problem(s): %s", len(problems), problems[0]), Problems: problems}
	}
	return recs, nil
}

// applyStories puts committed story records into memory.
func (s *Store) applyStories(recs []record) {
	for _, r := range recs {
		if !bytes.Equal(r.bucket, bucketStories) {
			continue
		}
		if s.stories == nil {
			s.stories = map[string][]byte{}
		}
		if r.value == nil {
			delete(s.stories, string(r.key))
		} else {
			s.stories[string(r.key)] = slices.Clone(r.value)
		}
	}
}

func (s *Store) loadStories(tx *bolt.Tx) error {
	s.stories = map[string][]byte{}
	return tx.Bucket(bucketStories).ForEach(func(k, v []byte) error {
		var st graph.Story
		if err := json.Unmarshal(v, &st); err != nil {
			return fmt.Errorf("story %s: %w", k, err)
		}
		s.stories[string(k)] = slices.Clone(v)
		return nil
	})
}

// storyOut decodes a stored story. The caller holds the lock.
func (s *Store) storyOut(id string) (*graph.Story, bool) {
	b, ok := s.stories[id]
	if !ok {
		return nil, false
	}
	var st graph.Story
	if err := json.Unmarshal(b, &st); err != nil {
		// Only valid JSON is ever stored (see loadStories).
		panic(fmt.Sprintf("memstore: story %s: %v", id, err))
	}
	return &st, true
}

// check compares the stories' recorded state with the current records.
// The caller holds the lock.
func (s *Store) check(stories ...*graph.Story) {
	nodes, rels := graph.CitedIDs(stories...)
	recs := s.records(nodes, rels, nil)
	for _, st := range stories {
		graph.CheckStory(st, recs)
	}
}

// Stories returns a page of stories sorted by id, checked.
func (s *Store) Stories(ctx context.Context, q graph.StoryQuery) (*graph.StoryPage, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.stories))
	for id := range s.stories {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	start := sort.SearchStrings(ids, q.After)
	if start < len(ids) && ids[start] == q.After {
		start++
	}
	page := &graph.StoryPage{Total: len(ids)}
	for _, id := range ids[start:] {
		if len(page.Stories) == q.Limit {
			page.HasMore = true
			break
		}
		st, _ := s.storyOut(id)
		page.Stories = append(page.Stories, st)
	}
	s.check(page.Stories...)
	return page, nil
}

// Story returns one story, checked, or ENOTFOUND.
func (s *Store) Story(ctx context.Context, id string) (*graph.Story, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.storyOut(id)
	if !ok {
		return nil, graph.Errorf(graph.ENOTFOUND, "story %q not found", id)
	}
	s.check(st)
	return st, nil
}

// UpsertStory creates or replaces a story.
func (s *Store) UpsertStory(ctx context.Context, st *graph.Story, actor string) (*graph.Story, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if st == nil {
		return nil, graph.Errorf(graph.EINVALID, "no story")
	}
	st = graph.CloneStory(st)
	s.mu.Lock()
	defer s.mu.Unlock()
	old, _ := s.storyOut(st.ID)
	nodes, rels := st.Referenced()
	if err := graph.PrepareStory(st, old, s.records(nodes, rels, nil), s.cfg.now()); err != nil {
		return nil, fmt.Errorf("upsert story: %w", err)
	}
	if err := s.writeStory(st, graph.ActionUpsertStory, actor); err != nil {
		return nil, err
	}
	s.check(st)
	return st, nil
}

// AcceptStoryStep re-records the state of one step's citations.
func (s *Store) AcceptStoryStep(ctx context.Context, id string, step int, actor string) (*graph.Story, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.storyOut(id)
	if !ok {
		return nil, graph.Errorf(graph.ENOTFOUND, "story %q not found", id)
	}
	if step >= 0 && step < len(st.Steps) {
		nodes, rels := (&graph.Story{Steps: st.Steps[step : step+1]}).Referenced()
		if err := graph.AcceptStep(st, step, s.records(nodes, rels, nil), s.cfg.now()); err != nil {
			return nil, err
		}
	} else if err := graph.AcceptStep(st, step, graph.Records{}, s.cfg.now()); err != nil {
		return nil, err
	}
	if err := s.writeStory(st, graph.ActionAcceptStoryStep, actor); err != nil {
		return nil, err
	}
	s.check(st)
	return st, nil
}

func (s *Store) writeStory(st *graph.Story, action, actor string) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("memstore: encode story %s: %w", st.ID, err)
	}
	rec := record{bucket: bucketStories, key: []byte(st.ID), value: b}
	c, err := s.commit([]record{rec}, nil, graph.Change{Actor: actorOf(actor), Action: action, TargetID: st.ID, Detail: string(b)})
	if err != nil {
		return err
	}
	s.applyStories([]record{rec})
	s.record(c)
	return nil
}

// DeleteStory removes a story.
func (s *Store) DeleteStory(ctx context.Context, id, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.stories[id]; !ok {
		return graph.Errorf(graph.ENOTFOUND, "story %q not found", id)
	}
	rec := record{bucket: bucketStories, key: []byte(id)}
	c, err := s.commit([]record{rec}, nil, graph.Change{Actor: actorOf(actor), Action: graph.ActionDeleteStory, TargetID: id})
	if err != nil {
		return err
	}
	s.applyStories([]record{rec})
	s.record(c)
	return nil
}
