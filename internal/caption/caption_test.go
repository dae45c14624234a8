package caption

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	for _, tc := range []struct {
		name, in      string
		want, without []string
	}{
		{"emphasis and links", "ACT UP **challenged** the [FDA](https://www.fda.gov/) in *1988*.",
			[]string{"<strong>challenged</strong>", "<em>1988</em>", `href="https://www.fda.gov/"`, `rel="nofollow noopener"`}, nil},
		{"raw html dropped", "Hi <script>alert(1)</script><img src=x onerror=alert(1)> there",
			[]string{"Hi", "there"}, []string{"<script", "onerror", "<img", "alert(1)</script>"}},
		{"javascript link", "[click](javascript:alert(1))", nil, []string{"javascript:", "href"}},
		{"image", "![x](https://example.org/x.png)", nil, []string{"<img"}},
		{"headings demoted", "# Big\n\n## Less\n\n### Ok", []string{"<h3>Big</h3>", "<h3>Less</h3>", "<h3>Ok</h3>"}, []string{"<h1", "<h2"}},
		{"lists and quotes", "- a\n- b\n\n> q", []string{"<ul>", "<li>a</li>", "<blockquote>"}, nil},
		{"style attribute", `<p style="color:red">x</p>`, nil, []string{"style"}},
		{"relative link", "[node](/s/aids)", []string{`href="/s/aids"`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HTML(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("HTML(%q) = %q, want it to contain %q", tc.in, got, w)
				}
			}
			for _, w := range tc.without {
				if strings.Contains(got, w) {
					t.Errorf("HTML(%q) = %q, must not contain %q", tc.in, got, w)
				}
			}
		})
	}
}
