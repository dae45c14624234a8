package mapimport

import (
	"strings"
	"unicode"
)

// fold spells common accented Latin letters without their accents, so that
// "Zoë" and "Zoe" give the same id.
var fold = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "æ", "ae", "ç", "c",
	"è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i", "î", "i", "ï", "i",
	"ñ", "n", "ò", "o", "ó", "o", "ô", "o", "õ", "o", "ö", "o", "ø", "o", "œ", "oe",
	"ù", "u", "ú", "u", "û", "u", "ü", "u", "ý", "y", "ÿ", "y", "ß", "ss", "ł", "l",
	"'", "", "’", "",
)

// Slug derives a readable hmkg id from a map's id or label: lower case,
// accents folded, every run of other characters a single hyphen, at most
// 100 characters. "ACT UP (New York)" becomes "act-up-new-york" and
// "Zoë O'Neill" "zoe-oneill". An id that already is a slug is kept as it
// is, so hmkg's own exports keep their ids. Letters of other scripts are
// kept (lower-cased) only when they are ASCII after folding; a name with
// none gives "".
func Slug(s string) string {
	s = fold.Replace(strings.ToLower(strings.TrimSpace(s)))
	var b strings.Builder
	hyphen := false
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	out := b.String()
	if len(out) > 100 {
		out = strings.TrimRight(out[:100], "-")
	}
	return out
}
