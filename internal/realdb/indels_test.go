package realdb

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/extract"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/variant"
)

// TestTuberculosisNucleotideIndels: PointFinder's M. tuberculosis catalogue
// gives indels of coding genes in bases (phenotypes.txt NUC rows): 53
// deletions and many insertions shift the frame, others start inside a
// codon. Every such row is used (only thyA 86, whose base the reference
// lacks, is dropped), and genomes holding three of them are called known:
// tlyA 673 del GT (a frameshift), rpoB 1295 del AATTCATGG (inside codon
// 432: Q432H beside F433_D435del) and katG 1850 ins AC (a frameshift, in
// the gene part of the katG promoter entry). The frameshifts' first changed
// residues are worked out here by translating the changed genes.
func TestTuberculosisNucleotideIndels(t *testing.T) {
	db := filepath.Join(pointFinderDB(t), "mycobacterium_tuberculosis")
	set, err := refset.Load(db)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(db, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	faults, err := cat.Validate(set, false)
	if err != nil {
		t.Fatal(err)
	}
	nucIndels := 0
	for _, e := range cat.Entries {
		if len(e.NucDeleted) > 0 || len(e.NucInserted) > 0 {
			nucIndels++
		}
	}
	var dropped []string
	for _, p := range faults {
		if strings.Contains(p.Msg, "nucleotide") && (strings.Contains(p.Msg, "deletion") || strings.Contains(p.Msg, "insertion") || strings.Contains(p.Msg, "indel") || strings.Contains(p.Msg, "frameshift")) {
			dropped = append(dropped, p.Msg)
		}
	}
	if len(dropped) != 1 || !strings.Contains(dropped[0], "thyA: deletion of C at nucleotide 86") {
		t.Errorf("%d of %d NUC indel rows dropped, want only thyA 86:\n%s", len(dropped), nucIndels, strings.Join(dropped, "\n"))
	}

	gene := func(name string) []byte { return set.Gene(name)[0].CDS }
	tlyA, rpoB, katG := gene("tlyA"), gene("rpoB"), gene("katG")
	at := func(s []byte, p int, want string) {
		if got := string(s[p-1 : p-1+len(want)]); got != want {
			t.Fatalf("the database has %s at %d, the test expects %s", got, p, want)
		}
	}
	at(tlyA, 673, "GT")
	at(rpoB, 1295, "AATTCATGG")
	del := func(s []byte, p, n int) []byte { return append(append([]byte(nil), s[:p-1]...), s[p-1+n:]...) }
	mTlyA := del(tlyA, 673, 2)
	mRpoB := del(rpoB, 1295, 9)
	mKatG := append(append(append([]byte(nil), katG[:1850]...), "AC"...), katG[1850:]...)
	// the first residue a frameshift changes, and the new frame's residue there
	firstChange := func(wt, mut []byte) (int, byte) {
		a, b := gencode.Translate(wt, true), gencode.Translate(mut, true)
		for i := range a {
			if i >= len(b) || a[i] != b[i] {
				return i + 1, b[i]
			}
		}
		t.Fatal("no residue changed")
		return 0, 0
	}
	tlyPos, tlyAlt := firstChange(tlyA, mTlyA)
	katPos, katAlt := firstChange(katG, mKatG)
	three := func(c byte) string { return variant.Three(c) }

	r := rand.New(rand.NewPCG(1, 2))
	flank := func() string {
		b := make([]byte, 2000)
		for i := range b {
			b[i] = "ACGT"[r.IntN(4)]
		}
		return string(b)
	}
	dir := t.TempDir()
	asm := filepath.Join(dir, "mtb.fna")
	var fasta strings.Builder
	// katG with its wild-type promoter region (the katG-promoter entry's
	// upstream bases), as in a genome
	up := set.Gene("katG-promoter")[0]
	mKatGLocus := append(append([]byte(nil), up.Seq[:up.Upstream]...), mKatG...)
	for i, s := range [][]byte{mTlyA, gencode.ReverseComplement(mRpoB), mKatGLocus} {
		fmt.Fprintf(&fasta, ">c%d\n%s%s%s\n", i+1, flank(), s, flank())
	}
	if err := os.WriteFile(asm, []byte(fasta.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p, a, m := filepath.Join(dir, "p.tsv"), filepath.Join(dir, "a.tsv"), filepath.Join(dir, "m.tsv")
	run(t, extract.Main, "--assembly", asm, "--sample-id", "mtb", "--references", db, "--out", p)
	run(t, align.Main, "--references", db, "--queries", p, "--out", a)
	run(t, subscan.Main, "--alignments", a, "--references", db, "--catalog", db, "--out", m)
	muts, _, err := table.ReadAll[table.Mutation](m, table.SchemaMutations)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // gene HGVS -> drug class (known)
		"tlyA p." + three(refAA(tlyA, tlyPos)) + fmt.Sprint(tlyPos) + three(tlyAlt) + "fs": "Capreomycin",
		"rpoB p.Phe433_Asp435del": "Rifampicin",
		"katG p." + three(refAA(katG, katPos)) + fmt.Sprint(katPos) + three(katAlt) + "fs": "Isoniazid",
	}
	got := map[string]bool{}
	for _, x := range muts {
		k := x.Gene + " " + x.HGVS
		if i := strings.Index(k, "fsTer"); i >= 0 {
			k = k[:i+2]
		}
		got[k] = true
		if class, ok := want[k]; ok {
			if !x.Known || !strings.Contains(x.DrugClasses, class) {
				t.Errorf("%s (%s): known %v, drug classes %q; want known, %s", k, x.HGVS, x.Known, x.DrugClasses, class)
			}
		} else if !(x.Gene == "rpoB" && x.HGVS == "p.Gln432His") {
			t.Errorf("%s: called, not planted", k)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("%s: not called", k)
		}
	}
}

// refAA is the reference residue at protein position pos of a CDS.
func refAA(cds []byte, pos int) byte { return gencode.Translate(cds, true)[pos-1] }
