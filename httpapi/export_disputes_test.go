package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

// TestExportIncludeDisputed: GET /export keeps contested relationships by
// default, marked, and leaves them out with includeDisputed=false.
func TestExportIncludeDisputed(t *testing.T) {
	const rel = "judith-heumann:LED:section-504-sit-in:1977"
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		h := exportServer(s)
		with := get(h, "/export?format=json&seed=section-504-sit-in")
		without := get(h, "/export?format=json&seed=section-504-sit-in&includeDisputed=false")
		if with.Code != http.StatusOK || without.Code != http.StatusOK {
			t.Fatalf("status %d, %d: %s", with.Code, without.Code, without.Body)
		}
		if !strings.Contains(with.Body.String(), `"id":"`+rel+`"`) || !strings.Contains(with.Body.String(), `"status":"DISPUTED"`) {
			t.Errorf("default export lacks the disputed relationship, marked")
		}
		if strings.Contains(without.Body.String(), `"id":"`+rel+`"`) || !strings.Contains(without.Body.String(), `"excludeDisputed":true`) {
			t.Errorf("includeDisputed=false kept the disputed relationship or did not say so in the manifest")
		}
		bad := get(h, "/export?format=json&seed=section-504-sit-in&includeDisputed=maybe")
		if bad.Code != http.StatusBadRequest || !strings.Contains(bad.Body.String(), "includeDisputed") {
			t.Errorf("includeDisputed=maybe: %d %s", bad.Code, bad.Body)
		}
	})
}
