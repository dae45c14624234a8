// Package loader reads dataset files and maps made in other tools,
// validates them as one unit and imports them into a store atomically:
// either every record of every file is written, or nothing is.
//
// Dataset files are read as a stream, one record at a time, so a file is
// never held in memory as bytes; every problem of every file is reported at
// once, each with its file, line and column. Loading keeps the store's
// dataset name unless asked to change it.
package loader

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/loader/mapimport"
)

// Store is the part of a store a load needs: the import itself, the
// dataset name it holds, and lookups of records a map refers to.
type Store interface {
	Import(ctx context.Context, d *graph.Dataset, actor string) error
	Stats(ctx context.Context) (*graph.Stats, error)
	SourcesByID(ctx context.Context, ids []string) ([]*graph.Source, error)
	Node(ctx context.Context, id string) (*graph.Node, error)
}

// Options tune a load.
type Options struct {
	// Progress receives a progress bar while files are read, when it is a
	// terminal. Nil means no progress output.
	Progress io.Writer
	// Actor is recorded in the audit log; defaults to "loader".
	Actor string
	// DatasetName, when set, renames the store's dataset. Otherwise the
	// store keeps its name and version; a store without a dataset name
	// takes the first file's declared name (or the file's base name).
	DatasetName string
	// Map says how to read maps made in other tools.
	Map MapOptions
}

// Result is what a load imported.
type Result struct {
	Files []string
	// Format is the map format read, or "" for hmkg dataset files.
	Format mapimport.Format
	// Citation is the source a map's facts cite ("" for datasets).
	Citation                      string
	Sources, Nodes, Relationships int
	// Stories is the number of stories the files carried.
	Stories int
	// DatasetName and DatasetVersion are the store's after the load.
	DatasetName, DatasetVersion string
}

// String is the one-line summary `hmkg load` prints.
func (r *Result) String() string {
	s := fmt.Sprintf("imported %d sources, %d nodes, %d relationships from %s",
		r.Sources, r.Nodes, r.Relationships, strings.Join(r.Files, ", "))
	if r.Stories > 0 {
		s = strings.Replace(s, " relationships from ", fmt.Sprintf(" relationships, %d stories from ", r.Stories), 1)
	}
	if r.Format != "" {
		s += fmt.Sprintf(" (%s map, citing %s)", r.Format, r.Citation)
	}
	return s + fmt.Sprintf(" into dataset %q", r.DatasetName)
}

// Plan is a load whose files have been looked at: dataset files, or a map
// read and checked, ready to run against a store.
type Plan struct {
	files []string
	opts  Options
	m     *mapPlan // nil for dataset files
}

// Prepare decides what the files are: a map (a format was named, map
// options were given, or one was detected) or hmkg dataset files. A map is
// read and its options checked here, before any store is opened; a
// problem is an EINVALID *graph.Error listing every problem. Dataset files
// are only sniffed, never read whole.
func Prepare(files []string, opts Options) (*Plan, error) {
	if len(files) == 0 {
		return nil, graph.Errorf(graph.EINVALID, "no files given")
	}
	if n := strings.TrimSpace(opts.DatasetName); n != opts.DatasetName || len(n) > 200 {
		return nil, graph.Errorf(graph.EINVALID, "dataset name %.60q: no leading or trailing spaces, at most 200 characters", opts.DatasetName)
	}
	m, err := prepareMap(files, opts.Map)
	if err != nil {
		return nil, err
	}
	return &Plan{files: files, opts: opts, m: m}, nil
}

// Format is the map format the files were found to be, or "" for hmkg
// dataset files.
func (p *Plan) Format() mapimport.Format {
	if p.m == nil {
		return ""
	}
	return p.m.opts.Format
}

// Run imports the planned files into store.
func (p *Plan) Run(ctx context.Context, store Store) (*Result, error) {
	if p.opts.Actor == "" {
		p.opts.Actor = "loader"
	}
	if p.m != nil {
		return p.runMap(ctx, store)
	}
	return p.runDataset(ctx, store)
}

// Load prepares and runs a load of files.
func Load(ctx context.Context, store Store, files []string, opts Options) (*Result, error) {
	p, err := Prepare(files, opts)
	if err != nil {
		return nil, err
	}
	return p.Run(ctx, store)
}

// runDataset reads every file, stops with every schema and syntax problem
// if there are any, and otherwise imports the merged dataset, whose
// validation problems point at the records' lines in the files.
func (p *Plan) runDataset(ctx context.Context, store Store) (*Result, error) {
	var errs problems
	read := make([]*file, 0, len(p.files))
	for _, path := range p.files {
		f := &file{path: path}
		if err := readFile(ctx, path, f, &errs, p.opts.Progress); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("read %s: %w", path, err)
			}
			errs.add(err.Error())
		}
		read = append(read, f)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	d := merge(read)
	first := read[0]
	base := strings.TrimSuffix(filepath.Base(first.path), filepath.Ext(first.path))
	if err := p.name(ctx, store, d, first.name, first.version, base); err != nil {
		return nil, err
	}
	d.Description = first.description
	if err := p.importDataset(ctx, store, d); err != nil {
		return nil, fmt.Errorf("import %s: %w", strings.Join(p.files, ", "), err)
	}
	return &Result{Files: p.files, Sources: len(d.Sources), Nodes: len(d.Nodes), Relationships: len(d.Relationships), Stories: len(d.Stories),
		DatasetName: d.Name, DatasetVersion: d.Version}, nil
}

// readFile reads one dataset file into f, adding its problems to errs. It
// returns an error when the file cannot be opened or ctx ends.
func readFile(ctx context.Context, path string, f *file, errs *problems, progress io.Writer) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer fh.Close()
	var r io.Reader = fh
	if info, err := fh.Stat(); err == nil && isTerminal(progress) && info.Size() > 4<<20 {
		bar := progressbar.NewOptions64(info.Size(),
			progressbar.OptionSetWriter(progress),
			progressbar.OptionSetDescription("reading "+filepath.Base(path)),
			progressbar.OptionShowBytes(true),
			progressbar.OptionClearOnFinish(),
		)
		defer bar.Finish()
		r = io.TeeReader(fh, bar)
	}
	return readDataset(ctx, r, f, errs)
}

// merge joins the files' records into one dataset whose Locate names each
// record's file, line, column and index in its file.
func merge(files []*file) *graph.Dataset {
	d := &graph.Dataset{}
	type index struct {
		starts []int // starts[k]: the merged index of file k's first record
		at     []at
	}
	idx := map[string]*index{"sources": {}, "nodes": {}, "relationships": {}, "disputes": {}, "stories": {}}
	for _, f := range files {
		idx["sources"].starts = append(idx["sources"].starts, len(d.Sources))
		idx["nodes"].starts = append(idx["nodes"].starts, len(d.Nodes))
		idx["relationships"].starts = append(idx["relationships"].starts, len(d.Relationships))
		d.Sources = append(d.Sources, f.sources...)
		d.Nodes = append(d.Nodes, f.nodes...)
		idx["disputes"].starts = append(idx["disputes"].starts, len(d.Disputes))
		d.Relationships = append(d.Relationships, f.relationships...)
		d.Disputes = append(d.Disputes, f.disputes...)
		idx["disputes"].at = append(idx["disputes"].at, f.disputesAt...)
		idx["sources"].at = append(idx["sources"].at, f.sourcesAt...)
		idx["nodes"].at = append(idx["nodes"].at, f.nodesAt...)
		idx["relationships"].at = append(idx["relationships"].at, f.relsAt...)
		idx["stories"].starts = append(idx["stories"].starts, len(d.Stories))
		d.Stories = append(d.Stories, f.stories...)
		idx["stories"].at = append(idx["stories"].at, f.storiesAt...)
		f.stories, f.storiesAt = nil, nil
		f.sources, f.nodes, f.relationships, f.sourcesAt, f.nodesAt, f.relsAt = nil, nil, nil, nil, nil, nil
		f.disputes, f.disputesAt = nil, nil
	}
	d.Locate = func(section string, i int) string {
		x := idx[section]
		if x == nil || i < 0 || i >= len(x.at) {
			return fmt.Sprintf("%s[%d]", section, i)
		}
		k := sort.Search(len(x.starts), func(k int) bool { return x.starts[k] > i }) - 1
		return fmt.Sprintf("%s:%d:%d: %s[%d]", files[k].path, x.at[i].line, x.at[i].col, section, i-x.starts[k])
	}
	return d
}

// name sets d's name and version by the rule in Options.DatasetName.
// Reading the store's name is the load's first store call, so a store that
// is down fails the load here, with its own error.
func (p *Plan) name(ctx context.Context, store Store, d *graph.Dataset, declared, version, fallback string) error {
	st, err := store.Stats(ctx)
	if err != nil {
		return fmt.Errorf("read the store's dataset name: %w", err)
	}
	switch {
	case p.opts.DatasetName != "":
		d.Name, d.Version = p.opts.DatasetName, version
		if d.Version == "" {
			d.Version = st.DatasetVersion
		}
	case st.DatasetName != "":
		d.Name, d.Version = st.DatasetName, st.DatasetVersion
	case declared != "":
		d.Name, d.Version = declared, version
	default:
		d.Name, d.Version = fallback, version
	}
	return nil
}

// importDataset imports d with a spinner on a terminal.
func (p *Plan) importDataset(ctx context.Context, store Store, d *graph.Dataset) error {
	spin := spinner(p.opts.Progress, fmt.Sprintf("importing %d nodes, %d relationships", len(d.Nodes), len(d.Relationships)))
	err := store.Import(ctx, d, p.opts.Actor)
	if spin != nil {
		_ = spin.Finish()
	}
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func spinner(w io.Writer, desc string) *progressbar.ProgressBar {
	if !isTerminal(w) {
		return nil
	}
	return progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
		progressbar.OptionSpinnerType(14), progressbar.OptionSetSpinnerChangeInterval(100*time.Millisecond), progressbar.OptionClearOnFinish())
}
