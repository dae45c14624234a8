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

// runLoad parses the flags of `hmkg load` and hands the files to package
// loader, which decides what they are and imports them.
func runLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := env(getenv)
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hmkg load [flags] FILE...\n\nValidates every file, reports every problem, and imports all of them in one atomic step.\nThe store keeps its dataset name unless --dataset-name is given.\nAlso reads maps from Kumu (JSON, XLSX), Onodo and Polinode (XLSX), Gephi (nodes.csv + edges.csv)\nand Cytoscape (JSON): give --source-id, --source-title and --source-url, and --mapping for their types.")
		fs.PrintDefaults()
	}
	sf := addStoreFlags(fs, e)
	actor := fs.String("actor", e.str("USER", "loader"), "name recorded in the audit log")
	name := fs.String("dataset-name", "", "rename the store's dataset (default: keep its name; an unnamed store takes the file's declared name)")
	mo := addMapFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("load: no files given")
	}
	opts := loader.Options{Progress: stderr, Actor: *actor, DatasetName: *name, Map: *mo}
	plan, err := loader.Prepare(fs.Args(), opts)
	if err != nil {
		return loadFailed(stderr, err)
	}
	log := newLogger(e, stderr)
	sf.progress = stderr
	store, err := openStore(ctx, sf, log, false)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := plan.Run(ctx, store)
	if err != nil {
		return loadFailed(stderr, err)
	}
	fmt.Fprintln(stdout, res)
	return nil
}

// loadFailed prints a validation error's problems, one a line; other
// errors (a store that is down, say) are returned as they are.
func loadFailed(stderr io.Writer, err error) error {
	ps := graph.ErrorProblems(err)
	if len(ps) == 0 {
		return err
	}
	n := len(ps)
	var more int
	if _, err := fmt.Sscanf(ps[n-1], loader.MoreProblems, &more); err == nil {
		n += more - 1 // the last line counts the problems not listed
	}
	fmt.Fprintf(stderr, "%d problem(s); nothing was imported:\n  %s\n", n, strings.Join(ps, "\n  "))
	return fmt.Errorf("load failed")
}
