package refset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/testdata"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFASTA(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "refs.faa", ">gyrA_1_X06373 E. coli\nMSDLAREITPVNI\n>P0AES4 gene=parC organism=Escherichia_coli\nMSDMAERLALHEF\n>P0AES5 gene=parC organism=Salmonella_enterica\nMSDMAERLALHEY\n>acrB\nATGCCTAATTTCTTTTAA\n")
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Genes(), ","); got != "acrB,gyrA,parC" {
		t.Errorf("genes = %s", got)
	}
	acrB := s.ByID("acrB")
	if string(acrB.Protein) != "MPNFF" || acrB.Codon(2) != "CCT" {
		t.Errorf("CDS translation: %s codon2=%s", acrB.Protein, acrB.Codon(2))
	}
	if r, how, err := s.ForGene("parC", "salmonella_enterica"); err != nil || r.ID != "P0AES5" || how != PairOrganism {
		t.Errorf("organism pick: %v %s %v", r, how, err)
	}
	if _, _, err := s.ForGene("parC", ""); err == nil || !strings.Contains(err.Error(), "several organisms") {
		t.Errorf("ambiguous pick: %v", err)
	}
	if r, how, _ := s.ForGene("gyrA", "Klebsiella"); r.ID != "gyrA_1_X06373" || how != PairGene {
		t.Errorf("single pick: %v %s", r, how)
	}
	if _, _, err := s.ForGene("ompK36", ""); err == nil || !strings.Contains(err.Error(), `no reference for gene "ompK36"`) {
		t.Errorf("missing gene: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"internal stop", ">g\nMKV*LL\n", "internal stop codon at protein position 4"},
		{"frame", ">g\nATGAAAGTGA\n", "not a multiple of 3"},
		{"same gene twice", ">gyrA_1\nMKV\n>gyrA_2\nMKL\n", `gene gyrA already has reference "gyrA_1"`},
		{"bad residue", ">g\nMK1V\n", "character '1'"},
		{"empty", "", "no FASTA records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, t.TempDir(), "r.faa", tt.content)
			if _, err := Load(p); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPointFinderFolder(t *testing.T) {
	dir := testdata.Shared(t, "pointfinder/salmonella")
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Genes(), ","); got != "acrB,gyrA,gyrB,parC,parE,pmrA,pmrB" {
		t.Errorf("genes = %s", got)
	}
	g := s.Gene("gyrA")[0]
	// Salmonella GyrA is 878 aa (shared/data/peers/expected.tsv: 2637 nt with stop); S83 is the QRDR hot spot.
	if len(g.Protein) != 878 || g.Protein[82] != 'S' || g.Codon(83) != "TCC" {
		t.Errorf("gyrA: %d aa, residue 83 %c codon %s", len(g.Protein), g.Protein[82], g.Codon(83))
	}
}

// TestAddRecordEveryProblem: AddRecord, Load's own record reader, returns
// every problem of a record (for wtscan-validate), while Load stops at the
// first it refuses, with the message it always gave.
func TestAddRecordEveryProblem(t *testing.T) {
	dir := t.TempDir()
	// bad: 22 characters, not a multiple of 3; a stop at codon 3 (base 7),
	// a gap at base 13. gapped: a whole codon '-' in a CDS
	gapped := "ATG" + strings.Repeat("GCT", 10) + "---" + strings.Repeat("GCT", 10) + "TAA"
	p := write(t, dir, "r.fna", ">bad\nATGAAATAAGCT-GCTGCTGCA\n>gapped gene=g2\n"+gapped+"\n")
	plan, err := NewPlan(p)
	if err != nil || len(plan.Sources) != 1 || len(plan.Problems) != 0 {
		t.Fatalf("plan %+v %v", plan, err)
	}
	s := plan.NewSet()
	recs := map[string][]Problem{}
	err = seqio.Read(p, seqio.Options{}, func(rec seqio.Record) error {
		ref, probs := s.AddRecord(plan.Sources[0], rec)
		recs[rec.ID] = probs
		if (ref != nil) != (rec.ID == "gapped") {
			t.Errorf("%s: reference %v", rec.ID, ref)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pr := range recs["bad"] {
		got = append(got, fmt.Sprintf("%s@%d×%d", pr.Check, pr.Offset, pr.Count))
	}
	if strings.Join(got, " ") != "cds_length@-1×0 internal_stop@6×1 gap@12×1" {
		t.Errorf("problems of bad: %s", got)
	}
	// Load has always read a CDS's '-' as X: the gap is tolerated
	if g := recs["gapped"]; len(g) != 1 || g[0].Check != CheckGap || !g[0].Tolerated || g[0].Refused() {
		t.Errorf("problems of gapped: %+v", g)
	}
	_, err = Load(p)
	if want := fmt.Sprintf("references %s record 1 (%q): coding sequence length 22 is not a multiple of 3", p, "bad"); err == nil || err.Error() != want {
		t.Errorf("Load: %v, want %s", err, want)
	}
	if s, err := Load(write(t, dir, "ok.fna", ">gapped gene=g2\n"+gapped+"\n")); err != nil || string(s.Refs[0].Protein) != "M"+strings.Repeat("A", 10)+"X"+strings.Repeat("A", 10) {
		t.Errorf("gapped CDS: %v", err)
	}
}

// TestPlanPointFinder: a PointFinder folder's plan reads the targets
// genes.txt lists, each as its kind; a listed target without a file is a
// problem of the plan (Load refuses it); a target file holding another
// target's record is a fault Load works around, and a Problem too.
func TestPlanPointFinder(t *testing.T) {
	dir := t.TempDir()
	gene := "ATG" + strings.Repeat("GCT", 40) + "TAA"
	write(t, dir, "genes.txt", "gyrA\n23S\nembA-promoter-size-12bp\nethA-promoter-size-9bp\n")
	write(t, dir, "RNA_genes.txt", "23S\n")
	write(t, dir, "gyrA.fsa", ">gyrA_1_X\n"+gene+"\n")
	write(t, dir, "23S.fsa", ">23S_1_X\n"+strings.Repeat("ACGGT", 30)+"\n")
	write(t, dir, "embA-promoter-size-12bp.fsa", ">embA-promoter-size-12bp_1_X\nACGTACGTACGT"+gene+"\n")
	write(t, dir, "ethA-promoter-size-9bp.fsa", ">embA-promoter-size-12bp_1_X\nACGTACGTACGT"+gene+"\n")
	write(t, dir, "species.fsa", ">nonsense\nJJJ\n")
	plan, err := NewPlan(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, src := range plan.Sources {
		got = append(got, fmt.Sprintf("%s:%s:%s:%d", filepath.Base(src.Path), src.Gene, src.Kind, src.Upstream))
	}
	if want := "gyrA.fsa:gyrA:protein:0 23S.fsa:23S:rna:0 embA-promoter-size-12bp.fsa:embA-promoter:promoter:12 ethA-promoter-size-9bp.fsa:ethA-promoter:promoter:9"; strings.Join(got, " ") != want {
		t.Errorf("sources %s", got)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Faults) != 1 || !strings.Contains(s.Faults[0], "is the record of target embA-promoter") || s.ByID("embA-promoter-size-12bp_1_X:cds") == nil {
		t.Errorf("faults %q, genes %s", s.Faults, s.Genes())
	}
	// the same fault as a Problem
	s2 := plan.NewSet()
	var faults []Problem
	for _, src := range plan.Sources {
		seqio.Read(src.Path, seqio.Options{}, func(rec seqio.Record) error {
			_, probs := s2.AddRecord(src, rec)
			faults = append(faults, probs...)
			return nil
		})
	}
	if len(faults) != 1 || faults[0].Check != CheckForeignRecord || !faults[0].Fault || faults[0].Other == nil || faults[0].Other.Gene != "embA-promoter" {
		t.Errorf("problems %+v", faults)
	}
	// a listed target without its file
	write(t, dir, "genes.txt", "gyrA\nabsent\n23S\n")
	plan, err = NewPlan(dir)
	if err != nil || len(plan.Problems) != 1 || len(plan.Sources) != 2 || plan.Problems[0].Check != CheckMissing {
		t.Errorf("plan %+v %v", plan, err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `lists gene "absent" but`) {
		t.Errorf("Load: %v", err)
	}
	// no references at all
	empty := t.TempDir()
	if _, err := NewPlan(empty); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty folder: %v", err)
	}
	write(t, empty, "genes.txt", "# none\n")
	if _, err := Load(empty); !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "lists no genes") {
		t.Errorf("empty genes.txt: %v", err)
	}
}
