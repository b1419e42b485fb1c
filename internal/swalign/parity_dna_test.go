package swalign

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/wtscan/wtscan/internal/testdata"
)

// pointFinderDir is the PointFinder database v3.0.0 as Debian's
// resfinder-example installs it.
const pointFinderDir = "/usr/share/doc/resfinder/examples/db_pointfinder"

// dnaTargets are real rRNA genes and promoter regions of PointFinder: the
// nucleotide targets wtscan aligns.
var dnaTargets = []string{
	"escherichia_coli/23S.fsa",
	"escherichia_coli/16S-rrsB.fsa",
	"escherichia_coli/16S-rrsC.fsa",
	"escherichia_coli/ampC-promoter-size-53bp.fsa",
	"mycobacterium_tuberculosis/rrs.fsa",
	"mycobacterium_tuberculosis/rrl.fsa",
	"mycobacterium_tuberculosis/fabG1-promoter-size-223bp.fsa",
	"mycobacterium_tuberculosis/eis-promoter-size-119bp.fsa",
	"neisseria_gonorrhoeae/23S-rRNA-a1.fsa",
	"neisseria_gonorrhoeae/16S-rRNA.fsa",
	"neisseria_gonorrhoeae/mtrR-promoter-size-66bp.fsa",
	"neisseria_gonorrhoeae/macAB-promoter-size-225bp.fsa",
}

// readFirstRecord returns the sequence of the first FASTA record of path
// (or path.gz: Debian gzips some database files), upper-cased.
func readFirstRecord(t testing.TB, path string) []byte {
	t.Helper()
	var r io.Reader
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		f, err = os.Open(path + ".gz")
		if err == nil {
			defer f.Close()
			if r, err = gzip.NewReader(f); err != nil {
				t.Fatal(err)
			}
		}
	} else if err == nil {
		defer f.Close()
		r = f
	}
	if err != nil {
		testdata.Missing(t, path+" (Debian package resfinder-example)")
	}
	var seq []byte
	sc := bufio.NewScanner(r)
	records := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) > 0 && line[0] == '>' {
			if records++; records > 1 {
				break
			}
			continue
		}
		seq = append(seq, bytes.ToUpper(line)...)
	}
	if err := sc.Err(); err != nil || len(seq) == 0 {
		t.Fatalf("%s: no sequence (%v)", path, err)
	}
	return seq
}

// dnaMutate applies substitutions with probability sub per base and nIndel
// insertions or deletions of 1..maxIndel bases (some in homopolymer runs,
// where the placement of a gap is ambiguous).
func (g *seqGen) dnaMutate(s []byte, sub float64, nIndel, maxIndel int) []byte {
	const acgt = "ACGT"
	out := bytes.Clone(s)
	for i := range out {
		if g.r.Float64() < sub {
			out[i] = acgt[g.r.IntN(4)]
		}
	}
	for k := 0; k < nIndel && len(out) > 2*maxIndel+2; k++ {
		pos := g.r.IntN(len(out))
		l := 1 + g.r.IntN(maxIndel)
		if g.r.IntN(2) == 0 {
			ins := make([]byte, l)
			for i := range ins {
				ins[i] = acgt[g.r.IntN(4)]
			}
			if g.r.IntN(3) == 0 { // extend the run at pos
				for i := range ins {
					ins[i] = out[pos]
				}
			}
			out = append(out[:pos], append(ins, out[pos:]...)...)
		} else {
			out = append(out[:pos], out[min(pos+l, len(out)):]...)
		}
	}
	return out
}

func (g *seqGen) dna(n int) []byte {
	s := make([]byte, n)
	for i := range s {
		s[i] = "ACGT"[g.r.IntN(4)]
	}
	return s
}

// dnaParams are the scoring schemes of the nucleotide parity test: mostly
// water's DNA defaults.
var dnaParams = []struct {
	matrix    string
	open, ext float64
}{
	{"EDNAFULL", 10, 0.5},
	{"EDNAFULL", 10, 0.5},
	{"EDNAFULL", 10, 0.5},
	{"EDNAFULL", 16, 4},
	{"EDNAMAT", 10, 0.5},
	{"EDNASIMPLE", 5, 1},
	{"EDNAFULL", 5, 0.25},
}

// TestWaterParityDNA aligns rRNA genes and promoter regions of the real
// PointFinder database, changed as they are in genomes, with the real water
// and with this package: the same score, counts, coordinates and aligned
// strings on every pair, and byte-identical srspair text. Each reference
// meets queries that are near-identical copies with substitutions and
// homopolymer indels, copies cut by a contig edge, copies in genomic
// flanks, copies with ambiguity codes, X (water reads it as N) and lower
// case, another operon or allele of the gene, and an unrelated sequence.
func TestWaterParityDNA(t *testing.T) {
	water := requireWater(t)
	var refs [][]byte
	var refNames []string
	for _, p := range dnaTargets {
		refs = append(refs, readFirstRecord(t, filepath.Join(pointFinderDir, p)))
		refNames = append(refNames, strings.TrimSuffix(filepath.Base(p), ".fsa"))
	}
	g := newSeqGen(20261206)
	const ambig = "NRYSWKMBDHVX"
	type pairSet struct {
		ref     int
		params  int
		queries [][]byte
		kinds   []string
	}
	var sets []pairSet
	for i, ref := range refs {
		for rep := 0; rep < 2; rep++ {
			ps := pairSet{ref: i, params: (2*i + rep) % len(dnaParams)}
			add := func(kind string, q []byte) {
				ps.queries = append(ps.queries, q)
				ps.kinds = append(ps.kinds, kind)
			}
			add("point-changes", g.dnaMutate(ref, 0.003, 0, 0))
			add("diverged", g.dnaMutate(ref, 0.04, 2+g.r.IntN(4), 4))
			add("indels", g.dnaMutate(ref, 0.005, 2+g.r.IntN(3), 6))
			cut := 1 + g.r.IntN(len(ref)/3)
			add("contig-edge-start", g.dnaMutate(ref[cut:], 0.005, g.r.IntN(2), 3))
			cut = len(ref) - 1 - g.r.IntN(len(ref)/3)
			add("contig-edge-end", g.dnaMutate(ref[:cut], 0.005, g.r.IntN(2), 3))
			flanked := append(append(g.dna(20+g.r.IntN(200)), g.dnaMutate(ref, 0.005, 1, 3)...), g.dna(20+g.r.IntN(200))...)
			add("flanked", flanked)
			q := g.dnaMutate(ref, 0.004, g.r.IntN(2), 3)
			for range 1 + g.r.IntN(6) {
				q[g.r.IntN(len(q))] = ambig[g.r.IntN(len(ambig))]
			}
			if rep == 1 {
				q = bytes.ToLower(q)
			}
			add("ambiguity-codes", q)
			add("other-copy", refs[(i+1+rep)%len(refs)])
			add("unrelated", g.dna(len(ref)/2+1))
			add("reverse-complement", revComp(ref[:min(len(ref), 400)]))
			sets = append(sets, ps)
		}
	}
	dir := t.TempDir()
	var mu sync.Mutex
	pairs, same, texts, sameText := 0, 0, 0, 0
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(2, runtime.NumCPU()); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				ps := sets[n]
				pp := dnaParams[ps.params]
				// water aligns its -asequence against every -bsequence: here
				// the reference is the a-sequence of the run, the changed
				// copies the b-sequences
				tag := fmt.Sprintf("d%03d", n)
				names := make([]string, len(ps.queries))
				for k := range names {
					names[k] = fmt.Sprintf("%s_%02d", tag, k)
				}
				run, ok := alignBoth(t, water, dir, tag, pp.matrix, pp.open, pp.ext, refs[ps.ref], refNames[ps.ref], ps.queries, names)
				if !ok {
					continue
				}
				mu.Lock()
				for k, r := range run.ours {
					pairs++
					if r == run.water[k] {
						same++
					} else {
						t.Errorf("%s vs %s (%s, %s %v/%v):\n got  %+v\n want %+v", refNames[ps.ref], names[k], ps.kinds[k], pp.matrix, pp.open, pp.ext, brief(r), brief(run.water[k]))
					}
				}
				texts++
				if run.textDiff == "" {
					sameText++
				} else if texts-sameText <= 2 {
					t.Errorf("%s: srspair text differs from water's:\n%s", tag, run.textDiff)
				}
				mu.Unlock()
			}
		}()
	}
	for n := range sets {
		work <- n
	}
	close(work)
	wg.Wait()
	t.Logf("water DNA parity: %d of %d pairs identical (score, counts, coordinates, aligned strings); srspair text identical for %d of %d water runs", same, pairs, sameText, texts)
	if pairs < 200 {
		t.Errorf("only %d pairs compared", pairs)
	}
}

func revComp(s []byte) []byte {
	out := make([]byte, len(s))
	for i, c := range s {
		var r byte
		switch c {
		case 'A':
			r = 'T'
		case 'C':
			r = 'G'
		case 'G':
			r = 'C'
		case 'T':
			r = 'A'
		default:
			r = 'N'
		}
		out[len(s)-1-i] = r
	}
	return out
}

// TestDNAAlphabet: with a nucleotide matrix a sequence must be DNA; X is
// read as N, as water reads it.
func TestDNAAlphabet(t *testing.T) {
	al, err := NewAligner(DefaultDNAParams())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := al.Align([]byte("ACGTEFACGT"), []byte("ACGTACGTACGT")); err == nil || !strings.Contains(err.Error(), "not a nucleotide code") {
		t.Errorf("protein letters in a DNA query: err = %v", err)
	}
	if _, err := al.Align([]byte("ACGTA*ACGT"), []byte("ACGTACGTACGT")); err == nil {
		t.Error("'*' in a DNA query accepted")
	}
	r, err := al.Align([]byte("ACGTACGTTTGACCAXGTACGTAAAC"), []byte("ACGTACGTTTGACCANGTACGTAAAC"))
	if err != nil {
		t.Fatal(err)
	}
	// water: Identity 26/26, Similarity 25/26, Score 124.0 (N/N scores -1).
	if r.Score != 124 || r.Identity != 26 || r.Similarity != 25 || !strings.Contains(r.AlignedQuery, "CCANG") {
		t.Errorf("X in DNA: %+v", r)
	}
	if !DefaultDNAParams().Matrix.Nucleotide() || DefaultParams().Matrix.Nucleotide() {
		t.Error("Nucleotide() misclassifies EDNAFULL or EBLOSUM62")
	}
}
