// Package loader reads dataset files, validates them as one unit and
// imports them into a store atomically: either every record of every file
// is written, or nothing is.
package loader

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/hmkg/hmkg/graph"
)

// Importer is the part of a store the loader needs.
type Importer interface {
	Import(ctx context.Context, d *graph.Dataset, actor string) error
}

// Options tune a load.
type Options struct {
	// Progress receives a progress bar while files are read, when it is a
	// terminal. Nil means no progress output.
	Progress io.Writer
	// Actor is recorded in the audit log; defaults to "loader".
	Actor string
}

// origin says where a record of the merged dataset came from.
type origin struct {
	file  string
	index int
}

// Load reads the files, merges them into one dataset and imports it. Every
// problem in every file is reported at once, each naming its file and
// record; on any problem nothing is written.
func Load(ctx context.Context, store Importer, files []string, opts Options) (*graph.Dataset, error) {
	if len(files) == 0 {
		return nil, graph.Errorf(graph.EINVALID, "no dataset files given")
	}
	merged := &graph.Dataset{}
	origins := map[string][]origin{}
	var problems []string
	for _, f := range files {
		d, err := ReadFile(f, opts.Progress)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if merged.Name == "" {
			merged.Name, merged.Version, merged.Description = d.Name, d.Version, d.Description
		}
		for i := range d.Sources {
			origins["sources"] = append(origins["sources"], origin{f, i})
		}
		for i := range d.Nodes {
			origins["nodes"] = append(origins["nodes"], origin{f, i})
		}
		for i := range d.Relationships {
			origins["relationships"] = append(origins["relationships"], origin{f, i})
		}
		merged.Sources = append(merged.Sources, d.Sources...)
		merged.Nodes = append(merged.Nodes, d.Nodes...)
		merged.Relationships = append(merged.Relationships, d.Relationships...)
	}
	if len(problems) > 0 {
		return nil, &graph.Error{Code: graph.EINVALID, Message: strings.Join(problems, "; "), Problems: problems}
	}
	if len(files) > 1 {
		merged.Locate = func(section string, i int) string {
			o := origins[section][i]
			return fmt.Sprintf("%s: %s[%d]", filepath.Base(o.file), section, o.index)
		}
	} else {
		name := filepath.Base(files[0])
		merged.Locate = func(section string, i int) string { return fmt.Sprintf("%s: %s[%d]", name, section, i) }
	}
	actor := opts.Actor
	if actor == "" {
		actor = "loader"
	}
	spin := spinner(opts.Progress, fmt.Sprintf("importing %d nodes, %d relationships", len(merged.Nodes), len(merged.Relationships)))
	err := store.Import(ctx, merged, actor)
	if spin != nil {
		_ = spin.Finish()
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", strings.Join(files, ", "), err)
	}
	return merged, nil
}

// ReadFile parses one dataset file. Syntax errors name the file and the
// line and column where parsing stopped. progress, when a terminal, shows
// a byte counter for large files.
func ReadFile(path string, progress io.Writer) (*graph.Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	var r io.Reader = f
	if info, err := f.Stat(); err == nil && isTerminal(progress) && info.Size() > 4<<20 {
		bar := progressbar.NewOptions64(info.Size(),
			progressbar.OptionSetWriter(progress),
			progressbar.OptionSetDescription("reading "+filepath.Base(path)),
			progressbar.OptionShowBytes(true),
			progressbar.OptionClearOnFinish(),
		)
		defer bar.Finish()
		r = io.TeeReader(f, bar)
	}
	d, err := Decode(r)
	if err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syn) || errors.As(err, &typ) {
			line, col := position(path, offsetOf(syn, typ))
			return nil, fmt.Errorf("%s:%d:%d: %w", path, line, col, err)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Decode parses a dataset document, rejecting unknown fields so that a
// misspelt property is reported rather than silently dropped.
func Decode(r io.Reader) (*graph.Dataset, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d graph.Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the dataset object")
	}
	return &d, nil
}

func offsetOf(syn *json.SyntaxError, typ *json.UnmarshalTypeError) int64 {
	if syn != nil {
		return syn.Offset
	}
	if typ != nil {
		return typ.Offset
	}
	return 0
}

// position turns a byte offset of a file into a 1-based line and column.
func position(path string, off int64) (int, int) {
	b, err := os.ReadFile(path)
	if err != nil || off > int64(len(b)) {
		return 0, 0
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
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
