package subscan

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/swalign"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

func runMain(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, errb.String()
}

// writeAlignments aligns peer inputs to the Salmonella gyrA reference and
// writes them as an alignments table, one sample per input.
func writeAlignments(t *testing.T, dir string, inputs map[string]string) string {
	t.Helper()
	a, err := swalign.NewAligner(swalign.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	var rows []table.Alignment
	for _, sample := range []string{"s1", "s2", "s3"} {
		in, ok := inputs[sample]
		if !ok {
			continue
		}
		_, _, row := peerCall(t, a, peerCase{input: in, gene: "gyrA"}, "pointfinder/salmonella/gyrA.fsa")
		row.SampleID, row.Copy, row.QueryID = sample, 1, sample+"_gyrA_1"
		rows = append(rows, row)
	}
	return writeAlignmentRows(t, filepath.Join(dir, "alignments.parquet"), rows)
}

// writeAlignmentRows writes rows as an alignments table at path.
func writeAlignmentRows(t *testing.T, path string, rows []table.Alignment) string {
	t.Helper()
	meta, _ := table.NewMeta(table.SchemaAlignments, []string{"test"})
	w, err := table.Create[table.Alignment](path, meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows...); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func noFile(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was left behind by a failed run", p)
		}
	}
}

func TestMainHappyPath(t *testing.T) {
	dir := t.TempDir()
	sal := testdata.Shared(t, "pointfinder/salmonella")
	aln := writeAlignments(t, dir, map[string]string{"s1": "peers/staramr/gyrA-S83I.fsa", "s2": "peers/staramr/gyrA-A67T.fsa", "s3": "peers/staramr/gyrA-A67P-del-end.fsa"})
	out, sites := filepath.Join(dir, "mutations.parquet"), filepath.Join(dir, "sites.tsv")
	code, stderr := runMain(t, "--alignments", aln, "--references", sal, "--catalog", sal,
		"--out", out, "--sites", sites, "--log-format", "json")
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// two real faults of the Salmonella table are warned about, each with its
	// line; the third (acrB 717, a synonymous codon) is a note
	for _, line := range []string{`"line":4`, `"line":41`} {
		if !strings.Contains(stderr, line) {
			t.Errorf("no warning for line %s in:\n%s", line, stderr)
		}
	}
	if !strings.Contains(stderr, "resistens-overview.txt:56: acrB 717: catalogue codon CGG, reference acrB_1_CP000026.1 has CGA: a synonymous codon") {
		t.Errorf("no note for the synonymous codon of line 56 in:\n%s", stderr)
	}
	muts, meta, err := table.ReadAll[table.Mutation](out, table.SchemaMutations)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]table.Mutation{}
	for _, m := range muts {
		got[m.SampleID+" "+m.Symbol] = m
	}
	if len(muts) != 3 {
		t.Errorf("%d mutations, want 3: %+v", len(muts), muts)
	}
	if m := got["s1 gyrA_S83I"]; !m.Known || m.HGVS != "p.Ser83Ile" || m.CodonRef != "TCC" || m.CodonAlt != "ATC" || m.CatalogName != "PointFinder" || !strings.Contains(m.DrugClasses, "Ciprofloxacin") {
		t.Errorf("s1 S83I: %+v", m)
	}
	if m := got["s2 gyrA_A67T"]; m.Known || m.Type != "substitution" || m.CodonRef != "GCC" || m.CodonAlt != "ACC" {
		t.Errorf("s2 A67T must be a change the catalogue does not know: %+v", m)
	}
	if m := got["s3 gyrA_A67P"]; !m.Known || m.RequiredMet || m.DrugClasses != "" {
		t.Errorf("s3 A67P (needs G81): %+v", m)
	}
	if meta.Extra["wtscan.catalog.digest"] == "" || meta.Extra["wtscan.catalog.name"] != "PointFinder" {
		t.Errorf("catalogue metadata missing: %v", meta.Extra)
	}
	st, _, err := table.ReadAll[table.Site](sites, table.SchemaSites)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, s := range st {
		status[s.SampleID+" "+s.Gene+" "+strconv.Itoa(int(s.Position))] = s.Status + " " + s.Observed
	}
	// the Salmonella catalogue's gyrA rows name 11 positions (67, 72, 73, 81,
	// 82, 83, 87, 98, 119, 131, 139); 3 samples aligned gyrA
	if len(st) != 3*11 {
		t.Errorf("%d site rows, want 33 (11 gyrA positions x 3 samples)", len(st))
	}
	for k, want := range map[string]string{
		"s1 gyrA 83": "MUT I", "s1 gyrA 87": "WT D", "s2 gyrA 67": "MUT T", "s3 gyrA 67": "MUT P", "s3 gyrA 81": "WT G",
	} {
		if status[k] != want {
			t.Errorf("site %s = %q, want %q", k, status[k], want)
		}
	}
}

func TestMainCatalogueFaultsFail(t *testing.T) {
	dir := t.TempDir()
	sal := testdata.Shared(t, "pointfinder/salmonella")
	aln := writeAlignments(t, dir, map[string]string{"s1": "peers/staramr/gyrA-S83I.fsa"})
	out, sites := filepath.Join(dir, "m.parquet"), filepath.Join(dir, "s.parquet")
	code, stderr := runMain(t, "--alignments", aln, "--references", sal, "--catalog", sal, "--out", out, "--sites", sites, "--catalog-strict")
	if code != cli.ExitFail {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"resistens-overview.txt:4: Gene_ID pmrB and Gene_name pmrA", "resistens-overview.txt:41: gyrB 447: codon AAA encodes K, not L", "--catalog-strict"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	noFile(t, out, sites)
}

func TestMainBadInput(t *testing.T) {
	dir := t.TempDir()
	sal := testdata.Shared(t, "pointfinder/salmonella")
	aln := writeAlignments(t, dir, map[string]string{"s1": "peers/staramr/gyrA-S83I.fsa"})
	// a mutations table given as alignments
	wrong := filepath.Join(dir, "wrong.parquet")
	meta, _ := table.NewMeta(table.SchemaMutations, nil)
	w, _ := table.Create[table.Mutation](wrong, meta)
	w.Write(table.Mutation{SampleID: "x"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	badCat := filepath.Join(dir, "cat.tsv")
	os.WriteFile(badCat, []byte("gene\treference\tposition\tref\talt\ttype\tdrug_classes\tphenotype\tpmids\trequires\tsource\tversion\n"+
		"gyrA\t\t83\tS\tL\tsubstitution\tquinolone\t\t\t\tmine\t1\n"+
		"gyrA\t\tx83\tS\tL\tsubstitution\tquinolone\t\t\t\tmine\t1\n"), 0o644)
	pastEnd := filepath.Join(dir, "past.tsv")
	os.WriteFile(pastEnd, []byte("gene\treference\tposition\tref\talt\ttype\tdrug_classes\tphenotype\tpmids\trequires\tsource\tversion\n"+
		"gyrA\t\t900\tS\tL\tsubstitution\tquinolone\t\t\t\tmine\t1\n"), 0o644)
	out, sites := filepath.Join(dir, "m.parquet"), filepath.Join(dir, "s.tsv")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"wrong schema", []string{"--alignments", wrong, "--references", sal, "--out", out}, []string{wrong, "is a mutations table, expected alignments"}},
		{"bad catalogue line", []string{"--alignments", aln, "--references", sal, "--catalog", badCat, "--out", out, "--sites", sites}, []string{badCat + ":3", `position "x83"`}},
		{"position past the end, strict", []string{"--alignments", aln, "--references", sal, "--catalog", badCat[:0] + pastEnd, "--catalog-format", "wtscan", "--out", out, "--sites", sites, "--catalog-strict"}, []string{pastEnd + ":2", "past the end of reference gyrA_1_MH933946.1 (878 residues)"}},
		{"references without the aligned one", []string{"--alignments", aln, "--references", testdata.Shared(t, "pointfinder/escherichia_coli"), "--out", out}, []string{"reference \"gyrA_1_MH933946.1\" is not in"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runMain(t, tt.args...)
			if code != cli.ExitFail {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			noFile(t, out, sites)
		})
	}
	// usage errors: --sites without --catalog
	if code, _ := runMain(t, "--alignments", aln, "--references", sal, "--out", out, "--sites", sites); code != cli.ExitUsage {
		t.Errorf("--sites without --catalog: exit %d, want 2", code)
	}
}

func TestMainNoCatalogue(t *testing.T) {
	dir := t.TempDir()
	sal := testdata.Shared(t, "pointfinder/salmonella")
	aln := writeAlignments(t, dir, map[string]string{"s1": "peers/staramr/gyrA-S83I.fsa"})
	out := filepath.Join(dir, "m.tsv")
	if code, stderr := runMain(t, "--alignments", aln, "--references", sal, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), "gyrA_S83I") || strings.Contains(string(data), "\ttrue\t") {
		t.Errorf("without a catalogue every change is reported, none known:\n%s", data)
	}
}

func TestDisrupted(t *testing.T) {
	base := table.Alignment{QueryStart: 1, QueryEnd: 133, QueryLength: 133, RefStart: 1, RefEnd: 133, RefLength: 359, PctIdentity: 100, Quality: "FAILED", AlignedQuery: "MKV"}
	tests := []struct {
		name string
		edit func(*table.Alignment)
		want bool
	}{
		// HS11286 OmpK35: a frameshift after codon 133 keeps 37 % of the reference.
		{"frameshift", func(r *table.Alignment) { r.Frameshifts = "134" }, true},
		{"premature stop in the alignment", func(r *table.Alignment) { r.AlignedQuery = "MK*V"; r.QueryLength = 300 }, true},
		{"query ends inside the reference", func(r *table.Alignment) {}, true},
		{"contig edge, not a truncation", func(r *table.Alignment) { r.PartialEnd = true }, false},
		{"query goes on past the alignment", func(r *table.Alignment) { r.QueryLength = 300 }, false},
		{"short and dissimilar: not the gene", func(r *table.Alignment) { r.PctIdentity = 45 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.edit(&r)
			if got := disrupted(&r); got != tt.want {
				t.Errorf("disrupted = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestIdenticalRowsShareACall: rows with the same input are called once,
// and each still gets its own rows.
func TestIdenticalRowsShareACall(t *testing.T) {
	dir := t.TempDir()
	aln := writeAlignments(t, dir, map[string]string{
		"s1": "peers/staramr/gyrA-S83I.fsa", "s2": "peers/staramr/gyrA-A67T.fsa", "s3": "peers/staramr/gyrA-S83I.fsa",
	})
	refs := testdata.Shared(t, "pointfinder/salmonella")
	out := filepath.Join(dir, "m.tsv")
	code, errs := runMain(t, "--alignments", aln, "--references", refs, "--catalog", refs, "--catalog-lenient", "--out", out, "--log-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, `"distinct_calls":2`) {
		t.Errorf("want 2 distinct calls for 3 rows (s1 and s3 identical):\n%s", errs)
	}
	m, _ := os.ReadFile(out)
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(m)), "\n")[1:] {
		f := strings.Split(line, "\t")
		rows[f[0]] = append(rows[f[0]], strings.Join(f[1:], "\t"))
	}
	if strings.Join(rows["s1"], "\n") != strings.Join(rows["s3"], "\n") || len(rows["s1"]) == 0 {
		t.Errorf("s1 and s3 differ:\n%v\n%v", rows["s1"], rows["s3"])
	}
	if len(rows["s2"]) == 0 || strings.Join(rows["s2"], "\n") == strings.Join(rows["s1"], "\n") {
		t.Errorf("s2 should have its own changes: %v", rows["s2"])
	}
}

// TestMainBadRowMidStream: a corrupt row met after thousands of rows were
// written still fails the run with its row named, and leaves no output.
func TestMainBadRowMidStream(t *testing.T) {
	dir := t.TempDir()
	sal := testdata.Shared(t, "pointfinder/salmonella")
	good, _, err := table.ReadAll[table.Alignment](writeAlignments(t, dir, map[string]string{"s1": "peers/staramr/gyrA-S83I.fsa"}), table.SchemaAlignments)
	if err != nil {
		t.Fatal(err)
	}
	var rows []table.Alignment
	for i := range 3 * table.RowGroupSize {
		r := good[0]
		r.SampleID = "s" + strconv.Itoa(100000+i)
		rows = append(rows, r)
	}
	bad := good[0]
	bad.SampleID = "zz" // sorted last: called after the other rows were written
	bad.AlignedRef = "W" + bad.AlignedRef[1:]
	rows = append(rows, bad)
	aln := writeAlignmentRows(t, filepath.Join(dir, "many.parquet"), rows)
	out, sites := filepath.Join(dir, "m.parquet"), filepath.Join(dir, "s.parquet")
	code, stderr := runMain(t, "--alignments", aln, "--references", sal, "--catalog", sal, "--catalog-lenient", "--out", out, "--sites", sites)
	if code != cli.ExitFail {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr)
	}
	want := "row " + strconv.Itoa(len(rows)) + " (sample zz"
	if !strings.Contains(stderr, want) || !strings.Contains(stderr, "does not match the reference") {
		t.Errorf("stderr lacks %q and the problem:\n%s", want, stderr)
	}
	noFile(t, out, sites)
	if ents, _ := os.ReadDir(dir); len(ents) != 2 { // the two alignments tables and nothing else
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("files left in %s: %v", dir, names)
	}
}

// TestDeterministicAcrossThreads: calls are made by workers in whatever
// order they finish; the tables must not depend on it.
func TestDeterministicAcrossThreads(t *testing.T) {
	dir := t.TempDir()
	f, err := makeWorkload(dir, 3000)
	if err != nil {
		t.Fatal(err)
	}
	var first [2][]byte
	for _, j := range []string{"1", "2", "3", "8"} {
		for k, ext := range []string{"parquet", "tsv"} {
			out, sites := filepath.Join(dir, "m."+ext), filepath.Join(dir, "s."+ext)
			if code, errs := runMain(t, "--alignments", f.alignments, "--references", f.refs, "--catalog", f.catalog,
				"--out", out, "--sites", sites, "-j", j); code != 0 {
				t.Fatalf("-j %s: exit %d: %s", j, code, errs)
			}
			m, _ := os.ReadFile(out)
			s, _ := os.ReadFile(sites)
			got := append(m, s...)
			if first[k] == nil {
				first[k] = got
				if len(m) < 1000 || len(s) < 1000 {
					t.Fatalf("tables too small to tell: %d and %d bytes", len(m), len(s))
				}
			} else if !bytes.Equal(got, first[k]) {
				t.Errorf("-j %s: %s tables differ from -j 1's", j, ext)
			}
		}
	}
}

// TestHashCollisions: entries are found by hash and then compared; with
// every hash equal, the comparisons alone must give the same tables.
func TestHashCollisions(t *testing.T) {
	dir := t.TempDir()
	f, err := makeWorkload(dir, 300)
	if err != nil {
		t.Fatal(err)
	}
	tables := func(name string) string {
		out, sites := filepath.Join(dir, name+"-m.tsv"), filepath.Join(dir, name+"-s.tsv")
		if code, errs := runMain(t, "--alignments", f.alignments, "--references", f.refs, "--catalog", f.catalog,
			"--out", out, "--sites", sites, "--log-format", "json"); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		m, _ := os.ReadFile(out)
		s, _ := os.ReadFile(sites)
		return string(m) + string(s)
	}
	want := tables("hashed")
	rh, ch := rowHashOf, callHashOf
	t.Cleanup(func() { rowHashOf, callHashOf = rh, ch })
	rowHashOf = func(maphash.Seed, *rowKey) uint64 { return 7 }
	callHashOf = func(maphash.Seed, *callKey) uint64 { return 7 }
	if got := tables("collided"); got != want {
		t.Error("tables differ when every hash collides")
	}
}

// TestRowsInMemory: a table larger than --rows-in-memory is read in passes
// over batches of samples; the tables are the same, from Parquet or TSV,
// and an error still names the row by its number in the input.
func TestRowsInMemory(t *testing.T) {
	dir := t.TempDir()
	f, err := makeWorkload(dir, 2000)
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := table.ReadAll[table.Alignment](f.alignments, table.SchemaAlignments)
	if err != nil {
		t.Fatal(err)
	}
	tsv := writeAlignmentRows(t, filepath.Join(dir, "alignments.tsv.gz"), rows)
	tables := func(aln, name string, extra ...string) (string, string) {
		out, sites := filepath.Join(dir, name+"-m.tsv"), filepath.Join(dir, name+"-s.tsv")
		args := append([]string{"--alignments", aln, "--references", f.refs, "--catalog", f.catalog,
			"--out", out, "--sites", sites, "--log-format", "json"}, extra...)
		code, errs := runMain(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		m, _ := os.ReadFile(out)
		s, _ := os.ReadFile(sites)
		return string(m) + string(s), errs
	}
	want, _ := tables(f.alignments, "whole")
	for _, aln := range []string{f.alignments, tsv} {
		got, log := tables(aln, "passes", "--rows-in-memory", "300")
		if !strings.Contains(log, `"passes":`) {
			t.Errorf("%s: no passes in the log:\n%s", aln, log)
		}
		if got != want {
			t.Errorf("%s: tables read in passes differ from those read whole", aln)
		}
	}

	// a corrupt row in a later pass is named by its input row number
	const bad = 1500
	rows[bad].AlignedRef = "-" + rows[bad].AlignedRef[1:]
	rows[bad].AlignedQuery = "-" + rows[bad].AlignedQuery[1:]
	corrupt := writeAlignmentRows(t, filepath.Join(dir, "corrupt.parquet"), rows)
	out := filepath.Join(dir, "c-m.tsv")
	code, errs := runMain(t, "--alignments", corrupt, "--references", f.refs, "--out", out, "--rows-in-memory", "300")
	if code != cli.ExitFail || !strings.Contains(errs, fmt.Sprintf("row %d (sample %s,", bad+1, rows[bad].SampleID)) {
		t.Errorf("exit %d, want 1 naming row %d:\n%s", code, bad+1, errs)
	}
	noFile(t, out)
}

// TestCatalogFormatFlag: the flag offers exactly the formats the loader
// reads (catalog.Formats, the one list), and refuses others as a usage error.
func TestCatalogFormatFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"--help"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	if want := "(" + strings.Join(catalog.Formats, ",") + ")"; !strings.Contains(strings.Join(strings.Fields(stdout.String()), ""), want) {
		t.Errorf("--help does not offer %s:\n%s", want, stdout.String())
	}
	if code, errs := runMain(t, "--alignments", "x.tsv", "--references", "x", "--out", "y.tsv", "--catalog-format", "card"); code != cli.ExitUsage {
		t.Errorf("--catalog-format card: exit %d, want %d: %s", code, cli.ExitUsage, errs)
	}
}
