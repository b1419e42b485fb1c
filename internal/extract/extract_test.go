package extract

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// run calls Main in-process and returns its exit code and standard error.
func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), append(args, "--log-format", "json"), strings.NewReader(""), &stdout, &stderr)
	return code, stderr.String()
}

func readRows(t *testing.T, path string) []table.Protein {
	t.Helper()
	rows, _, err := table.ReadAll[table.Protein](path, table.SchemaProteins)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// repoFile is a path inside the repository.
func repoFile(rel string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", rel)
}

func TestPeers(t *testing.T) {
	salmonella := testdata.Shared(t, "pointfinder/salmonella")
	ecoli := testdata.Shared(t, "pointfinder/escherichia_coli")
	peers := testdata.Shared(t, "peers")
	tests := []struct {
		name, input, refs   string
		start, end          int64
		strand              string
		lengthAA            int32
		partialEnd          bool
		pos                 int // 1-based protein position to check
		aa                  byte
		wantStopAtEnd       bool
		wantCoverageAtLeast float64
	}{
		// Expected changes and lengths from peers/expected.tsv: the whole gene is
		// 2637 nt (878 aa + stop); del-end stops inside the gene at 2590 nt, 863 whole codons.
		{"forward", "staramr/gyrA-A67P.fsa", salmonella, 1, 2637, "+", 878, false, 67, 'P', true, 100},
		{"reverse complement", "staramr/gyrA-A67P-rc.fsa", salmonella, 1, 2637, "-", 878, false, 67, 'P', true, 100},
		{"cut by the contig end", "staramr/gyrA-A67P-del-end.fsa", salmonella, 1, 2589, "+", 863, true, 67, 'P', false, 98},
		{"S83I", "staramr/gyrA-S83I.fsa", salmonella, 1, 2637, "+", 878, false, 83, 'I', true, 100},
		// E. coli gyrA is 875 aa (2628 nt with its stop); test_isolate_05 holds it at 791..3418.
		{"inside a longer contig", "resfinder/test_isolate_05.fa", ecoli, 791, 3418, "+", 875, false, 83, 'A', true, 100},
		{"E. coli G81D", "resfinder/test_isolate_09a.fa", ecoli, 1, 2628, "+", 875, false, 81, 'D', true, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "p.tsv")
			code, stderr := run(t, "-a", filepath.Join(peers, tt.input), "-s", "S1", "-r", tt.refs, "-o", out)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var gyrA []table.Protein
			for _, r := range readRows(t, out) {
				if r.Gene == "gyrA" {
					gyrA = append(gyrA, r)
				}
			}
			if len(gyrA) != 1 {
				t.Fatalf("want one gyrA, got %d", len(gyrA))
			}
			r := gyrA[0]
			if r.Start != tt.start || r.End != tt.end || r.Strand != tt.strand {
				t.Errorf("location %d..%d(%s), want %d..%d(%s)", r.Start, r.End, r.Strand, tt.start, tt.end, tt.strand)
			}
			if r.LengthAA != tt.lengthAA || r.PartialEnd != tt.partialEnd || r.PartialStart {
				t.Errorf("length %d partial %v/%v, want %d false/%v", r.LengthAA, r.PartialStart, r.PartialEnd, tt.lengthAA, tt.partialEnd)
			}
			if r.Protein[0] != 'M' || r.Protein[tt.pos-1] != tt.aa {
				t.Errorf("protein %c...%c at %d, want M...%c", r.Protein[0], r.Protein[tt.pos-1], tt.pos, tt.aa)
			}
			if got := strings.HasSuffix(r.Protein, "*"); got != tt.wantStopAtEnd {
				t.Errorf("protein ends with a stop: %v, want %v", got, tt.wantStopAtEnd)
			}
			if r.InternalStops != 0 || r.Frameshifts != "" {
				t.Errorf("internal stops %d, frameshifts %q; want none", r.InternalStops, r.Frameshifts)
			}
			if len(r.CDS) != int(tt.end-tt.start+1) || r.HitCoverage < tt.wantCoverageAtLeast || r.HitIdentity < 90 {
				t.Errorf("cds %d nt, coverage %.2f, identity %.2f", len(r.CDS), r.HitCoverage, r.HitIdentity)
			}
			if r.Method != "search" || r.TranslationTable != 11 || len(r.SeqHash) != 64 {
				t.Errorf("method %q table %d hash %q", r.Method, r.TranslationTable, r.SeqHash)
			}
		})
	}
}

// kpnAssemblies are the four complete genomes of Debian's kleborate-examples.
var kpnAssemblies = []string{"Klebs_HS11286", "Klebs_Kp1084", "MGH78578", "NTUH-K2044"}

func kpnPath(t testing.TB, name string) string {
	return testdata.File(t, "/usr/share/doc/kleborate/examples/data/"+name+".fna.xz", "kleborate-examples")
}

// TestKlebsiella runs the batch form on the four K. pneumoniae assemblies (xz)
// with the project's reference set, twice with different --threads.
func TestKlebsiella(t *testing.T) {
	if testing.Short() {
		t.Skip("four 5.5 Mb genomes; run without -short")
	}
	dir := t.TempDir()
	sheet := "sample_id\tassembly\torganism\n"
	for _, s := range kpnAssemblies {
		sheet += s + "\t" + kpnPath(t, s) + "\tKlebsiella_pneumoniae\n"
	}
	samples := filepath.Join(dir, "samples.tsv")
	os.WriteFile(samples, []byte(sheet), 0o644)
	refs := repoFile("testdata/references/kpneumoniae.fna")
	out1, out2 := filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b.parquet")
	faa := filepath.Join(dir, "a.faa")
	if code, stderr := run(t, "--samples", samples, "-r", refs, "-o", out1, "--faa", faa, "-j", "2"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, stderr := run(t, "--samples", samples, "-r", refs, "-o", out2, "-j", "1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := readRows(t, out1)
	if !reflect.DeepEqual(rows, readRows(t, out2)) {
		t.Error("rows differ between -j 2 and -j 1")
	}
	got := map[string]map[string][]table.Protein{}
	var order []string
	for _, r := range rows {
		if got[r.SampleID] == nil {
			got[r.SampleID] = map[string][]table.Protein{}
			order = append(order, r.SampleID)
		}
		got[r.SampleID][r.Gene] = append(got[r.SampleID][r.Gene], r)
	}
	if strings.Join(order, ",") != strings.Join(kpnAssemblies, ",") {
		t.Errorf("samples in order %v, want %v", order, kpnAssemblies)
	}
	genes := []string{"acrB", "gyrA", "gyrB", "mgrB", "ompK35", "ompK36", "parC", "parE", "phoE", "pmrB", "rpoB"}
	for _, s := range kpnAssemblies {
		for _, g := range genes {
			if len(got[s][g]) == 0 {
				t.Errorf("%s: %s not found", s, g)
			}
		}
		for g, rs := range got[s] {
			for _, r := range rs {
				if r.PartialStart || r.PartialEnd || r.Organism != "Klebsiella_pneumoniae" {
					t.Errorf("%s %s copy %d: partial %v/%v organism %q", s, g, r.Copy, r.PartialStart, r.PartialEnd, r.Organism)
				}
			}
		}
	}
	check := func(sample, gene string, pos int, aa byte) {
		t.Helper()
		rs := got[sample][gene]
		if len(rs) == 0 || len(rs[0].Protein) < pos || rs[0].Protein[pos-1] != aa {
			t.Errorf("%s %s: want %c at %d", sample, gene, aa, pos)
		}
	}
	// Kleborate reports GyrA-83I and ParC-80I for HS11286 (ST11); NTUH-K2044 is wild type (S83, S80).
	check("Klebs_HS11286", "gyrA", 83, 'I')
	check("Klebs_HS11286", "parC", 80, 'I')
	check("NTUH-K2044", "gyrA", 83, 'S')
	check("NTUH-K2044", "parC", 80, 'S')
	// Kleborate reports OmpK35-40% for HS11286: what is there is a one-base
	// indel after codon 133 (homology goes on in another frame), so the ORF
	// stops at codon 145: 144 aa of the reference's 359 (40 %).
	omp := got["Klebs_HS11286"]["ompK35"][0]
	if omp.LengthAA != 144 || omp.Frameshifts != "134" || !strings.HasSuffix(omp.Protein, "*") {
		t.Errorf("HS11286 ompK35: %d aa, frameshifts %q; want 144 aa, a frameshift at 134", omp.LengthAA, omp.Frameshifts)
	}
	// One-base indels confirmed with blastn against the kleborate references
	// (testdata/references/README.md): HS11286 pmrB (insertion near codon 22),
	// Kp1084 pmrB (T8 -> T7 near codon 337), MGH78578 ompK35 (a G inserted in
	// codon 291, docs/peers.md). The position is the first residue the gene's
	// frame no longer explains (its translation matches the reference through
	// G20, F338 and G291), where the next frame's homology takes over.
	for _, fs := range []struct {
		sample, gene, at string
		length           int32
	}{{"Klebs_HS11286", "pmrB", "21", 36}, {"Klebs_Kp1084", "pmrB", "339", 343}, {"MGH78578", "ompK35", "292", 308}} {
		r := got[fs.sample][fs.gene][0]
		if r.Frameshifts != fs.at || r.LengthAA != fs.length || r.InternalStops != 0 {
			t.Errorf("%s %s: frameshifts %q, %d aa, %d stops; want %s, %d aa, 0", fs.sample, fs.gene, r.Frameshifts, r.LengthAA, r.InternalStops, fs.at, fs.length)
		}
	}
	if full := got["NTUH-K2044"]["ompK35"][0]; full.LengthAA != 359 || full.Frameshifts != "" || full.HitIdentity != 100 {
		t.Errorf("NTUH-K2044 ompK35: %d aa, frameshifts %q, identity %.2f; want 359, none, 100", full.LengthAA, full.Frameshifts, full.HitIdentity)
	}
	// The acrB reference (NTUH-K2044's own acrB) also hits acrF at about 81 %
	// identity; --max-copy-drop (10 points below the best copy) drops it as a
	// paralog, so every genome has one acrB.
	for _, s := range kpnAssemblies {
		if rs := got[s]["acrB"]; len(rs) != 1 || rs[0].HitIdentity < 95 {
			t.Errorf("%s: %d acrB copies (want 1, the paralog acrF dropped)", s, len(rs))
		}
	}
	fa, _ := os.ReadFile(faa)
	if n := bytes.Count(fa, []byte("\n>")) + 1; n != len(rows) || !bytes.HasPrefix(fa, []byte(">Klebs_HS11286|acrB|1 gene=acrB copy=1 sample_id=Klebs_HS11286")) {
		t.Errorf("faa: %d records for %d rows; starts %q", n, len(rows), fa[:min(80, len(fa))])
	}
}

// TestAnnotationAgrees writes a GFF3 for NTUH-K2044 from coordinates the
// reference script located with blastn (independent of the search), and
// checks the annotation path finds the same genes at the same places.
func TestAnnotationAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("a 5.5 Mb genome; run without -short")
	}
	asm := kpnPath(t, "NTUH-K2044")
	refs := repoFile("testdata/references/kpneumoniae.fna")
	dir := t.TempDir()
	search := filepath.Join(dir, "search.tsv")
	if code, stderr := run(t, "-a", asm, "-s", "N", "-r", refs, "-o", search); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// source=NTUH-K2044:AP006725.1:FROM-TO(STRAND) tags in the reference headers.
	data, err := os.ReadFile(refs)
	if err != nil {
		t.Fatal(err)
	}
	var gff strings.Builder
	gff.WriteString("##gff-version 3\n")
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		i := strings.Index(line, "source=NTUH-K2044:")
		if !strings.HasPrefix(line, ">") || i < 0 {
			continue
		}
		var contig string
		var from, to int
		var strand byte
		loc := strings.Fields(line[i+len("source=NTUH-K2044:"):])[0]
		c, rest, _ := strings.Cut(loc, ":")
		contig = c
		if _, err := fmt.Sscanf(rest, "%d-%d(%c)", &from, &to, &strand); err != nil {
			t.Fatalf("%q: %v", loc, err)
		}
		gene := strings.TrimPrefix(strings.Fields(line)[1], "gene=")
		n++
		// Prokka style names (gene_1) and no name at all: matched by homology.
		attr := fmt.Sprintf("ID=cds%d;gene=%s_1;product=protein", n, gene)
		if gene == "phoE" {
			attr = fmt.Sprintf("ID=cds%d;product=outer membrane porin", n)
		}
		fmt.Fprintf(&gff, "%s\tblastn\tCDS\t%d\t%d\t.\t%c\t0\t%s\n", contig, from, to, strand, attr)
	}
	if n != 7 { // gyrA, parC, rpoB, phoE, gyrB, parE, acrB are located in NTUH-K2044
		t.Fatalf("%d located genes in %s, want 7", n, refs)
	}
	gffPath := filepath.Join(dir, "n.gff3")
	os.WriteFile(gffPath, []byte(gff.String()), 0o644)
	fromGFF := filepath.Join(dir, "gff.tsv")
	if code, stderr := run(t, "-a", asm, "-s", "N", "-r", refs, "-o", fromGFF, "--annotation", gffPath); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	key := func(r table.Protein) string {
		return fmt.Sprintf("%s %s:%d-%d%s %s", r.Gene, r.Contig, r.Start, r.End, r.Strand, r.SeqHash)
	}
	want := map[string]bool{}
	for _, r := range readRows(t, search) {
		want[key(r)] = true
	}
	rows := readRows(t, fromGFF)
	if len(rows) != 7 {
		t.Errorf("%d genes from the GFF3, want 7", len(rows))
	}
	for _, r := range rows {
		if !want[key(r)] {
			t.Errorf("from GFF3 but not found by search: %s", key(r))
		}
		if r.Method != "gff" {
			t.Errorf("method %q", r.Method)
		}
	}
}

func TestDropParalogs(t *testing.T) {
	ix := &index{refs: []*refset.Reference{{ID: "acrB_ref", Gene: "acrB"}, {ID: "gyrA_ref", Gene: "gyrA"}}}
	loci := []*locus{
		{ref: 0, identity: 99.5}, // acrB
		{ref: 0, identity: 81.2}, // acrF, a paralog
		{ref: 1, identity: 72},   // gyrA, only copy: kept however low
		{ref: 0, identity: 92},   // a second, diverged acrB copy within 10 points
	}
	kept, dropped := dropParalogs(loci, ix, 10)
	if dropped != 1 || len(kept) != 3 || kept[1].identity != 72 || kept[2].identity != 92 {
		t.Fatalf("kept %d, dropped %d", len(kept), dropped)
	}
	if _, dropped := dropParalogs(loci, ix, 100); dropped != 0 {
		t.Fatalf("--max-copy-drop 100 dropped %d", dropped)
	}
}
