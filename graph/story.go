package graph

import (
	"fmt"
	"strings"
	"time"
)

// A Story is a saved, cited narrative over the graph: ordered steps, each a
// view of the graph with a Markdown caption that cites the nodes and
// relationships it speaks of. Each step records the state (a fingerprint)
// of what it cites when it is written or accepted; a read compares those
// fingerprints with the current records (only the cited ids) and marks the
// step stale with what changed. No trigger is needed, so every store
// answers alike.

// Bounds on a story.
const (
	MaxStorySteps     = 50
	MaxStoryTitle     = 200
	MaxStorySummary   = 2000
	MaxStoryCaption   = 10000
	MaxStoryCitations = 100
	MaxStorySeeds     = 50
	MaxStoryHighlight = 200
	MaxStoryPositions = 2000
)

// Story is a saved narrative. CreatedAt, UpdatedAt and Version are set by
// the store: Version is 1 on creation and grows by one with every update or
// accepted step. Stale is computed at read time (see CheckStory).
type Story struct {
	ID        string       `json:"id"`
	Title     string       `json:"title"`
	Summary   string       `json:"summary,omitempty"`
	Author    string       `json:"author"`
	CreatedAt time.Time    `json:"createdAt"`
	UpdatedAt time.Time    `json:"updatedAt"`
	Version   int          `json:"version"`
	Steps     []*StoryStep `json:"steps"`
	// Curated marks a story written from the curated stories the binary
	// ships (data/stories.json): it is the CuratedMark of the shipped text
	// it was last written from. Only the curation at start-up sets it; an
	// editor's update (upsertStory) clears it, which is how the start-up
	// knows never to overwrite a story an editor has changed. Accepting a
	// step keeps it.
	Curated string `json:"curated,omitempty"`
	// Stale is true when any step is stale. Computed, never stored.
	Stale bool `json:"-"`
}

// StoryStep is one view of the graph with its caption and citations.
type StoryStep struct {
	Title string    `json:"title,omitempty"`
	View  StoryView `json:"view"`
	// Caption is Markdown; clients render the sanitised HTML the API gives.
	Caption string `json:"caption"`
	// CitedNodes and CitedRelationships are the ids of the records the
	// caption speaks of; they must exist when the step is written.
	CitedNodes         []string `json:"citedNodes,omitempty"`
	CitedRelationships []string `json:"citedRelationships,omitempty"`
	// Recorded is the state of each cited record when the step was written
	// or last accepted. Set by the store (or carried by an export).
	Recorded []CitedState `json:"recorded,omitempty"`
	// Index is the step's position, from 0; set when read, never stored.
	Index int `json:"-"`
	// Stale and Changes are computed at read time, never stored.
	Stale   bool          `json:"-"`
	Changes []StoryChange `json:"-"`
}

// StoryView is what the graph shows during a step.
type StoryView struct {
	Seeds []string  `json:"seeds"`
	Depth int       `json:"depth,omitempty"`
	Kinds []Kind    `json:"kinds,omitempty"`
	Types []RelType `json:"types,omitempty"`
	// AsOf shows the graph as it stood at the end of that year.
	AsOf *int `json:"asOf,omitempty"`
	// HighlightNodes and HighlightRelationships are drawn emphasised (a path
	// is its nodes and relationships).
	HighlightNodes         []string `json:"highlightNodes,omitempty"`
	HighlightRelationships []string `json:"highlightRelationships,omitempty"`
	// Positions optionally pins the layout.
	Positions []StoryPosition `json:"positions,omitempty"`
}

// StoryPosition pins a node at x, y in layout units.
type StoryPosition struct {
	NodeID string  `json:"nodeId"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
}

// Targets of a citation.
const (
	CitedNode         = "NODE"
	CitedRelationship = "RELATIONSHIP"
)

// CitedState is the recorded state of one cited record.
type CitedState struct {
	ID string `json:"id"`
	// Target is CitedNode or CitedRelationship.
	Target string `json:"target"`
	// Hash is Fingerprint of the record.
	Hash string `json:"hash"`
	// Disputed is whether the record was disputed (see IsDisputed).
	Disputed bool `json:"disputed,omitempty"`
}

// What changed about a cited record.
const (
	StoryChanged  = "CHANGED"
	StoryDeleted  = "DELETED"
	StoryDisputed = "DISPUTED"
)

// StoryChange is one cited record that is no longer as recorded.
type StoryChange struct {
	ID     string `json:"id"`
	Target string `json:"target"`
	// What is StoryChanged, StoryDeleted or StoryDisputed.
	What string `json:"what"`
	// Was and Now are the recorded and current fingerprints ("" if deleted).
	Was string `json:"was"`
	Now string `json:"now,omitempty"`
}

// StoryQuery asks for a page of stories, sorted by id, after the story
// with id After ("" for the first page).
type StoryQuery struct {
	After string
	Limit int
}

// Normalize checks the page size (0 means DefaultPageSize).
func (q *StoryQuery) Normalize() error {
	if err := CheckLimit("first", q.Limit, MaxPageSize); err != nil {
		return err
	}
	if q.Limit == 0 {
		q.Limit = DefaultPageSize
	}
	if len(q.After) > 200 {
		return Errorf(EINVALID, "after: cursor is %d bytes; the limit is 200", len(q.After))
	}
	return nil
}

// StoryPage is a page of stories.
type StoryPage struct {
	Stories []*Story
	Total   int
	HasMore bool
}

// Audit actions for stories.
const (
	ActionUpsertStory      = "UPSERT_STORY"
	ActionDeleteStory      = "DELETE_STORY"
	ActionAcceptStoryStep  = "ACCEPT_STORY_STEP"
	storyFingerprintPrefix = "v1:"
)

// Validate checks a story on its own: slug id, title, author, bounds, and
// each step's view and citations. It does not look at the store.
func (s *Story) Validate() []string {
	var p []string
	if !ValidSlug(s.ID) {
		p = append(p, fmt.Sprintf("story id %.80q is not a slug (lower-case words joined by hyphens)", s.ID))
	}
	if strings.TrimSpace(s.Title) == "" {
		p = append(p, "title is required")
	} else if len(s.Title) > MaxStoryTitle {
		p = append(p, fmt.Sprintf("title is %d bytes; the limit is %d", len(s.Title), MaxStoryTitle))
	}
	if len(s.Summary) > MaxStorySummary {
		p = append(p, fmt.Sprintf("summary is %d bytes; the limit is %d", len(s.Summary), MaxStorySummary))
	}
	if strings.TrimSpace(s.Author) == "" {
		p = append(p, "author is required")
	} else if len(s.Author) > MaxActor {
		p = append(p, fmt.Sprintf("author is %d bytes; the limit is %d", len(s.Author), MaxActor))
	}
	if len(s.Steps) == 0 {
		p = append(p, "a story needs at least one step")
	}
	if len(s.Steps) > MaxStorySteps {
		p = append(p, fmt.Sprintf("%d steps; the limit is %d", len(s.Steps), MaxStorySteps))
		return p
	}
	for i, st := range s.Steps {
		if st == nil {
			p = append(p, fmt.Sprintf("steps[%d]: empty step", i))
			continue
		}
		for _, q := range st.validate() {
			p = append(p, fmt.Sprintf("steps[%d]: %s", i, q))
		}
	}
	return p
}

func (st *StoryStep) validate() []string {
	var p []string
	if len(st.Title) > MaxStoryTitle {
		p = append(p, fmt.Sprintf("title is %d bytes; the limit is %d", len(st.Title), MaxStoryTitle))
	}
	if strings.TrimSpace(st.Caption) == "" {
		p = append(p, "caption is required")
	} else if len(st.Caption) > MaxStoryCaption {
		p = append(p, fmt.Sprintf("caption is %d bytes; the limit is %d", len(st.Caption), MaxStoryCaption))
	}
	if len(st.CitedNodes)+len(st.CitedRelationships) == 0 {
		p = append(p, "a step must cite at least one node or relationship")
	}
	if n := len(st.CitedNodes) + len(st.CitedRelationships); n > MaxStoryCitations {
		p = append(p, fmt.Sprintf("%d citations; the limit is %d", n, MaxStoryCitations))
	}
	for _, id := range st.CitedNodes {
		if !ValidSlug(id) {
			p = append(p, fmt.Sprintf("cited node %.80q is not a node id", id))
		}
	}
	for _, id := range st.CitedRelationships {
		if !ValidRelationshipID(id) {
			p = append(p, fmt.Sprintf("cited relationship %.80q is not a relationship id", id))
		}
	}
	if dupe := firstDuplicate(st.CitedNodes); dupe != "" {
		p = append(p, fmt.Sprintf("node %q is cited twice", dupe))
	}
	if dupe := firstDuplicate(st.CitedRelationships); dupe != "" {
		p = append(p, fmt.Sprintf("relationship %q is cited twice", dupe))
	}
	v := &st.View
	if len(v.Seeds) == 0 {
		p = append(p, "view: at least one seed is required")
	}
	if len(v.Seeds) > MaxStorySeeds {
		p = append(p, fmt.Sprintf("view: %d seeds; the limit is %d", len(v.Seeds), MaxStorySeeds))
	}
	for _, id := range v.Seeds {
		if !ValidSlug(id) {
			p = append(p, fmt.Sprintf("view: seed %.80q is not a node id", id))
		}
	}
	if v.Depth < 0 || v.Depth > MaxDepth {
		p = append(p, fmt.Sprintf("view: depth must be between 0 and %d, got %d", MaxDepth, v.Depth))
	}
	if err := CheckKinds(v.Kinds); err != nil {
		p = append(p, "view: "+err.Error())
	}
	if err := CheckTypes(v.Types); err != nil {
		p = append(p, "view: "+err.Error())
	}
	if err := CheckAsOf(v.AsOf); err != nil {
		p = append(p, "view: "+err.Error())
	}
	if len(v.HighlightNodes)+len(v.HighlightRelationships) > MaxStoryHighlight {
		p = append(p, fmt.Sprintf("view: more than %d highlighted records", MaxStoryHighlight))
	}
	if len(v.Positions) > MaxStoryPositions {
		p = append(p, fmt.Sprintf("view: %d positions; the limit is %d", len(v.Positions), MaxStoryPositions))
	}
	return p
}

func firstDuplicate(ids []string) string {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return id
		}
		seen[id] = true
	}
	return ""
}

// referenced lists the node and relationship ids a story's steps must find:
// citations, seeds and highlights.
func (s *Story) referenced() (nodes, rels []string) {
	seen := map[string]bool{}
	add := func(out *[]string, prefix string, ids []string) {
		for _, id := range ids {
			if !seen[prefix+id] {
				seen[prefix+id] = true
				*out = append(*out, id)
			}
		}
	}
	for _, st := range s.Steps {
		if st == nil {
			continue
		}
		add(&nodes, "n:", st.CitedNodes)
		add(&nodes, "n:", st.View.Seeds)
		add(&nodes, "n:", st.View.HighlightNodes)
		add(&rels, "r:", st.CitedRelationships)
		add(&rels, "r:", st.View.HighlightRelationships)
	}
	return nodes, rels
}

// Referenced returns every node id and relationship id that s's steps name
// (citations, seeds, highlights), each once.
func (s *Story) Referenced() (nodes, rels []string) { return s.referenced() }

// CuratedMark is a fingerprint of what an author writes of s: id, title,
// summary, author and each step's view, caption and citations; not the
// version, timestamps, recorded state or the mark itself.
func (s *Story) CuratedMark() string {
	steps := make([]string, len(s.Steps))
	for i, st := range s.Steps {
		if st != nil {
			steps[i] = st.content()
		}
	}
	return "c1:" + hashJSON(struct {
		ID, Title, Summary, Author string
		Steps                      []string
	}{s.ID, s.Title, s.Summary, s.Author, steps})
}
