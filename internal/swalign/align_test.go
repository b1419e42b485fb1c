package swalign

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestEdgeCases pins behaviour checked against EMBOSS water 6.6.0
// (water -asequence Q -sprotein1 -bsequence R -sprotein2, EBLOSUM62) by hand;
// TestWaterParityEdge re-checks such cases against the installed water.
func TestEdgeCases(t *testing.T) {
	tests := []struct {
		name               string
		q, ref             string
		open, ext          float64
		score              float64
		ident, sim, gaps   int
		length             int
		qStart, rStart     int
		alignedQ, alignedR string
	}{
		{"identical", "MKVLAAGIVA", "MKVLAAGIVA", 10, 0.5, 44, 10, 10, 0, 10, 1, 1, "MKVLAAGIVA", "MKVLAAGIVA"},
		{"lower case", "mkvlwww", "MKVLWWW", 10, 0.5, 51, 7, 7, 0, 7, 1, 1, "mkvlwww", "MKVLWWW"},
		// X/X scores -1 in EBLOSUM62, so the Xs are left out.
		{"X residues", "XXXXWWW", "XXXXWWW", 10, 0.5, 33, 3, 3, 0, 3, 5, 5, "WWW", "WWW"},
		// U, O and J are not in EBLOSUM62: they score 0 and are not identical.
		{"U O J", "WWUOJWW", "WWUOJWW", 10, 0.5, 44, 4, 4, 0, 7, 1, 1, "WWUOJWW", "WWUOJWW"},
		{"stop", "WW**WW", "WW**WW", 10, 0.5, 46, 6, 6, 0, 6, 1, 1, "WW**WW", "WW**WW"},
		{"B and Z", "WWBZBWW", "WWBZDWW", 10, 0.5, 56, 6, 7, 0, 7, 1, 1, "WWBZBWW", "WWBZDWW"},
		// No positive pair: water reports the best interior value (G/W = -2)
		// and a one-column alignment of the first residues.
		{"no positive pair", "GGGG", "WWWW", 10, 0.5, -2, 0, 0, 0, 1, 1, 1, "G", "W"},
		// A single residue: water's interior loop never runs, it prints -FLT_MAX.
		{"single residues", "W", "W", 10, 0.5, -math.MaxFloat32, 1, 1, 0, 1, 1, 1, "W", "W"},
		{"single vs many", "W", "GAWG", 10, 0.5, -math.MaxFloat32, 1, 1, 0, 1, 1, 3, "W", "W"},
		// The best cell is in the first row: the alignment is W/W but the
		// reported score is the interior maximum, 1.
		{"best cell in first row", "WGGGG", "AAAAW", 10, 0.5, 1, 1, 1, 0, 1, 1, 5, "W", "W"},
		{"long gap", "WGGGGGGGGGGGW", "WW", 1, 0.5, 16, 2, 2, 11, 13, 1, 1, "WGGGGGGGGGGGW", "W-----------W"},
		{"gaps both ways", "MKVLAAGIVALLLAAGCSSSKEETPQ", "MKVLAGIVALLLWAAGCSSKEETPQ", 10, 0.5, 85, 24, 24, 3, 27, 1, 1,
			"MKVLAAGIVALLL-AAGCSSSKEETPQ", "MKVL-AGIVALLLWAAGC-SSKEETPQ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			p.GapOpen, p.GapExtend = tt.open, tt.ext
			al, err := NewAligner(p)
			if err != nil {
				t.Fatal(err)
			}
			r, err := al.Align([]byte(tt.q), []byte(tt.ref))
			if err != nil {
				t.Fatal(err)
			}
			want := Result{Score: tt.score, Identity: tt.ident, Similarity: tt.sim, Gaps: tt.gaps, Length: tt.length,
				QueryStart: tt.qStart, QueryEnd: tt.qStart + len(strings.ReplaceAll(tt.alignedQ, "-", "")) - 1,
				RefStart: tt.rStart, RefEnd: tt.rStart + len(strings.ReplaceAll(tt.alignedR, "-", "")) - 1,
				AlignedQuery: tt.alignedQ, AlignedRef: tt.alignedR}
			if r != want {
				t.Errorf("got  %+v\nwant %+v", r, want)
			}
			if s := al.Score([]byte(tt.q), []byte(tt.ref)); s != r.Score {
				t.Errorf("Score() = %v, Align().Score = %v", s, r.Score)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	al, err := NewAligner(DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, q, r string }{
		{"empty query", "", "MKV"},
		{"empty reference", "MKV", ""},
		{"gap in query", "MK-V", "MKV"},
		{"digit in reference", "MKV", "MK1V"},
		{"blank", "MK V", "MKV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := al.Align([]byte(tc.q), []byte(tc.r)); err == nil {
				t.Error("no error")
			}
			if s := al.Score([]byte(tc.q), []byte(tc.r)); !math.IsNaN(s) {
				t.Errorf("Score = %v, want NaN", s)
			}
		})
	}
	for _, p := range []Params{
		{GapOpen: -1, GapExtend: 0.5},
		{GapOpen: 10, GapExtend: -0.5},
		{GapOpen: 101, GapExtend: 0.5},
		{GapOpen: 10, GapExtend: 0.333},
		{GapOpen: math.NaN(), GapExtend: 0.5},
	} {
		if _, err := NewAligner(p); err == nil {
			t.Errorf("NewAligner(%v/%v): no error", p.GapOpen, p.GapExtend)
		}
	}
	if _, err := MatrixByName("BLOSUM62"); err == nil || !strings.Contains(err.Error(), "EBLOSUM62") {
		t.Errorf("MatrixByName error should list the known names, got %v", err)
	}
	other, _ := NewAligner(Params{Matrix: DefaultParams().Matrix, GapOpen: 12, GapExtend: 1})
	prof, _ := NewProfile(DefaultParams(), []byte("MKV"))
	if _, err := other.AlignProfile(prof, []byte("MKV")); err == nil {
		t.Error("AlignProfile accepted a profile built with other parameters")
	}
}

func TestMatrices(t *testing.T) {
	for _, n := range []string{"EBLOSUM45", "EBLOSUM50", "EBLOSUM62", "EBLOSUM80", "EBLOSUM90", "EPAM30", "EPAM70", "EPAM250"} {
		if _, err := MatrixByName(n); err != nil {
			t.Error(err)
		}
	}
	m, _ := MatrixByName("eblosum62")
	// Values from /usr/share/EMBOSS/data/EBLOSUM62.
	for _, c := range []struct {
		a, b byte
		want int
	}{{'W', 'W', 11}, {'w', 'W', 11}, {'A', 'R', -1}, {'X', 'X', -1}, {'*', '*', 1}, {'U', 'A', 0}, {'B', 'D', 4}} {
		if got := m.Score(c.a, c.b); got != c.want {
			t.Errorf("EBLOSUM62 %c/%c = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestCigar(t *testing.T) {
	for _, c := range []struct{ q, r, want string }{
		{"MKVL-AG", "MK-LWAG", "2M1I1M1D2M"},
		{"ACD", "ACD", "3M"},
		{"", "", ""},
	} {
		if got := (Result{AlignedQuery: c.q, AlignedRef: c.r}).Cigar(); got != c.want {
			t.Errorf("Cigar(%s/%s) = %s, want %s", c.q, c.r, got, c.want)
		}
	}
}

func TestRescore(t *testing.T) {
	p := DefaultParams()
	// W/W 11 + A/A 4, one gap of 2 (10 + 0.5), one gap of 1 in the other string (10).
	if got := Rescore(p, "W--A-", "WGGAG"); got != 11+4-10.5-10 {
		t.Errorf("Rescore = %v", got)
	}
	if !math.IsNaN(Rescore(p, "AA", "A")) {
		t.Error("Rescore of unequal strings should be NaN")
	}
}

func TestSRSPairRoundTrip(t *testing.T) {
	al, _ := NewAligner(DefaultParams())
	q, ref := benchPair()
	r, err := al.Align(q, ref)
	if err != nil {
		t.Fatal(err)
	}
	in := []SRSPair{{QueryName: "query_with_a_long_name", RefName: "gyrA", Matrix: "EBLOSUM62", GapOpen: 10, GapExtend: 0.5, Result: r}}
	var buf bytes.Buffer
	if err := WriteSRSPair(&buf, SRSHeader{Commandline: []string{"wtscan-align", "-asequence q.fa"}, ReportFile: "out.srspair"}, in); err != nil {
		t.Fatal(err)
	}
	out, err := ParseSRSPair(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0] != in[0] {
		t.Fatalf("round trip:\n got  %+v\n want %+v", out, in)
	}
}
