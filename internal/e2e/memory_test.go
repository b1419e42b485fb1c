package e2e

import (
	"bufio"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/wtscan/wtscan/internal/testdata"
)

// writeContigs writes n random contigs of 1 Mbp each (FASTA, 80 columns).
func writeContigs(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	line := make([]byte, 81)
	line[80] = '\n'
	for i := range n {
		w.WriteString(">c" + string(rune('A'+i%26)) + string(rune('a'+i/26)) + "\n")
		for range 1_000_000 / 80 {
			for k := range 80 {
				line[k] = "ACGT"[rng.IntN(4)]
			}
			w.Write(line)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// maxRSS runs the built wtscan-extract on asm with one thread and returns its
// peak resident memory in MB.
func maxRSS(t *testing.T, asm, refs string) int64 {
	t.Helper()
	cmd := exec.Command(builtBinary(t, "wtscan-extract"), "-a", asm, "-s", "S1", "-r", refs, "-o", filepath.Join(t.TempDir(), "p.parquet"), "-j", "1", "--log-level", "error")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss >> 10 // KB on Linux
}

// TestExtractMemoryBoundedByContig (issue 13 item 13): wtscan-extract's
// memory grows with its largest contig, not with the assembly: four times
// as many 1 Mbp contigs (20 -> 80 Mbp) add little. Before, every contig was
// held (twice while reading), some 120 MB more for the larger assembly.
func TestExtractMemoryBoundedByContig(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MB and searches it (about 20 s)")
	}
	refs := testdata.Shared(t, "pointfinder/salmonella")
	dir := t.TempDir()
	small, large := filepath.Join(dir, "small.fna"), filepath.Join(dir, "large.fna")
	writeContigs(t, small, 20)
	writeContigs(t, large, 80)
	a, b := maxRSS(t, small, refs), maxRSS(t, large, refs)
	t.Logf("peak memory: %d MB for 20 Mbp, %d MB for 80 Mbp", a, b)
	if b-a > 40 {
		t.Errorf("80 Mbp took %d MB more than 20 Mbp (contigs of 1 Mbp): memory follows the assembly, not its largest contig", b-a)
	}
}
