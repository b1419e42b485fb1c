package variant

import (
	"strings"
	"testing"
)

// TestCallNucleotide names base changes as HGVS does: substitutions one by
// one, indels 3'-shifted, a repeat of the bases before an insertion as dup,
// promoter coordinates negative before the gene with no position 0.
func TestCallNucleotide(t *testing.T) {
	// a promoter of 6 bases (positions -6..-1) then the gene (1..)
	ref := []byte("GCTTTAATGAAACCC")
	promoter := func(i int) int {
		if i <= 6 {
			return i - 7
		}
		return i - 6
	}
	cases := []struct {
		name           string
		aq, ar         string
		coord          func(int) int
		prefix         string
		limit          int
		hgvs, short    []string
		ambiguousAtIdx []int
	}{
		{"substitution", "GCTATAATG", "GCTTTAATG", nil, "n.", 0, []string{"n.4T>A"}, []string{"T4A"}, nil},
		{"identical", "GCTTTAATGAAACCC", "GCTTTAATGAAACCC", promoter, "c.", 0, nil, nil, nil},
		{"promoter upstream", "GCTCTAATG", "GCTTTAATG", promoter, "c.", 0, []string{"c.-3T>C"}, []string{"T-3C"}, nil},
		// deleting one T of TTT is named at the last T (3' shift)
		{"deletion shifted", "GCT-TAATG", "GCTTTAATG", nil, "n.", 0, []string{"n.5del"}, []string{"5del"}, nil},
		// inserting T in TTT is a dup of the last T
		{"dup", "GCTTTTAATG", "GCTT-TAATG", nil, "n.", 0, []string{"n.5dup"}, []string{"5dup"}, nil},
		{"insertion", "GCTTTAGCATG", "GCTTTA--ATG", nil, "n.", 0, []string{"n.6_7insGC"}, []string{"6_7insGC"}, nil},
		// across the promoter's end: c.-1 is followed by c.1
		{"insertion at the gene start", "GCTTTACCATG", "GCTTTA--ATG", promoter, "c.", 0, []string{"c.-1_1insCC"}, []string{"-1_1insCC"}, nil},
		// an insertion next to a deletion is one delins; a mismatch beside a gap is a substitution of its own
		{"delins", "GCTTG-AATG", "GCTT-TAATG", nil, "n.", 0, []string{"n.5delinsG"}, []string{"5delinsG"}, nil},
		{"substitution beside a deletion", "GCTG--ATG", "GCTTTAATG", nil, "n.", 0, []string{"n.4T>G", "n.5_6del"}, []string{"T4G", "5_6del"}, nil},
		{"ambiguous", "GCTNTAATG", "GCTTTAATG", nil, "n.", 0, nil, nil, []int{4}},
		// a promoter whose gene is called on its protein: changes in the gene are left out
		{"limit", "GCTCTAATGCAA", "GCTTTAATGAAA", promoter, "c.", 6, []string{"c.-3T>C"}, []string{"T-3C"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := CallNucleotide(NucInput{AlignedQuery: c.aq, AlignedRef: c.ar, QueryStart: 1, RefStart: 1, Ref: ref, Coord: c.coord, Prefix: c.prefix, Limit: c.limit})
			if err != nil {
				t.Fatal(err)
			}
			var hgvs, short []string
			for _, e := range res.Events {
				hgvs = append(hgvs, e.HGVS)
				short = append(short, e.Short)
			}
			if strings.Join(hgvs, " ") != strings.Join(c.hgvs, " ") || strings.Join(short, " ") != strings.Join(c.short, " ") {
				t.Errorf("got %q %q, want %q %q", hgvs, short, c.hgvs, c.short)
			}
			var amb []int
			for _, a := range res.Ambiguous {
				amb = append(amb, a.Pos)
			}
			if len(amb) != len(c.ambiguousAtIdx) || (len(amb) > 0 && amb[0] != c.ambiguousAtIdx[0]) {
				t.Errorf("ambiguous at %v, want %v", amb, c.ambiguousAtIdx)
			}
		})
	}
}

// TestNucleotideSites: a site's status reads the calls at a 1-based index.
func TestNucleotideSites(t *testing.T) {
	ref := []byte("ACGTACGTAC")
	res, err := CallNucleotide(NucInput{AlignedQuery: "CGTTCG", AlignedRef: "CGTACG", QueryStart: 1, RefStart: 2, Ref: ref})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at             int
		status, observ string
	}{{1, StatusNotCovered, ""}, {2, StatusWT, "C"}, {5, StatusMut, "T"}, {8, StatusNotCovered, ""}} {
		if st, ob := res.Site(c.at, ref); st != c.status || ob != c.observ {
			t.Errorf("site %d: %s %q, want %s %q", c.at, st, ob, c.status, c.observ)
		}
	}
}
