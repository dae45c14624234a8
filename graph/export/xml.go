package export

import (
	"strconv"
	"unicode/utf8"
)

// xmlSafe marks the ASCII bytes XML text and attribute values hold as
// they are.
var xmlSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '&' && c != '<' && c != '>' && c != '"' && c != '\''
	}
	return t
}()

// appendXML appends s escaped for XML text and attribute values. Newlines
// and tabs become character references so that attribute values keep them;
// characters XML 1.0 cannot carry at all become U+FFFD. Runs of bytes that
// need no escape are copied at once.
func appendXML(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if xmlSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '&':
				b = append(b, "&amp;"...)
			case '<':
				b = append(b, "&lt;"...)
			case '>':
				b = append(b, "&gt;"...)
			case '"':
				b = append(b, "&quot;"...)
			case '\'':
				b = append(b, "&apos;"...)
			case '\n':
				b = append(b, "&#10;"...)
			case '\r':
				b = append(b, "&#13;"...)
			case '\t':
				b = append(b, "&#9;"...)
			default:
				b = append(b, "\uFFFD"...)
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF {
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// xmlValue is v as the text of a GraphML <data> or GEXF attvalue: lists as
// a JSON array, numbers in decimal.
func appendXMLValue(b []byte, t propType, v value) []byte {
	switch t {
	case tInt:
		return strconv.AppendInt(b, int64(*v.num), 10)
	case tList:
		return appendXML(b, jsonList(v.list))
	case tFloat:
		return strconv.AppendFloat(b, *v.flt, 'g', -1, 64)
	}
	return appendXML(b, v.str)
}
