package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/testdata"
)

// TestOutputNamesInput (issue 13 item 1): an output that is an input (also
// through a symbolic link or a ./ spelling) is refused before anything is
// read or written, exit 2, and the input is unchanged.
func TestOutputNamesInput(t *testing.T) {
	refs := testdata.Shared(t, "pointfinder/salmonella")
	rec := peerContig(t, "staramr/gyrA-A67P-rc.fsa")
	dir := t.TempDir()
	asm := write(t, dir, "genome.fasta", ">c1\n"+string(rec.Seq)+"\n")
	if err := os.Symlink(asm, filepath.Join(dir, "link.fasta")); err != nil {
		t.Fatal(err)
	}
	sheet := write(t, dir, "samples.tsv", "sample_id\tassembly\nS1\t"+asm+"\n")
	t.Chdir(dir)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"faa is the assembly", []string{"-a", "genome.fasta", "-s", "S1", "-o", "p.tsv", "--faa", "genome.fasta"}},
		{"./ spelling", []string{"-a", "genome.fasta", "-s", "S1", "-o", "./genome.fasta"}},
		{"symlink", []string{"-a", "genome.fasta", "-s", "S1", "-o", "p.tsv", "--faa", "link.fasta"}},
		{"sheet's assembly", []string{"--samples", "samples.tsv", "-o", "p.tsv", "--faa", asm}},
		{"the sheet", []string{"--samples", "samples.tsv", "-o", "samples.tsv"}},
		{"out is faa", []string{"-a", "genome.fasta", "-s", "S1", "-o", "p.faa", "--faa", "./p.faa"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := run(t, append(tt.args, "-r", refs)...)
			if code != 2 || !strings.Contains(stderr, "same file") && !strings.Contains(stderr, "would overwrite") {
				t.Errorf("exit %d, want 2 naming the clash: %s", code, stderr)
			}
			if b, _ := os.ReadFile(asm); string(b) != ">c1\n"+string(rec.Seq)+"\n" {
				t.Fatal("the assembly was overwritten")
			}
			if b, _ := os.ReadFile(sheet); !strings.HasPrefix(string(b), "sample_id") {
				t.Fatal("the sample sheet was overwritten")
			}
		})
	}
}
