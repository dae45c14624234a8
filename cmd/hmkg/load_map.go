package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/loader/mapimport"
)

// mapFlags are the flags of `hmkg load` for maps made in other tools.
type mapFlags struct {
	format, mapping                  string
	sourceID, sourceTitle, sourceURL string
}

func addMapFlags(fs *flag.FlagSet) *mapFlags {
	m := &mapFlags{}
	fs.StringVar(&m.format, "format", "", "map format: kumu, kumu-xlsx, onodo, polinode, gephi-csv or cytoscape (default: detected from the file; hmkg dataset JSON otherwise)")
	fs.StringVar(&m.mapping, "mapping", "", "JSON file mapping the map's types to hmkg kinds and relationship types (see README)")
	fs.StringVar(&m.sourceID, "source-id", "", "id of the source every fact of the map cites (required for maps; the source is created)")
	fs.StringVar(&m.sourceTitle, "source-title", "", "title of that source (required for maps)")
	fs.StringVar(&m.sourceURL, "source-url", "", "URL of that source (required for maps)")
	return m
}

// mapLoad is a load of a map: its files, format and options.
type mapLoad struct {
	files []mapimport.File
	opts  mapimport.Options
}

// prepare reads the files and decides whether they are a map (a --format
// was given or one was detected). It returns nil for hmkg dataset files.
// A map without the source flags, or with a bad mapping file, is an error
// listing every problem.
func (m *mapFlags) prepare(paths []string) (*mapLoad, error) {
	var files []mapimport.File
	asked := m.format != "" || m.mapping != "" || m.sourceID != ""
	for _, p := range paths {
		ext := strings.ToLower(filepath.Ext(p))
		if !asked && ext == ".json" {
			// Only sniff JSON files; a dataset is the usual case.
		} else if !asked && ext != ".xlsx" && ext != ".csv" && ext != ".zip" && ext != ".cyjs" {
			return nil, nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		files = append(files, mapimport.File{Name: p, Data: b})
	}
	var f mapimport.Format
	if m.format != "" {
		var err error
		if f, err = mapimport.ParseFormat(m.format); err != nil {
			return nil, err
		}
	} else if f = mapimport.Detect(files); f == "" {
		if asked {
			return nil, graph.Errorf(graph.EINVALID, "%s: cannot tell the map format: name it with --format", paths[0])
		}
		return nil, nil
	}
	var problems []string
	for _, fl := range []struct{ name, v string }{{"--source-id", m.sourceID}, {"--source-title", m.sourceTitle}, {"--source-url", m.sourceURL}} {
		if strings.TrimSpace(fl.v) == "" {
			problems = append(problems, fl.name+" is required when loading a map: name the source its facts come from")
		}
	}
	ml := &mapLoad{files: files, opts: mapimport.Options{Format: f,
		Citation: graph.Source{ID: m.sourceID, Title: m.sourceTitle, URL: m.sourceURL}}}
	if m.mapping != "" {
		fh, err := os.Open(m.mapping)
		if err != nil {
			return nil, fmt.Errorf("mapping: %w", err)
		}
		defer fh.Close()
		mp, err := mapimport.ReadMapping(fh, m.mapping)
		if err != nil {
			problems = append(problems, graph.ErrorProblems(err)...)
		}
		ml.opts.Mapping = mp
	}
	if len(problems) > 0 {
		return nil, &graph.Error{Code: graph.EINVALID, Message: strings.Join(problems, "; "), Problems: problems}
	}
	return ml, nil
}

// storeLookup answers the importer's questions about records the map
// refers to but does not hold.
type storeLookup struct {
	ctx   context.Context
	store graph.Store
}

func (l storeLookup) HasSource(id string) bool {
	ss, err := l.store.SourcesByID(l.ctx, []string{id})
	return err == nil && len(ss) > 0 && ss[0] != nil
}

func (l storeLookup) NodeKind(id string) graph.Kind {
	n, err := l.store.Node(l.ctx, id)
	if err != nil || n == nil {
		return ""
	}
	return n.Kind
}

// run converts the map and imports it atomically; the store keeps its
// dataset name and version.
func (ml *mapLoad) run(ctx context.Context, store graph.Store, actor string) (*graph.Dataset, error) {
	ml.opts.Lookup = storeLookup{ctx, store}
	d, err := mapimport.Convert(ml.files, ml.opts)
	if err != nil {
		return nil, err
	}
	if st, err := store.Stats(ctx); err == nil && st.DatasetName != "" {
		d.Name, d.Version = st.DatasetName, st.DatasetVersion
	} else {
		d.Name = filepath.Base(ml.files[0].Name)
	}
	if err := store.Import(ctx, d, actor); err != nil {
		return nil, fmt.Errorf("import %s: %w", ml.files[0].Name, err)
	}
	return d, nil
}

// reportMapLoad prints the outcome of a map load like a dataset load.
func reportMapLoad(stdout io.Writer, ml *mapLoad, d *graph.Dataset) {
	names := make([]string, len(ml.files))
	for i, f := range ml.files {
		names[i] = f.Name
	}
	fmt.Fprintf(stdout, "imported %d sources, %d nodes, %d relationships from %s (%s map, citing %s)\n",
		len(d.Sources), len(d.Nodes), len(d.Relationships), strings.Join(names, ", "), ml.opts.Format, ml.opts.Citation.ID)
}
