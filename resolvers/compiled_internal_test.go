package resolvers

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestCompiledFieldsMatchGenerated: every field the compiled read path
// answers exists in gqlgen's generated code, and the path calls a resolver
// for exactly the fields gqlgen calls one for (compiledResolverFields);
// the others it reads from the model struct as gqlgen does.
func TestCompiledFieldsMatchGenerated(t *testing.T) {
	src, err := os.ReadFile("generated/generated.go")
	if err != nil {
		t.Fatal(err)
	}
	fn := regexp.MustCompile(`(?m)^func \(ec \*executionContext\) _([A-Za-z]+)_([A-Za-z]+)\(ctx context\.Context, field graphql\.CollectedField`)
	code := string(src)
	locs := fn.FindAllStringSubmatchIndex(code, -1)
	bodies := map[string]string{}
	for i, l := range locs {
		end := len(code)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		bodies[code[l[2]:l[3]]+"."+code[l[4]:l[5]]] = code[l[0]:end]
	}
	checked := 0
	for typ, fields := range compiledFields {
		for f := range fields {
			key := typ + "." + f
			body, ok := bodies[key]
			if !ok {
				t.Errorf("%s: no generated field function", key)
				continue
			}
			// The field's own resolve function, up to its FieldContext.
			if i := strings.Index(body, "func (ec *executionContext) fieldContext_"); i > 0 {
				body = body[:i]
			}
			viaResolver := strings.Contains(body, "ec.Resolvers.")
			if viaResolver != compiledResolverFields[key] {
				t.Errorf("%s: gqlgen calls a resolver: %v; the compiled path: %v", key, viaResolver, compiledResolverFields[key])
			}
			checked++
		}
	}
	for key := range compiledResolverFields {
		typ, f, _ := strings.Cut(key, ".")
		if !compiledFields[typ][f] {
			t.Errorf("%s is listed as a resolver field but not supported", key)
		}
	}
	if checked < 100 {
		t.Errorf("only %d fields checked", checked)
	}
}
