package graph

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false,
	"append the kinds and types missing from testdata/vocabulary.golden (existing lines are never rewritten)")

// readVocabularyGolden parses testdata/vocabulary.golden into lines
// "kind NAME" or "type NAME" mapped to codes.
func readVocabularyGolden(t *testing.T) map[string]Code {
	t.Helper()
	f, err := os.Open("testdata/vocabulary.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	golden := map[string]Code{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, code, ok := strings.Cut(line, "=")
		section, _, _ := strings.Cut(key, " ")
		c, err := strconv.ParseUint(code, 10, 8)
		if !ok || err != nil || (section != "kind" && section != "type") {
			t.Fatalf("vocabulary.golden:%d: %q is not `kind NAME=CODE` or `type NAME=CODE`", n, line)
		}
		if _, dup := golden[key]; dup {
			t.Fatalf("vocabulary.golden:%d: %s is listed twice", n, key)
		}
		golden[key] = Code(c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return golden
}

// TestVocabularyGolden pins the code of every kind and relationship type:
// stored data holds the codes, so changing one would change what existing
// files mean.
func TestVocabularyGolden(t *testing.T) {
	golden := readVocabularyGolden(t)
	have := map[string]Code{}
	for _, k := range KindCodes() {
		have["kind "+string(k.Kind)] = k.Code
	}
	for _, rt := range RelTypeCodes() {
		have["type "+string(rt.Type)] = rt.Code
	}
	if *updateGolden {
		appendMissingGolden(t, golden, have)
		golden = readVocabularyGolden(t)
	}
	for key, c := range have {
		switch g, ok := golden[key]; {
		case !ok:
			t.Errorf("%s has code %d in vocab.go but no line in testdata/vocabulary.golden: "+
				"add `%s=%d` there if it is new (go test ./graph -run TestVocabularyGolden -update)", key, c, key, c)
		case g != c:
			t.Errorf("%s has code %d in vocab.go but %d in testdata/vocabulary.golden: "+
				"a code must never change, because stored data holds it", key, c, g)
		}
	}
	for key, c := range golden {
		if _, ok := have[key]; !ok {
			t.Errorf("testdata/vocabulary.golden has %s=%d but vocab.go does not: data stored with code %d "+
				"would no longer read back", key, c, c)
		}
	}
}

// appendMissingGolden appends a line for each entry of have that golden
// lacks, in vocabulary order.
func appendMissingGolden(t *testing.T, golden, have map[string]Code) {
	t.Helper()
	var add []string
	for _, k := range KindCodes() {
		if key := "kind " + string(k.Kind); !hasKey(golden, key) {
			add = append(add, fmt.Sprintf("%s=%d\n", key, have[key]))
		}
	}
	for _, rt := range RelTypeCodes() {
		if key := "type " + string(rt.Type); !hasKey(golden, key) {
			add = append(add, fmt.Sprintf("%s=%d\n", key, have[key]))
		}
	}
	if len(add) == 0 {
		return
	}
	f, err := os.OpenFile("testdata/vocabulary.golden", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(strings.Join(add, ""))
	if err := errors.Join(err, f.Close()); err != nil {
		t.Fatal(err)
	}
	t.Logf("appended to testdata/vocabulary.golden:\n%s", strings.Join(add, ""))
}

// nextKindCode and nextTypeCode return the lowest code above every code in
// use, for tests that add an entry.
func nextKindCode() Code {
	var n Code
	for _, k := range KindCodes() {
		n = max(n, k.Code+1)
	}
	return n
}

func nextTypeCode() Code {
	var n Code
	for _, rt := range RelTypeCodes() {
		n = max(n, rt.Code+1)
	}
	return n
}

func hasKey(m map[string]Code, key string) bool { _, ok := m[key]; return ok }

func TestVocabularyLookups(t *testing.T) {
	if len(Kinds) != len(kindList) || len(RelTypes) != len(relTypeList) {
		t.Fatalf("Kinds %v, RelTypes %v: not derived from the lists", Kinds, RelTypes)
	}
	for i, kc := range KindCodes() {
		if Kinds[i] != kc.Kind {
			t.Errorf("Kinds[%d] = %s, want %s (schema order)", i, Kinds[i], kc.Kind)
		}
		if c, ok := kc.Kind.Code(); !ok || c != kc.Code {
			t.Errorf("%s.Code() = %d %v, want %d", kc.Kind, c, ok, kc.Code)
		}
		if k, ok := KindByCode(kc.Code); !ok || k != kc.Kind {
			t.Errorf("KindByCode(%d) = %q %v, want %s", kc.Code, k, ok, kc.Kind)
		}
		if !kc.Kind.Valid() {
			t.Errorf("%s is not Valid", kc.Kind)
		}
	}
	for i, tc := range RelTypeCodes() {
		if RelTypes[i] != tc.Type {
			t.Errorf("RelTypes[%d] = %s, want %s (schema order)", i, RelTypes[i], tc.Type)
		}
		if c, ok := tc.Type.Code(); !ok || c != tc.Code {
			t.Errorf("%s.Code() = %d %v, want %d", tc.Type, c, ok, tc.Code)
		}
		if rt, ok := RelTypeByCode(tc.Code); !ok || rt != tc.Type {
			t.Errorf("RelTypeByCode(%d) = %q %v, want %s", tc.Code, rt, ok, tc.Type)
		}
		if !tc.Type.Valid() {
			t.Errorf("%s is not Valid", tc.Type)
		}
	}
	for _, k := range []Kind{"", "ROBOT", "movement"} {
		if k.Valid() {
			t.Errorf("kind %q is Valid", k)
		}
		if _, ok := k.Code(); ok {
			t.Errorf("kind %q has a code", k)
		}
	}
	if rt := RelType("LIKES"); rt.Valid() {
		t.Errorf("type %q is Valid", rt)
	}
	for c := range 256 {
		k, ok := KindByCode(Code(c))
		if used := slices.ContainsFunc(kindList, func(kc KindCode) bool { return kc.Code == Code(c) }); ok != used {
			t.Errorf("KindByCode(%d) = %q %v, but the code is used: %v", c, k, ok, used)
		}
		rt, ok := RelTypeByCode(Code(c))
		if used := slices.ContainsFunc(relTypeList, func(tc RelTypeCode) bool { return tc.Code == Code(c) }); ok != used {
			t.Errorf("RelTypeByCode(%d) = %q %v, but the code is used: %v", c, rt, ok, used)
		}
	}
}

// TestVocabularyRejectsInconsistentLists checks that a list with a shared
// code, a repeated name or a malformed name is refused and changes nothing.
func TestVocabularyRejectsInconsistentLists(t *testing.T) {
	kinds, types := KindCodes(), RelTypeCodes()
	for _, tc := range []struct {
		name  string
		kinds []KindCode
		types []RelTypeCode
		want  string
	}{
		{"shared kind code", append(KindCodes(), KindCode{"TEST_CAMPAIGN", 3}), types, "REPORT and TEST_CAMPAIGN share code 3"},
		{"shared type code", kinds, append(RelTypeCodes(), RelTypeCode{"TEST_OPPOSED", 0}), "CHALLENGED and TEST_OPPOSED share code 0"},
		{"repeated kind", append(KindCodes(), KindCode{KindPerson, nextKindCode()}), types, "PERSON is listed twice"},
		{"lower-case type", kinds, append(RelTypeCodes(), RelTypeCode{"opposed", nextTypeCode()}), `"opposed"`},
		{"empty kind", append(KindCodes(), KindCode{"", nextKindCode()}), types, `kind ""`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := SetVocabularyForTest(t, tc.kinds, tc.types)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if !slices.Equal(KindCodes(), kinds) || !slices.Equal(RelTypeCodes(), types) {
				t.Fatal("a refused vocabulary changed the lists")
			}
		})
	}
}

// TestSetVocabularyForTest checks the hook that other packages' tests use
// to add a kind and a type: lookups see them until the test ends.
func TestSetVocabularyForTest(t *testing.T) {
	kinds, types := KindCodes(), RelTypeCodes()
	t.Run("extended", func(t *testing.T) {
		kc, tc := nextKindCode(), nextTypeCode()
		k := slices.Insert(KindCodes(), 0, KindCode{"TEST_CAMPAIGN", kc})
		rt := slices.Insert(RelTypeCodes(), 3, RelTypeCode{"TEST_OPPOSED", tc})
		if err := SetVocabularyForTest(t, k, rt); err != nil {
			t.Fatal(err)
		}
		if Kinds[0] != "TEST_CAMPAIGN" || !Kind("TEST_CAMPAIGN").Valid() || RelTypes[3] != "TEST_OPPOSED" {
			t.Fatalf("Kinds %v, RelTypes %v", Kinds, RelTypes)
		}
		if got, _ := KindByCode(0); got != KindMovement {
			t.Errorf("KindByCode(0) = %s after inserting a kind in front, want MOVEMENT", got)
		}
		if got, ok := RelTypeByCode(tc); !ok || got != "TEST_OPPOSED" {
			t.Errorf("RelTypeByCode(%d) = %s %v", tc, got, ok)
		}
	})
	if !slices.Equal(KindCodes(), kinds) || !slices.Equal(RelTypeCodes(), types) || Kind("TEST_CAMPAIGN").Valid() {
		t.Fatalf("the vocabulary was not restored: %v %v", Kinds, RelTypes)
	}
}
