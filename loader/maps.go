package loader

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/loader/mapimport"
)

// MapOptions say how to read a map made in another tool.
type MapOptions struct {
	// Format is a mapimport format name; empty means detect it.
	Format string
	// MappingFile is a JSON file mapping the map's types to hmkg's.
	MappingFile string
	// SourceID, SourceTitle and SourceURL name the source every fact of
	// the map cites; required for maps.
	SourceID, SourceTitle, SourceURL string
}

// asked reports whether the options say the files are a map.
func (o MapOptions) asked() bool {
	return o.Format != "" || o.MappingFile != "" || o.SourceID != ""
}

// mapPlan is a map read and checked.
type mapPlan struct {
	files []mapimport.File
	opts  mapimport.Options
}

// prepareMap decides whether the files are a map: a format or map options
// were given, or the first file is a workbook, a CSV or zip, a .cyjs, or a
// JSON document whose top-level keys are a map's. It returns nil for hmkg
// dataset files, having read no more of them than their first keys.
func prepareMap(paths []string, o MapOptions) (*mapPlan, error) {
	if !o.asked() {
		switch strings.ToLower(filepath.Ext(paths[0])) {
		case ".xlsx", ".csv", ".zip", ".cyjs":
		case ".json":
			if !sniffMapJSON(paths[0]) {
				return nil, nil
			}
		default:
			return nil, nil
		}
	}
	files := make([]mapimport.File, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, graph.Errorf(graph.EINVALID, "read %s: %v", p, err)
		}
		files = append(files, mapimport.File{Name: p, Data: b})
	}
	var f mapimport.Format
	if o.Format != "" {
		var err error
		if f, err = mapimport.ParseFormat(o.Format); err != nil {
			return nil, err
		}
	} else if f = mapimport.Detect(files); f == "" {
		if o.asked() {
			return nil, graph.Errorf(graph.EINVALID, "%s: cannot tell the map format: name it with --format", paths[0])
		}
		return nil, nil
	}
	var problems []string
	for _, fl := range []struct{ name, v string }{{"--source-id", o.SourceID}, {"--source-title", o.SourceTitle}, {"--source-url", o.SourceURL}} {
		if strings.TrimSpace(fl.v) == "" {
			problems = append(problems, fl.name+" is required when loading a map: name the source its facts come from")
		}
	}
	m := &mapPlan{files: files, opts: mapimport.Options{Format: f,
		Citation: graph.Source{ID: o.SourceID, Title: o.SourceTitle, URL: o.SourceURL}}}
	if o.MappingFile != "" {
		fh, err := os.Open(o.MappingFile)
		if err != nil {
			return nil, graph.Errorf(graph.EINVALID, "mapping: %v", err)
		}
		defer fh.Close()
		mp, err := mapimport.ReadMapping(fh, o.MappingFile)
		if err != nil {
			problems = append(problems, graph.ErrorProblems(err)...)
			if len(graph.ErrorProblems(err)) == 0 {
				problems = append(problems, err.Error())
			}
		}
		m.opts.Mapping = mp
	}
	if len(problems) > 0 {
		return nil, &graph.Error{Code: graph.EINVALID, Message: strings.Join(problems, "; "), Problems: problems}
	}
	return m, nil
}

// mapKeys are top-level keys that only a map (Kumu blueprint, Cytoscape
// JSON) has; datasetKeys only an hmkg dataset.
var (
	mapKeys     = map[string]bool{"elements": true, "connections": true}
	datasetKeys = map[string]bool{"sources": true, "nodes": true, "relationships": true}
)

// sniffMapJSON reads the top-level keys of a JSON file, token by token,
// until one tells a map from a dataset. A file that is not a JSON object
// is not a map: the dataset reader reports what is wrong with it.
func sniffMapJSON(path string) bool {
	fh, err := os.Open(path)
	if err != nil {
		return false // the dataset reader reports it with the other files' problems
	}
	defer fh.Close()
	dec := json.NewDecoder(fh)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := t.(string)
		switch {
		case mapKeys[key]:
			return true
		case datasetKeys[key]:
			return false
		}
		if err := skipValue(dec); err != nil {
			return false
		}
	}
	return false
}

// skipValue reads past one value token by token.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// runMap converts the map, with lookups into the store for the records it
// refers to, and imports it. A store error during a lookup is the load's
// error, not a validation problem: a store that is down must not make a
// map read as full of unknown references.
func (p *Plan) runMap(ctx context.Context, store Store) (*Result, error) {
	m := p.m
	look := &storeLookup{ctx: ctx, store: store}
	m.opts.Lookup = look
	d, err := mapimport.Convert(m.files, m.opts)
	if look.err != nil {
		return nil, fmt.Errorf("load %s: look up records in the store: %w", m.files[0].Name, look.err)
	}
	if err != nil {
		return nil, err
	}
	if err := p.name(ctx, store, d, "", "", filepath.Base(m.files[0].Name)); err != nil {
		return nil, err
	}
	if err := p.importDataset(ctx, store, d); err != nil {
		return nil, fmt.Errorf("import %s: %w", m.files[0].Name, err)
	}
	names := make([]string, len(m.files))
	for i, f := range m.files {
		names[i] = f.Name
	}
	return &Result{Files: names, Format: m.opts.Format, Citation: m.opts.Citation.ID,
		Sources: len(d.Sources), Nodes: len(d.Nodes), Relationships: len(d.Relationships),
		DatasetName: d.Name, DatasetVersion: d.Version}, nil
}

// storeLookup answers the importer's questions about records the map
// refers to but does not hold. The first store error is kept (and no more
// calls are made): "not there" and "could not ask" are different answers.
type storeLookup struct {
	ctx   context.Context
	store Store
	err   error
}

func (l *storeLookup) HasSource(id string) bool {
	if l.err != nil {
		return false
	}
	ss, err := l.store.SourcesByID(l.ctx, []string{id})
	if err != nil {
		l.err = err
		return false
	}
	return len(ss) > 0 && ss[0] != nil
}

func (l *storeLookup) NodeKind(id string) graph.Kind {
	if l.err != nil {
		return ""
	}
	n, err := l.store.Node(l.ctx, id)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return ""
	}
	if err != nil {
		l.err = err
		return ""
	}
	if n == nil {
		return ""
	}
	return n.Kind
}
