package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/seqio"
)

// FuzzScanFASTA: the scanner never panics, every finding's line exists in
// the input, and a file written by seqio.Writer from the records the scanner
// returned is clean.
func FuzzScanFASTA(f *testing.F) {
	for _, s := range []string{
		"", ">a\nACGT\n", ">a\r\nAC\r\nGT\n", ">a\n>b\nAC\n", "AC\n>a\nAC", ">\nAC\n", ">a\nAC\n>a\nAC\n",
		">a desc x=1\nmktay*\n\n>b\nMK*TAY\n", "\r\r\n>a\rAC\n", ">a\tb\nAC GT\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "x.fa")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		fs := &Findings{}
		var recs []fastaRecord
		scanFASTA(p, recordAlphabet, fs, func(r *fastaRecord) { recs = append(recs, *r) })
		for _, x := range fs.Sorted() {
			if x.Line < 0 || int(x.Line) > lines {
				t.Fatalf("finding on line %d of a %d-line input: %s", x.Line, lines, x)
			}
		}
		// Round trip: the records that passed, written cleanly, give no findings.
		var b bytes.Buffer
		w := seqio.NewWriter(&b)
		seen := map[string]bool{}
		n := 0
		for _, r := range recs {
			if seen[r.ID] || strings.ContainsAny(r.ID, "\r\n\t >") || len(r.Seq) == 0 {
				continue
			}
			if _, _, bad := recordAlphabet(&r).Check(r.Seq); bad {
				continue
			}
			seen[r.ID] = true
			w.Write(r.ID, "", r.Seq)
			n++
		}
		w.Flush()
		if n == 0 {
			return
		}
		q := filepath.Join(dir, "y.fa")
		os.WriteFile(q, b.Bytes(), 0o644)
		fs2 := &Findings{}
		scanFASTA(q, recordAlphabet, fs2, nil)
		if got := fs2.Sorted(); len(got) > 0 {
			t.Fatalf("clean rewrite has findings: %v\n%q", got, b.String())
		}
	})
}

// recordAlphabet picks DNA or protein per record from its residues.
func recordAlphabet(rec *fastaRecord) seqio.Alphabet {
	if seqio.LooksLikeDNA(rec.Seq) {
		return seqio.DNA
	}
	return seqio.Protein
}

func TestLineOf(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.fa")
	// Record "a" starts on line 2; its sequence lines are 3 (4 nt), 5 (3 nt, after a blank line) and 6.
	os.WriteFile(p, []byte("\n>a\nACGT\n\nAC GT\nAXGT\n"), 0o644)
	fs := &Findings{}
	var rec fastaRecord
	scanFASTA(p, fixedAlphabet(seqio.DNA), fs, func(r *fastaRecord) { rec = *r })
	if rec.Line != 2 || string(rec.Seq) != "ACGTACGTAXGT" {
		t.Fatalf("record %+v", rec)
	}
	for _, tt := range []struct{ off, line, col int }{{0, 3, 1}, {3, 3, 4}, {4, 5, 1}, {7, 5, 4}, {9, 6, 2}} {
		if l, c := rec.lineOf(tt.off); l != tt.line || c != tt.col {
			t.Errorf("offset %d: line %d col %d, want %d %d", tt.off, l, c, tt.line, tt.col)
		}
	}
	got := fs.Sorted()
	if len(got) != 1 || got[0].Check != "fasta.alphabet" || got[0].Line != 6 || !strings.Contains(got[0].Message, "column 2") {
		t.Errorf("findings %v", got)
	}
}
