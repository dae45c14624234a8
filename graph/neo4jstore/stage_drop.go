package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Removing stages (stage.go): an import's own stage when it fails, and
// stages an earlier version of the store left behind.

// dropBatch is the number of staged nodes a transaction of dropStage
// deletes (with their relationships).
const dropBatch = 2000

// dropStage deletes an import's stage, a batch of ids a transaction. A
// batch that fails (a transient error, Neo4j's transaction memory pool
// full) is run again, a few times; batches already done find nothing.
func (s *Store) dropStage(ctx context.Context, ids []any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	for start := 0; start < len(ids); start += dropBatch {
		batch := ids[start:min(start+dropBatch, len(ids))]
		var err error
		for attempt := range 5 {
			if attempt > 0 {
				s.log.Warn("removing an import's stage failed; retrying", "attempt", attempt, "err", err)
				select {
				case <-ctx.Done():
					return fmt.Errorf("drop stage: %w", err)
				case <-time.After(time.Duration(attempt) * 2 * time.Second):
				}
			}
			if _, err = write(ctx, s, func(tx *txn) (struct{}, error) {
				_, err := tx.collect(ctx, cypherDropStage, map[string]any{"ids": batch})
				return struct{}{}, err
			}); err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("drop stage: %w", err)
		}
	}
	return nil
}

// dropOldStages deletes the stages of imports that an earlier version of
// the store left behind (interrupted before it could remove them): their
// nodes carry HmkgStaged without Node, which reads would now count.
func (s *Store) dropOldStages(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	s.queries.Add(1)
	res, err := sess.Run(ctx, cypherDropOldStages, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return fmt.Errorf("drop stages left by an earlier version: %w", s.translate(ctx, "neo4jstore.Migrate", err))
	}
	return nil
}
