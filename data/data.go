// Package data holds the curated health-movements dataset that the hmkg
// binary embeds, so that a server started on an empty data directory has a
// graph to answer from. The JSON file is generated from researched facts by
// scripts/dataset/build.py; see data/README.md for its caveats.
package data

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/hmkg/hmkg/graph"
)

// CuratedFile is the name of the embedded curated dataset file.
const CuratedFile = "health-movements.json"

//go:embed health-movements.json
var curated []byte

// StoriesFile is the name of the embedded curated stories file: one story
// per Nesta tension and one per named movement, each step citing the
// records of CuratedFile it speaks of.
const StoriesFile = "stories.json"

//go:embed stories.json
var curatedStories []byte

// CuratedStories parses the embedded stories, each with its Curated mark
// (see SyncStories); a fresh copy on every call.
func CuratedStories() ([]*graph.Story, error) {
	var f struct {
		Stories []*graph.Story `json:"stories"`
	}
	if err := json.Unmarshal(curatedStories, &f); err != nil {
		return nil, fmt.Errorf("parse embedded %s: %w", StoriesFile, err)
	}
	for _, s := range f.Stories {
		s.Curated = s.CuratedMark()
	}
	return f.Stories, nil
}

// Curated parses the embedded dataset, with the curated stories, and
// returns a fresh copy on every call, so callers may modify it freely.
func Curated() (*graph.Dataset, error) {
	var d graph.Dataset
	if err := json.Unmarshal(curated, &d); err != nil {
		return nil, fmt.Errorf("parse embedded %s: %w", CuratedFile, err)
	}
	stories, err := CuratedStories()
	if err != nil {
		return nil, err
	}
	d.Stories = stories
	return &d, nil
}

// CuratedJSON returns a copy of the raw embedded dataset, for callers that
// feed it to a loader as a file.
func CuratedJSON() []byte {
	return append([]byte(nil), curated...)
}
