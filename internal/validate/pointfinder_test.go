package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// TestRealPointFinderFolders checks every species folder of the PointFinder
// database v3.0.0 (Debian's resfinder-example, unmodified but gunzipped) as
// references and catalogue, the way every other binary reads it (refset,
// catalog): RNA genes and promoters are nucleotide targets and get no CDS
// checks, the species-wide SPECIES.fsa (which repeats every target) is not
// read, so no folder has an error by default; the database's real faults
// are still reported, as warnings.
func TestRealPointFinderFolders(t *testing.T) {
	db := testdata.PointFinderDB(t)
	species, err := refset.ReadPointFinderList(filepath.Join(db, "config"))
	if err != nil {
		t.Fatal(err)
	}
	if len(species) != 11 {
		t.Fatalf("%d species in config, want the 11 of v3.0.0", len(species))
	}
	for _, line := range species {
		sp := strings.Fields(line)[0]
		t.Run(sp, func(t *testing.T) {
			dir := filepath.Join(db, sp)
			code, r, stderr := run(t, "--references", dir, "--catalog", dir)
			if code != 0 || r.Summary.Errors != 0 {
				t.Errorf("exit %d, %d errors:\n%s", code, r.Summary.Errors, stderr)
			}
			// the files of nucleotide targets, named as genes.txt names them
			genes, _ := refset.ReadPointFinderList(filepath.Join(dir, "genes.txt"))
			rna, _ := refset.ReadPointFinderList(filepath.Join(dir, "RNA_genes.txt"))
			isRNA := map[string]bool{}
			for _, g := range rna {
				isRNA[g] = true
			}
			nucFiles := map[string]bool{}
			for _, g := range genes {
				if _, kind, _ := refset.PointFinderTarget(g, isRNA); kind != refset.KindProtein {
					nucFiles[g+".fsa"] = true
				}
			}
			foreign := 0
			for _, f := range r.Findings {
				base := filepath.Base(f.File)
				switch {
				case f.Check == "ref.foreign_record":
					foreign++
				case f.Check == "fasta.line_endings":
					// CRLF files (klebsiella, staphylococcus_aureus, two M. tuberculosis promoters): true
				case strings.HasPrefix(f.Check, "ref.") || strings.HasPrefix(f.Check, "fasta."):
					t.Errorf("reference finding %s", f)
				case nucFiles[base]:
					t.Errorf("finding on a nucleotide target %s", f)
				}
				if base == sp+".fsa" {
					t.Errorf("finding on the species-wide file, which no step reads: %s", f)
				}
			}
			// the same folder given as FILE is checked the same way, and
			// given both ways it is read and its catalogue checked once
			_, r2, _ := run(t, dir)
			if r2.Summary.Errors != r.Summary.Errors || r2.Summary.Warnings != r.Summary.Warnings {
				t.Errorf("folder as FILE: %d errors, %d warnings; with --references and --catalog %d, %d",
					r2.Summary.Errors, r2.Summary.Warnings, r.Summary.Errors, r.Summary.Warnings)
			}
			if _, r3, _ := run(t, "--references", dir, "--catalog", dir, dir); len(r3.Findings) != len(r.Findings) {
				t.Errorf("folder as FILE and as --references and --catalog: %d findings, %d without FILE", len(r3.Findings), len(r.Findings))
			}
			switch sp {
			case "mycobacterium_tuberculosis":
				// ethA-promoter-size-74bp.fsa holds embA-promoter-size-115bp.fsa's
				// record, id and bases: refset does not load it (Set.Faults)
				assertFindings(t, r.Findings, want{check: "ref.foreign_record", file: "ethA-promoter-size-74bp.fsa", line: 1,
					record: "embA-promoter-size-115bp_1_LR027516.1", severity: Warning})
				set, err := refset.Load(dir)
				if err != nil || len(set.Faults) != 1 || foreign != 1 {
					t.Errorf("refset faults %q (%v), validate reports %d", set.Faults, err, foreign)
				}
			case "escherichia_coli":
				// four RNA genes, the ampC promoter and their catalogue rows: clean
				if len(r.Findings) != 0 {
					t.Errorf("%d findings:\n%s", len(r.Findings), stderr)
				}
			case "salmonella":
				// the faults TestRealCatalogueFaults lists for the slice in
				// ../shared/data, here on phenotypes.txt's lines; the 16S-rrsD
				// row is checked against the RNA gene the slice lacks
				const cat = "phenotypes.txt"
				assertFindings(t, r.Findings,
					want{check: "catalog.residue", file: cat, line: 4, record: "pmrB:81", severity: Warning},
					want{check: "catalog.ref_codon", file: cat, line: 4, record: "pmrB:81", severity: Warning},
					want{check: "catalog.codon", file: cat, line: 41, record: "gyrB:447", severity: Warning},
					want{check: "catalog.residue", file: cat, line: 41, record: "gyrB:447", severity: Warning},
					want{check: "catalog.skipped", file: cat, line: 56, severity: Warning}, // acrB 717: a synonymous codon
					want{check: "catalog.residue", file: cat, line: 58, record: "16S-rrsD:1192", severity: Warning},
				)
			case "klebsiella":
				// docs/contract.md: ramR 195 lies past the reference's end
				assertFindings(t, r.Findings, want{check: "catalog.position", file: "phenotypes.txt", line: 70, record: "ramR:195", severity: Warning})
			}
			if foreign != 0 && sp != "mycobacterium_tuberculosis" {
				t.Errorf("%d foreign records", foreign)
			}
		})
	}
}

// TestPointFinderFolderChecks: a PointFinder folder's targets are read as
// refset reads them, and every problem of each is reported with its line:
// nucleotide targets get nucleotide checks (alphabet, a promoter longer
// than its upstream part, length), proteins get CDS checks, a target
// genes.txt lists but the folder lacks is named, and files no step reads
// (SPECIES.fsa) are not checked.
func TestPointFinderFolderChecks(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rna := strings.Repeat("ACGGT", 20) // 100 bases: no multiple of 3, stops in every frame; fine for an RNA gene
	write("genes.txt", "gyrA\nparC\n23S\n16S\nampC-promoter-size-20bp\nfolP-promoter-size-60bp\nabsent\n")
	write("RNA_genes.txt", "23S\n16S\n")
	// gyrA: an internal stop (line 3) and a gap (line 4), both reported
	write("gyrA.fsa", ">gyrA_1_X\nATGAAAGCT\nGCTTAAGCT\nGCT---GCTGCT\n"+strings.Repeat("GCT", 30)+"TAA\n")
	write("parC.fsa", ">parC_1_X\n"+strings.Repeat("GCT", 40)+"A\n") // 121 bases
	write("23S.fsa", ">23S_1_X\n"+rna+"\n"+rna[:10]+"J"+rna[11:]+"\n")
	// 16S: 10 bases, implausible for an RNA gene; ampC: shorter than its promoter region
	write("16S.fsa", ">16S_1_X\nACGTACGTAC\n")
	write("ampC-promoter-size-20bp.fsa", ">ampC-promoter-size-20bp_1_X\n"+rna[:15]+"\n")
	write("folP-promoter-size-60bp.fsa", ">folP-promoter-size-60bp_1_X\n"+rna[:60]+"ATGGCT\n")
	write("species.fsa", ">gyrA_1_X\nNOT*A*CDS\n>23S_1_X\nJJJ\n")
	code, r, stderr := run(t, "--references", dir)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	assertFindings(t, r.Findings,
		want{check: "ref.internal_stop", file: "gyrA.fsa", line: 3, record: "gyrA_1_X"},
		want{check: "ref.gap", file: "gyrA.fsa", line: 4, record: "gyrA_1_X"},
		want{check: "ref.cds_length", file: "parC.fsa", line: 1, record: "parC_1_X"},
		want{check: "fasta.alphabet", file: "23S.fsa", line: 3, record: "23S_1_X"},
		want{check: "ref.length", file: "16S.fsa", line: 1, record: "16S_1_X", severity: Warning},
		want{check: "ref.upstream", file: "ampC-promoter-size-20bp.fsa", line: 1},
		want{check: "ref.missing", file: "genes.txt"},
	)
	if len(r.Findings) != 7 {
		t.Errorf("%d findings, want 7:\n%s", len(r.Findings), stderr)
	}
	for _, f := range r.Findings {
		if strings.Contains(f.File, "folP") || strings.Contains(f.File, "species") {
			t.Errorf("finding %s", f)
		}
	}
	// the folder given as --references and as FILE is read once: the same
	// findings, not each twice
	if _, r2, stderr := run(t, "--references", dir, dir); len(r2.Findings) != len(r.Findings) {
		t.Errorf("--references and FILE: %d findings, want %d:\n%s", len(r2.Findings), len(r.Findings), stderr)
	}
}

// TestNucleotideRowsAgainstTargets: a nucleotide row of the mutations and
// sites tables is checked against its nucleotide target in the target's
// coordinates (a promoter's bases before the gene negative, no position 0);
// a row whose molecule is not its reference's is refused.
func TestNucleotideRowsAgainstTargets(t *testing.T) {
	c := newCorpus(t, nil)
	// ampC-promoter: -5..-1 ACGTA, then the gene from 1: ATGAAAGCT
	refs := c.write("nt.fna", ">ampC-promoter_1 gene=ampC-promoter kind=promoter upstream=5\nACGTAATGAAAGCT\n>23S_1 kind=rna\n"+dna60+"\n")
	nt := table.MoleculeNucleotide
	muts := []table.Mutation{
		{SampleID: "S1", Gene: "ampC-promoter", Copy: 1, ReferenceID: "ampC-promoter_1", Position: -2, EndPosition: -2, Ref: "T", Alt: "C",
			Type: "substitution", HGVS: "c.-2T>C", Short: "T-2C", Symbol: "ampC_T-2C", Molecule: nt},
		{SampleID: "S1", Gene: "ampC-promoter", Copy: 1, ReferenceID: "ampC-promoter_1", Position: -1, EndPosition: 1, Ref: "AA",
			Type: "deletion", HGVS: "c.-1_1del", Short: "-1_1del", Symbol: "ampC_-1_1del", Molecule: nt},
		{SampleID: "S1", Gene: "ampC-promoter", Copy: 1, ReferenceID: "ampC-promoter_1", Position: -3, EndPosition: -3, Ref: "T", Alt: "C",
			Type: "substitution", HGVS: "c.-3T>C", Short: "T-3C", Symbol: "ampC_T-3C", Molecule: nt}, // -3 is G
		{SampleID: "S1", Gene: "23S", Copy: 1, ReferenceID: "23S_1", Position: 70, EndPosition: 70, Ref: "A", Alt: "G",
			Type: "substitution", HGVS: "n.70A>G", Short: "A70G", Symbol: "23S_A70G", Molecule: nt}, // past the 60 bases
		{SampleID: "S1", Gene: "23S", Copy: 1, ReferenceID: "23S_1", Position: 5, EndPosition: 5, Ref: "A", Alt: "G",
			Type: "substitution", HGVS: "p.Ala5Gly", Short: "A5G", Symbol: "23S_A5G", Molecule: table.MoleculeProtein},
	}
	sites := []table.Site{
		{SampleID: "S1", Gene: "ampC-promoter", Copy: 1, Position: -2, Ref: "T", Status: "WT", Observed: "T", Molecule: nt},
		{SampleID: "S1", Gene: "ampC-promoter", Copy: 1, Position: 2, Ref: "C", Status: "WT", Observed: "C", Molecule: nt}, // 2 is T
	}
	m := writeTable(c, "m.tsv", table.SchemaMutations, muts, refs)
	s := writeTable(c, "s.tsv", table.SchemaSites, sites, refs)
	_, r, stderr := run(t, "--references", refs, m, s)
	assertFindings(t, r.Findings,
		want{check: "mutation.ref", file: "m.tsv", row: 3},
		want{check: "mutation.coords", file: "m.tsv", row: 4},
		want{check: "mutation.molecule", file: "m.tsv", row: 5},
		want{check: "site.ref", file: "s.tsv", row: 2},
	)
	if r.Summary.Errors != 4 {
		t.Errorf("%d errors, want 4:\n%s", r.Summary.Errors, stderr)
	}
}
