package realdb

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/aggregate"
	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/extract"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// planted is one copy of a nucleotide target set into the background, with
// the changes made to it.
type planted struct {
	gene   string
	strand byte
	edits  []edit
}

// edit changes the target at a 0-based index: del bases removed, then ins
// inserted there.
type edit struct {
	at  int
	del int
	ins string
}

// TestNucleotideTruthSet: real rRNA and promoter sequences of the E. coli
// PointFinder folder (v3.0.0, unmodified) set into K. pneumoniae HS11286's
// chromosome, with catalogued and uncatalogued changes planted in some of
// six 23S copies, in one of two 16S-rrsB copies and in ampC promoters on
// both strands. The whole folder goes through wtscan-extract, wtscan-align
// and wtscan-subscan: every planted change is found with the number of
// copies carrying it, catalogued ones are known, and nothing else is called
// on a nucleotide target. The expected names are worked out here from the
// edits, independently of the caller.
func TestNucleotideTruthSet(t *testing.T) {
	db := filepath.Join(pointFinderDB(t), "escherichia_coli")
	asm := testdata.File(t, "/usr/share/doc/kleborate/examples/data/Klebs_HS11286.fna.xz", "kleborate-examples")
	seqs := map[string][]byte{}
	for _, g := range []string{"23S", "16S-rrsB", "16S-rrsC", "16S-rrsH", "ampC-promoter-size-53bp"} {
		if err := seqio.Read(filepath.Join(db, g+".fsa"), seqio.Options{}, func(r seqio.Record) error {
			seqs[g] = []byte(strings.ToUpper(string(r.Seq)))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	var chrom []byte
	if err := seqio.Read(asm, seqio.Options{Alphabet: seqio.DNA}, func(r seqio.Record) error {
		if chrom == nil {
			chrom = []byte(strings.ToUpper(string(r.Seq)))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// the background: four stretches of the chromosome without rRNA
	// operons or an ampC promoter (checked below: extract finds no
	// nucleotide copy in them)
	var chunks [][]byte
	for _, off := range []int{150_000, 1_500_000, 2_600_000, 3_300_000} {
		chunks = append(chunks, chrom[off:off+60_000])
	}

	s23, s16 := seqs["23S"], seqs["16S-rrsB"]
	amp := seqs["ampC-promoter-size-53bp"]
	// 0-based index of a 1-based RNA position; of a promoter position
	// (53 bases before the gene: -1 is index 52)
	rnaAt := func(p int) int { return p - 1 }
	ampAt := func(p int) int { return 53 + p }
	requireBase := func(seq []byte, i int, b byte, what string) {
		if seq[i] != b {
			t.Fatalf("%s: the database has %c at index %d, the test expects %c", what, seq[i], i, b)
		}
	}
	requireBase(s23, rnaAt(2058), 'A', "23S 2058")
	requireBase(s16, rnaAt(523), 'A', "16S-rrsB 523")
	requireBase(amp, ampAt(-42), 'C', "ampC -42")
	// a 2-base deletion at 23S 801-802 that no 3' shift moves
	if s23[rnaAt(801)] == s23[rnaAt(803)] {
		t.Fatalf("23S 801..803: %s, the deletion would shift", s23[rnaAt(801):rnaAt(804)])
	}
	sub := func(seq []byte, i int) string { // another base, fixed
		return map[byte]string{'A': "G", 'C': "T", 'G': "A", 'T': "C"}[seq[i]]
	}
	plants := []planted{
		{"23S", '+', []edit{{rnaAt(2058), 1, "G"}}},                                          // catalogued A2058G
		{"23S", '-', []edit{{rnaAt(2058), 1, "G"}, {rnaAt(1500), 1, sub(s23, rnaAt(1500))}}}, // and an uncatalogued one
		{"23S", '+', nil},
		{"23S", '-', []edit{{rnaAt(2058), 1, "G"}}},
		{"23S", '+', []edit{{rnaAt(801), 2, ""}}}, // uncatalogued deletion
		{"23S", '-', nil},
		{"16S-rrsB", '+', []edit{{rnaAt(523), 1, "C"}}}, // catalogued A523C
		{"16S-rrsB", '-', nil},
		{"ampC-promoter-size-53bp", '+', []edit{{ampAt(-42), 1, "T"}}},                  // catalogued C-42T
		{"ampC-promoter-size-53bp", '-', []edit{{ampAt(-20), 1, sub(amp, ampAt(-20))}}}, // uncatalogued
		// GT inserted after -14 in ...CGT|T...: the literature's -13insGT, named c.-15_-14dup
		{"ampC-promoter-size-53bp", '+', []edit{{ampAt(-13), 0, "GT"}}},
	}
	requireBase(amp, ampAt(-15), 'G', "ampC -15")
	requireBase(amp, ampAt(-14), 'T', "ampC -14")
	requireBase(amp, ampAt(-13), 'T', "ampC -13")

	// the expected calls: gene -> HGVS -> copies carrying it, and known
	type want struct {
		copies int
		known  bool
	}
	expect := map[string]map[string]want{
		"23S": {
			"n.2058A>G": {3, true},
			fmt.Sprintf("n.1500%c>%s", s23[rnaAt(1500)], sub(s23, rnaAt(1500))): {1, false},
			"n.801_802del": {1, false},
		},
		"16S-rrsB": {"n.523A>C": {1, true}},
		"ampC-promoter": {
			"c.-42C>T": {1, true},
			fmt.Sprintf("c.-20%c>%s", amp[ampAt(-20)], sub(amp, ampAt(-20))): {1, false},
			"c.-15_-14dup": {1, true},
		},
	}
	copies := map[string]int{"23S": 6, "16S-rrsB": 2, "ampC-promoter": 3}
	// 16S-rrsC and 16S-rrsH report the same two rrsB copies: their calls
	// are the differences between the operons (checked below: applied to
	// the rrsC or rrsH reference they give back rrsB's bases; water aligns
	// rrsH's 1017-1024 GGATTGGT against rrsB's GAGAATGT with two gaps, so
	// a list of mismatches is not the answer), plus A523C where they too
	// have A, in one copy and not known (the catalogue lists it for rrsB).
	operons := []string{"16S-rrsC", "16S-rrsH"}
	for _, g := range operons {
		copies[g] = 2
	}

	// the assembly: each chunk a contig, the planted copies spread over them
	var contigs [][]byte
	for i := range chunks {
		contigs = append(contigs, append([]byte(nil), chunks[i]...))
	}
	for k, p := range plants {
		seq := append([]byte(nil), seqs[p.gene]...)
		// edits from the end, so indices stay those of the database's sequence
		sort.Slice(p.edits, func(i, j int) bool { return p.edits[i].at > p.edits[j].at })
		for _, e := range p.edits {
			seq = append(seq[:e.at], append([]byte(e.ins), seq[e.at+e.del:]...)...)
		}
		if p.strand == '-' {
			seq = gencode.ReverseComplement(seq)
		}
		c := k % len(contigs)
		at := 5_000 + (k/len(contigs))*20_000
		contigs[c] = append(contigs[c][:at], append(seq, contigs[c][at:]...)...)
	}
	tmp := t.TempDir()
	write := func(name string, cs [][]byte) string {
		var b strings.Builder
		for i, c := range cs {
			fmt.Fprintf(&b, ">c%d\n%s\n", i+1, c)
		}
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bg, planted := write("background.fna", chunks), write("planted.fna", contigs)

	calls := func(asm, name string) ([]table.Protein, []table.Mutation, []table.Site) {
		t.Helper()
		p, a := filepath.Join(tmp, name+".p.tsv"), filepath.Join(tmp, name+".a.tsv")
		m, s := filepath.Join(tmp, name+".m.tsv"), filepath.Join(tmp, name+".s.tsv")
		run(t, extract.Main, "--assembly", asm, "--sample-id", name, "--references", db, "--out", p)
		run(t, align.Main, "--references", db, "--queries", p, "--out", a)
		run(t, subscan.Main, "--alignments", a, "--references", db, "--catalog", db, "--out", m, "--sites", s)
		prots, _, err := table.ReadAll[table.Protein](p, table.SchemaProteins)
		if err != nil {
			t.Fatal(err)
		}
		muts, _, err := table.ReadAll[table.Mutation](m, table.SchemaMutations)
		if err != nil {
			t.Fatal(err)
		}
		sites, _, err := table.ReadAll[table.Site](s, table.SchemaSites)
		if err != nil {
			t.Fatal(err)
		}
		return prots, muts, sites
	}
	prots, _, _ := calls(bg, "background")
	for _, p := range prots {
		if table.IsNucleotide(p.Molecule) {
			t.Fatalf("the background holds a copy of %s (%s:%d-%d): choose other stretches", p.Gene, p.Contig, p.Start, p.End)
		}
	}

	prots, muts, sites := calls(planted, "planted")
	found := map[string]int{}
	for _, p := range prots {
		if table.IsNucleotide(p.Molecule) {
			found[p.Gene]++
		}
	}
	for g, n := range copies {
		if found[g] != n {
			t.Errorf("%s: %d copies extracted, want %d", g, found[g], n)
		}
	}
	got := map[string]map[string]want{}
	for _, m := range muts {
		if !table.IsNucleotide(m.Molecule) {
			continue
		}
		if got[m.Gene] == nil {
			got[m.Gene] = map[string]want{}
		}
		w, seen := got[m.Gene][m.HGVS]
		if seen && (w.copies != int(m.CopiesWith) || w.known != m.Known) {
			t.Errorf("%s %s: copies_with/known differ between its rows", m.Gene, m.HGVS)
		}
		got[m.Gene][m.HGVS] = want{int(m.CopiesWith), m.Known}
		if int(m.Copies) != copies[m.Gene] {
			t.Errorf("%s %s: copies %d, want %d", m.Gene, m.HGVS, m.Copies, copies[m.Gene])
		}
	}
	for _, g := range operons {
		var both []string
		for h, w := range got[g] {
			switch {
			case w.known:
				t.Errorf("%s %s: known, but the catalogue lists no %s entry", g, h, g)
			case h == "n.523A>C" && seqs[g][rnaAt(523)] == 'A':
				if w.copies != 1 {
					t.Errorf("%s n.523A>C: in %d copies, want 1", g, w.copies)
				}
			case w.copies != 2:
				t.Errorf("%s %s: in %d copies; a difference between the operons is in both", g, h, w.copies)
			default:
				both = append(both, h)
			}
		}
		if len(both) == 0 {
			t.Errorf("%s: no calls; its reference differs from rrsB", g)
			continue
		}
		sort.Strings(both)
		t.Logf("%s: %d differences from rrsB, in both copies: %s", g, len(both), strings.Join(both, " "))
		if b, err := applyHGVS(seqs[g], both); err != nil {
			t.Errorf("%s: %v", g, err)
		} else if string(b) != string(s16) {
			t.Errorf("%s: its calls %v applied to its reference do not give rrsB's bases", g, both)
		}
		delete(got, g)
	}
	for g, ws := range expect {
		for h, w := range ws {
			if got[g][h] != w {
				t.Errorf("%s %s: found in %d copies, known %v; want %d, %v", g, h, got[g][h].copies, got[g][h].known, w.copies, w.known)
			}
		}
		for h, w := range got[g] {
			if _, ok := ws[h]; !ok {
				t.Errorf("%s %s: called (%d copies) but not planted", g, h, w.copies)
			}
		}
	}
	for g := range got {
		if expect[g] == nil {
			t.Errorf("%s: calls %v on a target nothing was planted in", g, got[g])
		}
	}
	// the sites table: 23S 2058 in every copy, MUT in three of six
	n := 0
	for _, s := range sites {
		if s.Gene == "23S" && s.Position == 2058 {
			n++
			if s.Copies != 6 || s.CopiesMut != 3 || s.Molecule != table.MoleculeNucleotide {
				t.Errorf("23S 2058 site: copies %d, copies_mut %d, molecule %q; want 6, 3, nucleotide", s.Copies, s.CopiesMut, s.Molecule)
			}
		}
		if s.Gene == "ampC-promoter" && s.Position == -42 && s.Status == "MUT" && s.Observed != "T" {
			t.Errorf("ampC -42: observed %q", s.Observed)
		}
	}
	if n != 6 {
		t.Errorf("23S 2058: %d site rows, want one per copy (6)", n)
	}

	// the cohort: nucleotide changes reach cohort_mutations with their
	// molecule and copy counts, and the report names them
	cohort := filepath.Join(tmp, "cohort")
	run(t, aggregate.Main, "--mutations", filepath.Join(tmp, "planted.m.tsv"), "--sites", filepath.Join(tmp, "planted.s.tsv"),
		"--alignments", filepath.Join(tmp, "planted.a.tsv"), "--out-dir", cohort, "--tables", "tsv")
	cm, _, err := table.ReadAll[table.Mutation](filepath.Join(cohort, aggregate.OutCohortMutations+".tsv"), table.SchemaMutations)
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	for _, m := range cm {
		if m.Gene == "23S" && m.HGVS == "n.2058A>G" {
			rows++
			if m.Molecule != table.MoleculeNucleotide || m.Copies != 6 || m.CopiesWith != 3 || !m.Known {
				t.Errorf("cohort_mutations 23S n.2058A>G: molecule %q copies %d copies_with %d known %v", m.Molecule, m.Copies, m.CopiesWith, m.Known)
			}
		}
	}
	if rows == 0 {
		t.Error("cohort_mutations has no 23S n.2058A>G row")
	}
	html, err := os.ReadFile(filepath.Join(cohort, aggregate.OutReport))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"23S", "A2058G", "ampC"} {
		if !strings.Contains(string(html), name) {
			t.Errorf("report.html does not mention %s", name)
		}
	}
}

// applyHGVS applies n. substitutions, deletions, insertions, duplications
// and delins (as wtscan names them: 1-based, ranges a_b) to seq, from the
// rightmost change to the leftmost so positions stay those of seq.
func applyHGVS(seq []byte, names []string) ([]byte, error) {
	re := regexp.MustCompile(`^n\.(\d+)(?:_(\d+))?(?:([ACGTN])>([ACGTN])|del|ins([ACGTN]+)|dup|delins([ACGTN]+))$`)
	type change struct {
		from, to int // 1-based inclusive range replaced
		with     string
	}
	var cs []change
	for _, h := range names {
		m := re.FindStringSubmatch(h)
		if m == nil {
			return nil, fmt.Errorf("cannot read %q", h)
		}
		a, _ := strconv.Atoi(m[1])
		b := a
		if m[2] != "" {
			b, _ = strconv.Atoi(m[2])
		}
		if a < 1 || b < a || b > len(seq) {
			return nil, fmt.Errorf("%q: outside 1..%d", h, len(seq))
		}
		switch {
		case m[3] != "":
			if string(seq[a-1]) != m[3] {
				return nil, fmt.Errorf("%q: the reference has %c there", h, seq[a-1])
			}
			cs = append(cs, change{a, a, m[4]})
		case m[5] != "": // between a and b: nothing replaced
			cs = append(cs, change{b, a, m[5]})
		case m[6] != "":
			cs = append(cs, change{a, b, m[6]})
		case strings.HasSuffix(h, "dup"):
			cs = append(cs, change{b + 1, b, string(seq[a-1 : b])})
		default:
			cs = append(cs, change{a, b, ""})
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].from > cs[j].from })
	out := append([]byte(nil), seq...)
	for _, c := range cs {
		out = append(out[:c.from-1], append([]byte(c.with), out[c.to:]...)...)
	}
	return out, nil
}
