package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// The Content-Security-Policy of every response: the dashboard, GraphiQL
// and the story pages load everything from this server and run no inline
// script and no inline style: no <style> element, no style attribute in
// markup. Cytoscape, CodeMirror and React set styles through the CSSOM
// (element.style), which a policy does not govern; see web/README.md for
// how the dashboard keeps to it. Pages may not be framed, except the story
// embeds (see embedCSP).
const (
	cspBase = "default-src 'self'; script-src 'self'; style-src 'self'; " +
		"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; " +
		"object-src 'none'; base-uri 'self'; form-action 'self'"
	cspDefault = cspBase + "; frame-ancestors 'none'"
)

// cspWithStyleNonce is the default policy that also allows <style>
// elements carrying nonce (GraphiQL's, see storyWeb.graphiql).
func cspWithStyleNonce(nonce string) string {
	return strings.Replace(cspDefault, "style-src 'self';", "style-src 'self' 'nonce-"+nonce+"';", 1)
}

// newNonce is a fresh CSP nonce: 128 random bits, base64.
func newNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("csp nonce: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b[:]), nil
}

// embedCSP is the policy of /embed/ pages: framing allowed by the origins
// configured (Config.EmbedOrigins), or by any page when none are.
func embedCSP(origins []string) string {
	if len(origins) == 0 {
		return cspBase + "; frame-ancestors *"
	}
	return cspBase + "; frame-ancestors " + strings.Join(origins, " ")
}

// secureHeaders gives every response the default security headers: the CSP
// above, X-Frame-Options DENY for browsers without frame-ancestors, no MIME
// sniffing and no referrer to other origins. Handlers that answer framable
// pages or self-contained files replace them (see allowFraming).
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", cspDefault)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// allowFraming lets the response be shown in an <iframe> by the embed
// origins; only the /embed/ routes call it.
func allowFraming(w http.ResponseWriter, origins []string) {
	w.Header().Set("Content-Security-Policy", embedCSP(origins))
	w.Header().Del("X-Frame-Options")
}
