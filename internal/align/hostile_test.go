package align

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOutputNamesInput (issue 13 items 1 and 10): an output onto an input
// (also a ./ spelling or a symbolic link, or a file of a references folder),
// a missing input and a NaN or infinite float flag exit 2 before anything
// is read or written; the inputs are unchanged.
func TestOutputNamesInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, "q.faa", ">q1 gene=gyrA\nMKV\n")
	refs := writeFile(t, dir, "refs.faa", ">gyrA_1 gene=gyrA\nMKV\n")
	os.Mkdir("folder", 0o755)
	writeFile(t, dir, "folder/gyrA.fsa", ">gyrA_1\nMKV\n")
	os.Symlink("q.faa", "link.faa")
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"out is the queries", []string{"--references", refs, "--queries", "q.faa", "--out", "./q.faa"}},
		{"emboss-out is the references", []string{"--references", "refs.faa", "--queries", "q.faa", "--out", "a.tsv", "--emboss-out", refs}},
		{"out through a link", []string{"--references", refs, "--queries", "q.faa", "--out", "link.faa"}},
		{"out into a references folder", []string{"--references", "folder", "--queries", "q.faa", "--out", "folder/gyrA.fsa"}},
		{"out is emboss-out", []string{"--references", refs, "--queries", "q.faa", "--out", "a.tsv", "--emboss-out", "a.tsv"}},
		{"missing queries", []string{"--references", refs, "--queries", "nope.faa", "--out", "a.tsv"}},
		{"NaN gap penalty", []string{"--references", refs, "--queries", "q.faa", "--out", "a.tsv", "--gapopen", "NaN"}},
		{"infinite gap penalty", []string{"--references", refs, "--queries", "q.faa", "--out", "a.tsv", "--gapextend", "Inf"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if code, stderr := runMain(t, tt.args...); code != 2 {
				t.Errorf("exit %d, want 2: %s", code, stderr)
			}
			for p, want := range map[string]string{"q.faa": ">q1 gene=gyrA\nMKV\n", "refs.faa": ">gyrA_1 gene=gyrA\nMKV\n", "folder/gyrA.fsa": ">gyrA_1\nMKV\n"} {
				if b, _ := os.ReadFile(filepath.Join(dir, p)); string(b) != want {
					t.Fatalf("%s was changed", p)
				}
			}
			if _, err := os.Stat("a.tsv"); err == nil {
				t.Errorf("an output was written")
			}
		})
	}
}
