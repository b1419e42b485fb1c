package aggregate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func provenanceCounts(t *testing.T, out string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, OutProvenance))
	if err != nil {
		t.Fatal(err)
	}
	var p Provenance
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p.Counts
}

// TestSheetCountsEverySample (issue 13 item 3): with --samples, a sample of
// the sheet in which no target gene was found stays in the cohort, and a run
// in which no sample has any gene succeeds with an honest report.
func TestSheetCountsEverySample(t *testing.T) {
	dir := t.TempDir()
	sheet := writeFile(t, filepath.Join(dir, "samples.tsv"), "sample_id\tassembly\ns1\ta.fna\ns2\tb.fna\n")
	muts := writeFile(t, filepath.Join(dir, "m.tsv"), mutHeader+mutLine("s1", "gyrA", 83, "S", "L", true, "gyrA_83"))
	out := filepath.Join(dir, "out")
	if code, stderr := runMain(t, "--mutations", muts, "--samples", sheet, "--out-dir", out, "--tables", "tsv"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := provenanceCounts(t, out)["samples"]; n != 2 {
		t.Errorf("cohort of %d samples, want the sheet's 2", n)
	}
	html, _ := os.ReadFile(filepath.Join(out, OutReport))
	if !bytes.Contains(html, []byte("samples without any target gene found")) || !bytes.Contains(html, []byte("1 (50%)")) {
		t.Errorf("the report does not say that one sample of two had no target gene")
	}
	if rows := readTSV(t, filepath.Join(out, OutSampleProfiles+".tsv")); len(rows) != 2 {
		t.Errorf("%d sample profiles, want 2", len(rows))
	}

	empty := writeFile(t, filepath.Join(dir, "empty.tsv"), mutHeader)
	out2 := filepath.Join(dir, "out2")
	if code, stderr := runMain(t, "--mutations", empty, "--samples", sheet, "--out-dir", out2, "--tables", "tsv"); code != 0 {
		t.Fatalf("no sample has a target gene: exit %d: %s", code, stderr)
	}
	if n := provenanceCounts(t, out2)["samples"]; n != 2 {
		t.Errorf("cohort of %d samples, want 2", n)
	}
	html, _ = os.ReadFile(filepath.Join(out2, OutReport))
	if !bytes.Contains(html, []byte("2 (100%)")) {
		t.Errorf("the report does not say that no sample had a target gene")
	}

	other := writeFile(t, filepath.Join(dir, "o.tsv"), mutHeader+mutLine("s9", "gyrA", 83, "S", "L", true, "gyrA_83"))
	if code, stderr := runMain(t, "--mutations", other, "--samples", sheet, "--out-dir", filepath.Join(dir, "out3")); code != 1 || !strings.Contains(stderr, `"s9" is not in the sample sheet`) {
		t.Errorf("a sample not in the sheet: exit %d: %s", code, stderr)
	}
}

// TestSampleFromTwoTables (issue 13 item 2): one sample id with rows of one
// gene in two tables is refused (two genomes under one id; one table given
// twice); tables split by gene are fine.
func TestSampleFromTwoTables(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, "a.tsv", mutHeader+mutLine("X", "gyrA", 83, "S", "I", true, "gyrA_83"))
	writeFile(t, "b.tsv", mutHeader+mutLine("X", "gyrA", 83, "S", "Y", true, "gyrA_83"))
	writeFile(t, "c.tsv", mutHeader+mutLine("X", "parC", 80, "S", "I", true, "parC_80"))
	for _, tt := range []struct {
		name   string
		tables []string
		code   int
	}{
		{"two genomes as X", []string{"a.tsv", "b.tsv"}, 1},
		{"one table twice", []string{"a.tsv", "./a.tsv"}, 1},
		{"split by gene", []string{"a.tsv", "c.tsv"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runMain(t, append(append([]string{"--mutations"}, tt.tables...), "--out-dir", "out-"+strings.ReplaceAll(tt.name, " ", "-"))...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			if tt.code == 1 && !strings.Contains(stderr, "two mutations tables") {
				t.Errorf("the message does not say why: %s", stderr)
			}
		})
	}
}

// TestOutputsDoNotDependOnThreads (issue 13 item 6): -j (and the other
// runtime flags) reach neither the tables' metadata nor provenance nor the report.
func TestOutputsDoNotDependOnThreads(t *testing.T) {
	dir := t.TempDir()
	muts, sites := handCohort(t, dir)
	var sets [2]map[string][]byte
	for i, j := range []string{"1", "3"} {
		// The same command line but -j: run in two folders with a relative --out-dir.
		t.Chdir(t.TempDir())
		out := "out"
		if code, stderr := runMain(t, "--mutations", muts, "--sites", sites, "--out-dir", out, "-j", j, "--progress", "never"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		sets[i] = map[string][]byte{}
		entries, _ := os.ReadDir(out)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(out, e.Name()))
			sets[i][e.Name()] = b
		}
	}
	if len(sets[0]) != len(sets[1]) {
		t.Fatalf("file sets differ: %d and %d files", len(sets[0]), len(sets[1]))
	}
	for name, b := range sets[0] {
		if !bytes.Equal(b, sets[1][name]) {
			t.Errorf("%s differs between -j 1 and -j 3", name)
		}
	}
}

// TestOutDirSwap (issue 13 item 6): a rerun replaces the whole set (a
// --tables tsv rerun leaves no Parquet table of the run before), keeps files
// wtscan never writes, and removes the staging folder of a killed run; a
// glob skips temporary files; an output onto an input is refused.
func TestOutDirSwap(t *testing.T) {
	dir := t.TempDir()
	muts, sites := handCohort(t, dir)
	out := filepath.Join(dir, "out")
	if code, stderr := runMain(t, "--mutations", muts, "--sites", sites, "--out-dir", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	writeFile(t, filepath.Join(out, "notes.txt"), "mine\n")
	deadPID := "4194000" // above the usual pid range; checked below
	if err := syscall.Kill(4194000, 0); err != syscall.ESRCH {
		t.Skip("pid 4194000 exists")
	}
	stale := filepath.Join(dir, ".out.tmp-"+deadPID+"-abc")
	os.Mkdir(stale, 0o755)
	writeFile(t, filepath.Join(stale, OutReport), "half")
	// A temporary file of a killed subscan beside the tables: the glob skips it.
	writeFile(t, filepath.Join(dir, ".m.tsv.tmp-"+deadPID+"-abc"), "half")
	if code, stderr := runMain(t, "--mutations", filepath.Join(dir, "*m*.tsv*"), "--sites", sites, "--out-dir", out, "--tables", "tsv"); code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, stderr)
	}
	var names []string
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"cohort_mutations.tsv", "cooccurrence.tsv", "gene_positions.tsv", "hamronization.tsv", "matrix.tsv", "notes.txt", "provenance.json", "report.html", "sample_profiles.tsv"}
	if !slices.Equal(names, want) {
		t.Errorf("out-dir after a TSV rerun:\n got %v\nwant %v", names, want)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the staging folder of a killed run is still there")
	}
	// An output onto an input: exit 2, the input untouched.
	before, _ := os.ReadFile(filepath.Join(out, "cohort_mutations.tsv"))
	code, stderr := runMain(t, "--mutations", filepath.Join(out, "cohort_mutations.tsv"), "--out-dir", out, "--tables", "tsv")
	if code != 2 || !strings.Contains(stderr, "would overwrite the input") {
		t.Errorf("output onto input: exit %d: %s", code, stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(out, "cohort_mutations.tsv")); !bytes.Equal(before, after) {
		t.Errorf("the input was changed")
	}
}

// TestMissingInputs (issue 13 item 10): a table, glob or file of paths named
// on the command line that is not there is a usage error (2); a path inside
// a file of paths that is not there is bad input (1), with its line.
func TestMissingInputs(t *testing.T) {
	dir := t.TempDir()
	list := writeFile(t, filepath.Join(dir, "list.txt"), "# tables\n"+filepath.Join(dir, "nope.tsv")+"\n")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing table", []string{"--mutations", filepath.Join(dir, "nope.tsv")}, 2, "nope.tsv"},
		{"missing file of paths", []string{"--mutations", "@" + filepath.Join(dir, "nope.txt")}, 2, "nope.txt"},
		{"missing sheet", []string{"--mutations", list, "--samples", filepath.Join(dir, "nope.tsv")}, 2, "--samples"},
		{"missing table in a file of paths", []string{"--mutations", "@" + list}, 1, "list.txt line 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runMain(t, append(tt.args, "--out-dir", filepath.Join(dir, "out"))...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d with %q: %s", code, tt.code, tt.want, stderr)
			}
		})
	}
}
