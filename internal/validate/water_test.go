package validate

import (
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

func TestParseWater(t *testing.T) {
	// The header of `water ... -aformat srspair` (EMBOSS 6.6.0).
	out := `########################################
# Aligned_sequences: 2
# 1: query
# 2: ref
# Matrix: EBLOSUM62
# Gap_penalty: 10.0
# Extend_penalty: 0.5
#
# Length: 120
# Identity:     118/120 (98.3%)
# Similarity:   119/120 (99.2%)
# Gaps:           0/120 ( 0.0%)
# Score: 612.5
#
#
#=======================================
`
	got, err := parseWater([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if got != (waterStats{Score: 612.5, Identity: 118, Similarity: 119, Gaps: 0, Length: 120}) {
		t.Errorf("%+v", got)
	}
	if _, err := parseWater([]byte("# Score: 1\n")); err == nil {
		t.Error("incomplete header accepted")
	}
}

func TestCrossCheckWater(t *testing.T) {
	testdata.Command(t, "water", "emboss")
	c := newCorpus(t, nil)
	// All 12 rows of the corpus: the engine and water agree on every one.
	code, r, stderr := run(t, append(c.all(".tsv"), "--cross-check-water", "12", "--seed", "1")...)
	if code != 0 || len(r.Findings) != 0 || r.Summary.WaterChecked != 12 {
		t.Fatalf("exit %d, water checked %d, findings %v: %s", code, r.Summary.WaterChecked, r.Findings, stderr)
	}
	// A wrong score and similarity in row 3 (line 4) are caught.
	c.alignments[2].Score += 7
	c.alignments[2].Similarity--
	code, r, _ = run(t, append(c.all(".tsv"), "--cross-check-water", "12")...)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	assertFindings(t, r.Findings, want{check: "water.crosscheck", file: "alignments.tsv", line: 4, record: "S2|gyrA|1"})
	for _, f := range r.Findings {
		if f.Check == "water.crosscheck" && !(strings.Contains(f.Message, "score") && strings.Contains(f.Message, "similarity")) {
			t.Errorf("message %q", f.Message)
		}
	}
}

func TestCrossCheckWaterSegments(t *testing.T) {
	testdata.Command(t, "water", "emboss")
	c := newCorpus(t, nil)
	c.alignments[5].Score -= 4
	// Only the alignments table: water re-aligns the aligned segments and
	// compares the score.
	p := writeTable(c, "alignments.tsv", table.SchemaAlignments, c.alignments)
	_, r, _ := run(t, p, "--cross-check-water", "3", "--seed", "2")
	if r.Summary.WaterChecked != 3 {
		t.Errorf("water checked %d rows, want 3", r.Summary.WaterChecked)
	}
	// Seed 2 picks 3 of 12 rows; whether row 6 is among them is fixed by the
	// seed, so check every row instead to be sure it is seen.
	_, r, _ = run(t, p, "--cross-check-water", "100")
	assertFindings(t, r.Findings, want{check: "water.crosscheck", file: "alignments.tsv", line: 7})
	if r.Summary.WaterChecked != 12 {
		t.Errorf("water checked %d rows, want 12", r.Summary.WaterChecked)
	}
}

func TestCrossCheckWaterMissing(t *testing.T) {
	c := newCorpus(t, nil)
	p := writeTable(c, "alignments.tsv", table.SchemaAlignments, c.alignments)
	t.Setenv("PATH", t.TempDir())
	code, _, stderr := run(t, p, "--cross-check-water", "1")
	if code != 1 || !strings.Contains(stderr, "EMBOSS water") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
