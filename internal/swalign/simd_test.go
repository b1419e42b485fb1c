package swalign

import (
	"os"
	"strings"
	"testing"
)

// simdParams are fuzzParams plus schemes that stress the SIMD engine's
// preconditions: open == extend, zero penalties, a large scale (0.01
// steps), and extend > open, which must fall back to the scalar engine.
var simdParams = append(append([]Params(nil), fuzzParams...),
	Params{Matrix: matricesByName["EBLOSUM62"], GapOpen: 3, GapExtend: 3},
	Params{Matrix: matricesByName["EBLOSUM62"], GapOpen: 0, GapExtend: 0},
	Params{Matrix: matricesByName["EPAM30"], GapOpen: 10.37, GapExtend: 0.53},
	Params{Matrix: matricesByName["EBLOSUM62"], GapOpen: 1, GapExtend: 4},
)

// checkEngines aligns q against ref with the engine Align picks and with
// the scalar reference implementation, and fails on any difference.
func checkEngines(t *testing.T, p Params, q, ref []byte) {
	t.Helper()
	al, err := NewAligner(p)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := NewProfile(p, ref)
	if err != nil {
		t.Fatal(err)
	}
	got, err := al.AlignProfile(pr, q)
	if err != nil {
		t.Fatal(err)
	}
	q = waterDNA(p.Matrix, q) // what AlignProfile aligns
	al.codes(q)
	want := al.alignScalar(pr, q)
	if got != want {
		t.Fatalf("%s vs %s (%v/%v): engines differ\n got  %+v\n want %+v", q, ref, p.GapOpen, p.GapExtend, got, want)
	}
	s, err := al.ScoreProfile(pr, q)
	if err != nil {
		t.Fatal(err)
	}
	al.codes(q)
	if ws := al.reportScore(al.scoreOnly(pr), len(q), len(ref)); s != ws {
		t.Fatalf("%s vs %s: Score %v, scalar %v", q, ref, s, ws)
	}
}

// TestSIMDMatchesScalar compares the engine Align uses with the scalar
// reference implementation on pairs whose lengths cross the 32-column
// vector boundaries, on unrelated pairs, and on realistic long pairs.
func TestSIMDMatchesScalar(t *testing.T) {
	if !Accelerated() {
		if os.Getenv("GOEXPERIMENT") == "simd" {
			t.Log("GOEXPERIMENT=simd but no AVX-512: only the scalar engine runs")
		}
	}
	g := newSeqGen(7)
	alpha := []byte("ACDEFGHIKLMNPQRSTVWYXBZ*")
	random := func(n int) []byte {
		s := make([]byte, n)
		for i := range s {
			s[i] = alpha[g.r.IntN(len(alpha))]
		}
		return s
	}
	k := 0
	for _, m := range []int{2, 3, 31, 32, 33, 34, 63, 64, 65, 66, 97, 130} {
		for _, n := range []int{2, 5, 33, 70} {
			p := simdParams[k%len(simdParams)]
			k++
			checkEngines(t, p, random(n), random(m))
			base := g.protein(m)
			checkEngines(t, p, g.mutate(base, 0.1, 2, 5)[:min(n+m/2, m)], base)
		}
	}
	for range 200 {
		p := simdParams[k%len(simdParams)]
		k++
		base := g.protein(1 + g.r.IntN(200))
		checkEngines(t, p, g.mutate(base, 0.15, g.r.IntN(4), 8), g.mutate(base, 0.1, g.r.IntN(3), 8))
	}
	for range 12 {
		p := simdParams[k%len(simdParams)]
		k++
		base := g.protein(300 + g.r.IntN(800))
		checkEngines(t, p, g.mutate(base, 0.05, 3, 10), base)
	}
	// Long pairs: within the int16 bound, and beyond it (all-W sequences
	// score 11 per residue, so 1,400 of them need the int32 scalar engine).
	long := g.protein(1500)
	checkEngines(t, DefaultParams(), g.mutate(long, 0.05, 3, 6), long)
	w := []byte(strings.Repeat("W", 1400))
	checkEngines(t, DefaultParams(), w, w)
	// Shapes that stress the pruning and water's tie-breaks: repeats
	// (several equally good alignments), fragments, domain shuffles, low
	// complexity, many indels, unrelated pairs of realistic length.
	cat := func(parts ...[]byte) []byte {
		var s []byte
		for _, p := range parts {
			s = append(s, p...)
		}
		return s
	}
	for r := range 60 {
		p := simdParams[k%len(simdParams)]
		k++
		a, b, c := g.protein(40+g.r.IntN(200)), g.protein(40+g.r.IntN(200)), g.protein(10+g.r.IntN(100))
		var q, ref []byte
		switch r % 10 {
		case 0: // query once, reference twice
			q, ref = a, cat(a, c, a)
		case 1: // query twice, reference once
			q, ref = cat(a, c, a), a
		case 2: // fragment of the reference
			ref = cat(a, b, c)
			q = g.mutate(b, 0.05, 1, 3)
		case 3: // swapped domains
			q, ref = cat(b, a), cat(a, b)
		case 4: // low-complexity stretches inside
			ref = cat(a, g.lowComplexity(), b, g.lowComplexity())
			q = g.mutate(ref, 0.05, 2, 5)
		case 5: // many indels
			ref = cat(a, b)
			q = g.mutate(ref, 0.08, 12, 10)
		case 6: // unrelated
			q, ref = a, b
		case 7: // tandem repeat of a short motif with a shift
			q, ref = cat(c, c, c, a), cat(a, c, c, c, c)
		case 8: // identical
			q, ref = cat(a, b), cat(a, b)
		case 9: // near-identical with a long deletion
			ref = cat(a, c, b)
			q = g.mutate(cat(a, b), 0.03, 1, 2)
		}
		checkEngines(t, p, q, ref)
		checkEngines(t, p, ref, q)
	}
}

// TestSIMDPrunes checks that the pruning actually skips most of the
// matrix on a realistic pair (otherwise the speed claims are void) when
// the SIMD engine runs.
func TestSIMDPrunes(t *testing.T) {
	if !Accelerated() {
		t.Skip("SIMD engine not available (needs GOEXPERIMENT=simd and AVX-512)")
	}
	q, ref := benchPair()
	al, _ := NewAligner(DefaultParams())
	p, _ := NewProfile(DefaultParams(), ref)
	if _, err := al.AlignProfile(p, q); err != nil {
		t.Fatal(err)
	}
	total := (len(q) - 1) * simdBlocks(len(ref))
	// 1/6: measured about 10 % on this pair; a regression of the seed or
	// the bounds would show up as a jump towards 100 %.
	if al.simdVectors*6 > total {
		t.Fatalf("computed %d of %d vectors", al.simdVectors, total)
	}
}

// FuzzSIMD compares the two engines on arbitrary residue strings.
func FuzzSIMD(f *testing.F) {
	f.Add([]byte("MKVLAAGIVALLLAAGCSSSKEETPQ"), []byte("MKVLAGIVALLLWAAGCSSKEETPQ"), uint8(0))
	f.Add([]byte("WGGGGWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"), []byte("AAAAWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"), uint8(5))
	f.Add([]byte("XXXXWWW"), []byte("xxxxwww"), uint8(6))
	f.Fuzz(func(t *testing.T, q, ref []byte, ps uint8) {
		if checkSeq(nil, "q", q) != nil || checkSeq(nil, "r", ref) != nil || len(q) > 300 || len(ref) > 300 {
			t.Skip()
		}
		p := simdParams[int(ps)%len(simdParams)]
		checkEngines(t, p, q, ref)
		// The query inside the reference (and twice in it): a strong seed
		// diagonal, so the pruning works, next to competing alignments.
		both := append(append(append([]byte(nil), ref...), q...), ref...)
		checkEngines(t, p, q, both)
		checkEngines(t, p, append(append([]byte(nil), q...), q...), both)
	})
}

// TestSIMDMatchesScalarDNA is TestSIMDMatchesScalar for nucleotides: the
// 6-mer seeds of a nucleotide profile, ambiguity codes that break them,
// and pairs near the int16 bound (a 23S rRNA scores about 29,000 scaled).
func TestSIMDMatchesScalarDNA(t *testing.T) {
	g := newSeqGen(11)
	params := []Params{DefaultDNAParams(), {Matrix: matricesByName["EDNAFULL"], GapOpen: 16, GapExtend: 4},
		{Matrix: matricesByName["EDNASIMPLE"], GapOpen: 5, GapExtend: 1}, {Matrix: matricesByName["EDNAMAT"], GapOpen: 10, GapExtend: 0.5}}
	k := 0
	for _, m := range []int{2, 7, 33, 65, 200, 1500, 2900, 3100} {
		for range 4 {
			p := params[k%len(params)]
			k++
			base := g.dna(m)
			q := g.dnaMutate(base, 0.02, 2, 4)
			for range g.r.IntN(4) {
				q[g.r.IntN(len(q))] = "NRYKX"[g.r.IntN(5)]
			}
			checkEngines(t, p, q, base)
			checkEngines(t, p, g.dna(1+g.r.IntN(m)), base)
		}
	}
}
