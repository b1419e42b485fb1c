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

// TestNonFiniteAndMissing (issue 13 item 10): NaN or infinite thresholds
// and a missing input named on the command line are usage errors (exit 2);
// a missing file named in the sample sheet is bad input (exit 1) with its line.
func TestNonFiniteAndMissing(t *testing.T) {
	refs := testdata.Shared(t, "pointfinder/salmonella")
	dir := t.TempDir()
	asm := write(t, dir, "a.fna", ">c1\nACGTACGTAC\n")
	sheet := write(t, dir, "s.tsv", "sample_id\tassembly\n# a comment\nS1\t"+filepath.Join(dir, "nope.fna")+"\n")
	out := filepath.Join(dir, "p.tsv")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"NaN identity", []string{"-a", asm, "-s", "S1", "--min-identity", "NaN"}, 2, "not a finite number"},
		{"Inf coverage", []string{"-a", asm, "-s", "S1", "--min-coverage=-Inf"}, 2, "--min-"},
		{"missing assembly flag", []string{"-a", filepath.Join(dir, "nope.fna"), "-s", "S1"}, 2, "--assembly"},
		{"missing references", []string{"-a", asm, "-s", "S1", "-r", filepath.Join(dir, "nope")}, 2, "--references"},
		{"missing assembly in the sheet", []string{"--samples", sheet}, 1, "line 3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-r", refs, "-o", out}, tt.args...)
			code, stderr := run(t, args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d with %q: %s", code, tt.code, tt.want, stderr)
			}
		})
	}
}

// TestMaxContig (issue 13 item 13): a contig longer than --max-contig is
// refused, naming the file and the contig, exit 1, nothing written; the same
// assembly passes under a limit above its contigs.
func TestMaxContig(t *testing.T) {
	refs := testdata.Shared(t, "pointfinder/salmonella")
	rec := peerContig(t, "staramr/gyrA-A67P-rc.fsa")
	dir := t.TempDir()
	asm := write(t, dir, "a.fna", ">short\nACGTACGTAC\n>gyr_contig\n"+string(rec.Seq)+"\n")
	out := filepath.Join(dir, "p.tsv")
	code, stderr := run(t, "-a", asm, "-s", "S1", "-r", refs, "-o", out, "--max-contig", "1000")
	if code != 1 || !strings.Contains(stderr, `a.fna record 2 (\"gyr_contig\")`) || !strings.Contains(stderr, "--max-contig") {
		t.Errorf("exit %d, want 1 naming the contig: %s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("output written")
	}
	if code, stderr := run(t, "-a", asm, "-s", "S1", "-r", refs, "-o", out, "--max-contig", "3000"); code != 0 {
		t.Errorf("under the limit: exit %d: %s", code, stderr)
	}
}
