package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/loader"
)

func runLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := env(getenv)
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hmkg load [flags] FILE...\n\nValidates every file, reports every problem, and imports all of them in one atomic step.\nAlso reads maps from Kumu (JSON, XLSX), Onodo and Polinode (XLSX), Gephi (nodes.csv + edges.csv)\nand Cytoscape (JSON): give --source-id, --source-title and --source-url, and --mapping for their types.")
		fs.PrintDefaults()
	}
	sf := addStoreFlags(fs, e)
	actor := fs.String("actor", e.str("USER", "loader"), "name recorded in the audit log")
	mf := addMapFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("load: no files given")
	}
	ml, err := mf.prepare(fs.Args())
	if err != nil {
		if ps := graph.ErrorProblems(err); len(ps) > 0 {
			fmt.Fprintf(stderr, "%d problem(s); nothing was imported:\n  %s\n", len(ps), strings.Join(ps, "\n  "))
			return fmt.Errorf("load failed")
		}
		return err
	}
	log := newLogger(e, stderr)
	sf.progress = stderr
	store, err := openStore(ctx, sf, log, false)
	if err != nil {
		return err
	}
	defer store.Close()
	if ml != nil {
		d, err := ml.run(ctx, store, *actor)
		if err != nil {
			if ps := graph.ErrorProblems(err); len(ps) > 0 {
				fmt.Fprintf(stderr, "%d problem(s); nothing was imported:\n  %s\n", len(ps), strings.Join(ps, "\n  "))
				return fmt.Errorf("load failed")
			}
			return err
		}
		reportMapLoad(stdout, ml, d)
		return nil
	}
	d, err := loader.Load(ctx, store, fs.Args(), loader.Options{Progress: stderr, Actor: *actor})
	if err != nil {
		if ps := graph.ErrorProblems(err); len(ps) > 0 {
			fmt.Fprintf(stderr, "%d problem(s); nothing was imported:\n  %s\n", len(ps), strings.Join(ps, "\n  "))
			return fmt.Errorf("load failed")
		}
		return err
	}
	fmt.Fprintf(stdout, "imported %d sources, %d nodes, %d relationships from %s\n",
		len(d.Sources), len(d.Nodes), len(d.Relationships), strings.Join(fs.Args(), ", "))
	return nil
}
