package aggregate

import "testing"

// A FAILED alignment counts as covered exactly when subscan calls it.
func TestAlignmentCalled(t *testing.T) {
	// HS11286 OmpK35: 133 of 359 residues aligned at 100 %, then a frameshift.
	base := alnRow{Quality: "FAILED", PctIdentity: 100, QueryEnd: 133, QueryLength: 144, RefEnd: 133, RefLength: 359}
	tests := []struct {
		name string
		edit func(*alnRow)
		want bool
	}{
		{"not FAILED", func(r *alnRow) { r.Quality = "HIGH" }, true},
		{"frameshift", func(r *alnRow) { r.Frameshifts = "134" }, true},
		{"query ends inside the reference", func(r *alnRow) { r.QueryLength = 133 }, true},
		{"contig edge", func(r *alnRow) { r.QueryLength = 133; r.PartialEnd = true }, false},
		{"divergent end, no disruption", func(r *alnRow) {}, false},
		{"not the gene", func(r *alnRow) { r.QueryLength = 133; r.PctIdentity = 40 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.edit(&r)
			if got := r.called(); got != tt.want {
				t.Errorf("called = %v, want %v", got, tt.want)
			}
		})
	}
}
