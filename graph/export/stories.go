package export

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hmkg/hmkg/graph"
)

// StoriesFormats are the formats that carry the store's stories (the
// dataset's saved narratives, see graph/story.go). Only the node-link JSON
// does: `hmkg load` reads it back, stories included.
var StoriesFormats = []Format{JSON}

// CarriesStories reports whether f writes stories.
func (f Format) CarriesStories() bool { return slices.Contains(StoriesFormats, f) }

// StoryStore is the part of a store AddStories reads: its stories and,
// for a story that names records outside the export, those records.
type StoryStore interface {
	Stories(ctx context.Context, q graph.StoryQuery) (*graph.StoryPage, error)
	graph.RecordReader
}

// AddStories puts into d, when its format carries stories, every story of
// store whose records all travel with the export: each node and
// relationship a step cites, seeds or highlights is in d's subgraph, or no
// longer exists in the store and the step recorded its state (it was
// deleted after the step was written: the story travels, stale, and an
// import shows it stale again). A whole-graph export without filters
// therefore carries every story; a narrower one leaves out the stories
// that reach beyond it, and the manifest lists their ids in
// storiesLeftOut. Stories are sorted by id and carry their recorded state,
// timestamps and version.
func (d *Document) AddStories(ctx context.Context, store StoryStore) error {
	if !d.Manifest.Format.CarriesStories() {
		return nil
	}
	var all []*graph.Story
	q := graph.StoryQuery{Limit: graph.MaxPageSize}
	for {
		page, err := store.Stories(ctx, q)
		if err != nil {
			return fmt.Errorf("export: stories: %w", err)
		}
		all = append(all, page.Stories...)
		if !page.HasMore || len(page.Stories) == 0 {
			break
		}
		q.After = page.Stories[len(page.Stories)-1].ID
	}
	inNodes := make(map[string]bool, len(d.Subgraph.Nodes))
	for _, n := range d.Subgraph.Nodes {
		inNodes[n.ID] = true
	}
	inRels := make(map[string]bool, len(d.Subgraph.Relationships))
	for _, r := range d.Subgraph.Relationships {
		inRels[r.ID] = true
	}
	// The records named outside the export: do they still exist?
	var outNodes, outRels []string
	for _, s := range all {
		ns, rs := s.Referenced()
		for _, id := range ns {
			if !inNodes[id] {
				outNodes = append(outNodes, id)
			}
		}
		for _, id := range rs {
			if !inRels[id] {
				outRels = append(outRels, id)
			}
		}
	}
	recs, err := graph.FetchRecords(ctx, store, uniq(outNodes), uniq(outRels))
	if err != nil {
		return fmt.Errorf("export: stories: %w", err)
	}
	d.Stories, d.Manifest.StoriesLeftOut = nil, nil
	for _, s := range all {
		if storyTravels(s, inNodes, inRels, recs) {
			d.Stories = append(d.Stories, s)
		} else {
			d.Manifest.StoriesLeftOut = append(d.Manifest.StoriesLeftOut, s.ID)
		}
	}
	slices.SortFunc(d.Stories, func(a, b *graph.Story) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(d.Manifest.StoriesLeftOut)
	d.Manifest.Counts.Stories = len(d.Stories)
	return nil
}

// storyTravels reports whether every record s names is in the export or
// is a deleted record whose state the naming step recorded.
func storyTravels(s *graph.Story, inNodes, inRels map[string]bool, recs graph.Records) bool {
	for _, st := range s.Steps {
		recorded := map[string]bool{}
		for _, c := range st.Recorded {
			recorded[c.Target+"\x00"+c.ID] = true
		}
		one := &graph.Story{Steps: []*graph.StoryStep{st}}
		ns, rs := one.Referenced()
		for _, id := range ns {
			if inNodes[id] {
				continue
			}
			if recs.Nodes[id] != nil || !recorded[graph.CitedNode+"\x00"+id] {
				return false
			}
		}
		for _, id := range rs {
			if inRels[id] {
				continue
			}
			if recs.Relationships[id] != nil || !recorded[graph.CitedRelationship+"\x00"+id] {
				return false
			}
		}
	}
	return true
}

func uniq(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// storiesJSON is d's stories as a JSON array, one story per line, in the
// shape of a dataset file's stories section.
func (d *Document) storiesJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, s := range d.Stories {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		if err := enc.Encode(s); err != nil {
			return nil, fmt.Errorf("story %s: %w", s.ID, err)
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	buf.WriteByte(']')
	return buf.Bytes(), nil
}
