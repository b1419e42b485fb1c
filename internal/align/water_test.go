package align

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/swalign"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// pairBlocks returns the per-pair blocks of an srspair text (from the first
// "#=====" rule to the closing "#-----" rules): the part that does not depend
// on the run (date, command line).
func pairBlocks(s string) string {
	i := strings.Index(s, "#=======================================")
	j := strings.LastIndex(s, "#---------------------------------------\n#---")
	if i < 0 || j < 0 {
		return ""
	}
	return s[i:j]
}

func TestEmbossOutMatchesWater(t *testing.T) {
	water := testdata.Command(t, "water", "emboss")
	refs, gyrA := salmonellaGyrA(t)
	dir := t.TempDir()
	// A QRDR double mutant with a 3-residue deletion: gaps, mismatches and the
	// 50-column layout all show in the text.
	q := append(mutate(mutate(gyrA, 83, 'F'), 87, 'N')[:200], gyrA[203:400]...)
	qf := writeFile(t, dir, "q.faa", ">S1 gene=gyrA\n"+string(q)+"\n")
	out, srs := filepath.Join(dir, "aln.tsv"), filepath.Join(dir, "aln.water")
	if code, stderr := runMain(t, "--references", refs, "--queries", qf, "--out", out, "--emboss-out", srs); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ours, _ := os.ReadFile(srs)

	// water itself on the same pair, with the same names.
	rf := writeFile(t, dir, "r.faa", ">gyrA_1_MH933946.1\n"+string(gyrA)+"\n")
	cmd := exec.Command(water, "-auto", "-asequence", qf, "-bsequence", rf, "-gapopen", "10", "-gapextend", "0.5", "-aformat", "srspair", "-outfile", "stdout")
	theirs, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if a, b := pairBlocks(string(ours)), pairBlocks(string(theirs)); a == "" || a != b {
		t.Errorf("srspair pair block differs from water's:\n--- ours\n%s\n--- water\n%s", a, b)
	}
	parsed, err := swalign.ParseSRSPair(strings.NewReader(string(ours)))
	if err != nil || len(parsed) != 1 {
		t.Fatalf("our srspair does not parse: %v", err)
	}
}

func TestEngineWaterAgreesWithBuiltin(t *testing.T) {
	testdata.Command(t, "water", "emboss")
	refs, gyrA := salmonellaGyrA(t)
	dir := t.TempDir()
	var b strings.Builder
	for i, pos := range []int{83, 87, 1, 878} {
		q := mutate(gyrA, pos, 'W')
		b.WriteString(">q" + string(rune('0'+i)) + " gene=gyrA\n" + string(q[i*3:]) + "\n")
	}
	qf := writeFile(t, dir, "q.faa", b.String())
	var got [2][]table.Alignment
	for i, eng := range []string{"builtin", "water"} {
		out := filepath.Join(dir, eng+".tsv")
		if code, stderr := runMain(t, "--references", refs, "--queries", qf, "--out", out, "--engine", eng); code != 0 {
			t.Fatalf("%s: exit %d: %s", eng, code, stderr)
		}
		got[i], _, _ = table.ReadAll[table.Alignment](out, table.SchemaAlignments)
	}
	for k := range got[0] {
		a, w := got[0][k], got[1][k]
		if a.Score != w.Score || a.Identity != w.Identity || a.Similarity != w.Similarity || a.Gaps != w.Gaps ||
			a.Length != w.Length || a.AlignedQuery != w.AlignedQuery || a.RefStart != w.RefStart {
			t.Errorf("row %d: builtin %v %d/%d/%d/%d, water %v %d/%d/%d/%d", k, a.Score, a.Identity, a.Similarity, a.Gaps, a.Length, w.Score, w.Identity, w.Similarity, w.Gaps, w.Length)
		}
	}
}

func TestEngineWaterMissing(t *testing.T) {
	refs, gyrA := salmonellaGyrA(t)
	dir := t.TempDir()
	qf := writeFile(t, dir, "q.faa", ">S1 gene=gyrA\n"+string(gyrA)+"\n")
	t.Setenv("PATH", dir) // no water here
	out := filepath.Join(dir, "aln.tsv")
	code, stderr := runMain(t, "--references", refs, "--queries", qf, "--out", out, "--engine", "water")
	if code != 1 || !strings.Contains(stderr, "EMBOSS water is not on PATH") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("output left behind")
	}
}
