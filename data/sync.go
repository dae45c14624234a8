package data

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hmkg/hmkg/graph"
)

// StoryStore is the part of a store SyncStories uses.
type StoryStore interface {
	Story(ctx context.Context, id string) (*graph.Story, error)
	UpsertStory(ctx context.Context, s *graph.Story, actor string) (*graph.Story, error)
}

// SyncResult says what SyncStories did with each curated story, by id.
type SyncResult struct {
	// Added were missing from the store.
	Added []string
	// Updated held an earlier shipped text that no editor had changed.
	Updated []string
	// Current already held the shipped text.
	Current []string
	// Kept were changed by an editor and were left as they are.
	Kept []string
	// Failed could not be written (a citation the store does not hold);
	// Problems says why, by id.
	Failed   []string
	Problems map[string]string
}

// Changed reports whether the sync wrote anything.
func (r *SyncResult) Changed() bool { return len(r.Added)+len(r.Updated) > 0 }

// CuratedName is the name of the curated dataset (its "name" field).
func CuratedName() (string, error) {
	var head struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(curated, &head); err != nil {
		return "", fmt.Errorf("parse embedded %s: %w", CuratedFile, err)
	}
	return head.Name, nil
}

// SyncStories brings the curated stories of this binary into a store that
// was seeded earlier, one story at a time through UpsertStory (validated,
// recorded in the audit log as actor's UPSERT_STORY):
//
//   - a curated story the store lacks (by id) is added;
//   - a stored story whose text is the shipped one is left alone;
//   - a stored story written from an earlier shipped text, that no editor
//     has changed since, is updated to the shipped text: its Curated mark
//     is set (editors' updates clear it), or it is a story seeded before
//     the mark existed (version 1, by the curated author);
//   - any other stored story with a curated id (an editor changed it, or
//     wrote their own under that id) is kept as it is.
//
// An update keeps the recorded state of the steps whose content did not
// change (see graph.PrepareStory), so evidence that went stale stays
// stale. A story that cannot be written (it cites a record the store no
// longer holds) is reported in Failed and the others go on; only a store
// error stops the sync.
func SyncStories(ctx context.Context, store StoryStore, actor string) (*SyncResult, error) {
	shipped, err := CuratedStories()
	if err != nil {
		return nil, err
	}
	res := &SyncResult{Problems: map[string]string{}}
	for _, s := range shipped {
		stored, err := store.Story(ctx, s.ID)
		switch {
		case graph.ErrorCode(err) == graph.ENOTFOUND:
			stored = nil
		case err != nil:
			return res, fmt.Errorf("sync curated story %s: %w", s.ID, err)
		}
		var into *[]string
		switch {
		case stored == nil:
			into = &res.Added
		case stored.CuratedMark() == s.Curated:
			res.Current = append(res.Current, s.ID)
			continue
		case stored.Curated != "" || (stored.Version == 1 && stored.Author == s.Author):
			into = &res.Updated
		default:
			res.Kept = append(res.Kept, s.ID)
			continue
		}
		if _, err := store.UpsertStory(ctx, s, actor); err != nil {
			if graph.ErrorCode(err) != graph.EINVALID {
				return res, fmt.Errorf("sync curated story %s: %w", s.ID, err)
			}
			res.Failed = append(res.Failed, s.ID)
			res.Problems[s.ID] = err.Error()
			continue
		}
		*into = append(*into, s.ID)
	}
	return res, nil
}
