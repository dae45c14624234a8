package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// replanMin is the number of imported nodes and relationships from which
// an import asks Neo4j to plan again (replanAfterImport).
const replanMin = 1000

// replanAfterImport makes Neo4j plan the store's statements with the
// statistics of the data just imported. Neo4j caches one plan per
// statement text and replans only when its statistics have drifted far
// enough and a minimum interval has passed, and index statistics are
// resampled in the background: a statement first planned on an empty or
// small database keeps its plan for a while after a large import. For the
// one-statement neighbourhood that plan scans every node and every
// relationship (act-up's 2-hop neighbourhood: 140,000-350,000 db hits and
// about 10x the time, against 5,172 with a fresh plan), which is what a
// load benchmark right after seeding measured. db.prepareForReplanning
// resamples the outdated indexes, waits for that, then clears the query
// caches. It needs an admin user; without one Neo4j's own replanning
// takes over, and the store says so once in its log.
func (s *Store) replanAfterImport(ctx context.Context, records int) {
	if records < replanMin {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	t0 := time.Now()
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "CALL db.prepareForReplanning($seconds)",
		map[string]any{"seconds": int64(55)}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db))
	var ne *neo4j.Neo4jError
	switch {
	case err == nil:
		s.log.Debug("neo4j: statistics resampled and plans cleared after an import",
			slog.Int("records", records), slog.Duration("took", time.Since(t0)))
	case errors.As(err, &ne) && ne.Code == "Neo.ClientError.Security.Forbidden":
		s.replanDenied.Do(func() {
			s.log.Info("neo4j: this user may not call db.prepareForReplanning; queries keep their plans until Neo4j replans them",
				slog.String("error", ne.Msg))
		})
	default:
		s.log.Warn("neo4j: replanning after an import failed", slog.Any("error", fmt.Errorf("prepare for replanning: %w", err)))
	}
}
