package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/resolvers"
)

// listFlag is a repeatable flag that also splits comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, splitList(v)...)
	return nil
}

// runExport writes a subgraph to a file (or stdout) in one of the export
// formats. The file appears only when the export is complete: it is
// written beside the target and renamed at the end.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := env(getenv)
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: hmkg export --format FORMAT (--seed ID... [--depth N] | --all) [-o FILE]

Writes the neighbourhood of the seeds (or the whole graph with --all) in
one of the export formats, e.g. gexf for Gephi, json for networkx, csv (a
zip for neo4j-admin import) or cypher.`)
		fs.PrintDefaults()
	}
	sf := addStoreFlags(fs, e)
	var seeds, types, kinds listFlag
	format := fs.String("format", "", "one of "+formatNames()+" (required)")
	fs.Var(&seeds, "seed", "seed node id; repeat or separate with commas")
	defDepth, _ := resolvers.DefaultInt("Query", "exportSubgraph", "depth") // the API's default
	depth := fs.Int("depth", defDepth, fmt.Sprintf("hops from the seeds, 0 to %d", graph.MaxDepth))
	direction := fs.String("direction", "BOTH", "relationships to follow from the seeds: OUT, IN or BOTH")
	fs.Var(&types, "type", "relationship type to follow and export; repeatable")
	fs.Var(&kinds, "kind", "node kind to reach and export; repeatable")
	asOf := fs.Int("as-of", 0, "the graph as it stood at the end of this year (0: now)")
	all := fs.Bool("all", false, "export the whole graph (instead of --seed)")
	withDisputed := fs.Bool("include-disputed", true, "export DISPUTED and RETRACTED relationships too, marked by their status")
	out := fs.String("o", "-", "output file; - for standard output")
	maxNodes := fs.Int("max-nodes", e.int("HMKG_EXPORT_MAX_NODES", export.CLIMaxNodes), "export cap in nodes (env HMKG_EXPORT_MAX_NODES)")
	log := newLogger(e, stderr)
	if err := e.err(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected argument %q", fs.Arg(0))
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return fmt.Errorf("export: --format: %s", graph.ErrorMessage(err))
	}
	switch {
	case len(seeds) == 0 && !*all:
		return fmt.Errorf("export: give --seed ID (repeatable) or --all for the whole graph")
	case len(seeds) > 0 && *all:
		return fmt.Errorf("export: --seed and --all exclude each other")
	}
	sel := export.Selection{Seeds: seeds, Depth: *depth, Direction: graph.Direction(strings.ToUpper(*direction)), MaxNodes: *maxNodes,
		ExcludeDisputed: !*withDisputed}
	for _, t := range types {
		sel.Types = append(sel.Types, graph.RelType(strings.ToUpper(t)))
	}
	for _, k := range kinds {
		sel.Kinds = append(sel.Kinds, graph.Kind(strings.ToUpper(k)))
	}
	if *asOf != 0 {
		sel.AsOf = asOf
		if err := graph.CheckAsOf(sel.AsOf); err != nil { // the API's asOf rule
			return fmt.Errorf("export: --as-of: %s", graph.ErrorMessage(err))
		}
	}
	if err := sel.Validate(); err != nil {
		return fmt.Errorf("export: %s", graph.ErrorMessage(err))
	}

	store, err := openStore(ctx, sf, log, false)
	if err != nil {
		return err
	}
	defer store.Close()

	tty := isTerminal(stderr)
	if tty {
		fmt.Fprintf(stderr, "selecting %s...\n", selectionSummary(sel))
	}
	start := time.Now()
	doc, err := export.Prepare(ctx, store, f, sel, start)
	if err != nil {
		return err // already says "export: ..."
	}

	var w io.Writer = stdout
	var tmp *os.File
	if *out != "-" {
		tmp, err = os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.tmp")
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer os.Remove(tmp.Name()) // a no-op once renamed
		w = tmp
	}
	counter := &countWriter{w: w}
	w = counter
	if tty {
		bar := progressbar.NewOptions64(-1, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("writing "+strings.ToLower(string(f))),
			progressbar.OptionShowBytes(true), progressbar.OptionClearOnFinish())
		w = io.MultiWriter(counter, bar)
		defer bar.Finish()
	}
	if err := export.Encode(w, f, doc); err != nil {
		if tmp != nil {
			tmp.Close()
		}
		return fmt.Errorf("export: %w", err)
	}
	dest := "standard output"
	if tmp != nil {
		// CreateTemp makes the file private; an export is an ordinary file.
		if err := tmp.Chmod(0o644); err != nil {
			tmp.Close()
			return fmt.Errorf("export: %w", err)
		}
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return fmt.Errorf("export: %w", err)
		}
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.Rename(tmp.Name(), *out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		dest = *out
	}
	c := doc.Manifest.Counts
	stories := ""
	if f.CarriesStories() {
		stories = fmt.Sprintf(", %d stories", c.Stories)
	}
	fmt.Fprintf(stderr, "exported %d nodes, %d relationships, %d sources%s as %s to %s (%d bytes) in %s\n",
		c.Nodes, c.Relationships, c.Sources, stories, f, dest, counter.n, time.Since(start).Round(time.Millisecond))
	return nil
}

func formatNames() string {
	names := make([]string, len(export.Formats))
	for i, f := range export.Formats {
		names[i] = strings.ToLower(string(f))
	}
	return strings.Join(names, ", ")
}

func selectionSummary(sel export.Selection) string {
	if len(sel.Seeds) == 0 {
		return "the whole graph"
	}
	return fmt.Sprintf("%d hop(s) around %s", sel.Depth, strings.Join(sel.Seeds, ", "))
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
