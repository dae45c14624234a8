package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers"
)

// storyWeb serves the story pages around the dashboard: the permalinks
// /s/{id} and /s/{id}/{step} (the dashboard's index.html with the oEmbed
// discovery tag), the framable /embed/s/{id}, the oEmbed endpoint, the
// offline export /s/{id}/export.html and GraphiQL. It reads stories through
// the in-process GraphQL endpoint, so it knows the schema, not the store.
type storyWeb struct {
	gql       http.Handler
	dashboard http.Handler
	origins   []string
	publicURL string
	log       *slog.Logger
}

// Default size of an embedded story, in CSS pixels.
const (
	embedWidth  = 800
	embedHeight = 520
)

var storyID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,127}$`)

func (s *storyWeb) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /graphiql", s.graphiql)
	mux.HandleFunc("GET /s/{id}", s.permalink)
	mux.HandleFunc("GET /s/{id}/{step}", s.permalink)
	mux.HandleFunc("GET /s/{id}/export.html", s.export)
	mux.HandleFunc("GET /embed/s/{id}", s.embed)
	mux.HandleFunc("GET /embed/s/{id}/{step}", s.embed)
	mux.HandleFunc("GET /oembed", s.oembed)
}

// graphiql serves GraphiQL, built into the dashboard (graphiql.html and
// its assets), so it needs no CDN. Its policy adds a fresh style nonce,
// given to the page in <meta name="csp-nonce">: GraphiQL's dialogs and menus
// (Radix, through react-remove-scroll-bar) add a <style> element while one
// is open, with text computed at run time (so no hash can allow it), and
// stamp it with that nonce (see web/src/graphiql/main.js).
func (s *storyWeb) graphiql(w http.ResponseWriter, r *http.Request) {
	body, err := s.dashboardFile(r.Context(), "graphiql.html")
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	nonce, err := newNonce()
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	body = bytes.Replace(body, []byte("<head>"), []byte(`<head><meta name="csp-nonce" content="`+nonce+`" />`), 1)
	w.Header().Set("Content-Security-Policy", cspWithStyleNonce(nonce))
	writeHTML(w, http.StatusOK, body)
}

// dashboardFile reads a built HTML file ("" for index.html) from the
// dashboard handler.
func (s *storyWeb) dashboardFile(ctx context.Context, file string) ([]byte, error) {
	if s.dashboard == nil {
		return nil, edgeErrorf(http.StatusServiceUnavailable, graph.EUNAVAILABLE, "the dashboard is not built into this server: run make web")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/"+file, nil)
	if err != nil {
		return nil, fmt.Errorf("read dashboard %s: %w", file, err)
	}
	rec := newMemWriter()
	s.dashboard.ServeHTTP(rec, req)
	if rec.status != http.StatusOK || !strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
		return nil, edgeErrorf(http.StatusServiceUnavailable, graph.EUNAVAILABLE, "the dashboard is not built into this server: run make web")
	}
	return rec.buf.Bytes(), nil
}

// stepParam reads the optional {step} of a story path (from 0).
func stepParam(r *http.Request) (int, error) {
	v := r.PathValue("step")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1000 {
		return 0, edgeErrorf(http.StatusBadRequest, codeBadRequest, "step must be a number from 0, not %s", resolvers.Quote(v))
	}
	return n, nil
}

// storyParam reads and checks the {id} of a story path.
func storyParam(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !storyID.MatchString(id) {
		return "", edgeErrorf(http.StatusNotFound, graph.ENOTFOUND, "no such story: %s", resolvers.Quote(id))
	}
	return id, nil
}

// storyHead is what the pages and oEmbed say about a story.
type storyHead struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Summary *string `json:"summary"`
	Author  string  `json:"author"`
}

const storyHeadQuery = `query StoryHead($id: ID!) { story(id: $id) { id title summary author } }`

func (s *storyWeb) head(ctx context.Context, id string) (*storyHead, error) {
	var out struct {
		Story *storyHead `json:"story"`
	}
	if err := s.query(ctx, storyHeadQuery, map[string]any{"id": id}, &out); err != nil {
		return nil, err
	}
	if out.Story == nil {
		return nil, edgeErrorf(http.StatusNotFound, graph.ENOTFOUND, "no such story: %s", resolvers.Quote(id))
	}
	return out.Story, nil
}

// permalink serves the dashboard for /s/{id}[/{step}]: the app opens the
// story in presentation mode from the path; the page carries the story's
// title and the oEmbed discovery tag.
func (s *storyWeb) permalink(w http.ResponseWriter, r *http.Request) {
	id, err := storyParam(r)
	if err == nil {
		_, err = stepParam(r)
	}
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	index, err := s.dashboardFile(r.Context(), "")
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	st, err := s.head(r.Context(), id)
	status := http.StatusOK
	var tags string
	if err != nil {
		if errCode(err) != graph.ENOTFOUND {
			writeError(w, r, s.log, err)
			return
		}
		// The app shows "no such story" itself.
		status = http.StatusNotFound
	} else {
		page := s.base(r) + r.URL.EscapedPath()
		oembed := s.base(r) + "/oembed?format=json&url=" + url.QueryEscape(page)
		tags = fmt.Sprintf(`<link rel="alternate" type="application/json+oembed" href="%s" title="%s" />`+"\n"+
			`<meta property="og:title" content="%s" />`+"\n",
			html.EscapeString(oembed), html.EscapeString(st.Title), html.EscapeString(st.Title))
		if st.Summary != nil {
			tags += fmt.Sprintf(`<meta property="og:description" content="%s" />`+"\n", html.EscapeString(*st.Summary))
		}
	}
	body := bytes.Replace(index, []byte("</head>"), []byte(tags+"</head>"), 1)
	writeHTML(w, status, body)
}

// embed serves the chrome-less story page, framable by the embed origins.
func (s *storyWeb) embed(w http.ResponseWriter, r *http.Request) {
	id, err := storyParam(r)
	if err == nil {
		_, err = stepParam(r)
	}
	status := http.StatusOK
	if err == nil {
		if _, err = s.head(r.Context(), id); errCode(err) == graph.ENOTFOUND {
			// The page says "no such story" inside the frame.
			status, err = http.StatusNotFound, nil
		}
	}
	var body []byte
	if err == nil {
		body, err = s.dashboardFile(r.Context(), "embed.html")
	}
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	allowFraming(w, s.origins)
	writeHTML(w, status, body)
}

// errCode is the code of an error decided at the edge, or "".
func errCode(err error) string {
	var e *edgeError
	if errors.As(err, &e) {
		return e.code
	}
	return ""
}

// oembedURL matches the page URLs oEmbed answers for.
var oembedURL = regexp.MustCompile(`^/(?:embed/)?s/([a-z0-9][a-z0-9-]{0,127})(?:/([0-9]{1,4}))?/?$`)

// oembed answers GET /oembed?url=<story page>&format=json[&maxwidth=&maxheight=]
// (oEmbed 1.0, type "rich").
func (s *storyWeb) oembed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if f := q.Get("format"); f != "" && f != "json" {
		writeError(w, r, s.log, edgeErrorf(http.StatusNotImplemented, codeBadRequest, "oEmbed format %s is not supported: use json", resolvers.Quote(f)))
		return
	}
	raw := q.Get("url")
	if raw == "" {
		writeError(w, r, s.log, edgeErrorf(http.StatusBadRequest, codeBadRequest, "oEmbed needs url: the address of a story, e.g. /s/<id>"))
		return
	}
	u, err := url.Parse(raw)
	var m []string
	if err == nil {
		m = oembedURL.FindStringSubmatch(u.Path)
	}
	if m == nil {
		writeError(w, r, s.log, edgeErrorf(http.StatusNotFound, graph.ENOTFOUND, "not a story address: %s (expected …/s/<id> or …/s/<id>/<step>)", resolvers.Quote(raw)))
		return
	}
	width, height := embedWidth, embedHeight
	for _, p := range []struct {
		name string
		v    *int
	}{{"maxwidth", &width}, {"maxheight", &height}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				writeError(w, r, s.log, edgeErrorf(http.StatusBadRequest, codeBadRequest, "%s must be a positive number of pixels, not %s", p.name, resolvers.Quote(v)))
				return
			}
			*p.v = min(*p.v, n)
		}
	}
	st, err := s.head(r.Context(), m[1])
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	src := s.base(r) + "/embed/s/" + m[1]
	if m[2] != "" {
		src += "/" + m[2]
	}
	frame := fmt.Sprintf(`<iframe src="%s" width="%d" height="%d" title="%s" style="border:0;max-width:100%%" loading="lazy" allowfullscreen></iframe>`,
		html.EscapeString(src), width, height, html.EscapeString(st.Title))
	writeJSON(w, http.StatusOK, map[string]any{
		"version":       "1.0",
		"type":          "rich",
		"title":         st.Title,
		"author_name":   st.Author,
		"provider_name": "hmkg: Health Movements Knowledge Graph",
		"provider_url":  s.base(r) + "/",
		"html":          frame,
		"width":         width,
		"height":        height,
		"cache_age":     3600,
	})
}

// base is the server's own origin: Config.PublicURL, or the request's
// scheme and host.
func (s *storyWeb) base(r *http.Request) string {
	if s.publicURL != "" {
		return strings.TrimRight(s.publicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// query runs a GraphQL document on the in-process endpoint (with the
// request's loaders) and decodes its data into out.
func (s *storyWeb) query(ctx context.Context, doc string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
	if err != nil {
		return fmt.Errorf("story query: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("story query: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	rec := newMemWriter()
	s.gql.ServeHTTP(rec, req)
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []errorEntry    `json:"errors"`
	}
	if err := json.Unmarshal(rec.buf.Bytes(), &res); err != nil {
		return fmt.Errorf("story query: unreadable response (status %d): %w", rec.status, err)
	}
	if len(res.Errors) > 0 {
		e := res.Errors[0]
		c, _ := e.Extensions["code"].(string)
		status := rec.status
		if status < 400 {
			status = http.StatusInternalServerError
		}
		if c == graph.ENOTFOUND {
			status = http.StatusNotFound
		}
		if c == "" {
			c = graph.EINTERNAL
		}
		return edgeErrorf(status, c, "%s", e.Message)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		return fmt.Errorf("story query: decode: %w", err)
	}
	return nil
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// memWriter is an in-memory http.ResponseWriter for in-process calls.
type memWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func newMemWriter() *memWriter { return &memWriter{header: http.Header{}, status: http.StatusOK} }

func (m *memWriter) Header() http.Header         { return m.header }
func (m *memWriter) Write(b []byte) (int, error) { return m.buf.Write(b) }
func (m *memWriter) WriteHeader(status int)      { m.status = status }
