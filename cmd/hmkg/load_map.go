package main

import (
	"flag"

	"github.com/hmkg/hmkg/loader"
)

// addMapFlags adds the flags of `hmkg load` for maps made in other tools.
func addMapFlags(fs *flag.FlagSet) *loader.MapOptions {
	m := &loader.MapOptions{}
	fs.StringVar(&m.Format, "format", "", "map format: kumu, kumu-xlsx, onodo, polinode, gephi-csv or cytoscape (default: detected from the file; hmkg dataset JSON otherwise)")
	fs.StringVar(&m.MappingFile, "mapping", "", "JSON file mapping the map's types to hmkg kinds and relationship types (see README)")
	fs.StringVar(&m.SourceID, "source-id", "", "id of the source every fact of the map cites (required for maps; the source is created)")
	fs.StringVar(&m.SourceTitle, "source-title", "", "title of that source (required for maps)")
	fs.StringVar(&m.SourceURL, "source-url", "", "URL of that source (required for maps)")
	return m
}
