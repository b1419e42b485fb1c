package align

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// ecoliNucleotideRefs is the E. coli folder of the PointFinder database as
// its authors distribute it (testdata.PointFinderDB), loaded.
func ecoliNucleotideRefs(t *testing.T) (string, *refset.Set) {
	t.Helper()
	dir := filepath.Join(testdata.PointFinderDB(t), "escherichia_coli")
	s, err := refset.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, s
}

// TestNucleotideRows: a proteins table with a protein row and nucleotide
// rows (a 23S copy with substitutions, an X and a deletion; an ampC
// promoter cut by a contig edge) is aligned with EBLOSUM62 and EDNAFULL
// respectively; the real water (--engine water) gives the same rows, and
// --emboss-out holds water's own text for the 23S pair.
func TestNucleotideRows(t *testing.T) {
	water := testdata.Command(t, "water", "emboss")
	refs, set := ecoliNucleotideRefs(t)
	s23 := set.Gene("23S")[0].Seq
	amp := set.Gene("ampC-promoter")[0].Seq
	gyrA := set.Gene("gyrA")[0].Protein
	q23 := []byte(string(s23[:2057]) + "G" + string(s23[2058:2400]) + "X" + string(s23[2401:2600]) + string(s23[2603:]))
	qamp := amp[10:]
	dir := t.TempDir()
	pt := filepath.Join(dir, "p.tsv")
	w, err := table.Create[table.Protein](pt, table.Meta{Schema: table.SchemaProteins})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(
		table.Protein{SampleID: "S1", Gene: "gyrA", Copy: 1, Protein: string(mutate(gyrA, 83, 'L')), Molecule: table.MoleculeProtein},
		table.Protein{SampleID: "S1", Gene: "23S", Copy: 1, CDS: string(q23), Molecule: table.MoleculeNucleotide},
		table.Protein{SampleID: "S1", Gene: "ampC-promoter", Copy: 1, CDS: strings.ToLower(string(qamp)), Molecule: table.MoleculeNucleotide},
	)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got [2][]table.Alignment
	for i, eng := range []string{"builtin", "water"} {
		out := filepath.Join(dir, eng+".tsv")
		if code, stderr := runMain(t, "--references", refs, "--queries", pt, "--out", out, "--engine", eng, "--emboss-out", filepath.Join(dir, eng+".water"), "-j", "2"); code != 0 {
			t.Fatalf("%s: exit %d: %s", eng, code, stderr)
		}
		if got[i], _, err = table.ReadAll[table.Alignment](out, table.SchemaAlignments); err != nil {
			t.Fatal(err)
		}
	}
	want := []struct {
		gene, molecule, matrix string
		refLen                 int
	}{{"gyrA", "protein", "EBLOSUM62", len(gyrA)}, {"23S", "nucleotide", "EDNAFULL", len(s23)}, {"ampC-promoter", "nucleotide", "EDNAFULL", len(amp)}}
	if len(got[0]) != len(want) || len(got[1]) != len(want) {
		t.Fatalf("%d and %d rows, want %d", len(got[0]), len(got[1]), len(want))
	}
	for k, wr := range want {
		a, b := got[0][k], got[1][k]
		if a.Gene != wr.gene || a.Molecule != wr.molecule || a.Matrix != wr.matrix || int(a.RefLength) != wr.refLen {
			t.Errorf("row %d: gene %s molecule %q matrix %s ref_length %d; want %+v", k, a.Gene, a.Molecule, a.Matrix, a.RefLength, wr)
		}
		if a != b {
			t.Errorf("row %d (%s): builtin and water engines differ:\n builtin %+v\n water   %+v", k, a.Gene, a, b)
		}
	}
	r23 := got[0][1]
	if r23.RefStart != 1 || int(r23.RefEnd) != len(s23) || r23.Gaps != 3 || !strings.Contains(r23.AlignedQuery, "---") || strings.ContainsRune(r23.AlignedQuery, 'X') {
		t.Errorf("23S row: ref %d-%d, gaps %d; want the whole 23S, the 3-base deletion, X read as N", r23.RefStart, r23.RefEnd, r23.Gaps)
	}
	if ra := got[0][2]; ra.RefStart != 11 || ra.QueryCDS != "" || ra.Query != string(qamp) {
		t.Errorf("ampC row: ref_start %d (want 11), query_cds %q, query %q", ra.RefStart, ra.QueryCDS, ra.Query)
	}

	// water itself on the 23S pair, with the names wtscan-align gives
	// (water cuts an id at '|': the query is S1_23S_1 there)
	qf := writeFile(t, dir, "q.fa", ">S1_23S_1\n"+string(q23)+"\n")
	rf := writeFile(t, dir, "r.fa", ">"+r23.ReferenceID+"\n"+string(s23)+"\n")
	theirs, err := exec.Command(water, "-auto", "-asequence", qf, "-bsequence", rf, "-gapopen", "10", "-gapextend", "0.5", "-aformat", "srspair", "-outfile", "stdout").Output()
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := os.ReadFile(filepath.Join(dir, "builtin.water"))
	ours = []byte(strings.ReplaceAll(string(ours), "S1|23S|1", "S1_23S_1"))
	block := ""
	if i := strings.Index(string(ours), "# 1: S1_23S_1"); i >= 0 {
		start := strings.LastIndex(string(ours[:i]), "#=======")
		rest := string(ours[i:]) // up to the next pair's header or the closing rules
		end := len(rest)
		for _, next := range []string{"#=======================================\n#\n# Aligned", "#---------------------------------------\n"} {
			if k := strings.Index(rest, next); k >= 0 {
				end = min(end, k)
			}
		}
		block = string(ours[start:i]) + rest[:end]
	}
	if block == "" || !strings.Contains(pairBlocks(string(theirs)), block) {
		t.Errorf("--emboss-out's 23S block is not water's:\n--- ours\n%s\n--- water\n%s", block, pairBlocks(string(theirs)))
	}
}

// TestNucleotideRefused: a query of the wrong molecule for its reference,
// non-nucleotide letters in a nucleotide row and a matrix of the wrong kind
// stop the step with the row named, and no output.
func TestNucleotideRefused(t *testing.T) {
	refs, set := ecoliNucleotideRefs(t)
	gyrA := set.Gene("gyrA")[0].Protein
	s23 := set.Gene("23S")[0].Seq
	dir := t.TempDir()
	table1 := func(name string, rows ...table.Protein) string {
		p := filepath.Join(dir, name)
		w, err := table.Create[table.Protein](p, table.Meta{Schema: table.SchemaProteins})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(rows...)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := table1("ok.tsv", table.Protein{SampleID: "S1", Gene: "23S", Copy: 1, CDS: string(s23), Molecule: table.MoleculeNucleotide})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"nucleotide row, protein gene", []string{"--queries", table1("a.tsv", table.Protein{SampleID: "S1", Gene: "gyrA", Copy: 1, CDS: "ATGAAA", Molecule: table.MoleculeNucleotide})},
			"a.tsv line 2: a nucleotide query, but reference"},
		{"protein row, RNA gene", []string{"--queries", table1("b.tsv", table.Protein{SampleID: "S1", Gene: "23S", Copy: 1, Protein: string(gyrA)})},
			"b.tsv line 2: a protein query, but reference"},
		{"protein letters in cds", []string{"--queries", table1("c.tsv", table.Protein{SampleID: "S1", Gene: "23S", Copy: 1, CDS: "ACGTEFG", Molecule: table.MoleculeNucleotide})},
			`c.tsv line 2 (S1 23S copy 1): character 'E' at position 5 of cds is not a nucleotide code`},
		{"FASTA protein for an RNA gene", []string{"--queries", writeFile(t, dir, "d.faa", ">q gene=23S\n"+string(gyrA)+"\n")},
			"is a nucleotide target, but the query holds"},
		{"DNA matrix for proteins", []string{"--queries", ok, "--matrix", "EDNAFULL"}, "--matrix EDNAFULL scores nucleotides"},
		{"protein matrix for DNA", []string{"--queries", ok, "--nucleotide-matrix", "EBLOSUM62"}, "--nucleotide-matrix EBLOSUM62 scores proteins"},
	} {
		out := filepath.Join(dir, "out.tsv")
		code, stderr := runMain(t, append([]string{"--references", refs, "--out", out}, tc.args...)...)
		if code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %s; want 1 and %q", tc.name, code, stderr, tc.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: output left behind", tc.name)
		}
	}
	// --all pairs a protein query with the protein references only
	out := filepath.Join(dir, "all.tsv")
	if code, stderr := runMain(t, "--references", refs, "--queries", writeFile(t, dir, "e.faa", ">q\n"+string(gyrA)+"\n"), "--all", "--out", out); code != 0 {
		t.Fatalf("--all: exit %d: %s", code, stderr)
	}
	rows, _, err := table.ReadAll[table.Alignment](out, table.SchemaAlignments)
	if err != nil {
		t.Fatal(err)
	}
	nProt := 0
	for _, r := range set.Refs {
		if !r.Nucleotide() {
			nProt++
		}
	}
	if len(rows) != nProt || nProt == len(set.Refs) {
		t.Errorf("--all with a protein query: %d rows; want one per protein reference (%d of %d)", len(rows), nProt, len(set.Refs))
	}
	for _, r := range rows {
		if r.Molecule != table.MoleculeProtein {
			t.Errorf("--all with a protein query: a %s row against %s", r.Molecule, r.ReferenceID)
		}
	}
}
