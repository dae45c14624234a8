package synth

import (
	"reflect"
	"testing"
)

func TestGenerateIsValidAndDeterministic(t *testing.T) {
	a := Generate(2000, 6, 7)
	if err := a.Validate(nil); err != nil {
		t.Fatalf("synthetic dataset is invalid: %v", err)
	}
	if len(a.Nodes) != 2000 {
		t.Errorf("nodes = %d, want 2000", len(a.Nodes))
	}
	if want := 2000 * 6 / 2; len(a.Relationships) != want {
		t.Errorf("relationships = %d, want %d", len(a.Relationships), want)
	}
	b := Generate(2000, 6, 7)
	if !reflect.DeepEqual(a.Nodes, b.Nodes) || !reflect.DeepEqual(a.Relationships, b.Relationships) {
		t.Error("same arguments gave different graphs")
	}
	c := Generate(2000, 6, 8)
	if reflect.DeepEqual(a.Relationships, c.Relationships) {
		t.Error("different seeds gave the same graph")
	}
}
