package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/testdata"
	"github.com/wtscan/wtscan/internal/variant"
)

func loadRefs(t testing.TB, path string) *refset.Set {
	t.Helper()
	refs, err := refset.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

func TestPointFinderSalmonellaFaults(t *testing.T) {
	dir := testdata.Shared(t, "pointfinder/salmonella")
	refs := loadRefs(t, dir)
	c, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 57 rows: 2 of them 16S (nucleotide entries), and one parE 462 H>Y row
	// given twice (noted, used once)
	if c.Format != FormatPointFinder || len(c.Entries) != 56 {
		t.Fatalf("format %s, %d entries; want pointfinder, 56", c.Format, len(c.Entries))
	}
	nuc := 0
	for _, e := range c.Entries {
		if e.Nucleotide {
			nuc++
			if e.Gene != "16S" || e.Type != variant.Substitution || len(e.Ref) != 1 {
				t.Errorf("nucleotide entry %+v, want a 16S substitution", e)
			}
		}
	}
	if nuc != 2 {
		t.Errorf("%d nucleotide entries, want the two 16S rows", nuc)
	}
	_, err = c.Validate(refs, true)
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("Validate strict: %v, want the list of faults", err)
	}
	// two of the three real faults (../shared/data/README.md), with every
	// message for their lines; the third (acrB 717 CGG where the reference
	// has CGA) is a synonymous codon: a note, no fault
	want := []string{
		"resistens-overview.txt:4: Gene_ID pmrB and Gene_name pmrA name different genes",
		"resistens-overview.txt:4: pmrB 81: catalogue reference residue R, but reference pmrB_1_CP051284.1 has L",
		"resistens-overview.txt:4: pmrB 81: catalogue codon CGC, but reference pmrB_1_CP051284.1 has CTG at codon 81",
		"resistens-overview.txt:41: gyrB 447: catalogue reference residue L, but reference gyrB_1_CP050716.1 has K",
		"resistens-overview.txt:41: gyrB 447: codon AAA encodes K, not L",
		// the slice has no 16S reference (the distributed folder has 16S-rrsD)
		"resistens-overview.txt:57: gene 16S has no reference in " + dir + " (genes there: acrB, gyrA, gyrB, parC, parE, pmrA, pmrB): row not used",
		"resistens-overview.txt:58: gene 16S has no reference in " + dir + " (genes there: acrB, gyrA, gyrB, parC, parE, pmrA, pmrB): row not used",
	}
	if len(probs) != len(want) {
		t.Fatalf("%d faults, want %d:\n%v", len(probs), len(want), probs)
	}
	for i, p := range probs {
		if got := filepath.Base(p.File) + ":" + itoa(p.Line) + ": " + p.Msg; got != want[i] {
			t.Errorf("fault %d = %q, want %q", i, got, want[i])
		}
	}
	// the synonymous codon is noted
	var syn []int
	for _, n := range c.Notes {
		if strings.Contains(n.Msg, "synonymous codon") {
			syn = append(syn, n.Line)
		}
	}
	if len(syn) != 1 || syn[0] != 56 {
		t.Errorf("synonymous-codon notes on lines %v, want [56] (acrB 717)", syn)
	}

	// by default the faulty rows are kept (matched on position and
	// alternative, as PointFinder matches them) and their faults are warnings
	c, _ = Load(dir, Options{})
	warn, err := c.Validate(refs, false)
	if err != nil || len(warn) != 7 || len(c.Entries) != 54 || c.Dropped != 2 || c.WithFaults != 2 || c.Faults != 7 {
		t.Fatalf("default: err %v, %d warnings, %d entries, %d dropped, %d rows with faults, %d faults; want nil, 7, 54, 2, 2, 7",
			err, len(warn), len(c.Entries), c.Dropped, c.WithFaults, c.Faults)
	}
	m := c.Lookup("gyrB", variant.Event{Type: variant.Substitution, Start: 447, End: 447, Ref: "K", Alt: c.byPos[genePos{"gyrB", 447}][0].Alts[0]})
	if len(m) != 1 || m[0].Line != 41 || len(m[0].Faults) != 2 {
		t.Errorf("gyrB 447 (a row with a wrong reference residue) matched %v, want line 41 with its two faults", m)
	}
}

func TestPointFinderEcoli(t *testing.T) {
	dir := testdata.Shared(t, "pointfinder/escherichia_coli")
	c, err := Load(filepath.Join(dir, "resistens-overview.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	nuc := map[int]*Entry{}
	for _, e := range c.Entries {
		if e.Nucleotide {
			nuc[e.Line] = e
		}
	}
	// RNA rows (50-65), promoter rows (66, 67) and the # Indels section's
	// promoter insertions (69-72) are nucleotide entries
	for _, l := range []int{50, 55, 65, 66, 67, 69, 70, 71, 72} {
		if nuc[l] == nil {
			t.Errorf("line %d is no nucleotide entry", l)
		}
	}
	if e := nuc[66]; e == nil || e.Gene != "ampC-promoter" || e.Position >= 0 || e.Type != variant.Substitution {
		t.Errorf("line 66: %+v, want an ampC-promoter substitution upstream of the gene", e)
	}
	if e := nuc[70]; e == nil || e.Gene != "ampC-promoter" || e.Type != variant.Insertion {
		t.Errorf("line 70: %+v, want an ampC-promoter insertion", e)
	}
	var g81 []*Entry
	for _, e := range c.Entries {
		if e.Gene == "gyrA" && e.Position == 81 {
			g81 = append(g81, e)
		}
		if e.Gene == "pmrA" && e.Position == 39 {
			// "pmrA_S39I,pmrA_R81S": both required
			if len(e.Requires) != 1 || len(e.Requires[0]) != 2 {
				t.Errorf("pmrA 39 rule %+v, want one alternative of two tokens", e.Requires)
			}
		}
	}
	if len(g81) != 2 || g81[0].RequiresRaw != "" || g81[1].RequiresRaw != "gyrA_D82G" {
		t.Fatalf("gyrA 81 entries %+v", g81)
	}
	refs := loadRefs(t, dir)
	warn, err := c.Validate(refs, false)
	if err != nil {
		t.Fatal(err)
	}
	// the slice holds only gyrA and pmrB: rows of the other genes cannot
	// apply, each dropped with a warning naming it
	for _, w := range warn {
		if w.Check != "catalog.reference" || !strings.Contains(w.Msg, "has no reference") {
			t.Errorf("unexpected fault %v", w)
		}
	}
	if c.Dropped != len(warn) || c.Dropped == 0 || c.WithFaults != 0 {
		t.Errorf("%d dropped, %d warnings, %d rows with faults; want every warning a dropped row", c.Dropped, len(warn), c.WithFaults)
	}
	strict, _ := Load(filepath.Join(dir, "resistens-overview.txt"), Options{})
	if _, err := strict.Validate(refs, true); err == nil {
		t.Error("strict: rows for genes without a reference accepted")
	}
	// G81D alone: the plain entry applies; with D82G both do
	g81d := variant.Event{Type: variant.Substitution, Start: 81, End: 81, Ref: "G", Alt: "D"}
	m := c.Lookup("gyrA", g81d)
	alone := Annotate(m, func(Token) bool { return false })
	if alone.DrugClasses != "Ciprofloxacin" || !alone.RequiredMet {
		t.Errorf("G81D alone: %+v", alone)
	}
	both := Annotate(m, func(tok Token) bool { return TokenMatches(tok, "gyrA", 82, "G") })
	if both.DrugClasses != "Ciprofloxacin,Nalidixic acid" || both.Requires != "gyrA_D82G" {
		t.Errorf("G81D with D82G: %+v", both)
	}
}

func TestRequirement(t *testing.T) {
	req, err := parseRequirement("gyrA_S83Y.F.A;gyrA_D87N.G.Y.K")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		have []string // gene pos alt
		met  bool
	}{
		{nil, false},
		{[]string{"gyrA 83 F"}, true},
		{[]string{"gyrA 87 K"}, true},
		{[]string{"gyrA 83 L"}, false},
		{[]string{"parC 83 F"}, false},
	}
	for _, tt := range tests {
		has := func(tok Token) bool {
			for _, h := range tt.have {
				f := strings.Fields(h)
				if TokenMatches(tok, f[0], atoi(f[1]), f[2]) {
					return true
				}
			}
			return false
		}
		if got := req.Met(has); got != tt.met {
			t.Errorf("%v: met %v, want %v (';' separates alternatives)", tt.have, got, tt.met)
		}
	}
	and, _ := parseRequirement("pmrA_S39I,pmrA_R81S")
	one := func(tok Token) bool { return TokenMatches(tok, "pmrA", 39, "I") }
	if and.Met(one) {
		t.Errorf("',' must require every token")
	}
	for _, bad := range []string{"gyrA", "gyrA_83L", "gyrA_SxL", "_S83L", "gyrA_S83#"} {
		if _, err := parseRequirement(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

const wtscanHeader = "gene\treference\tposition\tref\talt\ttype\tdrug_classes\tphenotype\tpmids\trequires\tsource\tversion\tend_position\n"

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// toyRefs is one protein reference, gene toy.
func toyRefs(t testing.TB, dir string) *refset.Set {
	t.Helper()
	// positions:     1234567890123456
	return loadRefs(t, writeFile(t, dir, "toy.faa", ">toy_1 gene=toy\nMKTGAHRESWLPQGGG\n"))
}

func TestWtscanFormat(t *testing.T) {
	dir := t.TempDir()
	refs := toyRefs(t, dir)
	path := writeFile(t, dir, "cat.tsv", "# a comment\n"+wtscanHeader+
		"toy\t\t3\tT\tI,V\tsubstitution\tquinolone\tresistant\t1,2\t\tmine\t1.0\t\n"+
		"toy\t\t5\tA\tGA\tinsertion\tcolistin\t\t\t\tmine\t1.0\t\n"+ // inserting GA after A5 = dup of G4_A5
		"toy\ttoy_1\t9\tS\t*\tnonsense\tx\t\t\ttoy_T3I|toy_T3V+toy_H6Y\tmine\t1.0\t\n"+
		"toy\t\t14\tG\t\tdeletion\ty\t\t\t\tmine\t1.0\t14\n"+ // written 5', called at G16
		"toy\t\t10\t\t\ttruncation\tz\t\t\t\tmine\t1.0\t\n")
	c, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != FormatWtscan || len(c.Entries) != 5 {
		t.Fatalf("%s %d entries", c.Format, len(c.Entries))
	}
	if _, err := c.Validate(refs, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ev   variant.Event
		want string // catalogue line, "" for none
	}{
		{variant.Event{Type: variant.Substitution, Start: 3, End: 3, Alt: "V"}, "cat.tsv:3"},
		{variant.Event{Type: variant.Substitution, Start: 3, End: 3, Alt: "L"}, ""},
		{variant.Event{Type: variant.Insertion, Start: 4, End: 5, Alt: "GA", Dup: true}, "cat.tsv:4"},
		{variant.Event{Type: variant.Nonsense, Start: 9, End: 9, Alt: "*"}, "cat.tsv:5;cat.tsv:7"}, // and the truncation entry at 10
		{variant.Event{Type: variant.Deletion, Start: 16, End: 16}, "cat.tsv:6"},
		{variant.Event{Type: variant.Truncation, Start: 12, End: 16}, ""},        // ends after 10: residue 10 kept
		{variant.Event{Type: variant.Frameshift, Start: 8, End: 8}, "cat.tsv:7"}, // the wild-type frame ends at 8
		{variant.Event{Type: variant.Frameshift, Start: 11, End: 11}, ""},
	}
	for _, tt := range tests {
		var ids []string
		for _, e := range c.Lookup("toy", tt.ev) {
			ids = append(ids, e.ID)
		}
		if got := strings.Join(ids, ";"); got != tt.want {
			t.Errorf("%+v matched %q, want %q", tt.ev, got, tt.want)
		}
	}
	// the nonsense entry needs T3I, or T3V with H6Y
	ns := c.Lookup("toy", variant.Event{Type: variant.Nonsense, Start: 9, End: 9, Alt: "*"})[0]
	if ns.Requires.Met(func(tok Token) bool { return TokenMatches(tok, "toy", 3, "V") }) {
		t.Errorf("T3V alone met T3I|T3V+H6Y")
	}
	if !ns.Requires.Met(func(tok Token) bool {
		return TokenMatches(tok, "toy", 3, "V") || TokenMatches(tok, "toy", 6, "Y")
	}) {
		t.Errorf("T3V and H6Y did not meet T3I|T3V+H6Y")
	}
}

func TestWtscanBadLines(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bad.tsv", wtscanHeader+
		"toy\t\tx\tT\tI\tsubstitution\t\t\t\t\tmine\t1\t\n"+
		"toy\t\t3\tT\tI\tswap\t\t\t\t\tmine\t1\t\n"+
		"toy\t\t3\tT\tI\n"+
		"toy\t\t3\tT\t1\tsubstitution\t\t\t\t\tmine\t1\t\n"+
		"toy\t\t3\tT\tI\tsubstitution\t\t\t\tgyrA83\tmine\t1\t\n")
	_, err := Load(path, Options{})
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("err %v", err)
	}
	lines := map[int]string{}
	for _, p := range probs {
		lines[p.Line] += p.Msg
	}
	for l, want := range map[int]string{2: `position "x"`, 3: `type "swap"`, 4: "5 columns, the header has 13", 5: `alt "1"`, 6: "requires"} {
		if !strings.Contains(lines[l], want) {
			t.Errorf("line %d: %q, want it to mention %q", l, lines[l], want)
		}
	}
	if !strings.Contains(err.Error(), path+":2:") {
		t.Errorf("error does not name file:line: %v", err)
	}
	// header without required columns
	if _, err := Load(writeFile(t, dir, "h.tsv", "gene\tposition\ttype\n"), Options{Format: FormatWtscan}); err == nil || !strings.Contains(err.Error(), "lacks column(s) reference") {
		t.Errorf("missing columns: %v", err)
	}
}

func TestValidateFaults(t *testing.T) {
	dir := t.TempDir()
	refs := toyRefs(t, dir)
	path := writeFile(t, dir, "cat.tsv", wtscanHeader+
		"toy\t\t30\tT\tI\tsubstitution\t\t\t\t\tmine\t1\t\n"+ // past the end (16)
		"toy\t\t3\tK\tI\tsubstitution\t\t\t\t\tmine\t1\t\n"+ // T at 3
		"toy\t\t3\tT\tT\tsubstitution\t\t\t\t\tmine\t1\t\n"+ // alt = ref
		"toy\t\t3\tT\tI\tsubstitution\t\t\t\ttoy_K5A\tmine\t1\t\n"+ // rule names the wrong residue
		"nogene\t\t3\tT\tI\tsubstitution\t\t\t\t\tmine\t1\t\n") // no reference: a note
	c, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Validate(refs, true)
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 5 {
		t.Fatalf("strict: faults %v, want 5", err)
	}
	for i, want := range []string{"position 30 is past the end of reference toy_1 (16 residues)", "catalogue reference residue K, but reference toy_1 has T",
		"alternative T is the reference residue", "combination toy_K5A: reference toy_1 has A at 5", "gene nogene has no reference"} {
		if probs[i].Line != i+2 || !strings.Contains(probs[i].Msg, want) {
			t.Errorf("fault %d: %v, want line %d %q", i, probs[i], i+2, want)
		}
	}
	// by default: rows that cannot apply (past the end, no reference) are
	// dropped; rows with other faults are kept; rows and faults counted apart
	c, _ = Load(path, Options{})
	warn, err := c.Validate(refs, false)
	if err != nil || len(warn) != 5 || c.Dropped != 2 || c.WithFaults != 3 || len(c.Entries) != 3 {
		t.Fatalf("default: %v, %d warnings, %d dropped, %d with faults, %d kept; want 5, 2, 3, 3", err, len(warn), c.Dropped, c.WithFaults, len(c.Entries))
	}
}

func TestAMRFinder(t *testing.T) {
	dir := t.TempDir()
	// rows in AMRProt-mutation.tsv's layout (ncbi/amr amr_report.cpp reads
	// organism, accession, position, standard and reported symbols, class, subclass, name)
	text := "#organism\taccession\tposition\tstandard_mutation_symbol\tmutation_symbol\tclass\tsubclass\tmutated_protein_name\n" +
		"Escherichia\tWP_001300761.1\t84\tpmrB_C84R\tpmrB_C84R\tCOLISTIN\tCOLISTIN\tEscherichia_colistin_resistant_PmrB\n" +
		"Escherichia\tWP_001300761.1\t84\tpmrB_C84STOP\tpmrB_C84STOP\tCOLISTIN\tCOLISTIN\tEscherichia_colistin_resistant_PmrB\n" +
		"Salmonella\tWP_000000001.1\t83\tgyrA_S83F\tgyrA_S83F\tQUINOLONE\tQUINOLONE\tSalmonella_quinolone_resistant_GyrA\n"
	path := writeFile(t, dir, "AMRProt-mutation.tsv", text)
	if _, err := Load(path, Options{}); err == nil || !strings.Contains(err.Error(), "--catalog-organism") {
		t.Fatalf("two organisms without a choice: %v", err)
	}
	c, err := Load(path, Options{Organism: "Escherichia"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != FormatAMRFinder || c.Name != "AMRFinderPlus" || len(c.Entries) != 2 {
		t.Fatalf("%s %s %d", c.Format, c.Name, len(c.Entries))
	}
	refs := loadRefs(t, testdata.Shared(t, "pointfinder/escherichia_coli/pmrB.fsa"))
	if _, err := c.Validate(refs, false); err != nil {
		t.Fatal(err)
	}
	m := c.Lookup("pmrB", variant.Event{Type: variant.Substitution, Start: 84, End: 84, Ref: "C", Alt: "R"})
	if len(m) != 1 || m[0].DrugClasses[0] != "COLISTIN" {
		t.Errorf("C84R: %+v", m)
	}
	if m := c.Lookup("pmrB", variant.Event{Type: variant.Nonsense, Start: 84, End: 84, Ref: "C", Alt: "*"}); len(m) != 1 {
		t.Errorf("C84*: %+v", m)
	}
	for sym, want := range map[string]variant.Type{"ompK36_D135DGD": variant.Insertion, "ompK36_GD134del": variant.Deletion, "x_AB5CD": variant.Delins} {
		e, err := amrEntry(sym)
		if err != nil || e.Type != want {
			t.Errorf("%s: %v %v, want %s", sym, e, err, want)
		}
	}
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	for name, tt := range map[string]struct{ text, want string }{
		"a.tsv": {wtscanHeader, FormatWtscan},
		"b.txt": {"#Gene_ID\tGene_name\tCodon_pos\n", FormatPointFinder},
		"c.tsv": {"#organism\taccession\n", FormatAMRFinder},
		"d.tsv": {"what\tis\tthis\n", ""},
	} {
		got, err := Detect(writeFile(t, dir, name, tt.text), []byte(tt.text))
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("%s: %q %v, want %q", name, got, err, tt.want)
		}
	}
}

// FuzzLoad feeds arbitrary text to every parser and the reference check:
// they must return entries or problems, never panic.
func FuzzLoad(f *testing.F) {
	f.Add(wtscanHeader + "toy\t\t3\tT\tI\tsubstitution\t\t\t\t\tmine\t1\t\n")
	f.Add("#Gene_ID\tGene_name\tCodon_pos\tRef_nuc\tRef_codon\tRes_codon\tResistance\tPMID\tMechanism\tNotes\tRequired_mut\ntoy\ttoy\t3\tACC\tT\tI\tx\t1\tm\t\ttoy_H6Y\n# Indels\ntoy\ttoy\t4\t-\tins\tGG\tx\n")
	f.Add("#organism\taccession\n Escherichia\tWP\t3\ttoy_T3I\ttoy_T3I\tA\tB\tC\n")
	dir := f.TempDir()
	refs := toyRefs(f, dir)
	f.Fuzz(func(t *testing.T, text string) {
		p := filepath.Join(t.TempDir(), "cat.txt")
		os.WriteFile(p, []byte(text), 0o644)
		for _, format := range []string{FormatWtscan, FormatPointFinder, FormatAMRFinder} {
			c, err := Load(p, Options{Format: format, Organism: "Escherichia"})
			if err != nil {
				continue
			}
			c.Validate(refs, true)
			for _, e := range c.Entries {
				c.Lookup(e.Gene, variant.Event{Type: e.Type, Start: e.Position, End: e.EndPosition, Alt: "I"})
			}
		}
	})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func itoa(i int) string { return strconv.Itoa(i) }

// TestPointFinderProteinIndels: rows after "# Indels" with Ref_codon ins/del
// are protein insertions (after Codon_pos) and deletions.
func TestPointFinderProteinIndels(t *testing.T) {
	dir := t.TempDir()
	refs := toyRefs(t, dir) // MKTGAHRESWLPQGGG
	path := writeFile(t, dir, "resistens-overview.txt", "#Gene_ID\tGene_name\tCodon_pos\tRef_nuc\tRef_codon\tRes_codon\tResistance\tPMID\tMechanism\tNotes\tRequired_mut\n"+
		"toy\ttoy\t3\tACC\tT\tI\tDrugA\t1\tm\t\t\n"+
		"# Indels\n"+
		// positions in the # Indels section are nucleotides of the gene:
		// nt 27 is the last base of codon 9 (S); inserting WL after S9 is a dup of W10_L11
		"toy\ttoy\t27\t-\tins\tWL\tDrugB\t2\tm\t\t\n"+
		// nt 40 begins codon 14 (G of GGG): the deletion of one G, 3'-shifted to 16
		"toy\ttoy\t40\tGGC\tdel\tG\tDrugC\t3\tm\t\t\n")
	c, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Validate(refs, false); err != nil {
		t.Fatal(err)
	}
	ins := c.Lookup("toy", variant.Event{Type: variant.Insertion, Start: 10, End: 11, Alt: "WL", Dup: true})
	del := c.Lookup("toy", variant.Event{Type: variant.Deletion, Start: 16, End: 16})
	if len(ins) != 1 || ins[0].Line != 4 || len(del) != 1 || del[0].Line != 5 {
		t.Errorf("insertion matched %v, deletion %v; want lines 4 and 5", ins, del)
	}
}

// TestRefusedRows: in a wtscan catalogue a repeated id or entry and a
// malformed combination rule are refused, each with its line; a gene without
// a reference is a warning naming the row, an error with strict.
func TestRefusedRows(t *testing.T) {
	dir := t.TempDir()
	refs := toyRefs(t, dir)
	for _, tt := range []struct{ name, rows, want string }{
		{"repeated id", "x1\ttoy\t\t3\tT\tI\tsubstitution\t\t\t\t\tmine\t1\t\nx1\ttoy\t\t4\tG\tA\tsubstitution\t\t\t\t\tmine\t1\t\n", "cat.tsv:3: id \"x1\" is also the id of line 2"},
		{"repeated entry", "a\ttoy\t\t3\tT\tI\tsubstitution\t\t\t\t\tmine\t1\t\nb\ttoy\t\t3\tT\tI\tsubstitution\t\t\t\t\tmine\t1\t\n", "cat.tsv:3: repeats the entry of line 2"},
		{"malformed rule", "a\ttoy\t\t3\tT\tI\tsubstitution\t\t\t\ttoy_T3I+++\tmine\t1\t\n", "cat.tsv:2: requires: combination rule \"toy_T3I+++\" has an empty part"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, "cat.tsv", "id\t"+wtscanHeader+tt.rows)
			_, err := Load(path, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load: %v, want %q", err, tt.want)
			}
		})
	}
	path := writeFile(t, dir, "cat.tsv", wtscanHeader+"GyrA\t\t3\tT\tI\tsubstitution\t\t\t\t\tmine\t1\t\n")
	c, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	warn, err := c.Validate(refs, false)
	if err != nil || len(warn) != 1 || warn[0].Line != 2 || !strings.Contains(warn[0].Msg, "gene GyrA has no reference") {
		t.Errorf("typo in a gene name: %v %v, want one warning naming line 2", warn, err)
	}
	c, _ = Load(path, Options{})
	if _, err := c.Validate(refs, true); err == nil {
		t.Error("strict: a gene without a reference accepted")
	}
}
