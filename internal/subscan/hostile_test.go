package subscan

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOutputNamesInput (issue 13 item 1): --out or --sites onto the
// catalogue, the alignments or the references is refused before anything is
// read, exit 2, the input unchanged.
func TestOutputNamesInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	files := map[string]string{"aln.tsv": "sample_id\n", "refs.faa": ">gyrA_1 gene=gyrA\nMKV\n", "cat.tsv": "gene\treference\tposition\trequires\tsource\n"}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink("cat.tsv", "link.tsv")
	base := []string{"--alignments", "aln.tsv", "--references", "refs.faa", "--catalog", "cat.tsv"}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"out is the catalogue", []string{"--out", "cat.tsv"}},
		{"sites is the catalogue via ./", []string{"--out", "m.tsv", "--sites", "./cat.tsv"}},
		{"out through a link", []string{"--out", "link.tsv"}},
		{"out is the alignments", []string{"--out", filepath.Join(dir, "aln.tsv")}},
		{"sites is out", []string{"--out", "m.tsv", "--sites", "./m.tsv"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if code, stderr := runMain(t, append(append([]string{}, base...), tt.args...)...); code != 2 {
				t.Errorf("exit %d, want 2: %s", code, stderr)
			}
			for name, text := range files {
				if b, _ := os.ReadFile(name); string(b) != text {
					t.Fatalf("%s was changed", name)
				}
			}
		})
	}
}
