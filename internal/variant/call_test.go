package variant

import (
	"strings"
	"testing"
)

// synth builds a reference of length n cycling through 19 residues (no S, so
// planted residues stand out) with the given residues planted at 1-based positions.
func synth(n int, plant map[int]byte) string {
	const cyc = "ACDEFGHIKLMNPQRTVWY"
	b := []byte(strings.Repeat(cyc, n/len(cyc)+1)[:n])
	b[0] = 'M'
	for p, c := range plant {
		b[p-1] = c
	}
	return string(b)
}

func replaceAt(s string, pos int, c byte) string {
	b := []byte(s)
	b[pos-1] = c
	return string(b)
}

type callCase struct {
	name   string
	in     Input
	ref    string
	hgvs   []string
	short  []string
	types  []Type
	retain []float64 // per event, when checked
}

func runCase(t *testing.T, tc callCase) *Result {
	t.Helper()
	in := tc.in
	in.Ref = []byte(tc.ref)
	if in.QueryStart == 0 {
		in.QueryStart = 1
	}
	if in.RefStart == 0 {
		in.RefStart = 1
	}
	res, err := Call(in)
	if err != nil {
		t.Fatalf("Call: %v", err)
	}
	var hg, sh []string
	var ty []Type
	for _, e := range res.Events {
		hg = append(hg, e.HGVS)
		sh = append(sh, e.Short)
		ty = append(ty, e.Type)
	}
	if strings.Join(hg, " ") != strings.Join(tc.hgvs, " ") {
		t.Errorf("hgvs = %q, want %q", hg, tc.hgvs)
	}
	if strings.Join(sh, " ") != strings.Join(tc.short, " ") {
		t.Errorf("short = %q, want %q", sh, tc.short)
	}
	if len(tc.types) > 0 {
		for i := range tc.types {
			if i >= len(ty) || ty[i] != tc.types[i] {
				t.Errorf("types = %v, want %v", ty, tc.types)
				break
			}
		}
	}
	for i, want := range tc.retain {
		if i < len(res.Events) && res.Events[i].RetainedPct != want {
			t.Errorf("event %d retained %.1f%%, want %.1f%%", i, res.Events[i].RetainedPct, want)
		}
	}
	return res
}

func TestCall(t *testing.T) {
	ref100 := synth(100, map[int]byte{83: 'S'})
	ref200 := synth(200, map[int]byte{141: 'K'})
	ref40 := synth(40, map[int]byte{28: 'C', 29: 'K', 27: 'A', 30: 'E'})
	cases := []callCase{
		{
			name: "substitution with a 10-residue offset stays S83L",
			// the query lacks reference residues 1-10: its residue 73 is reference 83
			in:    Input{AlignedQuery: replaceAt(ref100[10:], 73, 'L'), AlignedRef: ref100[10:], RefStart: 11, PartialStart: true},
			ref:   ref100,
			hgvs:  []string{"p.Ser83Leu"},
			short: []string{"S83L"},
			types: []Type{Substitution},
		},
		{
			name:  "adjacent substitutions are two events (G81D, D82G)",
			in:    Input{AlignedQuery: "MKTWDGHR", AlignedRef: "MKTWGDHR"},
			ref:   "MKTWGDHR",
			hgvs:  []string{"p.Gly5Asp", "p.Asp6Gly"},
			short: []string{"G5D", "D6G"},
		},
		{
			name:  "range deletion",
			in:    Input{AlignedQuery: "MKTWLPRST---QWERTY", AlignedRef: "MKTWLPRSTGHAQWERTY"},
			ref:   "MKTWLPRSTGHAQWERTY",
			hgvs:  []string{"p.Gly10_Ala12del"},
			short: []string{"G10_A12del"},
			types: []Type{Deletion},
		},
		{
			name:  "deletion in a repeat shifts 3' (gap first)",
			in:    Input{AlignedQuery: "MKA-GGTWL", AlignedRef: "MKAGGGTWL"},
			ref:   "MKAGGGTWL",
			hgvs:  []string{"p.Gly6del"},
			short: []string{"G6del"},
		},
		{
			name:  "deletion in a repeat shifts 3' (gap middle)",
			in:    Input{AlignedQuery: "MKAG-GTWL", AlignedRef: "MKAGGGTWL"},
			ref:   "MKAGGGTWL",
			hgvs:  []string{"p.Gly6del"},
			short: []string{"G6del"},
		},
		{
			name:  "two-residue deletion in a dipeptide repeat shifts 3'",
			in:    Input{AlignedQuery: "MKT--GAGAHR", AlignedRef: "MKTGAGAGAHR"},
			ref:   "MKTGAGAGAHR",
			hgvs:  []string{"p.Gly8_Ala9del"},
			short: []string{"G8_A9del"},
		},
		{
			name:  "insertion",
			in:    Input{AlignedQuery: "MKTWALGHRE", AlignedRef: "MKTWA-GHRE"},
			ref:   "MKTWAGHRE",
			hgvs:  []string{"p.Ala5_Gly6insLeu"},
			short: []string{"A5_G6insL"},
			types: []Type{Insertion},
		},
		{
			name:  "insertion equal to the residue before it is a dup",
			in:    Input{AlignedQuery: "MKTGGAHRE", AlignedRef: "MKT-GAHRE"},
			ref:   "MKTGAHRE",
			hgvs:  []string{"p.Gly4dup"},
			short: []string{"G4dup"},
			types: []Type{Insertion},
		},
		{
			name:  "two-residue dup after 3' shifting",
			in:    Input{AlignedQuery: "MKTGAGAHRE", AlignedRef: "MKT--GAHRE"},
			ref:   "MKTGAHRE",
			hgvs:  []string{"p.Gly4_Ala5dup"},
			short: []string{"G4_A5dup"},
			types: []Type{Insertion},
		},
		{
			name:  "delins",
			in:    Input{AlignedQuery: ref40[:27] + "W-" + ref40[29:], AlignedRef: ref40},
			ref:   ref40,
			hgvs:  []string{"p.Cys28_Lys29delinsTrp"},
			short: []string{"C28_K29delinsW"},
			types: []Type{Delins},
		},
		{
			name:   "nonsense keeps 70% of a 200-residue reference",
			in:     Input{AlignedQuery: replaceAt(ref200, 141, '*'), AlignedRef: ref200},
			ref:    ref200,
			hgvs:   []string{"p.Lys141Ter"},
			short:  []string{"K141*"},
			types:  []Type{Nonsense},
			retain: []float64{70}, // 140 of 200 residues before the stop
		},
		{
			name:  "start lost",
			in:    Input{AlignedQuery: "VKTWAGHRE", AlignedRef: "MKTWAGHRE"},
			ref:   "MKTWAGHRE",
			hgvs:  []string{"p.Met1?"},
			short: []string{"M1?"},
			types: []Type{StartLost},
		},
		{
			name:  "ambiguous residue is not a substitution",
			in:    Input{AlignedQuery: "MKTWXGHRE", AlignedRef: "MKTWAGHRE"},
			ref:   "MKTWAGHRE",
			hgvs:  nil,
			short: nil,
		},
		{
			name:   "truncation: the query ends early without a contig edge",
			in:     Input{AlignedQuery: "MKTWAGHREL", AlignedRef: "MKTWAGHREL", QueryLength: 10},
			ref:    "MKTWAGHRELPQSTVWYACD",
			hgvs:   []string{"p.Pro11_Asp20del"},
			short:  []string{"P11_D20del"},
			types:  []Type{Truncation},
			retain: []float64{50}, // 10 of 20 residues
		},
		{
			name:  "contig edge: the missing end is not a truncation",
			in:    Input{AlignedQuery: "MKTWAGHREL", AlignedRef: "MKTWAGHREL", QueryLength: 10, PartialEnd: true},
			ref:   "MKTWAGHRELPQSTVWYACD",
			hgvs:  nil,
			short: nil,
		},
		{
			name:  "frameshift reported by extract",
			in:    Input{AlignedQuery: "MKTWAGHRE", AlignedRef: "MKTWAGHRE", Frameshifts: []int{6}},
			ref:   "MKTWAGHRE",
			hgvs:  []string{"p.Gly6fs"},
			short: []string{"G6fs"},
			types: []Type{Frameshift},
		},
		{
			// MGH78578 OmpK35: after the frameshift at 280 the shifted frame's
			// residues are not separate substitutions.
			name:  "changes past a frameshift are its consequence",
			in:    Input{AlignedQuery: "MKTWAGQPRS", AlignedRef: "MKTWAGHREL", QueryLength: 10, Frameshifts: []int{7}},
			ref:   "MKTWAGHRELPQSTVWYACD",
			hgvs:  []string{"p.His7fs"},
			short: []string{"H7fs"},
			types: []Type{Frameshift},
		},
		{
			name:  "stop lost: the query reads on past the reference end",
			in:    Input{AlignedQuery: "MKTWAGHRE", AlignedRef: "MKTWAGHRE", QueryLength: 14},
			ref:   "MKTWAGHRE",
			hgvs:  []string{"p.Ter10ext*?"},
			short: []string{"*10ext"},
			types: []Type{StopLost},
		},
		{
			name:  "one residue past the end may be the kept stop: no call",
			in:    Input{AlignedQuery: "MKTWAGHRE", AlignedRef: "MKTWAGHRE", QueryLength: 10},
			ref:   "MKTWAGHRE",
			hgvs:  nil,
			short: nil,
		},
		{
			name:  "start lost beyond a local alignment's start, recovered from the CDS",
			in:    Input{AlignedQuery: "KTWAGHRE", AlignedRef: "KTWAGHRE", QueryStart: 2, RefStart: 2, QueryBefore: "V", QueryBeforeSet: true, QueryAfterSet: true},
			ref:   "MKTWAGHRE",
			hgvs:  []string{"p.Met1?"},
			short: []string{"M1?"},
		},
		{
			name:  "changed last residue, recovered from the CDS (stop after it)",
			in:    Input{AlignedQuery: "MKTWAGHR", AlignedRef: "MKTWAGHR", QueryAfter: "D*", QueryAfterSet: true},
			ref:   "MKTWAGHRE",
			hgvs:  []string{"p.Glu9Asp"},
			short: []string{"E9D"},
		},
		{
			name:  "a query going on past a shorter alignment has a divergent end, not a truncation",
			in:    Input{AlignedQuery: "MKTWAG", AlignedRef: "MKTWAG", QueryLength: 12},
			ref:   "MKTWAGHRE",
			hgvs:  nil,
			short: nil,
		},
		{
			name:   "the query ends with the alignment (one trailing residue: its stop)",
			in:     Input{AlignedQuery: "MKTWAG", AlignedRef: "MKTWAG", QueryLength: 7},
			ref:    "MKTWAGHRE",
			hgvs:   []string{"p.His7_Glu9del"},
			short:  []string{"H7_E9del"},
			types:  []Type{Truncation},
			retain: []float64{66.7}, // 6 of 9
		},
		{
			name:  "mismatch and gap columns that cancel out give nothing",
			in:    Input{AlignedQuery: "MKT-WAGHRE", AlignedRef: "MKTW-AGHRE"},
			ref:   "MKTWAGHRE",
			hgvs:  nil,
			short: nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runCase(t, tc) })
	}
}

func TestSites(t *testing.T) {
	ref := "MKTWAGHRELPQSTVWYACD"
	res, err := Call(Input{AlignedQuery: "KTWXGH-EL", AlignedRef: "KTWAGHREL", QueryStart: 1, RefStart: 2, QueryLength: 8, Ref: []byte(ref)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pos      int
		status   string
		observed string
	}{
		{1, StatusNotCovered, ""}, // before the alignment
		{2, StatusWT, "K"},
		{5, StatusAmbiguous, "X"},
		{8, StatusMut, "-"},  // deleted R8
		{11, StatusMut, "-"}, // after a truncation (no contig edge)
		{20, StatusMut, "-"}, // last residue
		{21, StatusNotCovered, ""},
	}
	for _, tt := range tests {
		st, ob := res.Site(tt.pos, []byte(ref))
		if st != tt.status || ob != tt.observed {
			t.Errorf("Site(%d) = %s %q, want %s %q", tt.pos, st, ob, tt.status, tt.observed)
		}
	}
}

func TestCallErrors(t *testing.T) {
	ref := []byte("MKTWAGHRE")
	for _, in := range []Input{
		{AlignedQuery: "MKT", AlignedRef: "MK", QueryStart: 1, RefStart: 1, Ref: ref},
		{AlignedQuery: "MKT", AlignedRef: "MKW", QueryStart: 1, RefStart: 1, Ref: ref},   // W is not the reference's T
		{AlignedQuery: "RE", AlignedRef: "RE", QueryStart: 1, RefStart: 8 + 5, Ref: ref}, // past the end
		{AlignedQuery: "M-", AlignedRef: "M-", QueryStart: 1, RefStart: 1, Ref: ref},     // double gap
		{AlignedQuery: "MK", AlignedRef: "MK", QueryStart: 1, RefStart: 1, Ref: ref, Frameshifts: []int{50}},
	} {
		if _, err := Call(in); err == nil {
			t.Errorf("Call(%q/%q at %d) gave no error", in.AlignedQuery, in.AlignedRef, in.RefStart)
		}
	}
}

// FuzzCall feeds arbitrary aligned strings to the caller: it must return
// calls or an error, never panic, and its calls must round-trip.
func FuzzCall(f *testing.F) {
	f.Add("MKT-WAGHRE", "MKTW-AGHRE", 1, 1, "MKTWAGHRE")
	f.Add("KTWXGH-EL", "KTWAGHREL", 1, 2, "MKTWAGHRELPQSTVWYACD")
	f.Add("MKTGAGAHRE", "MKT--GAHRE", 3, 1, "MKTGAHRE")
	f.Fuzz(func(t *testing.T, aq, ar string, qs, rs int, ref string) {
		if len(ref) == 0 || len(ref) > 1000 || strings.ContainsAny(ref, "-*") {
			return
		}
		res, err := Call(Input{AlignedQuery: aq, AlignedRef: ar, QueryStart: qs, RefStart: rs, Ref: []byte(ref)})
		if err != nil {
			return
		}
		for p := 0; p <= len(ref)+1; p++ {
			res.Site(p, []byte(ref))
		}
		want := string(upperSeq([]byte(strings.ReplaceAll(aq, "-", ""))))
		if got := string(res.Apply([]byte(ref))); got != want {
			t.Fatalf("Apply %q, want %q (events %+v)", got, want, res.Events)
		}
	})
}

func TestFrameshiftRetainedAndSites(t *testing.T) {
	ref := []byte("MKTWAGHRELPQSTVWYACD") // 20 residues
	res, err := Call(Input{AlignedQuery: "MKTWAGQPRS", AlignedRef: "MKTWAGHREL", QueryStart: 1, RefStart: 1, QueryLength: 10, Ref: ref, Frameshifts: []int{7}})
	if err != nil {
		t.Fatal(err)
	}
	// The shifted protein has 10 residues of the reference's 20: 50 %.
	if len(res.Events) != 1 || res.Events[0].RetainedPct != 50 {
		t.Fatalf("events %+v", res.Events)
	}
	for pos, want := range map[int]string{3: StatusWT + " T", 7: StatusMut + " fs", 9: StatusMut + " fs", 18: StatusMut + " fs"} {
		st, obs := res.Site(pos, ref)
		if st+" "+obs != want {
			t.Errorf("site %d: %s %s, want %s", pos, st, obs, want)
		}
	}
}

// TestFrameshiftAfterOwnSubstitutions: a gene's own substitutions just
// before a frameshift (another species' reference: Klebsiella folP against
// E. coli's, S274A and E277G next to the shift) are named on their own, and
// the frameshift at the first changed residue from extract's position on,
// not after the last run of three matching residues.
func TestFrameshiftAfterOwnSubstitutions(t *testing.T) {
	ref := "MSLFAQLNTPVKRSAEELHHLTAERLGDNIRQLLGEALSKSVVEEQNRKA"
	// own substitutions at 20 (H>Q) and 22 (T>S); the frame shifts at 24
	// (E): the query's own frame reads GPWC* from there
	q := ref[:19] + "Q" + ref[20:21] + "S" + ref[22:23]
	in := Input{
		AlignedQuery: q, AlignedRef: ref[:23], QueryStart: 1, QueryEnd: 23, QueryLength: 27, RefStart: 1,
		Ref: []byte(ref), QueryBeforeSet: true, QueryAfter: "GPWC*", QueryAfterSet: true, Frameshifts: []int{24},
	}
	res, err := Call(in)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Events {
		got = append(got, e.HGVS)
	}
	want := []string{"p.His20Gln", "p.Thr22Ser", "p.Glu24GlyfsTer5"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("events %v, want %v", got, want)
	}
}
