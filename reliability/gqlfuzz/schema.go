// Package gqlfuzz builds random GraphQL documents from an introspected
// schema (fields with valid and invalid arguments, aliases, fragments,
// variables, nesting beyond the limits) and judges the answers: no panic,
// no INTERNAL error, every error with extensions.code. The reliability
// tests and the soak command (reliability/cmd/soak) both use it.
package gqlfuzz

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Schema is the part of an introspection result the generator needs.
type Schema struct {
	Query    string
	Mutation string
	Types    map[string]*Type
}

// Type is one named type.
type Type struct {
	Kind          string // OBJECT, INTERFACE, UNION, ENUM, INPUT_OBJECT, SCALAR
	Name          string
	Fields        []Field
	InputFields   []InputValue
	EnumValues    []string
	PossibleTypes []string
}

// Field is an output field.
type Field struct {
	Name string
	Args []InputValue
	Type TypeRef
}

// InputValue is an argument or input field.
type InputValue struct {
	Name string
	Type TypeRef
}

// TypeRef is a possibly wrapped (NON_NULL, LIST) named type.
type TypeRef struct {
	Kind   string
	Name   string
	OfType *TypeRef
}

// Named is the innermost type name.
func (t TypeRef) Named() string {
	for r := &t; r != nil; r = r.OfType {
		if r.Name != "" {
			return r.Name
		}
	}
	return ""
}

// NonNull reports whether the type is required.
func (t TypeRef) NonNull() bool { return t.Kind == "NON_NULL" }

// String writes the type as in a variable definition, e.g. [Kind!]!.
func (t TypeRef) String() string {
	switch t.Kind {
	case "NON_NULL":
		return t.OfType.String() + "!"
	case "LIST":
		return "[" + t.OfType.String() + "]"
	default:
		return t.Name
	}
}

// IntrospectionQuery is graphql-js's getIntrospectionQuery(), as committed
// in resolvers/testdata.
func IntrospectionQuery() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "resolvers", "testdata", "introspection", "graphql-js-default.graphql")
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("read the introspection query: %w", err)
	}
	return string(b), nil
}

// ParseIntrospection reads the data of an introspection answer.
func ParseIntrospection(data []byte) (*Schema, error) {
	var raw struct {
		Schema struct {
			QueryType    struct{ Name string }
			MutationType *struct{ Name string }
			Types        []struct {
				Kind, Name string
				Fields     []struct {
					Name string
					Args []struct {
						Name string
						Type TypeRef
					}
					Type TypeRef
				}
				InputFields []struct {
					Name string
					Type TypeRef
				}
				EnumValues    []struct{ Name string }
				PossibleTypes []struct{ Name string }
			}
		} `json:"__schema"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse introspection: %w", err)
	}
	s := &Schema{Query: raw.Schema.QueryType.Name, Types: map[string]*Type{}}
	if raw.Schema.MutationType != nil {
		s.Mutation = raw.Schema.MutationType.Name
	}
	for _, rt := range raw.Schema.Types {
		t := &Type{Kind: rt.Kind, Name: rt.Name}
		for _, f := range rt.Fields {
			fd := Field{Name: f.Name, Type: f.Type}
			for _, a := range f.Args {
				fd.Args = append(fd.Args, InputValue(a))
			}
			t.Fields = append(t.Fields, fd)
		}
		for _, f := range rt.InputFields {
			t.InputFields = append(t.InputFields, InputValue(f))
		}
		for _, e := range rt.EnumValues {
			t.EnumValues = append(t.EnumValues, e.Name)
		}
		for _, p := range rt.PossibleTypes {
			t.PossibleTypes = append(t.PossibleTypes, p.Name)
		}
		s.Types[t.Name] = t
	}
	if s.Types[s.Query] == nil {
		return nil, fmt.Errorf("parse introspection: no query type %q among %d types", s.Query, len(s.Types))
	}
	return s, nil
}
