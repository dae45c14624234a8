// Package caption renders story captions: Markdown (CommonMark, via
// goldmark) to HTML, then sanitised by an allow-list (bluemonday), so the
// result is safe to insert as innerHTML in the dashboard, an embed or an
// exported file.
//
// The allowed subset: paragraphs, line breaks, emphasis, strong,
// strikethrough, inline code and code blocks, block quotes, ordered and
// unordered lists, headings h3 to h6 (h1 and h2 become h3: a caption sits
// under the story's own headings), horizontal rules, and links whose URL is
// http, https, mailto or relative; links get rel="nofollow noopener" and
// open in a new tab. Raw HTML in the Markdown is dropped by goldmark before
// the sanitiser sees it; images, scripts, styles, iframes, forms, style and
// event-handler attributes never pass.
package caption

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	md = goldmark.New(goldmark.WithExtensions(extension.Strikethrough))

	policy = func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "br", "em", "strong", "del", "code", "pre", "blockquote",
			"ul", "ol", "li", "h3", "h4", "h5", "h6", "hr")
		p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,6}$`)).OnElements("ol")
		p.AllowAttrs("href").OnElements("a")
		p.AllowURLSchemes("http", "https", "mailto")
		p.AllowRelativeURLs(true)
		p.RequireParseableURLs(true)
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		return p
	}()

	demote = regexp.MustCompile(`(</?)h[12]>`)
)

// HTML renders Markdown to sanitised HTML.
func HTML(markdown string) (string, error) {
	var buf bytes.Buffer
	if err := md.Convert([]byte(markdown), &buf); err != nil {
		return "", fmt.Errorf("render caption: %w", err)
	}
	out := demote.ReplaceAll(buf.Bytes(), []byte("${1}h3>"))
	return policy.Sanitize(string(out)), nil
}
