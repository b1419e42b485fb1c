package refset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
