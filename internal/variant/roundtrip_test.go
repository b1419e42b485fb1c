package variant

import (
	"math/rand/v2"
	"testing"

	"github.com/wtscan/wtscan/internal/swalign"
)

const aminoAcids = "ACDEFGHIKLMNPQRSTVWY"

// mutate makes a random reference of 30-200 residues and a query carrying
// 0-6 random edits (substitution, deletion, insertion, stop), from seed.
func mutate(seed uint64) (ref, query []byte) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	n := 30 + rng.IntN(171)
	ref = make([]byte, n)
	for i := range ref {
		ref[i] = aminoAcids[rng.IntN(len(aminoAcids))]
	}
	// low-complexity stretches make 3' shifting matter
	if rng.IntN(2) == 0 {
		at := rng.IntN(n - 6)
		c := aminoAcids[rng.IntN(len(aminoAcids))]
		for k := 0; k < 4; k++ {
			ref[at+k] = c
		}
	}
	ref[0] = 'M'
	query = append([]byte(nil), ref...)
	for e := rng.IntN(7); e > 0; e-- {
		p := rng.IntN(len(query))
		switch rng.IntN(5) {
		case 0, 1:
			query[p] = aminoAcids[rng.IntN(len(aminoAcids))]
		case 2:
			k := 1 + rng.IntN(3)
			if p+k < len(query) {
				query = append(query[:p], query[p+k:]...)
			}
		case 3:
			k := 1 + rng.IntN(3)
			ins := make([]byte, k)
			for i := range ins {
				ins[i] = aminoAcids[rng.IntN(len(aminoAcids))]
			}
			query = append(query[:p], append(ins, query[p:]...)...)
		case 4:
			query[p] = '*'
		}
	}
	return ref, query
}

// checkRoundTrip aligns query to ref with the water engine, calls, and checks
// that applying the calls to the reference gives the aligned query region
// back, and that calling again gives the same names.
func checkRoundTrip(t *testing.T, a *swalign.Aligner, ref, query []byte) {
	t.Helper()
	res, err := a.Align(query, ref)
	if err != nil {
		t.Fatalf("align: %v", err)
	}
	if res.Length == 0 {
		return
	}
	in := Input{AlignedQuery: res.AlignedQuery, AlignedRef: res.AlignedRef, QueryStart: res.QueryStart, QueryEnd: res.QueryEnd,
		QueryLength: len(query), RefStart: res.RefStart, Ref: ref}
	got, err := Call(in)
	if err != nil {
		t.Fatalf("call %s / %s: %v", res.AlignedQuery, res.AlignedRef, err)
	}
	want := string(query[res.QueryStart-1 : res.QueryEnd])
	if applied := string(got.Apply(ref)); applied != want {
		t.Fatalf("round trip failed\nref   %s\nquery %s\naq %s\nar %s\nevents %+v\napplied %s\nwant    %s",
			ref, query, res.AlignedQuery, res.AlignedRef, got.Events, applied, want)
	}
	again, _ := Call(in)
	if len(again.Events) != len(got.Events) {
		t.Fatalf("second call gave %d events, first %d", len(again.Events), len(got.Events))
	}
	for i := range got.Events {
		if got.Events[i].HGVS != again.Events[i].HGVS {
			t.Fatalf("second call named %s, first %s", again.Events[i].HGVS, got.Events[i].HGVS)
		}
		if got.Events[i].HGVS == "" || got.Events[i].Short == "" {
			t.Fatalf("event %+v has no name", got.Events[i])
		}
	}
	// Names must not depend on where the aligner put an equivalent gap:
	// every event is 3'-shifted as far as it goes, so shifting any deletion
	// or insertion one more step would change the implied query.
	for _, e := range got.Events {
		switch e.Type {
		case Deletion:
			if e.End < got.RefEnd && ref[e.Start-1] == ref[e.End] && !eventAt(got, e.End+1) {
				t.Fatalf("deletion %s could shift further 3'", e.HGVS)
			}
		}
	}
}

func eventAt(r *Result, pos int) bool {
	for _, e := range r.Events {
		if e.Start <= pos && pos <= e.End && e.Type != Truncation {
			return true
		}
	}
	return false
}

func TestRoundTrip(t *testing.T) {
	a, err := swalign.NewAligner(swalign.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 400; seed++ {
		ref, query := mutate(seed)
		checkRoundTrip(t, a, ref, query)
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range []uint64{1, 2, 3, 42, 1000} {
		f.Add(s)
	}
	a, err := swalign.NewAligner(swalign.DefaultParams())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		ref, query := mutate(seed)
		checkRoundTrip(t, a, ref, query)
	})
}

// TestRoundTripHandAligned checks the equivalent-gap placements of one
// change give one name (aligner tie-breaks do not leak into names).
func TestRoundTripHandAligned(t *testing.T) {
	ref := "MKTGAGAGAHRE"
	for _, aq := range []string{"MKT--GAGAHRE", "MKTGA--GAHRE", "MKTGAGA--HRE"} {
		res, err := Call(Input{AlignedQuery: aq, AlignedRef: ref, QueryStart: 1, RefStart: 1, Ref: []byte(ref)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Events) != 1 || res.Events[0].HGVS != "p.Gly8_Ala9del" {
			t.Errorf("%s: events %+v, want p.Gly8_Ala9del", aq, res.Events)
		}
		if got := string(res.Apply([]byte(ref))); got != "MKTGAGAHRE" {
			t.Errorf("%s: applied %s", aq, got)
		}
	}
	ins := "MKTGAHRE"
	for _, pair := range [][2]string{{"MKTGAGAHRE", "MKT--GAHRE"}, {"MKTGAGAHRE", "MKTGA--HRE"}, {"MKTGAGAHRE", "MKTG--AHRE"}} {
		res, err := Call(Input{AlignedQuery: pair[0], AlignedRef: pair[1], QueryStart: 1, RefStart: 1, Ref: []byte(ins)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Events) != 1 || res.Events[0].HGVS != "p.Gly4_Ala5dup" {
			t.Errorf("%s/%s: events %+v, want p.Gly4_Ala5dup", pair[0], pair[1], res.Events)
		}
	}
}
