package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hmkg/hmkg/bench/synth"
)

func runGen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nodes := fs.Int("nodes", 10000, "number of nodes")
	degree := fs.Int("avg-degree", 6, "mean number of relationships per node")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same graph")
	out := fs.String("o", "-", "output file, - for stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *nodes < 1 || *nodes > 50_000_000 || *degree < 0 || *degree > 1000 {
		return fmt.Errorf("gen: --nodes must be 1..50000000 and --avg-degree 0..1000")
	}
	d := synth.Generate(*nodes, *degree, *seed)
	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := json.NewEncoder(bw).Encode(d); err != nil {
		return fmt.Errorf("gen: write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("gen: write: %w", err)
	}
	if *out != "-" {
		fmt.Fprintf(stderr, "wrote %d nodes, %d relationships to %s\n", len(d.Nodes), len(d.Relationships), *out)
	}
	return nil
}
