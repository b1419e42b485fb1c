package validate

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/table"
)

// TestSampleFromTwoTables (issue 13 item 2): one sample id with rows of one
// gene in two tables of a kind (two genomes run as one id, or a table given
// twice) is refused, also without the proteins tables.
func TestSampleFromTwoTables(t *testing.T) {
	c := newCorpus(t, nil)
	m1 := writeTable(c, "m1.tsv", table.SchemaMutations, c.mutations, c.refs)
	m2 := writeTable(c, "m2.tsv", table.SchemaMutations, c.mutations[:1], c.refs)
	code, r, stderr := run(t, "--references", c.refs, m1, m2)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	assertFindings(t, r.Findings, want{check: "samples.twice", file: "m2.tsv", record: c.mutations[0].SampleID})
	// The same table given twice (spelled two ways, so the command line has two inputs).
	t.Chdir(c.dir)
	code, r, stderr = run(t, "--references", c.refs, "m1.tsv", "./m1.tsv")
	if code != 1 {
		t.Fatalf("table given twice: exit %d, want 1: %s", code, stderr)
	}
	assertFindings(t, r.Findings, want{check: "samples.twice", file: "m1.tsv"})
	// Tables split by gene are fine.
	var gyr, par []table.Mutation
	for _, m := range c.mutations {
		if m.Gene == "gyrA" {
			gyr = append(gyr, m)
		} else {
			par = append(par, m)
		}
	}
	code, _, stderr = run(t, "--references", c.refs, writeTable(c, "g.tsv", table.SchemaMutations, gyr, c.refs), writeTable(c, "p.tsv", table.SchemaMutations, par, c.refs))
	if code != 0 {
		t.Errorf("tables split by gene: exit %d: %s", code, stderr)
	}
}

// TestSampleSheetOneReader (issue 13 item 8, issue 12): what the workflow,
// extract and validate accept is the same; hits/hits_format are columns of
// the sheet; a leading comment and a BOM are fine; a row with an extra field
// is refused; line numbers count every line.
func TestSampleSheetOneReader(t *testing.T) {
	c := newCorpus(t, nil)
	t.Chdir(c.dir)
	c.write("a.fna", assembly(1))
	c.write("hits.tsv", "x\n")
	for _, tt := range []struct {
		name, sheet string
		wants       []want
	}{
		{"hits columns", "sample_id\tassembly\thits\thits_format\nS1\ta.fna\thits.tsv\tabricate\n", nil},
		{"comment and BOM", "\ufeff# made by hand\nsample_id\tassembly\n# a comment\nS1\ta.fna\n", nil},
		{"extra field", "# made by hand\nsample_id\tassembly\nS1\ta.fna\n\nS2\ta.fna\textra\n", []want{{check: "samples.fields", file: "s.tsv", line: 5, record: "S2"}}},
		{"missing assembly has its line", "sample_id\tassembly\n# c\nS1\tnope.fna\n", []want{{check: "samples.path", file: "s.tsv", line: 3, record: "S1"}}},
		{"bad hits format", "sample_id\tassembly\thits\thits_format\nS1\ta.fna\thits.tsv\tblast\n", []want{{check: "samples.hits", file: "s.tsv", line: 2}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sheet := c.write("s.tsv", tt.sheet)
			code, r, stderr := run(t, "--samples", sheet)
			if wantCode := min(1, len(tt.wants)); code != wantCode {
				t.Fatalf("exit %d, want %d: %s", code, wantCode, stderr)
			}
			assertFindings(t, r.Findings, tt.wants...)
		})
	}
}

// TestSampleWithoutGenes (issue 13 item 3, QC side): a sample of the sheet
// with no rows in the tables is named.
func TestSampleWithoutGenes(t *testing.T) {
	c := newCorpus(t, nil)
	args := c.all(".tsv")
	sheet := c.write("samples.tsv", "sample_id\tassembly\nS1\tS1.fna\nS2\tS2.fna\nS3\tS1.fna\nS4\tS1.fna\nS5\tS1.fna\nS6\tS1.fna\nS7\tS1.fna\n")
	code, r, stderr := run(t, append(args, "--samples", sheet)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	assertFindings(t, r.Findings, want{check: "samples.no_genes", file: "samples.tsv", record: "S7", severity: Warning})
}

// TestTerminalEscapes (issue 13 item 12): FASTA ids holding terminal escape
// codes are printed quoted, never raw.
func TestTerminalEscapes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.faa")
	if err := os.WriteFile(p, []byte(">ok\x1b[2J\x1b[31m\nMKV1LL\n>ok\x1b[2J\x1b[31m\nMKVLL\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{p, "--report", filepath.Join(dir, "qc.json"), "--log-format", "console"}, nil, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if out := stdout.String() + stderr.String(); strings.ContainsRune(out, 0x1b) {
		t.Errorf("raw escape code printed:\n%q", out)
	} else if !strings.Contains(out, `\x1b[2J`) {
		t.Errorf("the id is not shown quoted:\n%s", out)
	}
}

// TestUsageRules (issue 13 items 1 and 10): an output onto an input, a
// missing input named on the command line, and a NaN flag are usage errors
// (exit 2), and the input is untouched.
func TestUsageRules(t *testing.T) {
	c := newCorpus(t, nil)
	cat := c.write("cat.tsv", "gene\treference\tposition\trequires\tsource\n")
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"table onto the catalogue", []string{"--catalog", cat, "--references", c.refs, "--table", cat}},
		{"report onto the references", []string{"--references", c.refs, "--table", filepath.Join(c.dir, ".", "refs.faa")}},
		{"missing file", []string{filepath.Join(c.dir, "nope.fna")}},
		{"missing references", []string{"--references", filepath.Join(c.dir, "nope.faa")}},
		{"NaN", []string{"--references", c.refs, "--outlier-mads", "NaN"}},
		{"Inf", []string{"--references", c.refs, "--outlier-mads", "+Inf"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2: %s", code, stderr)
			}
			if b, _ := os.ReadFile(cat); !strings.HasPrefix(string(b), "gene\t") {
				t.Fatal("the catalogue was overwritten")
			}
		})
	}
}
