package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// GephiLiteOrigin is the origin of the public Gephi Lite
// (https://gephi.org/gephi-lite/). GET /export answers it with CORS
// headers, so that Gephi Lite can open an export given as
// https://gephi.org/gephi-lite/?file=<url-encoded export URL>.
const GephiLiteOrigin = "https://gephi.org"

// ExportOrigins are the browser origins GET /export allows besides the
// server's CORS allow-list: tools that open an export from its URL.
var ExportOrigins = []string{GephiLiteOrigin}

// ExportMaxAge is how long a client or shared cache may reuse an export
// without asking again; after that the ETag makes the check cheap.
const ExportMaxAge = 5 * time.Minute

// GephiLiteURL is the link that opens the export at exportURL (absolute)
// in the public Gephi Lite.
func GephiLiteURL(exportURL string) string {
	return GephiLiteOrigin + "/gephi-lite/?file=" + url.QueryEscape(exportURL)
}

// cacheExports makes GET /export cacheable: an ETag derived from the
// dataset (name, version, counts, time of the last change) and the
// normalised query, so the same link gives the same tag until the data
// changes; "Cache-Control: public, max-age=300"; 304 Not Modified for a
// matching If-None-Match, without selecting anything. Error responses are
// not cached. Requests from ExportOrigins get CORS headers (GET exports
// only; the rest of the API keeps the server's allow-list).
func cacheExports(store graph.Store, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if o := req.Header.Get("Origin"); o != "" && slices.Contains(ExportOrigins, o) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", o)
			h.Set("Access-Control-Expose-Headers", "Content-Disposition, ETag, X-Hmkg-Nodes, X-Hmkg-Relationships, X-Hmkg-Sources")
			h.Add("Vary", "Origin")
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			next.ServeHTTP(w, req)
			return
		}
		stats, err := store.Stats(req.Context())
		if err != nil {
			// Let the handler report the store's state. An outage or a
			// timeout is the store's to log, once per state change, not
			// once per request.
			level := slog.LevelWarn
			if c := graph.ErrorCode(err); c == graph.EUNAVAILABLE || c == graph.ETIMEOUT {
				level = slog.LevelDebug
			}
			log.Log(req.Context(), level, "export: no stats for the ETag", "err", err)
			next.ServeHTTP(w, req)
			return
		}
		tag := exportETag(stats, req.URL.Query())
		h := w.Header()
		h.Set("ETag", tag)
		h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(ExportMaxAge.Seconds())))
		if etagMatch(req.Header.Get("If-None-Match"), tag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		next.ServeHTTP(&noCacheOnError{ResponseWriter: w}, req)
	})
}

// exportETag is a strong validator of the export a query asks for, given
// what the store holds.
func exportETag(st *graph.Stats, q url.Values) string {
	h := sha256.New()
	last := ""
	if st.LastChangeAt != nil {
		last = st.LastChangeAt.UTC().Format(time.RFC3339Nano)
	}
	fmt.Fprintf(h, "hmkg-export\x00%s\x00%s\x00%d\x00%d\x00%d\x00%s\x00", st.DatasetName, st.DatasetVersion,
		st.Nodes, st.Relationships, st.Sources, last)
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vs := slices.Clone(q[k])
		if k == "format" || k == "direction" || k == "type" || k == "kind" {
			for i := range vs {
				vs[i] = strings.ToUpper(strings.ReplaceAll(vs[i], "-", "_"))
			}
		}
		fmt.Fprintf(h, "%s=%s\x00", k, strings.Join(vs, "\x01"))
	}
	return strconv.Quote(hex.EncodeToString(h.Sum(nil))[:32])
}

func etagMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

// noCacheOnError drops the cache headers of an error response.
type noCacheOnError struct {
	http.ResponseWriter
	wrote bool
}

func (w *noCacheOnError) WriteHeader(code int) {
	if !w.wrote && code >= 300 {
		w.Header().Del("ETag")
		w.Header().Set("Cache-Control", "no-store")
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *noCacheOnError) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *noCacheOnError) Unwrap() http.ResponseWriter { return w.ResponseWriter }
