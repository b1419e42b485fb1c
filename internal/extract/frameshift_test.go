package extract

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
)

// indel is one planted frameshift: del bases deleted from 1-based position
// at, or ins inserted after base at.
type indel struct {
	at, del int
	ins     string
}

func (e indel) apply(cds []byte) []byte {
	if e.del > 0 {
		return append(append([]byte(nil), cds[:e.at-1]...), cds[e.at-1+e.del:]...)
	}
	return append(append(append([]byte(nil), cds[:e.at]...), e.ins...), cds[e.at:]...)
}

func (e indel) String() string {
	if e.del > 0 {
		return fmt.Sprintf("del%d@%d", e.del, e.at)
	}
	return fmt.Sprintf("ins%s@%d", e.ins, e.at)
}

// frameA translates a gene's sequence from its first base as extract reads
// it (a start codon as M) up to and including its first stop; the second
// value is the length in bases (0 when there is no stop).
func frameA(s []byte) ([]byte, int) {
	p := gencode.Translate(s, true)
	if i := bytes.IndexByte(p, '*'); i >= 0 {
		return p[:i+1], 3 * (i + 1)
	}
	return p, 0
}

// firstChange is the first residue (1-based) where mutant differs from ref.
func firstChange(ref, mutant []byte) int {
	for i := range ref {
		if i >= len(mutant) || mutant[i] != ref[i] {
			return i + 1
		}
	}
	return len(ref) + 1
}

// TestAlignFrames: the frame-aware alignment of a K. pneumoniae ompK36 with
// planted indels has one segment per frame the gene is read in, each
// starting where its frame takes over.
func TestAlignFrames(t *testing.T) {
	set, err := refset.Load(repoFile("testdata/references/kpneumoniae.fna"))
	if err != nil {
		t.Fatal(err)
	}
	ref := set.Gene("ompK36")[0]
	flank := randomDNA(600)
	// The gene lies at 300 in the window: 300 bases of flank on either side.
	tests := []struct {
		name   string
		edits  []indel // applied in order, each before the ones it follows in the gene
		starts []int   // each segment's first reference residue at the earliest
	}{
		{"in frame", nil, []int{1}},
		// base 298 is the first of codon 100
		{"one base deleted in codon 100", []indel{{at: 298, del: 1}}, []int{1, 100}},
		// base 600 is the last of codon 200
		{"two bases inserted after codon 200", []indel{{at: 600, ins: "CC"}}, []int{1, 201}},
		// the frame shifts at codon 100 and comes back at codon 151 (bases 451-453)
		{"out and back", []indel{{at: 451, ins: "C"}, {at: 298, del: 1}}, []int{1, 100, 151}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cds := ref.CDS
			for _, e := range tt.edits {
				cds = e.apply(cds)
			}
			s := append(append(append([]byte(nil), flank[:300]...), cds...), flank[300:]...)
			segs := newAligner().alignFrames(s, 0, len(s), ref.Protein, 300-3*bandSlack, 300+3*bandSlack)
			if len(segs) != len(tt.starts) {
				t.Fatalf("%d segments, want %d: %+v", len(segs), len(tt.starts), segs)
			}
			for i, sg := range segs {
				// where the shift may be put: from the first residue the
				// previous frame gets wrong to a residue or two later, where
				// both frames explain the residues between
				if sg.h.RStart < tt.starts[i] || sg.h.RStart > tt.starts[i]+2 {
					t.Errorf("segment %d starts at residue %d, want %d", i, sg.h.RStart, tt.starts[i])
				}
				if i > 0 && sg.frame == segs[i-1].frame {
					t.Errorf("segments %d and %d are both in frame %d", i-1, i, sg.frame)
				}
			}
			if last := segs[len(segs)-1]; last.h.REnd != len(ref.Protein) {
				t.Errorf("the path ends at residue %d of %d", last.h.REnd, len(ref.Protein))
			}
		})
	}
}

// TestPlantedFrameshifts plants one- and two-base deletions and insertions
// along M. tuberculosis tlyA and katG (PointFinder v3.0.0; katG is the gene
// part of its promoter entry) and K. pneumoniae ompK36, from the second codon
// to the third last, each gene in random bases on either strand. Every gene
// must be read from its own start codon in its own frame up to that frame's
// first stop, whatever the position — the documented form of a frameshifted
// gene — with one frameshift, at the first residue that frame gets wrong (or
// a residue or two later, where both frames read the same residues), and a
// protein that is the reference's up to the shift. On the code before the
// frame-aware alignment, a shift in the first part of tlyA was read in the
// downstream frame (start_lost and substitutions, or an internal stop).
func TestPlantedFrameshifts(t *testing.T) {
	mtb, err := refset.Load(pointFinderSpecies(t, "mycobacterium_tuberculosis", func(g string) bool {
		return g == "tlyA" || strings.HasPrefix(g, "katG-promoter")
	}))
	if err != nil {
		t.Fatal(err)
	}
	kpn, err := refset.Load(repoFile("testdata/references/kpneumoniae.fna"))
	if err != nil {
		t.Fatal(err)
	}
	genes := []*refset.Reference{mtb.Gene("tlyA")[0], mtb.Gene("katG")[0], kpn.Gene("ompK36")[0]}
	dir := t.TempDir()
	var refs strings.Builder
	for _, r := range genes {
		fmt.Fprintf(&refs, ">%s gene=%s\n%s\n", strings.ReplaceAll(r.ID, ":", "_"), r.Gene, r.CDS)
	}
	refPath := write(t, dir, "refs.fna", refs.String())

	type plantCase struct {
		gene       *refset.Reference
		edit       indel
		strand     string
		contig     string
		start, end int64 // forward-strand extent of the gene
		shift      int   // the first residue the gene's frame gets wrong
		protein    []byte
	}
	const flankLen = 3000
	bg := randomDNA(2 * flankLen * 400)
	var cases []plantCase
	var fasta strings.Builder
	for _, g := range genes {
		n := len(g.Protein)
		// codons 2 to 8 one by one and the last few (a shift there leaves
		// too few residues in one frame for an alignment), and a few along
		// the gene
		codons := []int{2, 3, 4, 5, 6, 7, 8, 12, n / 3, n / 2, n - 20, n - 6, n - 4, n - 2}
		for ci, codon := range codons {
			for ki, kind := range []string{"del1", "del2", "ins1", "ins2"} {
				// a base of the codon that varies with the case
				at := 3*(codon-1) + 1 + (ci+ki)%3
				var e indel
				switch kind {
				case "del1":
					e = indel{at: at, del: 1}
				case "del2":
					e = indel{at: at, del: 2}
				case "ins1":
					// C: an insertion that cannot make a start codon (xTG) of
					// its own, which would leave two readings equally good
					e = indel{at: at, ins: "C"}
				case "ins2":
					e = indel{at: at, ins: "CC"}
				}
				for _, strand := range []string{"+", "-"} {
					i := len(cases)
					left, right := bg[2*flankLen*i:2*flankLen*i+flankLen], bg[2*flankLen*i+flankLen:2*flankLen*(i+1)]
					mut := e.apply(g.CDS)
					s := append(append(append([]byte(nil), left...), mut...), right...)
					prot, length := frameA(s[flankLen:])
					if length == 0 {
						t.Fatalf("%s %s: no stop in the gene's frame", g.Gene, e)
					}
					c := plantCase{gene: g, edit: e, strand: strand, contig: "c" + strconv.Itoa(i+1),
						start: flankLen + 1, end: int64(flankLen + length), protein: prot,
						shift: firstChange(g.Protein, prot)}
					if strand == "-" {
						s = gencode.ReverseComplement(s)
						c.start, c.end = int64(len(s)-flankLen-length+1), int64(len(s)-flankLen)
					}
					cases = append(cases, c)
					fmt.Fprintf(&fasta, ">%s\n%s\n", c.contig, s)
				}
			}
		}
	}
	asm := write(t, dir, "planted.fna", fasta.String())
	out := filepath.Join(dir, "p.parquet")
	if code, stderr := run(t, "-a", asm, "-s", "S1", "-r", refPath, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := map[string][]table.Protein{}
	for _, r := range readRows(t, out) {
		rows[r.Contig] = append(rows[r.Contig], r)
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s %s %s (%s)", c.gene.Gene, c.edit, c.strand, c.contig)
		rs := rows[c.contig]
		if len(rs) != 1 || rs[0].Gene != c.gene.Gene {
			t.Errorf("%s: %d rows, want one %s", name, len(rs), c.gene.Gene)
			continue
		}
		r := rs[0]
		fs, err := strconv.Atoi(r.Frameshifts)
		if r.Start != c.start || r.End != c.end || r.Strand != c.strand || err != nil || fs < c.shift || fs > c.shift+3 {
			t.Errorf("%s: %d..%d(%s) frameshifts %q; want %d..%d(%s), a frameshift at %d",
				name, r.Start, r.End, r.Strand, r.Frameshifts, c.start, c.end, c.strand, c.shift)
		}
		if r.Protein != string(c.protein) || r.PartialStart || r.PartialEnd {
			t.Errorf("%s: protein %.30s… (partial %v/%v), want %.30s…", name, r.Protein, r.PartialStart, r.PartialEnd, c.protein)
		}
		if !strings.HasPrefix(r.Protein, string(c.gene.Protein[:c.shift-1])) {
			t.Errorf("%s: the protein's first %d residues are not the reference's", name, c.shift-1)
		}
	}
}
