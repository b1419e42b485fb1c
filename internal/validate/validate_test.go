package validate

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

func TestCleanCorpus(t *testing.T) {
	for _, ext := range []string{".parquet", ".tsv", ".tsv.gz"} {
		t.Run(ext, func(t *testing.T) {
			c := newCorpus(t, nil)
			code, r, stderr := run(t, c.all(ext)...)
			if code != 0 || len(r.Findings) != 0 {
				t.Fatalf("exit %d, %d findings:\n%s", code, len(r.Findings), stderr)
			}
			if !r.Summary.Passed || len(r.Summary.Files) != 7 {
				t.Errorf("summary %+v", r.Summary)
			}
			if !strings.Contains(stderr, "PASSED") {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
}

// want is one finding a broken input must produce.
type want struct {
	check    string
	file     string // base name of the file
	line     int    // 0: not checked
	row      int    // 0: not checked
	record   string // substring of the record; "" not checked
	severity string // "" means error
}

func findingMatches(f Finding, w want) bool {
	sev := w.severity
	if sev == "" {
		sev = Error
	}
	return f.Check == w.check && filepath.Base(f.File) == w.file && f.Severity == sev &&
		(w.line == 0 || int(f.Line) == w.line) && (w.row == 0 || int(f.Row) == w.row) &&
		strings.Contains(f.Record, w.record)
}

func assertFindings(t *testing.T, fs []Finding, wants ...want) {
	t.Helper()
	for _, w := range wants {
		ok := false
		for _, f := range fs {
			if findingMatches(f, w) {
				ok = true
				break
			}
		}
		if !ok {
			var b strings.Builder
			for _, f := range fs {
				b.WriteString("\n  " + f.String())
			}
			t.Errorf("missing finding %+v; got:%s", w, b.String())
		}
	}
}

// dna60 is a 60-nt DNA line.
const dna60 = "ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGT"

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBrokenInputs feeds one broken file per check and asserts the finding,
// its line and record.
func TestBrokenInputs(t *testing.T) {
	prot := strings.Repeat("MKTAYIAKQR", 5) // a 50-aa protein
	tests := []struct {
		name  string
		file  string
		body  string
		flags []string // extra flags; "FILE" is replaced by the file's path
		wants []want
	}{
		{"alphabet", "a.fna", ">c1\n" + dna60 + "\n" + dna60[:10] + "XX" + dna60[:20] + "\n>c2\n" + dna60 + "\n", nil,
			[]want{{check: "fasta.alphabet", file: "a.fna", line: 3, record: "c1"}}},
		{"empty record", "a.fna", ">c1\n>c2\n" + dna60 + "\n", nil,
			[]want{{check: "fasta.empty_record", file: "a.fna", line: 1, record: "c1"}}},
		{"duplicate id", "a.fna", ">c1\n" + dna60 + "\n\n>c1 again\n" + dna60 + "\n", nil,
			[]want{{check: "fasta.duplicate_id", file: "a.fna", line: 4, record: "c1"}}},
		{"empty id", "a.fna", ">c1\n" + dna60 + "\n>\n" + dna60 + "\n", nil,
			[]want{{check: "fasta.header", file: "a.fna", line: 3}}},
		{"text before header", "a.fna", "ACGT\n>c1\n" + dna60 + "\n", nil,
			[]want{{check: "fasta.format", file: "a.fna", line: 1}}},
		{"CRLF", "a.fna", ">c1\r\n" + dna60 + "\r\n", nil,
			[]want{{check: "fasta.line_endings", file: "a.fna", severity: Warning}}},
		{"mixed line endings", "a.fna", ">c1\r\n" + dna60 + "\n", nil,
			[]want{{check: "fasta.line_endings", file: "a.fna", severity: Warning}}},
		{"empty file", "a.fna", "", nil,
			[]want{{check: "input.empty", file: "a.fna"}}},
		{"internal stop", "p.faa", ">p1\n" + prot + "\n>p2\n" + prot[:20] + "*" + prot[:20] + "*\n", nil,
			[]want{{check: "fasta.internal_stop", file: "p.faa", line: 4, record: "p2", severity: Warning}}},
		{"protein alphabet", "p.faa", ">p1\n" + prot + "\n" + prot[:5] + "1" + prot + "\n", nil,
			[]want{{check: "fasta.alphabet", file: "p.faa", line: 3, record: "p1"}}},
		{"unknown kind", "x.tsv", "a\tb\n1\t2\n", nil,
			[]want{{check: "input.kind", file: "x.tsv"}}},
		{"sample sheet columns", "s.tsv", "sample_id\tassembly\n", []string{"--samples", "FILE"},
			[]want{{check: "samples.empty", file: "s.tsv"}}},
		{"sample sheet missing column", "s.tsv", "sample_id\tannotation\nS1\tx\n", []string{"--samples", "FILE"},
			[]want{{check: "samples.columns", file: "s.tsv", line: 1}}},
		{"reference problems", "refs.faa",
			">gyrA_1 gene=gyrA\n" + prot + "\n>gyrA_2 gene=gyrA\n" + prot + "\n>short gene=x\nMKT\n>stop gene=y\n" + prot[:25] + "*" + "\n" + prot + "\n>cds gene=z\n" + dna60 + "AC\n",
			[]string{"--references", "FILE"},
			[]want{
				{check: "ref.duplicate_gene", file: "refs.faa", line: 3, record: "gyrA_2"},
				{check: "ref.length", file: "refs.faa", line: 5, record: "short", severity: Warning},
				{check: "ref.internal_stop", file: "refs.faa", line: 8, record: "stop"},
				{check: "ref.cds_length", file: "refs.faa", line: 10, record: "cds"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			path := tt.file
			if tt.file != "" {
				if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var args []string
			replaced := false
			for _, f := range tt.flags {
				if f == "FILE" {
					f, replaced = path, true
				}
				args = append(args, f)
			}
			if !replaced && path != "" {
				args = append(args, path)
			}
			code, r, stderr := run(t, args...)
			wantCode := 0
			for _, w := range tt.wants {
				if w.severity == "" {
					wantCode = 1
				}
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d: %s", code, wantCode, stderr)
			}
			assertFindings(t, r.Findings, tt.wants...)
		})
	}
}

func TestSampleSheet(t *testing.T) {
	t.Chdir(t.TempDir())
	os.Mkdir("cfg", 0o755)
	os.WriteFile("a.fna", []byte(">c\n"+dna60+"\n"), 0o644)
	os.WriteFile("cfg/b.fna", []byte(">c\n"+dna60+"\n"), 0o644)
	os.WriteFile("cfg/samples.tsv", []byte("sample_id\tassembly\tnotes\nS1\ta.fna\tx\nS 2\ta.fna\tx\nS1\ta.fna\tx\nS4\tmissing.fna\tx\nS5\tb.fna\tx\n"), 0o644)
	code, r, _ := run(t, "--samples", "cfg/samples.tsv")
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	assertFindings(t, r.Findings,
		want{check: "samples.columns", file: "samples.tsv", line: 1},
		want{check: "samples.id", file: "samples.tsv", line: 3, record: "S 2"},
		want{check: "samples.duplicate", file: "samples.tsv", line: 4, record: "S1"},
		want{check: "samples.path", file: "samples.tsv", line: 5, record: "S4"},
		want{check: "samples.path", file: "samples.tsv", line: 6, record: "S5", severity: Warning},
	)
	// 5 findings: the paths of rows 2 to 4 exist in the working directory.
	if len(r.Findings) != 5 {
		t.Errorf("%d findings: %v", len(r.Findings), r.Findings)
	}
}

func TestTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	body := assembly(200) // about 66 kB before compression
	z := gz(t, body)
	p := filepath.Join(dir, "a.fna.gz")
	// Cut the gzip stream in half: its CRC and length trailer are gone too.
	if err := os.WriteFile(p, z[:len(z)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	code, r, _ := run(t, p)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	assertFindings(t, r.Findings, want{check: "input.compression", file: "a.fna.gz"})
	// An intact gzip file of the same data is clean.
	if err := os.WriteFile(p, z, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, r, stderr := run(t, p); code != 0 || len(r.Findings) != 0 {
		t.Errorf("intact gzip: exit %d: %s", code, stderr)
	}
}

// TestRealCatalogueFaults checks the faults the shared data README lists for
// the real Salmonella PointFinder catalogue.
func TestRealCatalogueFaults(t *testing.T) {
	dir := testdata.Shared(t, "pointfinder/salmonella")
	code, r, stderr := run(t, "--catalog", dir, "--catalog-strict")
	if code != 1 {
		t.Errorf("exit %d: %s", code, stderr)
	}
	const cat = "resistens-overview.txt"
	assertFindings(t, r.Findings,
		// Line numbers are those of the rows in ../shared/data/pointfinder/salmonella/resistens-overview.txt.
		want{check: "catalog.gene_name", file: cat, line: 4, record: "pmrB:81"},
		want{check: "catalog.residue", file: cat, line: 4, record: "pmrB:81"},
		want{check: "catalog.ref_codon", file: cat, line: 4, record: "pmrB:81"},
		want{check: "catalog.codon", file: cat, line: 41, record: "gyrB:447"},
		want{check: "catalog.residue", file: cat, line: 41, record: "gyrB:447"},
		want{check: "catalog.skipped", file: cat, line: 56, severity: Warning}, // acrB 717: a synonymous codon
		// the two 16S rows are nucleotide entries, but the slice lacks the
		// 16S-rrsD reference the distributed folder has
		want{check: "catalog.reference", file: cat, line: 57, record: "16S:1065"},
		want{check: "catalog.reference", file: cat, line: 58, record: "16S:1192"},
	)
	// Exactly those seven faults, as errors; the repeated parE 462 row and
	// the synonymous codon are notes.
	if r.Summary.Errors != 7 || r.Summary.Warnings != 2 {
		t.Errorf("%d errors, %d warnings; want 7 and 2: %s", r.Summary.Errors, r.Summary.Warnings, stderr)
	}
	// The same folder given as a FILE is checked the same way.
	_, r2, _ := run(t, dir, "--catalog-strict")
	if r2.Summary.Errors != 7 {
		t.Errorf("folder as FILE: %d errors", r2.Summary.Errors)
	}
	// By default the same faults are warnings (subscan keeps those rows); the run passes.
	code, r4, _ := run(t, "--catalog", dir)
	if code != 0 || r4.Summary.Errors != 0 || r4.Summary.Warnings != 9 {
		t.Errorf("default: exit %d, %d errors, %d warnings", code, r4.Summary.Errors, r4.Summary.Warnings)
	}
	_, r3, _ := run(t, filepath.Join(dir, cat))
	assertFindings(t, r3.Findings, want{check: "catalog.unchecked", file: cat, severity: Warning})
}

func TestSyntheticCatalogue(t *testing.T) {
	c := newCorpus(t, nil)
	gyrA := c.refSeq["gyrA"]
	const header = "#Gene_ID\tGene_name\tCodon_pos\tRef_nuc\tRef_codon\tRes_codon\tResistance\tPMID\tMechanism\tNotes\tRequired_mut\n"
	wrong := string(flip(gyrA[4]))
	cat := c.write("cat.tsv", header+
		"gyrA\tgyrA\t2\tNNN\t"+gyrA[1:2]+"\tL\tx\t1\tm\t\t\n"+ // NNN matches any codon: no fault
		"gyrA\tgyrA\t999\tTCG\tS\tL\tx\t1\tm\t\t\n"+
		"gyrA\tgyrA\t5\tNNN\t"+wrong+"\tL\tx\t1\tm\t\t\n")
	bad := c.write("bad.tsv", header+"gyrA\tgyrA\t5\tTCG\tS\tLL\tx\t1\tm\t\t\n")
	_, r, stderr := run(t, "--references", c.refs, "--catalog", cat, "--catalog-strict")
	assertFindings(t, r.Findings,
		want{check: "catalog.position", file: "cat.tsv", line: 3, record: "gyrA:999"},
		want{check: "catalog.residue", file: "cat.tsv", line: 4, record: "gyrA:5"},
	)
	if r.Summary.Errors != 2 {
		t.Errorf("%d errors, want 2: %s", r.Summary.Errors, stderr)
	}
	_, r, _ = run(t, "--references", c.refs, "--catalog", bad)
	assertFindings(t, r.Findings, want{check: "catalog.parse", file: "bad.tsv", line: 2})
	// With a broken reference set the entries are still checked, by the
	// same loader, against its usable records (here the first gyrA); the
	// entry faults are warnings as always without --catalog-strict.
	refs := c.write("broken.faa", ">gyrA_1 gene=gyrA\n"+gyrA+"\n>gyrA_2 gene=gyrA\n"+gyrA+"\n")
	_, r, _ = run(t, "--references", refs, "--catalog", cat)
	assertFindings(t, r.Findings,
		want{check: "ref.duplicate_gene", file: "broken.faa", line: 3},
		want{check: "catalog.position", file: "cat.tsv", line: 3, severity: Warning},
		want{check: "catalog.residue", file: "cat.tsv", line: 4, severity: Warning},
	)
}

// TestBrokenTables breaks one thing in the valid corpus's tables per case.
func TestBrokenTables(t *testing.T) {
	tests := []struct {
		name  string
		ext   string
		edit  func(c *corpus)
		wants []want
	}{
		{"empty gene", ".tsv", func(c *corpus) { c.proteins[1].Gene = "" },
			[]want{{check: "table.null", file: "proteins.tsv", line: 3, row: 2}}},
		{"protein coords", ".tsv", func(c *corpus) { c.proteins[2].Start, c.proteins[2].End = 500, 400 },
			[]want{{check: "protein.coords", file: "proteins.tsv", line: 4, record: "S2/gyrA/1"}}},
		{"protein length", ".parquet", func(c *corpus) { c.proteins[0].LengthAA = 7 },
			[]want{{check: "protein.length", file: "proteins.parquet", row: 1}}},
		{"protein seq_hash", ".parquet", func(c *corpus) { c.proteins[1].SeqHash = sha256Hex("MKV") },
			[]want{{check: "protein.seq_hash", file: "proteins.parquet", row: 2}}},
		{"protein not the CDS translation", ".tsv", func(c *corpus) { c.proteins[0].CDS = "ATGAAAGTGTAA" },
			[]want{{check: "protein.translation", file: "proteins.tsv", row: 1}}},
		{"duplicate protein", ".tsv", func(c *corpus) { c.proteins = append(c.proteins, c.proteins[0]) },
			[]want{{check: "protein.duplicate", file: "proteins.tsv", line: 14, record: "S1/gyrA/1"}}},
		{"identity miscounted", ".tsv", func(c *corpus) { c.alignments[3].Identity++ },
			[]want{{check: "alignment.counts", file: "alignments.tsv", line: 5, record: "S2|parC|1"}}},
		{"score wrong", ".parquet", func(c *corpus) { c.alignments[0].Score += 3 },
			[]want{{check: "alignment.score", file: "alignments.parquet", row: 1}}},
		{"ref_end beyond length", ".tsv", func(c *corpus) { c.alignments[0].RefEnd = c.alignments[0].RefLength + 1 },
			[]want{{check: "alignment.coords", file: "alignments.tsv", line: 2}}},
		{"span", ".tsv", func(c *corpus) { c.alignments[0].QueryStart = 2; c.alignments[0].QueryCoverage = 99.2 },
			[]want{{check: "alignment.span", file: "alignments.tsv", line: 2}}},
		{"cigar", ".tsv", func(c *corpus) { c.alignments[1].Cigar = "10M" },
			[]want{{check: "alignment.cigar", file: "alignments.tsv", line: 3}}},
		{"pct", ".tsv", func(c *corpus) { c.alignments[1].PctIdentity = 50 },
			[]want{{check: "alignment.pct", file: "alignments.tsv", line: 3}}},
		{"aligned_ref not the reference", ".tsv", func(c *corpus) {
			a := &c.alignments[0]
			b := []byte(a.AlignedRef)
			b[5] = flip(b[5])
			a.AlignedRef = string(b)
		}, []want{{check: "alignment.ref_residues", file: "alignments.tsv", line: 2}}},
		{"aligned_query not the protein", ".tsv", func(c *corpus) {
			p := []byte(c.proteins[0].Protein)
			p[10] = flip(p[10])
			c.proteins[0].Protein = string(p)
		}, []want{{check: "alignment.query_residues", file: "alignments.tsv", line: 2}}},
		{"protein not aligned", ".tsv", func(c *corpus) { c.alignments = c.alignments[1:] },
			[]want{{check: "alignment.missing", file: "proteins.tsv", line: 2, record: "S1/gyrA/1"}}},
		{"aligned twice", ".tsv", func(c *corpus) { c.alignments = append(c.alignments, c.alignments[4]) },
			[]want{{check: "alignment.duplicate", file: "alignments.tsv", line: 14}}},
		{"orphan alignment", ".tsv", func(c *corpus) {
			a := c.alignments[0]
			a.SampleID, a.QueryID = "S9", "S9|gyrA|1"
			c.alignments = append(c.alignments, a)
		}, []want{{check: "alignment.orphan", file: "alignments.tsv", line: 14, record: "S9"},
			{check: "samples.unknown", file: "alignments.tsv", line: 14, severity: Warning}}},
		{"mutation ref", ".tsv", func(c *corpus) { c.mutations[0].Ref = string(flip(c.mutations[0].Ref[0])) },
			[]want{{check: "mutation.ref", file: "mutations.tsv", line: 2, record: "S2/gyrA/1"}}},
		{"mutation type", ".parquet", func(c *corpus) { c.mutations[1].Type = "missense" },
			[]want{{check: "mutation.type", file: "mutations.parquet", row: 2}}},
		{"mutation name", ".tsv", func(c *corpus) { c.mutations[1].Short = "X1Y" },
			[]want{{check: "mutation.name", file: "mutations.tsv", line: 3}}},
		{"site status", ".tsv", func(c *corpus) { c.sites[0].Status = "MUT" },
			[]want{{check: "site.status", file: "sites.tsv", line: 2}}},
		{"site ref", ".tsv", func(c *corpus) { c.sites[1].Ref = string(flip(c.sites[1].Ref[0])); c.sites[1].Status = "MUT" },
			[]want{{check: "site.ref", file: "sites.tsv", line: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCorpus(t, nil)
			tt.edit(c)
			code, r, stderr := run(t, c.all(tt.ext)...)
			if code != 1 {
				t.Errorf("exit %d: %s", code, stderr)
			}
			assertFindings(t, r.Findings, tt.wants...)
		})
	}
}

// flip returns another amino acid than c.
func flip(c byte) byte {
	if c == 'W' {
		return 'Y'
	}
	return 'W'
}

func TestTSVStructure(t *testing.T) {
	c := newCorpus(t, nil)
	p := writeTable(c, "proteins.tsv", table.SchemaProteins, c.proteins)
	b, _ := os.ReadFile(p)
	lines := strings.Split(string(b), "\n")
	lines[3] += "\textra"                                           // line 4: one field too many
	lines[5] = strings.Replace(lines[5], "\t11\t", "\televen\t", 1) // line 6: translation_table not a number
	os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)
	noHash := c.write("p2.tsv", strings.Replace(string(b), "\tseq_hash", "\tnot_hash", 1))
	_, r, _ := run(t, p, noHash)
	assertFindings(t, r.Findings,
		want{check: "tsv.fields", file: "proteins.tsv", line: 4},
		want{check: "table.value", file: "proteins.tsv", line: 6},
		want{check: "table.columns", file: "p2.tsv", line: 1},
	)
}

func TestSchemaVersion(t *testing.T) {
	c := newCorpus(t, nil)
	p := writeTable(c, "proteins.parquet", "proteins/9", c.proteins)
	_, r, _ := run(t, p)
	assertFindings(t, r.Findings, want{check: "table.schema", file: "proteins.parquet"})
}

func TestLineage(t *testing.T) {
	c := newCorpus(t, nil)
	in := c.write("input.faa", ">x\nMKT\n")
	p := writeTable(c, "proteins.parquet", table.SchemaProteins, c.proteins, in, c.refs)
	if code, r, _ := run(t, p); code != 0 || len(r.Findings) != 0 {
		t.Fatalf("unchanged inputs: exit %d, %v", code, r.Findings)
	}
	os.WriteFile(in, []byte(">x\nMKTT\n"), 0o644)
	code, r, _ := run(t, p)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	assertFindings(t, r.Findings, want{check: "lineage.sha256", file: "proteins.parquet", record: "input.faa"})
}

func TestCohortOutliers(t *testing.T) {
	subs := map[string]map[string][]int{}
	for k, v := range corpusSubs {
		subs[k] = v
	}
	// S4's GyrA differs at 30 of 120 positions: identity 75 % where the
	// others are ≥ 98 %, and 30 mutations where the others have 0 to 2.
	var many []int
	for p := 2; p <= 120; p += 4 {
		many = append(many, p)
	}
	subs["S4"] = map[string][]int{"gyrA": many}
	c := newCorpus(t, subs)
	code, r, stderr := run(t, c.all(".tsv")...)
	if code != 0 {
		t.Errorf("warnings only, exit %d: %s", code, stderr)
	}
	assertFindings(t, r.Findings,
		want{check: "cohort.outlier", file: "alignments.tsv", line: 8, record: "S4/gyrA/1", severity: Warning},
		want{check: "cohort.outlier", file: "mutations.tsv", record: "S4/gyrA/1", severity: Warning},
	)
	for _, f := range r.Findings {
		if !strings.Contains(f.Record, "S4") {
			t.Errorf("unexpected finding %s", f)
		}
	}
	if code, _, _ := run(t, append(c.all(".tsv"), "--strict")...); code != 1 {
		t.Errorf("--strict with warnings: exit %d", code)
	}
	// A looser threshold hides them.
	if _, r, _ := run(t, append(c.all(".tsv"), "--outlier-mads", "100")...); len(r.Findings) != 0 {
		t.Errorf("--outlier-mads 100: %v", r.Findings)
	}
}

func TestTableOutput(t *testing.T) {
	c := newCorpus(t, nil)
	c.mutations[0].Type = "oops"
	args := c.all(".tsv")
	for _, ext := range []string{".tsv", ".parquet"} {
		out := filepath.Join(t.TempDir(), "qc"+ext)
		_, r, _ := run(t, append(args, "--table", out)...)
		rows, _, err := table.ReadAll[Finding](out, SchemaQC)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(r.Findings) || len(rows) == 0 || rows[0] != r.Findings[0] {
			t.Errorf("%s: table %v, report %v", ext, rows, r.Findings)
		}
	}
	// The same run twice gives the same report, byte for byte.
	a, b := filepath.Join(t.TempDir(), "a.json"), filepath.Join(t.TempDir(), "b.json")
	var sink bytes.Buffer
	Main(t.Context(), append(args, "--report", a, "--log-level", "error"), nil, &sink, &sink)
	Main(t.Context(), append(args, "--report", b, "-j", "1", "--log-level", "error"), nil, &sink, &sink)
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) || len(ab) == 0 {
		t.Error("reports differ between runs")
	}
}

func TestUsage(t *testing.T) {
	if code, _, _ := run(t); code != 2 {
		t.Errorf("no inputs: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "x.fna", "--outlier-mads", "0"); code != 2 {
		t.Errorf("--outlier-mads 0: exit %d, want 2", code)
	}
}

func TestCapPerCheck(t *testing.T) {
	var b strings.Builder
	for i := 0; i < maxPerCheck+20; i++ {
		b.WriteString(">dup\n" + dna60 + "\n")
	}
	p := filepath.Join(t.TempDir(), "a.fna")
	os.WriteFile(p, []byte(b.String()), 0o644)
	_, r, _ := run(t, p)
	// maxPerCheck+19 duplicates: maxPerCheck listed and one "more" finding.
	if n := r.Summary.ByCheck["fasta.duplicate_id"]; n != maxPerCheck+1 {
		t.Errorf("%d duplicate_id findings, want %d", n, maxPerCheck+1)
	}
	last := r.Findings[len(r.Findings)-1]
	if !strings.Contains(last.Message, "19 more") {
		t.Errorf("last finding %s", last)
	}
}

// TestCatalogFormatFlag: the flag offers exactly the formats the loader
// reads (catalog.Formats, the one list).
func TestCatalogFormatFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"--help"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	if want := "(" + strings.Join(catalog.Formats, ",") + ")"; !strings.Contains(strings.Join(strings.Fields(stdout.String()), ""), want) {
		t.Errorf("--help does not offer %s:\n%s", want, stdout.String())
	}
}
