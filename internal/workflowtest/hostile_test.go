package workflowtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/testdata"
)

// TestHostilePaths (issue 13 item 7): paths in the config and the sample
// sheet holding spaces, quotes, $(…) and backticks are passed to every
// command as they are, never run by the shell: the workflow finishes and no
// PWNED file appears. Item 8: a sheet with a byte-order mark and a leading
// comment is read as the binaries read it.
func TestHostilePaths(t *testing.T) {
	sm := testdata.Command(t, "snakemake", "snakemake")
	bin := binDir(t)
	dir := workdir(t)
	move := func(from, to string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
	}
	refs := "data/ref's dir/k pn $(touch PWNED1) `touch PWNED2`.fna"
	cat := "data/it's$(touch PWNED3).tsv"
	asm := "data/my genomes/HS 11286 \"x\" $(touch PWNED4).fna.gz"
	move("testdata/references/kpneumoniae.fna", refs)
	move("testdata/demo/kpneumoniae-catalog.tsv", cat)
	move("testdata/demo/HS11286.fna.gz", asm)
	sheet := "\ufeff# one strain, paths a shell would misread\nsample_id\tassembly\torganism\nHS11286\t" + asm + "\tKlebsiella pneumoniae\n"
	if err := os.WriteFile(filepath.Join(dir, "config", "samples.tsv"), []byte(sheet), 0o644); err != nil {
		t.Fatal(err)
	}
	// --config values are YAML: quote them for YAML (single quotes doubled).
	yq := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	r := run{dir: dir, path: []string{bin}}
	r.mustExec(t, sm, "--cores", "2", "--config", "references="+yq(refs), "catalog="+yq(cat))
	if _, err := os.Stat(filepath.Join(dir, "results", "report.html")); err != nil {
		t.Errorf("no report: %v", err)
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "PWNED") {
			t.Errorf("the shell ran a command from a path: %s exists", p)
		}
		return nil
	})
}
