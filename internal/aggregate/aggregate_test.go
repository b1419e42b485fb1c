package aggregate

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/wtscan/wtscan/internal/aggregate/synth"
	"github.com/wtscan/wtscan/internal/table"
)

// runMain runs wtscan-aggregate in-process and returns its exit code and stderr.
func runMain(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), append(args, "--log-format", "json"), strings.NewReader(""), &stdout, &stderr)
	return code, stderr.String()
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readTSV reads a TSV file into header and rows of maps.
func readTSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	header := strings.Split(lines[0], "\t")
	var out []map[string]string
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != len(header) {
			t.Fatalf("%s: %d fields, header has %d: %q", path, len(f), len(header), l)
		}
		m := map[string]string{}
		for i, h := range header {
			m[h] = f[i]
		}
		out = append(out, m)
	}
	return out
}

const mutHeader = "sample_id\tgene\tcopy\treference_id\tposition\tend_position\tref\talt\ttype\thgvs\tshort\tsymbol\tcodon_ref\tcodon_alt\tknown\tcatalog_id\tdrug_classes\tphenotype\tpmids\tcatalog_name\tcatalog_version\n"

func mutLine(sample, gene string, pos int, ref, alt string, known bool, cat string) string {
	short := ref + strconv.Itoa(pos) + alt
	drug := ""
	if known {
		drug = "fluoroquinolone"
	}
	return strings.Join([]string{sample, gene, "1", gene + "_ref", strconv.Itoa(pos), strconv.Itoa(pos), ref, alt,
		"substitution", "p.X" + strconv.Itoa(pos) + "Y", short, gene + "_" + short, "TCG", "TTG",
		strconv.FormatBool(known), cat, drug, map[bool]string{true: "resistant"}[known], "", "testcat", "2"}, "\t") + "\n"
}

// handCohort is six samples whose every table cell is worked out by hand in
// TestHandCohort. s6 has no mutations; gyrA 83 is NOT_COVERED in s6 and
// parC 80 in s4; s5 carries the combination G81D+D82G (one catalog_id).
func handCohort(t *testing.T, dir string) (muts, sites string) {
	muts = writeFile(t, filepath.Join(dir, "m.tsv"), mutHeader+
		mutLine("s1", "gyrA", 83, "S", "L", true, "gyrA_83")+
		mutLine("s1", "parC", 80, "S", "I", true, "parC_80")+
		mutLine("s2", "gyrA", 83, "S", "L", true, "gyrA_83")+
		mutLine("s3", "parC", 80, "S", "I", true, "parC_80")+
		mutLine("s4", "gyrA", 67, "A", "T", false, "")+
		mutLine("s5", "gyrA", 81, "G", "D", true, "combo")+
		mutLine("s5", "gyrA", 82, "D", "G", true, "combo"))
	var sb strings.Builder
	sb.WriteString("sample_id\tgene\tposition\tref\tstatus\tobserved\n")
	for _, r := range [][3]string{{"s1", "MUT", "MUT"}, {"s2", "MUT", "WT"}, {"s3", "WT", "MUT"}, {"s4", "WT", "NOT_COVERED"}, {"s5", "WT", "WT"}, {"s6", "NOT_COVERED", "WT"}} {
		sb.WriteString(r[0] + "\tgyrA\t83\tS\t" + r[1] + "\t\n")
		sb.WriteString(r[0] + "\tparC\t80\tS\t" + r[2] + "\t\n")
	}
	sites = writeFile(t, filepath.Join(dir, "s.tsv"), sb.String())
	return muts, sites
}

func TestHandCohort(t *testing.T) {
	dir := t.TempDir()
	muts, sites := handCohort(t, dir)
	out := filepath.Join(dir, "out")
	if code, stderr := runMain(t, "--mutations", muts, "--sites", sites, "--out-dir", out, "--tables", "tsv", "--min-support", "1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cooc := map[string]map[string]string{}
	for _, r := range readTSV(t, filepath.Join(out, "cooccurrence.tsv")) {
		cooc[r["level"]+" "+r["a"]+" "+r["b"]] = r
	}
	// 5 changes → 10 pairs; 2 genes → 1 pair.
	if len(cooc) != 11 {
		t.Errorf("%d co-occurrence rows, want 11", len(cooc))
	}
	tests := []struct {
		key                string
		n11, n10, n01, n00 string
	}{
		// s6 (gyrA 83 not covered) and s4 (parC 80 not covered) left out.
		{"mutation gyrA_S83L parC_S80I", "1", "1", "1", "1"},
		// A67T is outside the catalogue, no alignments: covered everywhere.
		{"mutation gyrA_A67T gyrA_S83L", "0", "1", "2", "2"},
		// Gene level: gyrA not covered in s6, parC in s4 (s4 carries gyrA).
		{"gene gyrA parC", "1", "2", "1", "0"},
		{"mutation gyrA_G81D gyrA_D82G", "1", "0", "0", "5"},
	}
	for _, tt := range tests {
		r, ok := cooc[tt.key]
		if !ok {
			t.Errorf("no row %q", tt.key)
			continue
		}
		if got := [4]string{r["n11"], r["n10"], r["n01"], r["n00"]}; got != [4]string{tt.n11, tt.n10, tt.n01, tt.n00} {
			t.Errorf("%s: table %v, want %v", tt.key, got, [4]string{tt.n11, tt.n10, tt.n01, tt.n00})
		}
	}
	// Fisher p of [[1,0],[0,5]] is 1/6 (one table of six); HA odds ratio 1.5·5.5/0.25.
	r := cooc["mutation gyrA_G81D gyrA_D82G"]
	if p, _ := strconv.ParseFloat(r["p_value"], 64); !near(p, 1.0/6) {
		t.Errorf("p = %s, want 1/6", r["p_value"])
	}
	if or, _ := strconv.ParseFloat(r["odds_ratio"], 64); !near(or, 1.5*5.5/0.25) {
		t.Errorf("odds ratio = %s, want 33", r["odds_ratio"])
	}
	if j := r["jaccard"]; j != "1" {
		t.Errorf("jaccard = %s, want 1", j)
	}

	gp := map[string]map[string]string{}
	for _, r := range readTSV(t, filepath.Join(out, "gene_positions.tsv")) {
		gp[r["symbol"]] = r
	}
	for sym, want := range map[string][3]string{
		"gyrA_S83L": {"2", "5", "0.4"}, "parC_S80I": {"2", "5", "0.4"}, "gyrA_A67T": {"1", "6", "0.16666666666666666"},
	} {
		r := gp[sym]
		if got := [3]string{r["samples"], r["covered"], r["frequency"]}; got != want {
			t.Errorf("gene_positions %s: %v, want %v", sym, got, want)
		}
	}

	prof := map[string]map[string]string{}
	for _, r := range readTSV(t, filepath.Join(out, "sample_profiles.tsv")) {
		prof[r["sample_id"]] = r
	}
	if len(prof) != 6 {
		t.Errorf("%d profiles, want 6 (s6 has no mutation but is analysed)", len(prof))
	}
	if got := prof["s5"]["known_changes"]; got != "gyrA_G81D+gyrA_D82G" {
		t.Errorf("s5 known_changes %q, want the combination joined by +", got)
	}
	if got := prof["s1"]["known_changes"]; got != "gyrA_S83L;parC_S80I" {
		t.Errorf("s1 known_changes %q", got)
	}
	if got := prof["s1"]["drug_classes"]; got != "fluoroquinolone" {
		t.Errorf("s1 drug_classes %q", got)
	}
	if got := prof["s6"]["genes_not_covered"]; got != "gyrA" {
		t.Errorf("s6 genes_not_covered %q, want gyrA", got)
	}

	mat := map[string]map[string]string{}
	for _, r := range readTSV(t, filepath.Join(out, "matrix.tsv")) {
		mat[r["sample_id"]] = r
	}
	for _, c := range []struct{ s, col, want string }{
		{"s1", "gyrA_S83L", "1"}, {"s3", "gyrA_S83L", "0"}, {"s6", "gyrA_S83L", "NA"}, {"s4", "parC_S80I", "NA"},
		{"s6", "num_found", "0"}, {"s5", "num_known", "2"},
	} {
		if got := mat[c.s][c.col]; got != c.want {
			t.Errorf("matrix[%s][%s] = %q, want %q", c.s, c.col, got, c.want)
		}
	}
	ham := readTSV(t, filepath.Join(out, "hamronization.tsv"))
	if len(ham) != 6 { // known rows: s1 2, s2 1, s3 1, s5 2
		t.Errorf("%d hAMRonization rows, want 6", len(ham))
	}
	if ham[0]["genetic_variation_type"] != "protein_variant_detected" || ham[0]["input_file_name"] != "s1" {
		t.Errorf("hAMRonization row 1: %v", ham[0])
	}
	cm := readTSV(t, filepath.Join(out, "cohort_mutations.tsv"))
	if len(cm) != 7 || cm[0]["sample_id"] != "s1" || cm[6]["symbol"] != "gyrA_D82G" {
		t.Errorf("cohort_mutations: %d rows, first %v last %v", len(cm), cm[0], cm[len(cm)-1])
	}
	var prov Provenance
	data, err := os.ReadFile(filepath.Join(out, "provenance.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &prov); err != nil {
		t.Fatal(err)
	}
	if len(prov.Catalogues) != 1 || prov.Catalogues[0] != (Catalogue{"testcat", "2"}) || len(prov.Inputs) != 2 || len(prov.Inputs[0].SHA256) != 64 {
		t.Errorf("provenance: %+v", prov)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Error(err)
	}
}

func near(a, b float64) bool { return a == b || (a-b)/b < 1e-12 && (b-a)/b < 1e-12 }

func synthCohort(t testing.TB, dir string, o synth.Options) synth.Files {
	t.Helper()
	f, err := synth.Write(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The co-occurrence counts agree with a brute-force count over the matrix
// (1 present, 0 absent, NA not covered) for every pair of changes.
func TestCooccurrenceMatchesMatrix(t *testing.T) {
	dir := t.TempDir()
	f := synthCohort(t, dir, synth.Options{Samples: 150, Genes: 4, SamplesPerFile: 40, Seed: 7, Alignments: true})
	out := filepath.Join(dir, "out")
	args := []string{"--out-dir", out, "--tables", "tsv", "--min-support", "1", "--mutations"}
	args = append(args, f.Mutations...)
	args = append(append(args, "--sites"), f.Sites...)
	args = append(append(args, "--alignments"), f.Alignments...)
	if code, stderr := runMain(t, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	mat := readTSV(t, filepath.Join(out, "matrix.tsv"))
	rows := readTSV(t, filepath.Join(out, "cooccurrence.tsv"))
	nMut, nNA := 0, 0
	for _, r := range rows {
		if r["level"] != "mutation" {
			continue
		}
		nMut++
		var n [4]int
		for _, m := range mat {
			a, b := m[r["a"]], m[r["b"]]
			if a == "NA" || b == "NA" {
				nNA++
				continue
			}
			n[(1-atoi(a))*2+(1-atoi(b))]++
		}
		got := [4]int{atoi(r["n11"]), atoi(r["n10"]), atoi(r["n01"]), atoi(r["n00"])}
		if got != n {
			t.Fatalf("%s × %s: table %v, brute force over the matrix %v", r["a"], r["b"], got, n)
		}
	}
	if nMut < 100 || nNA == 0 {
		t.Errorf("weak test: %d mutation pairs, %d not-covered cells", nMut, nNA)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// Outputs are byte-identical whatever --threads is.
func TestDeterministicAcrossThreads(t *testing.T) {
	dir := t.TempDir()
	f := synthCohort(t, dir, synth.Options{Samples: 300, Genes: 5, SamplesPerFile: 50, Seed: 3, Alignments: true})
	var outs []string
	for _, j := range []string{"1", "3"} {
		out := filepath.Join(dir, "out"+j)
		args := []string{"-j", j, "--out-dir", out, "--mutations"}
		args = append(args, f.Mutations...)
		args = append(append(args, "--sites"), f.Sites...)
		args = append(append(args, "--alignments"), f.Alignments...)
		if code, stderr := runMain(t, args...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		outs = append(outs, out)
	}
	entries, err := os.ReadDir(outs[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 8 {
		t.Errorf("%d outputs, want 8", len(entries))
	}
	for _, e := range entries {
		a, _ := os.ReadFile(filepath.Join(outs[0], e.Name()))
		b, _ := os.ReadFile(filepath.Join(outs[1], e.Name()))
		// The recorded command line names the output folder, which differs;
		// -j is a runtime flag and is not recorded at all.
		if e.Name() == "provenance.json" || e.Name() == "report.html" || strings.HasSuffix(e.Name(), ".parquet") {
			a = bytes.ReplaceAll(a, []byte(outs[0]), []byte(outs[1]))
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between -j 1 and -j 3", e.Name())
		}
	}
}

// The Parquet matrix keeps its column order and writes not-covered as null.
func TestMatrixParquet(t *testing.T) {
	dir := t.TempDir()
	muts, sites := handCohort(t, dir)
	out := filepath.Join(dir, "out")
	if code, stderr := runMain(t, "--mutations", muts, "--sites", sites, "--out-dir", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fh, err := os.Open(filepath.Join(out, "matrix.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	pf, err := parquet.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range pf.Schema().Fields() {
		names = append(names, f.Name())
	}
	want := []string{"sample_id", "num_found", "num_known", "gyrA_A67T", "gyrA_G81D", "gyrA_D82G", "gyrA_S83L", "parC_S80I"}
	if !slices.Equal(names, want) {
		t.Errorf("columns %v, want %v", names, want)
	}
	if v, _ := pf.Lookup(table.KeySchema); v != SchemaMatrix {
		t.Errorf("schema metadata %q", v)
	}
	rows := make([]parquet.Row, 10)
	r := pf.RowGroups()[0].Rows()
	n, _ := r.ReadRows(rows)
	r.Close()
	if n != 6 {
		t.Fatalf("%d rows, want 6", n)
	}
	// s6 (row 6), gyrA_S83L (column 6): not covered → null.
	if v := rows[5][6]; !v.IsNull() {
		t.Errorf("s6 gyrA_S83L = %v, want null", v)
	}
	if v := rows[0][6]; v.IsNull() || v.Int32() != 1 {
		t.Errorf("s1 gyrA_S83L = %v, want 1", v)
	}
	// The cohort_mutations Parquet is a mutations table any reader takes.
	ms, _, err := table.ReadAll[table.Mutation](filepath.Join(out, "cohort_mutations.parquet"), table.SchemaMutations)
	if err != nil || len(ms) != 7 {
		t.Errorf("cohort_mutations.parquet: %d rows, %v", len(ms), err)
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	muts, sites := handCohort(t, dir)
	badID := writeFile(t, filepath.Join(dir, "badid.tsv"), mutHeader+mutLine("s1", "gyrA", 83, "S", "L", true, "x")+mutLine("bad id", "gyrA", 83, "S", "L", true, "x"))
	badStatus := writeFile(t, filepath.Join(dir, "badstatus.tsv"), "sample_id\tgene\tposition\tref\tstatus\tobserved\ns1\tgyrA\t83\tS\tMAYBE\t\n")
	badPos := writeFile(t, filepath.Join(dir, "badpos.tsv"), mutHeader+mutLine("s1", "gyrA", 0, "S", "L", true, "x"))
	badQC := writeFile(t, filepath.Join(dir, "qc.json"), `{"findings": [{"check": 3`)
	list := writeFile(t, filepath.Join(dir, "list.txt"), "# comment\n"+muts+"\n"+filepath.Join(dir, "missing.tsv")+"\n")
	sitesParquet := filepath.Join(dir, "sites.parquet")
	w, err := table.Create[table.Site](sitesParquet, table.Meta{Schema: table.SchemaSites})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(table.Site{SampleID: "s1", Gene: "gyrA", Position: 83, Status: "WT"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad sample id", []string{"--mutations", badID}, 1, "badid.tsv line 3: sample id \"bad id\""},
		{"bad status", []string{"--mutations", muts, "--sites", badStatus}, 1, "badstatus.tsv line 2: status \"MAYBE\""},
		{"bad position", []string{"--mutations", badPos}, 1, "badpos.tsv line 2: position 0"},
		{"wrong schema", []string{"--mutations", sitesParquet}, 1, "sites.parquet: is a sites table, expected mutations"},
		{"missing file in list", []string{"--mutations", "@" + list}, 1, "list.txt line 3"},
		{"glob without match", []string{"--mutations", filepath.Join(dir, "*.nothing")}, 2, "no file matches"}, // the command line names no file: usage
		{"bad QC", []string{"--mutations", muts, "--qc", badQC}, 1, "qc.json: bad QC JSON"},
		{"sites TSV as mutations", []string{"--mutations", sites}, 1, "missing required columns"},
		{"no mutations flag", []string{"--sites", sites}, 2, "--mutations"},
		{"bad min support", []string{"--mutations", muts, "--min-support", "0"}, 2, "--min-support"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(tt.name, " ", "-"))
			code, stderr := runMain(t, append(tt.args, "--out-dir", out)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output folder left behind after a failure")
			}
			if m, _ := filepath.Glob(filepath.Join(dir, ".out-*")); len(m) > 0 {
				t.Errorf("temporary folders left behind: %v", m)
			}
		})
	}
}

func TestSpreadMultiFlags(t *testing.T) {
	got := spreadMultiFlags([]string{"--mutations", "a", "b", "--sites", "c", "-j", "2", "--alignments", "--out-dir", "x"})
	want := []string{"--mutations=a", "--mutations=b", "--sites=c", "-j", "2", "--alignments", "--out-dir", "x"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestExpandInputs(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.tsv", "b.tsv", "c.parquet"} {
		writeFile(t, filepath.Join(dir, n), "x")
	}
	list := writeFile(t, filepath.Join(dir, "l.txt"), "\n# comment\n"+filepath.Join(dir, "c.parquet")+"\n  "+filepath.Join(dir, "*.tsv")+"  \n")
	got, err := expandInputs("--mutations", []string{filepath.Join(dir, "b.tsv"), "@" + list})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "b.tsv"), filepath.Join(dir, "c.parquet"), filepath.Join(dir, "a.tsv")}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v (order kept, duplicates once)", got, want)
	}
}

func TestReadQC(t *testing.T) {
	dir := t.TempDir()
	obj := writeFile(t, filepath.Join(dir, "o.json"), `{"summary": {"files": [], "errors": 2, "warnings": 1, "by_check": {}, "strict": false, "water_checked": 0, "passed": false},
	 "findings": [{"file":"x.faa","record":"r1","check":"alphabet","severity":"error","message":"bad"},
	 {"file":"y","line":12,"check":"outlier","severity":"warning","message":"far"},{"file":"z","check":"alphabet","severity":"error","message":"bad"}]}`)
	fs, err := readQC(obj)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || fs[0].Where != "r1" || fs[1].Where != "12" || fs[2].Severity != "error" {
		t.Errorf("findings %+v", fs)
	}
	counts := qcCounts(fs)
	if len(counts) != 2 || counts[0] != (QCCount{"error", "alphabet", 2}) {
		t.Errorf("counts %+v", counts)
	}
	// one format: wtscan-validate's report, read with its own type; an array,
	// other field names or another severity are another tool's file
	for name, body := range map[string]string{
		"array":        `[{"file":"x","check":"c","severity":"error","message":"m"}]`,
		"other names":  `{"findings": [{"path":"x","check":"c","level":"warning","message":"m"}], "summary": {}}`,
		"no findings":  `{"summary": {}}`,
		"bad severity": `{"findings": [{"file":"x","check":"c","severity":"ERROR","message":"m"}], "summary": {}}`,
	} {
		p := writeFile(t, filepath.Join(dir, "bad.json"), body)
		if _, err := readQC(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want an error naming %s", name, err, p)
		}
	}
}

// A bad table in the middle of many stops the run cleanly (no deadlock, no
// output), whatever the number of readers.
func TestBadTableAmongMany(t *testing.T) {
	dir := t.TempDir()
	f := synthCohort(t, dir, synth.Options{Samples: 200, Genes: 3, SamplesPerFile: 20, Seed: 5})
	muts := slices.Clone(f.Mutations)
	muts[6] = f.Sites[6] // a sites table where a mutations table belongs
	for _, j := range []string{"1", "2", "4"} {
		out := filepath.Join(dir, "out"+j)
		code, stderr := runMain(t, append(append([]string{"-j", j, "--out-dir", out, "--mutations"}, muts...), "--sites", f.Sites[0])...)
		if code != 1 || !strings.Contains(stderr, filepath.Base(f.Sites[6])+": is a sites table, expected mutations") {
			t.Errorf("-j %s: exit %d, stderr %s", j, code, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("-j %s: output left behind", j)
		}
	}
}

// Outside the catalogue, coverage comes from the alignments: a change counts
// as covered only where a usable (non-FAILED) alignment spans it.
func TestAlignmentCoverage(t *testing.T) {
	dir := t.TempDir()
	muts := writeFile(t, filepath.Join(dir, "m.tsv"), mutHeader+
		mutLine("s1", "gyrA", 100, "A", "T", false, "")+
		mutLine("s5", "parC", 10, "A", "T", false, ""))
	alns := filepath.Join(dir, "a.parquet")
	w, err := table.Create[table.Alignment](alns, table.Meta{Schema: table.SchemaAlignments})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(
		table.Alignment{SampleID: "s1", Gene: "gyrA", Copy: 1, RefStart: 1, RefEnd: 878, RefLength: 878, Quality: "HIGH"},
		table.Alignment{SampleID: "s2", Gene: "gyrA", Copy: 1, RefStart: 1, RefEnd: 50, RefLength: 878, Quality: "LOW"},       // partial: ends before 100
		table.Alignment{SampleID: "s2", Gene: "gyrA", Copy: 2, RefStart: 120, RefEnd: 878, RefLength: 878, Quality: "MEDIUM"}, // second copy misses 100 too
		table.Alignment{SampleID: "s3", Gene: "parC", Copy: 1, RefStart: 1, RefEnd: 752, RefLength: 752, Quality: "HIGH"},     // no gyrA at all
		table.Alignment{SampleID: "s4", Gene: "gyrA", Copy: 1, RefStart: 1, RefEnd: 878, RefLength: 878, Quality: "FAILED"},   // unusable
		table.Alignment{SampleID: "s6", Gene: "gyrA", Copy: 1, RefStart: 90, RefEnd: 110, RefLength: 878, Quality: "HIGH"},
	)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, stderr := runMain(t, "--mutations", muts, "--alignments", alns, "--out-dir", out, "--tables", "tsv", "--min-support", "1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	mat := map[string]string{}
	for _, r := range readTSV(t, filepath.Join(out, "matrix.tsv")) {
		mat[r["sample_id"]] = r["gyrA_A100T"]
	}
	want := map[string]string{"s1": "1", "s2": "NA", "s3": "NA", "s4": "NA", "s5": "NA", "s6": "0"}
	for s, v := range want {
		if mat[s] != v {
			t.Errorf("matrix[%s][gyrA_A100T] = %q, want %q", s, mat[s], v)
		}
	}
	for _, r := range readTSV(t, filepath.Join(out, "gene_positions.tsv")) {
		if r["symbol"] == "gyrA_A100T" && (r["samples"] != "1" || r["covered"] != "2") {
			t.Errorf("gyrA_A100T: %s of %s covered, want 1 of 2 (s1, s6)", r["samples"], r["covered"])
		}
	}
	// Gene level: gyrA is usable in s1, s2, s6 only; parC in s3 and in its
	// carrier s5. No sample is covered for both: an empty table, p = 1.
	for _, r := range readTSV(t, filepath.Join(out, "cooccurrence.tsv")) {
		if r["level"] == "gene" {
			if got := [5]string{r["n11"], r["n10"], r["n01"], r["n00"], r["p_value"]}; got != [5]string{"0", "0", "0", "0", "1"} {
				t.Errorf("gene gyrA × parC: %v, want [0 0 0 0 1]", got)
			}
		}
	}
}
