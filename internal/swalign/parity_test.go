package swalign

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/wtscan/wtscan/internal/testdata"
)

// requireWater returns the path of EMBOSS water. Without it the parity tests
// fail on CI (CI=true) and are skipped, loudly, elsewhere.
func requireWater(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("water")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("EMBOSS water is not on PATH but CI=true: install the Debian package 'emboss' (the parity tests need the real water)")
		}
		t.Skip("SKIPPING water parity test: EMBOSS water not on PATH (install Debian package 'emboss'; with CI=true this fails)")
	}
	return p
}

// runWater aligns query against each of refs with the real water and
// returns the parsed pairs, in order.
func runWater(t testing.TB, water, dir, tag string, query []byte, qname string, refs [][]byte, rnames []string, matrix string, open, ext float64) []SRSPair {
	t.Helper()
	qf := filepath.Join(dir, tag+"_q.fa")
	rf := filepath.Join(dir, tag+"_r.fa")
	of := filepath.Join(dir, tag+".srspair")
	var rb strings.Builder
	for k, r := range refs {
		rb.WriteString(wrapFasta(rnames[k], r))
	}
	if err := os.WriteFile(qf, []byte(wrapFasta(qname, query)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rf, []byte(rb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// The sequence type is given, not guessed: water's guess would read a
	// protein made of nucleotide letters as DNA and convert its X to N.
	s1, s2 := "-sprotein1", "-sprotein2"
	if m, err := MatrixByName(matrix); err == nil && m.Nucleotide() {
		s1, s2 = "-snucleotide1", "-snucleotide2"
	}
	cmd := exec.Command(water,
		"-asequence", qf, s1,
		"-bsequence", rf, s2,
		"-datafile", matrix,
		"-gapopen", fmt.Sprint(open), "-gapextend", fmt.Sprint(ext),
		"-aformat", "srspair", "-outfile", of)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("water %s: %v\n%s", tag, err, stderr.String())
	}
	f, err := os.Open(of)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pairs, err := ParseSRSPair(f)
	if err != nil {
		t.Fatalf("parse water output %s: %v", of, err)
	}
	if len(pairs) != len(refs) {
		t.Fatalf("water %s: %d pairs in output, want %d", tag, len(pairs), len(refs))
	}
	return pairs
}

// waterBody returns the per-pair part of a water srspair file: from the first
// pair's rule to the closing rules.
func waterBody(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, srsPairRule+"\n")
	j := strings.LastIndex(s, srsFooter+"\n"+srsFooter+"\n")
	if i < 0 || j < i {
		t.Fatalf("%s: no pair blocks", path)
	}
	return s[i:j]
}

// parityRun is one run of the real water, a against each of bs, beside this
// package's alignments of the same pairs.
type parityRun struct {
	ours, water []Result
	textDiff    string // "" when the srspair pair blocks are byte-identical, else the first differing line
}

// alignBoth runs water once on a against bs and aligns each pair with an
// Aligner of the same scoring; it also requires Score to agree with Align.
// ok is false (the test already failed) when the scoring or a pair is
// refused.
func alignBoth(t *testing.T, water, dir, tag, matrix string, open, ext float64, a []byte, aname string, bs [][]byte, bnames []string) (run parityRun, ok bool) {
	t.Helper()
	m, err := MatrixByName(matrix)
	if err != nil {
		t.Error(err)
		return run, false
	}
	al, err := NewAligner(Params{Matrix: m, GapOpen: open, GapExtend: ext})
	if err != nil {
		t.Error(err)
		return run, false
	}
	got := runWater(t, water, dir, tag, a, aname, bs, bnames, matrix, open, ext)
	var text bytes.Buffer
	for k, b := range bs {
		r, err := al.Align(a, b)
		if err != nil {
			t.Error(err)
			return run, false
		}
		if s := al.Score(a, b); s != r.Score {
			t.Errorf("%s: Score()=%v, Align().Score=%v", bnames[k], s, r.Score)
		}
		run.ours, run.water = append(run.ours, r), append(run.water, got[k].Result)
		rec := SRSPair{QueryName: aname, RefName: bnames[k], Matrix: matrix, GapOpen: open, GapExtend: ext, Result: r}
		if err := WriteSRSPairRecord(&text, rec); err != nil {
			t.Error(err)
		}
	}
	if want := waterBody(t, filepath.Join(dir, tag+".srspair")); text.String() != want {
		run.textDiff = testdata.FirstDiff(text.String(), want)
	}
	return run, true
}

// TestWaterParity aligns 2,000+ generated pairs with the real EMBOSS water
// and with this package, and requires the same score, counts, coordinates
// and aligned strings on every pair.
func TestWaterParity(t *testing.T) {
	water := requireWater(t)
	nFam, perFam := 260, 8 // 2,080 pairs
	if testing.Short() {
		nFam = 30
	}
	fams := genFamilies(20240601, nFam, perFam)
	dir := t.TempDir()

	type outcome struct {
		pairs, sameScore, sameAll int
		sameText, texts           int
		byKind                    map[string]int
		diffs                     []string
	}
	var mu sync.Mutex
	res := outcome{byKind: map[string]int{}}

	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(2, runtime.NumCPU()); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				fam := fams[f]
				pp := parityParams[fam.params]
				names := make([]string, len(fam.refs))
				for k := range names {
					names[k] = famRefName(f, k)
				}
				run, ok := alignBoth(t, water, dir, famQueryName(f), pp.matrix, pp.open, pp.ext, fam.query, famQueryName(f), fam.refs, names)
				if !ok {
					continue
				}
				mu.Lock()
				for k, r := range run.ours {
					want := run.water[k]
					res.pairs++
					if r.Score == want.Score {
						res.sameScore++
					}
					if r == want {
						res.sameAll++
					} else {
						res.byKind[fam.kinds[k]]++
						if len(res.diffs) < 5 {
							res.diffs = append(res.diffs, fmt.Sprintf("%s vs %s (%s, %s %v/%v):\n got  %+v\n want %+v",
								famQueryName(f), names[k], fam.kinds[k], pp.matrix, pp.open, pp.ext, brief(r), brief(want)))
						}
					}
				}
				// The per-pair text must be byte-identical to water's.
				res.texts++
				if run.textDiff == "" {
					res.sameText++
				} else if res.texts-res.sameText <= 2 {
					t.Errorf("%s: srspair text differs from water's:\n%s", famQueryName(f), run.textDiff)
				}
				mu.Unlock()
			}
		}()
	}
	for f := range fams {
		work <- f
	}
	close(work)
	wg.Wait()

	t.Logf("water parity: %d pairs, %d same score, %d identical results (score, counts, coordinates, aligned strings); srspair text identical for %d of %d water runs",
		res.pairs, res.sameScore, res.sameAll, res.sameText, res.texts)
	if res.sameText != res.texts {
		t.Errorf("srspair text differs for %d of %d water runs", res.texts-res.sameText, res.texts)
	}
	if res.sameAll != res.pairs {
		t.Errorf("%d of %d pairs differ from water; by kind: %v", res.pairs-res.sameAll, res.pairs, res.byKind)
		for _, d := range res.diffs {
			t.Log(d)
		}
	}
}

// brief shortens the aligned strings of r for failure messages.
func brief(r Result) Result {
	cut := func(s string) string {
		if len(s) > 60 {
			return s[:30] + "…" + s[len(s)-30:]
		}
		return s
	}
	r.AlignedQuery, r.AlignedRef = cut(r.AlignedQuery), cut(r.AlignedRef)
	return r
}

// TestWaterParityEdge compares short, odd pairs with water: lengths 1 to 15,
// unusual residues (X, *, B, Z, U, O, J, lower case), no positive pair, and
// alignments that end in the first row or column, where water's edge rules
// and reported score differ from textbook Smith-Waterman.
func TestWaterParityEdge(t *testing.T) {
	water := requireWater(t)
	g := newSeqGen(7)
	alpha := []byte("ACDEFGHIKLMNPQRSTVWYXBZUOJ*acdwxk")
	rnd := func(n int) []byte {
		s := make([]byte, n)
		for i := range s {
			if g.r.IntN(3) == 0 {
				s[i] = alpha[g.r.IntN(len(alpha))]
			} else {
				s[i] = "WCGPAHY"[g.r.IntN(7)]
			}
		}
		return s
	}
	dir := t.TempDir()
	pairs, same := 0, 0
	for f := 0; f < 40; f++ {
		pp := parityParams[f%len(parityParams)]
		m, _ := MatrixByName(pp.matrix)
		al, err := NewAligner(Params{Matrix: m, GapOpen: pp.open, GapExtend: pp.ext})
		if err != nil {
			t.Fatal(err)
		}
		q := rnd(1 + g.r.IntN(15))
		var refs [][]byte
		var names []string
		for k := 0; k < 10; k++ {
			refs = append(refs, rnd(1+g.r.IntN(15)))
			names = append(names, famRefName(f, k))
		}
		got := runWater(t, water, dir, fmt.Sprintf("e%03d", f), q, "q", refs, names, pp.matrix, pp.open, pp.ext)
		for k, ref := range refs {
			r, err := al.Align(q, ref)
			if err != nil {
				t.Fatal(err)
			}
			pairs++
			if r == got[k].Result {
				same++
			} else {
				t.Errorf("%s vs %s (%s %v/%v):\n got  %+v\n want %+v", q, ref, pp.matrix, pp.open, pp.ext, r, got[k].Result)
			}
			if s := al.Score(q, ref); s != r.Score {
				t.Errorf("%s vs %s: Score()=%v, Align().Score=%v", q, ref, s, r.Score)
			}
		}
	}
	t.Logf("water edge parity: %d of %d pairs identical", same, pairs)
}
