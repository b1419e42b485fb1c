package extract

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/testdata"
)

// TestLocalAlignMatchesWater: the search's aligner gives EMBOSS water's score
// (EBLOSUM62, gap open 10, extend 0.5) on real pairs, full and banded.
func TestLocalAlignMatchesWater(t *testing.T) {
	water := testdata.Command(t, "water", "emboss")
	sal, err := refset.Load(testdata.Shared(t, "pointfinder/salmonella"))
	if err != nil {
		t.Fatal(err)
	}
	eco, err := refset.Load(testdata.Shared(t, "pointfinder/escherichia_coli"))
	if err != nil {
		t.Fatal(err)
	}
	kpn, err := refset.Load(repoFile("testdata/references/kpneumoniae.fna"))
	if err != nil {
		t.Fatal(err)
	}
	pick := func(s *refset.Set, g string) []byte { return s.Gene(g)[0].Protein }
	pairs := []struct {
		name string
		q, r []byte
	}{
		{"gyrA E. coli vs Salmonella", pick(eco, "gyrA"), pick(sal, "gyrA")},
		{"gyrA K. pneumoniae vs parC (paralog)", pick(kpn, "gyrA"), pick(kpn, "parC")},
		{"pmrB K. pneumoniae vs E. coli", pick(kpn, "pmrB"), pick(eco, "pmrB")},
		{"with stops", append(append([]byte("MK*"), pick(kpn, "mgrB")[5:]...), '*', 'W'), pick(kpn, "mgrB")},
	}
	scoreRe := regexp.MustCompile(`# Score: ([0-9.]+)`)
	dir := t.TempDir()
	a := newAligner()
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			qf, rf := filepath.Join(dir, "q.fa"), filepath.Join(dir, "r.fa")
			os.WriteFile(qf, []byte(">q\n"+string(p.q)+"\n"), 0o644)
			os.WriteFile(rf, []byte(">r\n"+string(p.r)+"\n"), 0o644)
			out, err := exec.Command(water, "-asequence", qf, "-bsequence", rf, "-gapopen", "10", "-gapextend", "0.5",
				"-datafile", "EBLOSUM62", "-outfile", "stdout", "-auto").Output()
			if err != nil {
				t.Fatal(err)
			}
			m := scoreRe.FindSubmatch(out)
			if m == nil {
				t.Fatalf("no score in water output: %s", out)
			}
			want, _ := strconv.ParseFloat(string(m[1]), 64)
			if got := a.localAlign(p.q, p.r); got.Score != want {
				t.Errorf("score %.1f, water %.1f", got.Score, want)
			}
			// A band of ±60 diagonals holds the best alignment of the orthologs
			// (same score); the gyrA/parC paralogs differ by 125 residues in
			// length, so there the band can only score lower.
			banded := a.localAlignBand(p.q, p.r, -60, 60).Score
			if diff := len(p.q) - len(p.r); diff > -30 && diff < 30 && banded != want {
				t.Errorf("banded score %.1f, water %.1f", banded, want)
			}
			if banded > want {
				t.Errorf("banded score %.1f above the full score %.1f", banded, want)
			}
		})
	}
}
