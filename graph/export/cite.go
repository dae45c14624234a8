package export

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// citeType is what a source is, for the citation formats (CSL-JSON,
// BibTeX, RIS). A source records only its title, URL, publisher and year,
// so the type is read from those: the host of the URL first (a journal
// platform, a newspaper, an encyclopedia, a legislation site), then words
// in the publisher and title. Anything else is a web page, which is what
// most sources are and the type every citation style renders safely.
type citeType int

const (
	citeWebpage citeType = iota
	citeJournal
	citeNewspaper
	citeReport
	citeBook
	citeEncyclopedia
	citeLegislation
)

// citeTypeInfo is how each type is written in the three formats.
var citeTypeInfo = map[citeType]struct{ csl, bibtex, ris string }{
	citeWebpage:      {"webpage", "misc", "ELEC"},
	citeJournal:      {"article-journal", "article", "JOUR"},
	citeNewspaper:    {"article-newspaper", "article", "NEWS"},
	citeReport:       {"report", "techreport", "RPRT"},
	citeBook:         {"book", "book", "BOOK"},
	citeEncyclopedia: {"entry-encyclopedia", "misc", "ENCYC"},
	citeLegislation:  {"legislation", "misc", "STAT"},
}

// hostTypes maps a URL host (or a parent domain of it) to a type.
var hostTypes = map[string]citeType{
	"pmc.ncbi.nlm.nih.gov": citeJournal, "pubmed.ncbi.nlm.nih.gov": citeJournal, "ncbi.nlm.nih.gov": citeJournal,
	"doi.org": citeJournal, "bmj.com": citeJournal, "thelancet.com": citeJournal, "nejm.org": citeJournal,
	"jamanetwork.com": citeJournal, "academic.oup.com": citeJournal, "tandfonline.com": citeJournal,
	"sciencedirect.com": citeJournal, "link.springer.com": citeJournal, "onlinelibrary.wiley.com": citeJournal,
	"journals.sagepub.com": citeJournal, "jstor.org": citeJournal, "nature.com": citeJournal,
	"science.org": citeJournal, "healthaffairs.org": citeJournal, "ajph.aphapublications.org": citeJournal,
	"aacrjournals.org": citeJournal, "journals.plos.org": citeJournal,

	"theguardian.com": citeNewspaper, "bbc.co.uk": citeNewspaper, "bbc.com": citeNewspaper,
	"nytimes.com": citeNewspaper, "latimes.com": citeNewspaper, "washingtonpost.com": citeNewspaper,
	"independent.co.uk": citeNewspaper, "dailymail.co.uk": citeNewspaper, "telegraph.co.uk": citeNewspaper,
	"abc.net.au": citeNewspaper, "cnn.com": citeNewspaper, "npr.org": citeNewspaper, "reuters.com": citeNewspaper,
	"apnews.com": citeNewspaper, "huffingtonpost.co.uk": citeNewspaper, "standard.co.uk": citeNewspaper,
	"mg.co.za": citeNewspaper, "allafrica.com": citeNewspaper, "bloomberg.com": citeNewspaper,
	"theatlantic.com": citeNewspaper, "baltimoresun.com": citeNewspaper, "tampabay.com": citeNewspaper,

	"books.google.com": citeBook, "books.google.co.uk": citeBook, "books.google.co.ke": citeBook, "nap.edu": citeBook,
	"nap.nationalacademies.org": citeBook,

	"wikipedia.org": citeEncyclopedia, "britannica.com": citeEncyclopedia, "embryo.asu.edu": citeEncyclopedia,

	"legislation.gov.uk": citeLegislation, "congress.gov": citeLegislation, "govinfo.gov": citeLegislation,

	"publications.parliament.uk": citeReport, "assets.publishing.service.gov.uk": citeReport,
}

var (
	newsPublisher    = regexp.MustCompile(`\b(News|Times|Guardian|Post|Herald|Tribune|Telegraph|Independent|Gazette|Standard|Courier|Associated Press|Reuters|BBC|Mail)\b`)
	journalPublisher = regexp.MustCompile(`\b(Journal|Lancet|BMJ|JAMA|via PMC|Social Science & Medicine)\b`)
	reportTitle      = regexp.MustCompile(`(?i)\b(report|white paper|inquiry|review of)\b`)
	bookPublisher    = regexp.MustCompile(`\b(University Press|Academies Press)\b`)
)

// classify says what s is (see citeType).
func classify(s *graph.Source) citeType {
	if u, err := url.Parse(s.URL); err == nil && u.Host != "" {
		host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		for h := host; h != ""; {
			if t, ok := hostTypes[h]; ok {
				return t
			}
			_, rest, found := strings.Cut(h, ".")
			if !found || !strings.Contains(rest, ".") {
				break
			}
			h = rest
		}
	}
	switch {
	case journalPublisher.MatchString(s.Publisher):
		return citeJournal
	case bookPublisher.MatchString(s.Publisher):
		return citeBook
	case newsPublisher.MatchString(s.Publisher):
		return citeNewspaper
	case reportTitle.MatchString(s.Title), strings.HasSuffix(strings.ToLower(s.URL), ".pdf"):
		return citeReport
	}
	return citeWebpage
}

// oneLine turns newlines, tabs and other control characters into single
// spaces and trims the ends: every citation field is one line.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// citeNote is the note every format carries: where the entry came from.
func citeNote(s *graph.Source) string {
	if s.Kind != "" {
		// "primary source", "mirror source"...: what the reader is holding.
		return "hmkg source " + s.ID + "; " + strings.ToLower(string(s.Kind)) + " source"
	}
	return "hmkg source " + s.ID
}

// sourceFields is a source made ready for citing: fields on one line, its
// type read, its citation key made.
type sourceFields struct {
	id, key, title, url, publisher, note string
	year                                 *int
	typ                                  citeType
}

// citeSources returns the document's sources ready for citing, sorted by
// id, with citation keys that are unique and valid in BibTeX.
func citeSources(d *Document) []sourceFields {
	ss := sortedSources(d.Sources)
	out := make([]sourceFields, 0, len(ss))
	used := make(map[string]bool, len(ss))
	for _, s := range ss {
		key := bibKey(s.ID)
		for i := 2; used[key]; i++ {
			key = fmt.Sprintf("%s-%d", bibKey(s.ID), i)
		}
		used[key] = true
		out = append(out, sourceFields{
			id: s.ID, key: key, title: oneLine(s.Title), url: oneLine(s.URL),
			publisher: oneLine(s.Publisher), note: citeNote(s), year: s.Year, typ: classify(s),
		})
	}
	return out
}

// bibKey makes a BibTeX citation key of a source id: ASCII letters, digits
// and - _ : . / + only (BibTeX and biber reject spaces, quotes, commas,
// braces, parentheses, = # % ~ and backslashes in keys); anything else
// becomes "-"; an empty id becomes "source".
func bibKey(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '-', r == '_', r == ':', r == '.', r == '/', r == '+':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "source"
	}
	return b.String()
}
