package graph

import (
	"slices"
	"testing"
)

func TestTokenizeAndNameKey(t *testing.T) {
	cases := map[string][]string{
		"ACT UP (AIDS Coalition)": {"act", "up", "aids", "coalition"},
		"act-up":                  {"act", "up"},
		"Zoë's 1987 Über-Clinic":  {"zoë", "s", "1987", "über", "clinic"},
		"  !!  ":                  nil,
	}
	for in, want := range cases {
		if got := Tokenize(nil, in); !slices.Equal(got, want) {
			t.Errorf("Tokenize(%q) = %q, want %q", in, got, want)
		}
	}
	if a, b := NameKey("ACT UP"), NameKey("up, act"); a != b || a != "act up" {
		t.Errorf("NameKey: %q and %q, want both %q", a, b, "act up")
	}
	if NameKey("act up") == NameKey("act up up") {
		t.Error("NameKey ignores repeated words")
	}
}
