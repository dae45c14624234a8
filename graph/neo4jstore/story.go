package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// Stories are (:Story {id, version, json}) nodes: the whole graph.Story,
// steps and recorded state included, as one JSON property. Why not
// (:Story)-[:STEP]->(:StoryStep)-[:CITES]->(:Node)? A story is always read
// and written whole, its steps are ordered, and its citations must outlive
// the records they cite (a deleted node is exactly what a stale step
// reports), so relationships to :Node would be deleted with the node by
// DETACH DELETE and lose the evidence. Keeping stories off the :Node
// label also keeps them out of every graph query, count and full-text
// index. Staleness is computed at read time from the cited ids only.

func init() {
	schemaStatements = append(schemaStatements,
		"CREATE CONSTRAINT story_id IF NOT EXISTS FOR (s:Story) REQUIRE s.id IS UNIQUE")
}

const (
	cypherStory       = "MATCH (s:Story {id: $id}) RETURN s.json AS json"
	cypherStoriesPage = `MATCH (s:Story) WHERE s.id > $after
RETURN s.json AS json ORDER BY s.id LIMIT $limit`
	cypherStoryCount = "MATCH (s:Story) RETURN count(s) AS n"
	cypherMergeStory = `MERGE (s:Story {id: $id})
WITH s, coalesce(s.version, 0) AS was
WHERE $expect < 0 OR was = $expect
SET s.version = $version, s.json = $json
RETURN count(s) AS n`
	cypherMergeStories = `UNWIND $rows AS row
MERGE (s:Story {id: row.id})
SET s.version = row.version, s.json = row.json`
	cypherDeleteStory = `MATCH (s:Story {id: $id}) DELETE s RETURN count(*) AS n`
)

func decodeStory(v any) (*graph.Story, error) {
	js, _ := v.(string)
	var st graph.Story
	if err := json.Unmarshal([]byte(js), &st); err != nil {
		return nil, graph.Errorf(graph.EINTERNAL, "decode stored story: %v", err)
	}
	return &st, nil
}

// storyByID reads one stored story, nil when there is none.
func (s *Store) storyByID(ctx context.Context, id string) (*graph.Story, error) {
	return read(ctx, s, func(tx *txn) (*graph.Story, error) {
		rec, err := tx.single(ctx, cypherStory, map[string]any{"id": id})
		if err != nil || rec == nil {
			return nil, err
		}
		return decodeStory(value(rec, "json"))
	})
}

// Story returns one story, checked, or ENOTFOUND.
func (s *Store) Story(ctx context.Context, id string) (*graph.Story, error) {
	st, err := s.storyByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	if st == nil {
		return nil, graph.Errorf(graph.ENOTFOUND, "story %q not found", id)
	}
	if err := graph.CheckStories(ctx, s, st); err != nil {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	return st, nil
}

// Stories returns a page of stories sorted by id, checked.
func (s *Store) Stories(ctx context.Context, q graph.StoryQuery) (*graph.StoryPage, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	page, err := read(ctx, s, func(tx *txn) (*graph.StoryPage, error) {
		rec, err := tx.single(ctx, cypherStoryCount, nil)
		if err != nil {
			return nil, err
		}
		p := &graph.StoryPage{Total: asInt(value(rec, "n"))}
		recs, err := tx.collect(ctx, cypherStoriesPage, map[string]any{"after": q.After, "limit": q.Limit + 1})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if len(p.Stories) == q.Limit {
				p.HasMore = true
				break
			}
			st, err := decodeStory(value(r, "json"))
			if err != nil {
				return nil, err
			}
			p.Stories = append(p.Stories, st)
		}
		return p, nil
	})
	if err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	if err := graph.CheckStories(ctx, s, page.Stories...); err != nil {
		return nil, fmt.Errorf("stories: %w", err)
	}
	return page, nil
}

// UpsertStory creates or replaces a story. The story is prepared against
// the records read just before the write transaction, which fails with
// ECONFLICT if another writer changed the story in between.
func (s *Store) UpsertStory(ctx context.Context, st *graph.Story, actor string) (*graph.Story, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if st == nil {
		return nil, graph.Errorf(graph.EINVALID, "no story")
	}
	st = graph.CloneStory(st)
	if p := st.Validate(); len(p) > 0 {
		return nil, fmt.Errorf("upsert story: %w", graph.PrepareStory(st, nil, graph.Records{}, time.Now()))
	}
	old, err := s.storyByID(ctx, st.ID)
	if err != nil {
		return nil, fmt.Errorf("upsert story %s: %w", st.ID, err)
	}
	nodes, rels := st.Referenced()
	recs, err := graph.FetchRecords(ctx, s, nodes, rels)
	if err != nil {
		return nil, fmt.Errorf("upsert story %s: %w", st.ID, err)
	}
	if err := graph.PrepareStory(st, old, recs, time.Now()); err != nil {
		return nil, fmt.Errorf("upsert story: %w", err)
	}
	expect := 0
	if old != nil {
		expect = old.Version
	}
	if err := s.writeStory(ctx, st, expect, graph.ActionUpsertStory, actor); err != nil {
		return nil, err
	}
	if err := graph.CheckStories(ctx, s, st); err != nil {
		return nil, fmt.Errorf("upsert story %s: %w", st.ID, err)
	}
	return st, nil
}

// writeStory writes st if the stored version is still expect (0: absent),
// with its audit entry, in one transaction.
func (s *Store) writeStory(ctx context.Context, st *graph.Story, expect int, action, actor string) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode story %s: %w", st.ID, err)
	}
	_, err = write(ctx, s, func(tx *txn) (struct{}, error) {
		rec, err := tx.single(ctx, cypherMergeStory, map[string]any{
			"id": st.ID, "expect": expect, "version": st.Version, "json": string(b)})
		if err != nil {
			return struct{}{}, err
		}
		if asInt(value(rec, "n")) != 1 {
			return struct{}{}, graph.Errorf(graph.ECONFLICT, "story %q was changed concurrently; read it again and retry", st.ID)
		}
		return struct{}{}, addChange(ctx, tx, actor, change{action: action, target: st.ID, detail: string(b)})
	})
	if err != nil {
		return fmt.Errorf("write story %s: %w", st.ID, err)
	}
	return nil
}

// AcceptStoryStep re-records the state of one step's citations.
func (s *Store) AcceptStoryStep(ctx context.Context, id string, step int, actor string) (*graph.Story, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	st, err := s.storyByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("accept story step %s: %w", id, err)
	}
	if st == nil {
		return nil, graph.Errorf(graph.ENOTFOUND, "story %q not found", id)
	}
	var recs graph.Records
	if step >= 0 && step < len(st.Steps) {
		nodes, rels := (&graph.Story{Steps: st.Steps[step : step+1]}).Referenced()
		if recs, err = graph.FetchRecords(ctx, s, nodes, rels); err != nil {
			return nil, fmt.Errorf("accept story step %s: %w", id, err)
		}
	}
	expect := st.Version
	if err := graph.AcceptStep(st, step, recs, time.Now()); err != nil {
		return nil, err
	}
	if err := s.writeStory(ctx, st, expect, graph.ActionAcceptStoryStep, actor); err != nil {
		return nil, err
	}
	if err := graph.CheckStories(ctx, s, st); err != nil {
		return nil, fmt.Errorf("accept story step %s: %w", id, err)
	}
	return st, nil
}

// DeleteStory removes a story.
func (s *Store) DeleteStory(ctx context.Context, id, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		rec, err := tx.single(ctx, cypherDeleteStory, map[string]any{"id": id})
		if err != nil {
			return struct{}{}, err
		}
		if asInt(value(rec, "n")) == 0 {
			return struct{}{}, graph.Errorf(graph.ENOTFOUND, "story %q not found", id)
		}
		return struct{}{}, addChange(ctx, tx, actor, change{action: graph.ActionDeleteStory, target: id})
	})
	if err != nil {
		return fmt.Errorf("delete story %s: %w", id, err)
	}
	return nil
}

// importStories prepares a validated dataset's stories against the
// dataset's records and, for the others they name, the database's, and
// returns the rows to write with the import.
func (s *Store) importStories(ctx context.Context, d *graph.Dataset) ([]any, error) {
	if len(d.Stories) == 0 {
		return nil, nil
	}
	inNodes, inRels := map[string]*graph.Node{}, map[string]*graph.Relationship{}
	for _, n := range d.Nodes {
		inNodes[n.ID] = n
	}
	for _, r := range d.Relationships {
		inRels[r.ID] = r
	}
	var nodes, rels []string
	for _, st := range d.Stories {
		ns, rs := st.Referenced()
		for _, id := range ns {
			if inNodes[id] == nil {
				nodes = append(nodes, id)
			}
		}
		for _, id := range rs {
			if inRels[id] == nil {
				rels = append(rels, id)
			}
		}
	}
	recs, err := graph.FetchRecords(ctx, s, nodes, rels)
	if err != nil {
		return nil, err
	}
	for id, n := range inNodes {
		recs.Nodes[id] = n
	}
	for id, r := range inRels {
		recs.Relationships[id] = r
	}
	var problems []string
	rows := make([]any, 0, len(d.Stories))
	now := time.Now()
	for i, st := range d.Stories {
		if p := st.CheckImportReferences(recs); len(p) > 0 {
			for _, q := range p {
				problems = append(problems, fmt.Sprintf("stories[%d] %q: %s", i, st.ID, q))
			}
			continue
		}
		graph.PrepareImportedStory(st, recs, now)
		b, err := json.Marshal(st)
		if err != nil {
			return nil, fmt.Errorf("encode story %s: %w", st.ID, err)
		}
		rows = append(rows, map[string]any{"id": st.ID, "version": st.Version, "json": string(b)})
	}
	if len(problems) > 0 {
		return nil, &graph.Error{Code: graph.EINVALID, Message: fmt.Sprintf("%d problem(s): %s", len(problems), problems[0]), Problems: problems}
	}
	return rows, nil
}

// HasRelationship lets Dataset.Validate check story citations.
func (l *dbLookup) HasRelationship(id string) bool { return l.rels[id] }

// lookupStoryRefs adds to l the nodes and relationships that d's stories
// name, as the database holds them.
func (s *Store) lookupStoryRefs(ctx context.Context, d *graph.Dataset, l *dbLookup) error {
	var nodes, rels []string
	for _, st := range d.Stories {
		if st == nil {
			continue
		}
		ns, rs := st.Referenced()
		nodes, rels = append(nodes, ns...), append(rels, rs...)
	}
	if len(nodes)+len(rels) == 0 {
		return nil
	}
	recs, err := graph.FetchRecords(ctx, s, nodes, rels)
	if err != nil {
		return err
	}
	for id, n := range recs.Nodes {
		if l.kinds[id] == "" {
			l.addKind(id, n.Kind)
		}
	}
	for id := range recs.Relationships {
		l.rels[id] = true
	}
	return nil
}
