package export

import (
	"strconv"
	"unicode/utf8"
)

// appendXML appends s escaped for XML text and attribute values. Newlines
// and tabs become character references so that attribute values keep them;
// characters XML 1.0 cannot carry at all become U+FFFD.
func appendXML(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
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
				if c < 0x20 || c == 0x7f {
					b = append(b, "\uFFFD"...)
				} else {
					b = append(b, c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// xmlValue is v as the text of a GraphML <data> or GEXF attvalue: lists as
// a JSON array, numbers in decimal.
func appendXMLValue(b []byte, t propType, v value) []byte {
	switch t {
	case tInt:
		return strconv.AppendInt(b, int64(*v.num), 10)
	case tList:
		return appendXML(b, jsonList(v.list))
	}
	return appendXML(b, v.str)
}
