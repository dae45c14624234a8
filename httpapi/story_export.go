package httpapi

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers"
)

// storyExportJS draws an exported story: its steps, captions, citations and
// sources, and an SVG of each step's nodes. It is inlined into the file and
// allowed by its hash, so the file makes no request at all.
//
//go:embed story_export.js
var storyExportJS string

//go:embed story_export.css
var storyExportCSS string

// cspHash is the CSP source expression that allows an inline <script> or
// <style> whose text is exactly s.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// exportCSP allows the inlined renderer and style sheet (each by its hash:
// no other inline script or style, and no style attribute, runs) and
// nothing from any network: the file works offline and cannot leak that it
// was opened. exportMetaCSP is the same in the file itself, for when it is
// opened from disk (a <meta> policy cannot carry frame-ancestors).
var (
	exportMetaCSP = "default-src 'none'; script-src " + cspHash(storyExportJS) +
		"; style-src " + cspHash(storyExportCSS) + "; img-src data:; base-uri 'none'; form-action 'none'"
	exportCSP = exportMetaCSP + "; frame-ancestors 'none'"
)

const storyExportQuery = `query StoryExport($id: ID!) {
  story(id: $id) {
    id title summary author createdAt updatedAt version stale
    steps {
      index title caption captionHtml stale citedNodeIds citedRelationshipIds
      view { seeds depth kinds types asOf highlightNodes highlightRelationships positions { nodeId x y } }
      citedNodes { id kind name summary sources { id title url publisher year } }
      citedRelationships { id type year summary from { id kind name } to { id kind name } sources { id title url publisher year } }
      changes { id target what }
    }
  }
}`

const neighbourhoodQuery = `query StoryStepGraph($id: ID!, $depth: Int, $kinds: [NodeKind!], $types: [RelationshipType!], $asOf: Int) {
  neighbourhood(id: $id, depth: $depth, kinds: $kinds, types: $types, asOf: $asOf, limit: 300) {
    nodes { id kind name }
    relationships { id type from { id } to { id } }
  }
}`

// The most nodes an exported step draws beyond what it cites and highlights.
const exportContextNodes = 40

type exportNode struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type exportRel struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	From string `json:"from"`
	To   string `json:"to"`
}

// export answers GET /s/{id}/export.html: one HTML file holding the story,
// the graph of each step, its captions and sources and a small renderer.
func (s *storyWeb) export(w http.ResponseWriter, r *http.Request) {
	id, err := storyParam(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	file, err := s.exportHTML(r, id)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	w.Header().Set("Content-Security-Policy", exportCSP)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="hmkg-story-%s.html"`, id))
	writeHTML(w, http.StatusOK, file)
}

func (s *storyWeb) exportHTML(r *http.Request, id string) ([]byte, error) {
	ctx := r.Context()
	var out struct {
		Story map[string]any `json:"story"`
	}
	if err := s.query(ctx, storyExportQuery, map[string]any{"id": id}, &out); err != nil {
		return nil, fmt.Errorf("export story %s: %w", id, err)
	}
	if out.Story == nil {
		return nil, edgeErrorf(http.StatusNotFound, graph.ENOTFOUND, "no such story: %s", resolvers.Quote(id))
	}
	steps, _ := out.Story["steps"].([]any)
	for _, st := range steps {
		step, _ := st.(map[string]any)
		if step == nil {
			continue
		}
		nodes, rels, err := s.stepGraph(r, step)
		if err != nil {
			return nil, fmt.Errorf("export story %s: %w", id, err)
		}
		step["graph"] = map[string]any{"nodes": nodes, "relationships": rels}
	}
	data, err := json.Marshal(map[string]any{
		"story":      out.Story,
		"permalink":  s.base(r) + "/s/" + id,
		"exportedAt": time.Now().UTC().Format(time.RFC3339),
	})
	if err != nil {
		return nil, fmt.Errorf("export story %s: %w", id, err)
	}
	title := html.EscapeString(fmt.Sprint(out.Story["title"]))
	var b bytes.Buffer
	fmt.Fprintf(&b, `<!doctype html>
<html lang="en"><head><meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta http-equiv="Content-Security-Policy" content="%s" />
<title>%s · hmkg story</title>
<style>%s</style>
</head><body>
<noscript><p>This story needs JavaScript to step through; its data is in this file.</p></noscript>
<main id="story" aria-live="polite"><h1>%s</h1></main>
<script type="application/json" id="story-data">%s</script>
<script>%s</script>
</body></html>
`, html.EscapeString(exportMetaCSP), title, storyExportCSS, title, data, storyExportJS)
	return b.Bytes(), nil
}

// stepGraph is what an exported step draws: its seeds, highlighted and
// cited nodes, the ends of its cited relationships, and up to
// exportContextNodes more of the neighbourhood its view shows, with the
// relationships among them.
func (s *storyWeb) stepGraph(r *http.Request, step map[string]any) ([]exportNode, []exportRel, error) {
	view, _ := step["view"].(map[string]any)
	nodes := map[string]exportNode{}
	var order []string
	add := func(n exportNode) {
		if _, ok := nodes[n.ID]; !ok {
			nodes[n.ID] = n
			order = append(order, n.ID)
		}
	}
	rels := map[string]exportRel{}
	var relOrder []string
	addRel := func(rel exportRel) {
		if _, ok := rels[rel.ID]; !ok {
			rels[rel.ID] = rel
			relOrder = append(relOrder, rel.ID)
		}
	}
	for _, c := range asList(step["citedNodes"]) {
		add(exportNode{ID: str(c["id"]), Kind: str(c["kind"]), Name: str(c["name"])})
	}
	for _, c := range asList(step["citedRelationships"]) {
		from, _ := c["from"].(map[string]any)
		to, _ := c["to"].(map[string]any)
		add(exportNode{ID: str(from["id"]), Kind: str(from["kind"]), Name: str(from["name"])})
		add(exportNode{ID: str(to["id"]), Kind: str(to["kind"]), Name: str(to["name"])})
		addRel(exportRel{ID: str(c["id"]), Type: str(c["type"]), From: str(from["id"]), To: str(to["id"])})
	}
	focus := map[string]bool{}
	for _, k := range []string{"seeds", "highlightNodes"} {
		for _, id := range asStrings(view[k]) {
			focus[id] = true
		}
	}
	for id := range nodes {
		focus[id] = true
	}
	extra := 0
	for _, seed := range asStrings(view["seeds"]) {
		var sub struct {
			Neighbourhood struct {
				Nodes         []exportNode `json:"nodes"`
				Relationships []struct {
					ID   string `json:"id"`
					Type string `json:"type"`
					From struct {
						ID string `json:"id"`
					} `json:"from"`
					To struct {
						ID string `json:"id"`
					} `json:"to"`
				} `json:"relationships"`
			} `json:"neighbourhood"`
		}
		vars := map[string]any{"id": seed, "depth": view["depth"], "asOf": view["asOf"]}
		if k := asStrings(view["kinds"]); len(k) > 0 {
			vars["kinds"] = k
		}
		if t := asStrings(view["types"]); len(t) > 0 {
			vars["types"] = t
		}
		if err := s.query(r.Context(), neighbourhoodQuery, vars, &sub); err != nil {
			if errCode(err) == graph.ENOTFOUND {
				continue // a deleted seed: the step is stale, the rest still draws
			}
			return nil, nil, fmt.Errorf("neighbourhood of %s: %w", seed, err)
		}
		for _, n := range sub.Neighbourhood.Nodes {
			if focus[n.ID] {
				add(n)
			} else if _, ok := nodes[n.ID]; !ok && extra < exportContextNodes {
				add(n)
				extra++
			}
		}
		for _, rel := range sub.Neighbourhood.Relationships {
			if _, ok := nodes[rel.From.ID]; !ok {
				continue
			}
			if _, ok := nodes[rel.To.ID]; !ok {
				continue
			}
			addRel(exportRel{ID: rel.ID, Type: rel.Type, From: rel.From.ID, To: rel.To.ID})
		}
	}
	outN := make([]exportNode, 0, len(order))
	for _, id := range order {
		outN = append(outN, nodes[id])
	}
	outR := make([]exportRel, 0, len(relOrder))
	for _, id := range relOrder {
		outR = append(outR, rels[id])
	}
	return outN, outR, nil
}

func asList(v any) []map[string]any {
	var out []map[string]any
	for _, x := range asAny(v) {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func asAny(v any) []any { l, _ := v.([]any); return l }

func asStrings(v any) []string {
	var out []string
	for _, x := range asAny(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }
