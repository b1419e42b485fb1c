// Package realdb tests wtscan on real databases as their authors distribute
// them: the PointFinder database v3.0.0 of Debian's resfinder-example, used
// unmodified (a gunzipped copy: Debian gzips files in documentation folders),
// on the four complete K. pneumoniae genomes of Debian's kleborate-examples.
// Every expected call below was settled by translating the gene's CDS
// (docs/peers.md).
package realdb

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/extract"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

var (
	dbOnce sync.Once
	dbDir  string
	dbErr  error
)

// pointFinderDB returns a plain copy of the distributed database
// (testdata.PointFinderDB), made once for the package's tests.
func pointFinderDB(t *testing.T) string {
	t.Helper()
	testdata.File(t, filepath.Join(testdata.DebianPointFinder, "config"), "resfinder-example")
	dbOnce.Do(func() {
		if dbDir, dbErr = os.MkdirTemp("", "wtscan-pointfinder-"); dbErr == nil {
			dbErr = testdata.CopyPointFinder(dbDir)
		}
	})
	if dbErr != nil {
		t.Fatal(dbErr)
	}
	return dbDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if dbDir != "" {
		os.RemoveAll(dbDir)
	}
	os.Exit(code)
}

// TestEverySpeciesLoads: every species folder of PointFinder v3.0.0 loads
// unmodified, with default settings, as references and as catalogue, and is
// used whole: RNA genes and promoters are nucleotide targets, and no
// catalogue row is skipped for being a nucleotide row.
func TestEverySpeciesLoads(t *testing.T) {
	db := pointFinderDB(t)
	species, err := refset.ReadPointFinderList(filepath.Join(db, "config"))
	if err != nil || len(species) == 0 {
		t.Fatalf("config: %v %v", species, err)
	}
	n := 0
	for _, line := range species {
		sp := strings.Fields(line)[0]
		n++
		t.Run(sp, func(t *testing.T) {
			dir := filepath.Join(db, sp)
			refs, err := refset.Load(dir)
			if err != nil {
				t.Fatalf("references: %v", err)
			}
			genes, _ := refset.ReadPointFinderList(filepath.Join(dir, "genes.txt"))
			rna, _ := refset.ReadPointFinderList(filepath.Join(dir, "RNA_genes.txt"))
			isRNA := map[string]bool{}
			for _, g := range rna {
				isRNA[g] = true
			}
			seen := map[string]string{}
			for _, r := range refs.Refs {
				seen[r.Gene] = r.Kind
			}
			for _, g := range genes {
				gene, kind, _ := refset.PointFinderTarget(g, isRNA)
				if sp == "mycobacterium_tuberculosis" && g == "ethA-promoter-size-74bp" {
					// the file holds embA-promoter-size-115bp's record (id and
					// bases): a fault of the database, not loaded, said once
					if len(refs.Faults) != 1 || !strings.Contains(refs.Faults[0], "ethA-promoter") || seen[gene] != "" {
						t.Errorf("ethA-promoter: loaded as %q, faults %q", seen[gene], refs.Faults)
					}
					continue
				}
				if seen[gene] != kind {
					t.Errorf("gene %s of genes.txt: loaded as %q, want a %s target %s", g, seen[gene], kind, gene)
				}
			}
			cat, err := catalog.Load(dir, catalog.Options{})
			if err != nil {
				t.Fatalf("catalogue: %v", err)
			}
			if want := filepath.Join(dir, catalog.PointFinderPhenotypes); cat.Files[0] != want {
				t.Errorf("catalogue read %s first, want %s", cat.Files[0], want)
			}
			warn, err := cat.Validate(refs, false)
			if err != nil {
				t.Fatalf("validate: %v", err)
			}
			for _, n := range cat.Notes {
				if strings.Contains(n.Msg, "nucleotide") {
					t.Errorf("%s:%d: row skipped: %s", n.File, n.Line, n.Msg)
				}
			}
			nuc := 0
			for _, e := range cat.Entries {
				if e.Nucleotide {
					nuc++
				}
			}
			t.Logf("%s: %d entries (%d nucleotide), %d rows dropped, %d kept with faults", sp, len(cat.Entries), nuc, cat.Dropped, cat.WithFaults)
			for _, w := range warn {
				t.Logf("  %s", w)
			}
			if len(cat.Entries) == 0 && len(refs.Refs) > 0 && sp != "helicobacter_pylori" {
				t.Errorf("no catalogue entries kept")
			}
			if cat.Kept+cat.Dropped > 0 && cat.Faults < cat.WithFaults {
				t.Errorf("%d faults in %d rows: faults must be at least the rows with faults", cat.Faults, cat.WithFaults)
			}
		})
	}
	if n != 11 {
		t.Errorf("%d species in config, want the 11 of v3.0.0", n)
	}
	// E. coli's RNA genes and its promoter are nucleotide targets
	refs, err := refset.Load(filepath.Join(db, "escherichia_coli"))
	if err != nil {
		t.Fatal(err)
	}
	var nt []string
	for _, r := range refs.Refs {
		if r.Nucleotide() {
			nt = append(nt, r.Gene+":"+r.Kind)
		}
	}
	if got := strings.Join(nt, " "); got != "23S:rna 16S-rrsB:rna 16S-rrsC:rna 16S-rrsH:rna ampC-promoter:promoter" {
		t.Errorf("E. coli nucleotide targets %q", got)
	}
}

// TestKlebsiellaCatalogue: the distributed catalogue is read as its authors
// mean it. phenotypes.txt first; the rows resistens-overview.txt has and it
// lacks are added (gyrA S83Y and S83I among them); indel positions in
// nucleotides become codons; faults are counted by row and by fault.
func TestKlebsiellaCatalogue(t *testing.T) {
	dir := filepath.Join(pointFinderDB(t), "klebsiella")
	refs, err := refset.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(dir, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cat.Merged == 0 || len(cat.Files) != 2 {
		t.Fatalf("rows merged from resistens-overview.txt: %d (files %v)", cat.Merged, cat.Files)
	}
	warn, err := cat.Validate(refs, false)
	if err != nil {
		t.Fatal(err)
	}
	if cat.Faults != len(warn) || cat.WithFaults == 0 || cat.WithFaults >= cat.Faults {
		t.Errorf("%d faults in %d rows (%d warnings): rows and faults must be counted apart", cat.Faults, cat.WithFaults, len(warn))
	}
	byKey := map[string]*catalog.Entry{}
	for _, e := range cat.Entries {
		for _, a := range append([]string{""}, e.Alts...) {
			byKey[e.Gene+" "+string(e.Type)+" "+strconv.Itoa(e.Position)+" "+a] = e
		}
	}
	for _, k := range []string{"gyrA substitution 83 Y", "gyrA substitution 83 I", "parC substitution 80 I",
		"ompK36 substitution 227 S", "ompK36 substitution 228 V", "ompK37 insertion 275 SSTNGG"} {
		if byKey[k] == nil {
			t.Errorf("no catalogue entry %q", k)
		}
	}
	// acrR "382 del" (nucleotides) is codons 128-132, QAQRQ
	if e := byKey["acrR deletion 128 "]; e == nil || e.EndPosition != 132 || e.Ref != "QAQRQ" {
		t.Errorf("acrR 382 del: %+v, want codons 128-132 (QAQRQ)", e)
	}
	// the rows of gyrA 83 in resistens-overview.txt give codon TCC where the
	// reference has TCG: a synonymous codon, a note, no fault
	noted := false
	for _, n := range cat.Notes {
		if strings.Contains(n.Msg, "gyrA 83: catalogue codon TCC, reference gyrA_1_AF052258.1 has TCG: a synonymous codon") {
			noted = true
		}
	}
	if !noted {
		t.Errorf("gyrA 83 TCC/TCG not noted as a synonymous codon: %v", cat.Notes)
	}
}

type call struct{ hgvs, typ, known string }

// TestKlebsiellaGenomes runs extract, align and subscan on the four genomes
// against the distributed Klebsiella folder with default flags.
func TestKlebsiellaGenomes(t *testing.T) {
	dir := filepath.Join(pointFinderDB(t), "klebsiella")
	tmp := t.TempDir()
	got := map[string]map[string]call{} // sample -> gene short -> call
	for _, g := range []struct{ sample, file string }{{"HS11286", "Klebs_HS11286"}, {"MGH78578", "MGH78578"}, {"Kp1084", "Klebs_Kp1084"}, {"NTUH-K2044", "NTUH-K2044"}} {
		asm := testdata.File(t, "/usr/share/doc/kleborate/examples/data/"+g.file+".fna.xz", "kleborate-examples")
		p, a, m := filepath.Join(tmp, g.sample+".p.parquet"), filepath.Join(tmp, g.sample+".a.parquet"), filepath.Join(tmp, g.sample+".m.tsv")
		run(t, extract.Main, "--assembly", asm, "--sample-id", g.sample, "--references", dir, "--out", p)
		run(t, align.Main, "--references", dir, "--queries", p, "--out", a)
		run(t, subscan.Main, "--alignments", a, "--references", dir, "--catalog", dir, "--out", m, "--sites", filepath.Join(tmp, g.sample+".s.tsv"))
		rows, _, err := table.ReadAll[table.Mutation](m, table.SchemaMutations)
		if err != nil {
			t.Fatal(err)
		}
		got[g.sample] = map[string]call{}
		for _, r := range rows {
			known := "unknown"
			if r.Known {
				known = "known"
			}
			got[g.sample][r.Gene+" "+r.Short] = call{r.HGVS, r.Type, known}
		}
	}
	want := []struct {
		sample, change string
		call
	}{
		// Kleborate 2.3.1 reports GyrA-83Y, OmpK35-86% for MGH78578 and
		// GyrA-83I, ParC-80I for HS11286
		{"MGH78578", "gyrA S83Y", call{"p.Ser83Tyr", "substitution", "known"}},
		{"HS11286", "gyrA S83I", call{"p.Ser83Ile", "substitution", "known"}},
		{"HS11286", "parC S80I", call{"p.Ser80Ile", "substitution", "known"}},
		// ompK35: residues 1-291 wild type, one base inserted in codon 291,
		// the new frame stops 18 codons on
		{"MGH78578", "ompK35 K292fs", call{"p.Lys292GlnfsTer18", "frameshift", "unknown"}},
		// ramR codon 194 of 194 AAA -> TAA
		{"MGH78578", "ramR K194*", call{"p.Lys194Ter", "nonsense", "unknown"}},
		{"Kp1084", "ramR K194*", call{"p.Lys194Ter", "nonsense", "unknown"}},
		{"NTUH-K2044", "ramR K194*", call{"p.Lys194Ter", "nonsense", "unknown"}},
		// ompK36 CAG->AGT, CTG->GTT beside one inserted codon: catalogued Q227S and L228V
		{"Kp1084", "ompK36 Q227S", call{"p.Gln227Ser", "substitution", "known"}},
		{"Kp1084", "ompK36 L228V", call{"p.Leu228Val", "substitution", "known"}},
		{"NTUH-K2044", "ompK36 Q227S", call{"p.Gln227Ser", "substitution", "known"}},
		{"NTUH-K2044", "ompK36 L228V", call{"p.Leu228Val", "substitution", "known"}},
	}
	for _, w := range want {
		if g := got[w.sample][w.change]; g != w.call {
			t.Errorf("%s %s: %+v, want %+v", w.sample, w.change, g, w.call)
		}
	}
	// the catalogued OmpK37 insertion (SSTNGG, nt 824) in HS11286 and MGH78578
	for _, s := range []string{"HS11286", "MGH78578"} {
		found := false
		for k, c := range got[s] {
			if strings.HasPrefix(k, "ompK37 ") && (c.typ == "insertion" || c.typ == "delins") && c.known == "known" && strings.Contains(k, "ins") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: the catalogued ompK37 insertion is not flagged known: %v", s, got[s])
		}
	}
	// gyrA's stop codon is conserved in all four: no stop_lost
	for s, calls := range got {
		for k, c := range calls {
			if c.typ == "stop_lost" {
				t.Errorf("%s %s: stop_lost %s", s, k, c.hgvs)
			}
		}
	}
}

func run(t *testing.T, main func(context.Context, []string, io.Reader, io.Writer, io.Writer) int, args ...string) {
	t.Helper()
	var stderr bytes.Buffer
	if code := main(context.Background(), append(args, "--progress", "never", "--log-format", "json"), nil, io.Discard, &stderr); code != 0 {
		t.Fatalf("%v: exit %d\n%s", args, code, stderr.String())
	}
}

// TestEmptySampleFlows: a genome without any target gene goes through every
// step: empty tables with their schema, exit 0.
func TestEmptySampleFlows(t *testing.T) {
	dir := filepath.Join(pointFinderDB(t), "klebsiella")
	tmp := t.TempDir()
	asm := filepath.Join(tmp, "none.fna")
	// 20 kb of a fixed pseudo-random sequence: no gene of the folder in it
	var b strings.Builder
	b.WriteString(">c1\n")
	x := uint32(1)
	for i := 0; i < 20000; i++ {
		x = x*1664525 + 1013904223
		b.WriteByte("ACGT"[x>>30])
	}
	b.WriteString("\n")
	if err := os.WriteFile(asm, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p, a, m, s := filepath.Join(tmp, "p.parquet"), filepath.Join(tmp, "a.parquet"), filepath.Join(tmp, "m.parquet"), filepath.Join(tmp, "s.tsv")
	run(t, extract.Main, "--assembly", asm, "--sample-id", "E", "--references", dir, "--out", p)
	run(t, align.Main, "--references", dir, "--queries", p, "--out", a)
	run(t, subscan.Main, "--alignments", a, "--references", dir, "--catalog", dir, "--out", m, "--sites", s)
	if rows, _, err := table.ReadAll[table.Alignment](a, table.SchemaAlignments); err != nil || len(rows) != 0 {
		t.Errorf("alignments: %d rows, %v; want an empty table", len(rows), err)
	}
	if rows, _, err := table.ReadAll[table.Mutation](m, table.SchemaMutations); err != nil || len(rows) != 0 {
		t.Errorf("mutations: %d rows, %v; want an empty table", len(rows), err)
	}
}
