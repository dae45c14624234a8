package data

import (
	"encoding/json"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

// mirrorHosts are document-mirror hosts: third-party copies of someone
// else's document. A fact resting on them alone cannot be checked against
// its publisher. Kept here, independently of the build's list.
var mirrorHosts = []string{
	"123dok.com", "coek.info", "docslib.org", "fdocuments.net", "fdocuments.in", "absoluteastronomy.com",
	"issuu.com", "kipdf.com", "moam.info", "mapinc.org", "newssniffer.co.uk", "paperzz.com",
	"pdfslide.net", "pdfslide.us", "scribd.com", "slidelegend.com", "studylib.net", "vdocuments.mx",
	"vdocuments.net", "wikisum.wiki", "wikivisually.com", "wikimili.com", "theinfolist.com", "pages.dev",
	"dmd.org.mx", "domug.ru", "newsdevelops.com", "yumpu.com",
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), "www.")
}

func isMirror(raw string) bool {
	h := hostOf(raw)
	for _, m := range mirrorHosts {
		if h == m || strings.HasSuffix(h, "."+m) {
			return true
		}
	}
	return false
}

// sourceKinds is the build-side file that records the reason a URL is not
// https. Each source's kind is in the dataset itself (graph.Source.Kind).
type sourceKinds struct {
	URLReasons map[string]string `json:"urlReasons"`
}

func loadKinds(t *testing.T) sourceKinds {
	t.Helper()
	b, err := os.ReadFile("../scripts/dataset/source_kinds.json")
	if err != nil {
		t.Fatalf("read source kinds: %v", err)
	}
	var k sourceKinds
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatalf("parse source kinds: %v", err)
	}
	return k
}

// since is the year from which a node exists, as graph.Node.Since.
func since(n *graph.Node) *int { return n.Since() }

func TestNoRelationshipDatedBeforeItsEndpoints(t *testing.T) {
	d := load(t)
	nodes := map[string]*graph.Node{}
	for _, n := range d.Nodes {
		nodes[n.ID] = n
	}
	for _, r := range d.Relationships {
		if r.Year == nil {
			continue
		}
		for _, end := range []string{r.From, r.To} {
			if s := since(nodes[end]); s != nil && *r.Year < *s {
				t.Errorf("relationship %s (year %d) is dated before %s exists (%d)", r.ID, *r.Year, end, *s)
			}
		}
	}
}

func TestNoIsolatedNode(t *testing.T) {
	d := load(t)
	linked := map[string]bool{}
	for _, r := range d.Relationships {
		linked[r.From], linked[r.To] = true, true
	}
	for _, n := range d.Nodes {
		if !linked[n.ID] {
			t.Errorf("node %s has no relationship", n.ID)
		}
	}
}

func TestNoAliasSharedByTwoNodes(t *testing.T) {
	d := load(t)
	owner := map[string]string{}
	for _, n := range d.Nodes {
		for _, a := range n.Aliases {
			k := strings.ToLower(a)
			if o, ok := owner[k]; ok && o != n.ID {
				t.Errorf("alias %q is shared by %s and %s", a, o, n.ID)
			}
			owner[k] = n.ID
		}
	}
}

// placeAlias catches aliases made from a bracketed qualifier such as
// "(England)" or "(US)".
var placeAlias = map[string]bool{"england": true, "scotland": true, "wales": true, "uk": true, "us": true,
	"usa": true, "united states": true, "united kingdom": true, "international": true}

func TestNoPlaceAlias(t *testing.T) {
	for _, n := range load(t).Nodes {
		for _, a := range n.Aliases {
			if placeAlias[strings.ToLower(a)] {
				t.Errorf("node %s has the place %q as an alias", n.ID, a)
			}
		}
	}
}

var wordRE = regexp.MustCompile(`[\p{L}\p{N}]+`)

// filler words carry no claim of their own.
var filler = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of in on at to for by and or is was are were as it its this that
		with from be been has have had which who one part listed recorded organisation organization movement
		event episode institution institutions involved publisher published report graph body company commercial
		government charity group grassroots founded launched also took subject`) {
		filler[w] = true
	}
}

// contentWords counts the words of s that are neither filler nor part of
// the given names.
func contentWords(s string, names ...string) int {
	skip := map[string]bool{}
	for _, n := range names {
		for _, w := range wordRE.FindAllString(strings.ToLower(n), -1) {
			skip[w] = true
		}
	}
	c := 0
	for _, w := range wordRE.FindAllString(strings.ToLower(s), -1) {
		if !filler[w] && !skip[w] {
			c++
		}
	}
	return c
}

func TestNoTemplateSummary(t *testing.T) {
	d := load(t)
	names := map[string]string{}
	for _, n := range d.Nodes {
		names[n.ID] = n.Name + " " + strings.Join(n.Aliases, " ")
	}
	seen := map[string][]string{}
	for _, n := range d.Nodes {
		seen[n.Summary] = append(seen[n.Summary], n.ID)
		if c := contentWords(n.Summary, names[n.ID], n.Country, n.Region, n.Category); c < 4 {
			t.Errorf("node %s: summary %q says nothing beyond its name and fields (%d content words)", n.ID, n.Summary, c)
		}
	}
	for s, ids := range seen {
		if len(ids) > 2 {
			t.Errorf("summary %q is repeated on %d nodes: %v", s, len(ids), ids)
		}
	}
	for _, r := range d.Relationships {
		if c := contentWords(r.Summary, names[r.From], names[r.To]); c < 1 {
			t.Errorf("relationship %s: summary %q only repeats names (%d content words)", r.ID, r.Summary, c)
		}
	}
}

func TestNoFactCitesOnlyMirrors(t *testing.T) {
	d := load(t)
	mirror := map[string]bool{}
	for _, s := range d.Sources {
		// The dataset's own kind, and the host list as a second opinion.
		mirror[s.ID] = s.Kind == graph.SourceMirror || isMirror(s.URL)
	}
	onlyMirrors := func(ids []string) bool {
		for _, id := range ids {
			if !mirror[id] {
				return false
			}
		}
		return len(ids) > 0
	}
	for _, n := range d.Nodes {
		if onlyMirrors(n.SourceIDs) {
			t.Errorf("node %s cites only mirrors: %v", n.ID, n.SourceIDs)
		}
	}
	for _, r := range d.Relationships {
		if onlyMirrors(r.SourceIDs) {
			t.Errorf("relationship %s cites only mirrors: %v", r.ID, r.SourceIDs)
		}
	}
}

func TestSourceURLsWellFormedHTTPS(t *testing.T) {
	d := load(t)
	k := loadKinds(t)
	for _, s := range d.Sources {
		u, err := url.Parse(s.URL)
		switch {
		case err != nil || u.Host == "" || strings.HasSuffix(u.Hostname(), ".") || strings.ContainsAny(s.URL, " \t"):
			t.Errorf("source %s: malformed URL %q", s.ID, s.URL)
		case u.Scheme != "https" && k.URLReasons[s.ID] == "":
			t.Errorf("source %s: %s URL %q without a reason in source_kinds.json", s.ID, u.Scheme, s.URL)
		}
		// Optional in users' files, a kind is required in the curated data.
		if !s.Kind.Valid() {
			t.Errorf("source %s: kind %q, want PRIMARY, SECONDARY, MIRROR or ARCHIVE", s.ID, s.Kind)
		}
		if isMirror(s.URL) && s.Kind != graph.SourceMirror {
			t.Errorf("source %s on a mirror host is recorded as %q", s.ID, s.Kind)
		}
	}
}

func TestTensionsHaveTenEpisodes(t *testing.T) {
	d := load(t)
	episodes := map[string]int{}
	for _, r := range d.Relationships {
		for _, ten := range r.TensionIDs {
			episodes[ten]++
		}
	}
	for _, n := range d.Nodes {
		if n.Kind == graph.KindTension && episodes[n.ID] < 10 {
			t.Errorf("tension %s has %d episodes, want at least 10", n.ID, episodes[n.ID])
		}
	}
}

func TestNamedMovementsDeep(t *testing.T) {
	d := load(t)
	for _, m := range []string{"aids-movement", "breast-cancer-movement", "disability-rights-movement"} {
		members := map[string]bool{m: true}
		for _, r := range d.Relationships {
			if r.Type == graph.RelPartOf && r.To == m {
				members[r.From] = true
			}
		}
		direct, episodes := 0, 0
		for _, r := range d.Relationships {
			if r.From == m || r.To == m {
				direct++
			}
			if (members[r.From] || members[r.To]) && len(r.TensionIDs) > 0 {
				episodes++
			}
		}
		// The aims: 40 relationships of the movement itself, and
		// 10 tension episodes among the movement and its members.
		if direct < 40 {
			t.Errorf("movement %s has %d relationships, want at least 40", m, direct)
		}
		if episodes < 10 {
			t.Errorf("movement %s and its members have %d tension episodes, want at least 10", m, episodes)
		}
	}
}

// TestDisputesLoaded: the dataset's disputes section attaches to its
// records, and the relationships whose holding is contested are DISPUTED
// (the rule in README.md: a relationship dispute whose claim asks whether
// or who).
func TestDisputesLoaded(t *testing.T) {
	d := load(t)
	if err := d.Validate(nil); err != nil {
		t.Fatal(err)
	}
	nodeDisputes, relDisputes, disputed := 0, 0, 0
	for _, n := range d.Nodes {
		nodeDisputes += len(n.Disputes)
	}
	for _, r := range d.Relationships {
		relDisputes += len(r.Disputes)
		if r.Status == graph.StatusDisputed {
			disputed++
			holding := false
			for _, x := range r.Disputes {
				holding = holding || strings.HasPrefix(x.Claim, "Whether ") || strings.HasPrefix(x.Claim, "Who ")
			}
			if !holding {
				t.Errorf("relationship %s is DISPUTED without a dispute about whether it holds", r.ID)
			}
		}
	}
	if nodeDisputes+relDisputes < 70 || relDisputes < 3 || disputed < 1 {
		t.Errorf("disputes: %d on nodes, %d on relationships, %d relationships DISPUTED", nodeDisputes, relDisputes, disputed)
	}
	t.Logf("disputes: %d on nodes, %d on relationships, %d relationships DISPUTED", nodeDisputes, relDisputes, disputed)
}
