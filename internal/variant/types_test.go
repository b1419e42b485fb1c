package variant

import "testing"

// TestTypeQuestions: each change type answers the questions callers ask of
// it; a new type must be placed here too (the test lists every one).
func TestTypeQuestions(t *testing.T) {
	want := map[Type][4]bool{ // point change, indel, truncates, replaces residues
		Substitution: {true, false, false, true},
		Nonsense:     {true, false, true, true},
		StartLost:    {true, false, false, true},
		Deletion:     {false, true, false, true},
		Insertion:    {false, true, false, false},
		Delins:       {false, true, false, true},
		Frameshift:   {false, false, true, true},
		Truncation:   {false, false, true, false},
		StopLost:     {false, false, false, false},
	}
	if len(want) != len(Types) {
		t.Fatalf("%d types answered here, %d in Types: place the new one", len(want), len(Types))
	}
	for _, ty := range Types {
		w, ok := want[ty]
		if !ok {
			t.Errorf("type %s not placed", ty)
			continue
		}
		if got := [4]bool{ty.IsPointChange(), ty.IsIndel(), ty.Truncates(), ty.ReplacesResidues()}; got != w {
			t.Errorf("%s: %v, want %v", ty, got, w)
		}
	}
	if TypeList() != "substitution, deletion, insertion, delins, nonsense, start_lost, stop_lost, frameshift, truncation" {
		t.Errorf("TypeList %q", TypeList())
	}
}
