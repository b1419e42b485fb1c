package extract

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// peerContig returns the one record of a peer FASTA file.
func peerContig(t *testing.T, rel string) seqio.Record {
	t.Helper()
	recs, err := seqio.ReadAll(testdata.Shared(t, "peers/"+rel), seqio.Options{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("%s: %v (%d records)", rel, err, len(recs))
	}
	return recs[0]
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadInput: one clear error naming the file and the line or record, exit
// 1, and no output left behind.
func TestBadInput(t *testing.T) {
	refs := testdata.Shared(t, "pointfinder/salmonella")
	rec := peerContig(t, "staramr/gyrA-A67P.fsa")
	dir := t.TempDir()
	fasta := ">c1 gyrA\n" + string(rec.Seq) + "\n"
	good := write(t, dir, "good.fna", fasta)

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte(fasta), 20))
	zw.Close()
	truncated := write(t, dir, "trunc.fna.gz", string(gz.Bytes()[:gz.Len()/2]))

	tests := []struct {
		name string
		args []string
		want []string // all must appear in the message
	}{
		{"truncated gz", []string{"-a", truncated}, []string{"trunc.fna.gz", "truncated"}},
		{"empty assembly", []string{"-a", write(t, dir, "empty.fna", "")}, []string{"empty.fna", "no FASTA records"}},
		{"non-DNA", []string{"-a", write(t, dir, "bad.fna", ">c1\nACGTQQACGT\n")}, []string{"bad.fna", "record 1", `"c1"`, "'Q'"}},
		{"GFF past contig end", []string{"-a", good, "--annotation", write(t, dir, "past.gff3",
			"##gff-version 3\nc1\tx\tCDS\t1\t2637\t.\t+\t0\tID=a\nc1\tx\tCDS\t2000\t9999\t.\t+\t0\tID=b\n")},
			[]string{"past.gff3 line 3", "past the end", "2637"}},
		{"GFF unknown contig", []string{"-a", good, "--annotation", write(t, dir, "contig.gff3",
			"##gff-version 3\nnope\tx\tCDS\t1\t30\t.\t+\t0\tID=a\n")}, []string{"contig.gff3 line 2", `"nope"`, "not in the assembly"}},
		{"GFF bad columns", []string{"-a", good, "--annotation", write(t, dir, "cols.gff3", "c1\tx\tCDS\t1\n")}, []string{"cols.gff3 line 1", "9"}},
		{"hits unknown contig", []string{"-a", good, "--hits-format", "abricate", "--hits", write(t, dir, "ab.tsv",
			"#FILE\tSEQUENCE\tSTART\tEND\tSTRAND\tGENE\nx\tc9\t1\t100\t+\tgyrA\n")}, []string{"ab.tsv line 2", `"c9"`}},
		{"GenBank truncated", []string{"-a", good, "--annotation", write(t, dir, "t.gbk", "LOCUS       c1  2637 bp\nFEATURES             Location/Qualifiers\n")}, []string{"t.gbk", "truncated"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "p.parquet")
			faa := filepath.Join(filepath.Dir(out), "p.faa")
			code, stderr := run(t, append(tt.args, "-s", "S1", "-r", refs, "-o", out, "--faa", faa)...)
			if code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("message lacks %q: %s", w, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace: %s", stderr)
			}
			left, _ := os.ReadDir(filepath.Dir(out))
			if len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	refs := testdata.Shared(t, "pointfinder/salmonella")
	asm := testdata.Shared(t, "peers/staramr/gyrA-A67P.fsa")
	for _, args := range [][]string{
		{"-a", asm, "-s", "bad id", "-r", refs, "-o", "x.tsv"},
		{"-a", asm, "-s", "S/1", "-r", refs, "-o", "x.tsv"},
		{"-a", asm, "-r", refs, "-o", "x.tsv"},
		{"-a", asm, "-s", "S1", "-r", refs, "-o", "x.tsv", "--hits", asm},
	} {
		if code, stderr := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
	dir := t.TempDir()
	sheet := write(t, dir, "s.tsv", "sample_id\tassembly\nok\t"+asm+"\nno way\t"+asm+"\n")
	code, stderr := run(t, "--samples", sheet, "-r", refs, "-o", filepath.Join(dir, "o.tsv"))
	if code != 1 || !strings.Contains(stderr, "s.tsv line 3") {
		t.Errorf("bad sample id in sheet: exit %d: %s", code, stderr)
	}
}

// TestAnnotationForms: GFF3 with a ##FASTA section and no --assembly, GenBank,
// and the three hit tables all give the same gene as the search.
func TestAnnotationForms(t *testing.T) {
	refs := testdata.Shared(t, "pointfinder/salmonella")
	rec := peerContig(t, "staramr/gyrA-A67P-rc.fsa")
	dir := t.TempDir()
	asm := write(t, dir, "c.fna", ">c1\n"+string(rec.Seq)+"\n")
	n := len(rec.Seq)
	// The gene is on the minus strand over the whole contig (peers/expected.tsv).
	gff := fmt.Sprintf("##gff-version 3\nc1\tProkka\tgene\t1\t%d\t.\t-\t.\tID=g1\nc1\tProkka\tCDS\t1\t%d\t.\t-\t0\tID=c1_1;Name=gyrA_1;product=DNA gyrase subunit A\n##FASTA\n>c1\n%s\n", n, n, rec.Seq)
	var gb strings.Builder
	fmt.Fprintf(&gb, "LOCUS       c1  %d bp    DNA     linear   BCT 01-JAN-2000\nVERSION     c1.1\nFEATURES             Location/Qualifiers\n", n)
	fmt.Fprintf(&gb, "     source          1..%d\n     CDS             complement(1..\n                     %d)\n                     /gene=\"gyrA\"\n                     /product=\"DNA gyrase\n                     subunit A\"\nORIGIN\n", n, n)
	for i := 0; i < n; i += 60 {
		fmt.Fprintf(&gb, "%9d %s\n", i+1, strings.ToLower(string(rec.Seq[i:min(n, i+60)])))
	}
	gb.WriteString("//\n")
	forms := []struct {
		name, method string
		args         []string
	}{
		{"search", "search", []string{"-a", asm}},
		{"gff3 with FASTA", "gff", []string{"--annotation", write(t, dir, "a.gff3", gff)}},
		{"genbank", "genbank", []string{"-a", asm, "--annotation", write(t, dir, "a.gbk", gb.String())}},
		{"abricate", "abricate", []string{"-a", asm, "--hits-format", "abricate", "--hits", write(t, dir, "ab.tsv",
			"#FILE\tSEQUENCE\tSTART\tEND\tSTRAND\tGENE\tCOVERAGE\nc.fna\tc1\t100\t2400\t-\tgyrA\t1-2300/2637\n")}},
		{"rgi", "rgi", []string{"-a", asm, "--hits-format", "rgi", "--hits", write(t, dir, "rgi.txt",
			"ORF_ID\tContig\tStart\tStop\tOrientation\tCut_Off\tBest_Hit_ARO\nc1_1 # 1 # 2637\tc1_1\t1\t2637\t-\tStrict\tgyrA\n")}},
		{"amrfinder", "amrfinder", []string{"-a", asm, "--hits-format", "amrfinder", "--hits", write(t, dir, "amr.tsv",
			"Protein identifier\tContig id\tStart\tStop\tStrand\tGene symbol\n-\tc1\t1\t2637\t-\tgyrA_A67P\n")}},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "p.tsv")
			code, stderr := run(t, append(f.args, "-s", "S1", "-r", refs, "-o", out)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			rows := readRows(t, out)
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1 (gyrA): %+v", len(rows), rows)
			}
			r := rows[0]
			if r.Gene != "gyrA" || r.Start != 1 || r.End != int64(n) || r.Strand != "-" || r.Method != f.method || r.LengthAA != 878 || r.Protein[66] != 'P' {
				t.Errorf("%s %d..%d(%s) %s %d aa", r.Gene, r.Start, r.End, r.Strand, r.Method, r.LengthAA)
			}
			if want := string(gencode.ReverseComplement(rec.Seq)); r.CDS != want {
				t.Errorf("cds is not the reverse complement of the contig")
			}
		})
	}
}

// TestSyntheticEdits builds genes with a premature stop, a frameshift and a
// gene cut at its start by the contig edge from a real reference.
func TestSyntheticEdits(t *testing.T) {
	refs := testdata.Shared(t, "pointfinder/salmonella")
	rec := peerContig(t, "staramr/gyrA-A67P.fsa")
	gene := rec.Seq // the whole contig is the gene: 2637 nt
	flank := bytes.Repeat([]byte("ACGTTGCA"), 40)
	edit := func(f func(g []byte) []byte) string {
		g := f(append([]byte(nil), gene...))
		return string(flank) + string(g) + string(flank)
	}
	tests := []struct {
		name   string
		contig string
		check  func(r table.Protein) string
	}{
		{"premature stop", edit(func(g []byte) []byte { copy(g[3*299:], "TAA"); return g }), func(r table.Protein) string {
			// codon 300 becomes TAA: homology runs on, so the protein spans the gene with '*' at 300.
			if r.InternalStops != 1 || r.Protein[299] != '*' || r.LengthAA != 878 {
				return fmt.Sprintf("stops %d, residue 300 %c, %d aa", r.InternalStops, r.Protein[299], r.LengthAA)
			}
			return ""
		}},
		{"frameshift", edit(func(g []byte) []byte { return append(g[:1500:1500], g[1501:]...) }), func(r table.Protein) string {
			// one base deleted in codon 501: reported at the reference position where the new frame's homology starts.
			if r.Frameshifts == "" || r.LengthAA >= 878 || r.InternalStops != 0 {
				return fmt.Sprintf("frameshifts %q, %d aa, %d stops", r.Frameshifts, r.LengthAA, r.InternalStops)
			}
			var p int
			fmt.Sscanf(r.Frameshifts, "%d", &p)
			if p < 495 || p > 510 {
				return fmt.Sprintf("frameshift at %d, want about 501", p)
			}
			return ""
		}},
		{"insertion element", edit(func(g []byte) []byte {
			// 1,200 nt of another gene's sequence (a stand-in for an IS element) after codon 400.
			is := randomDNA(1200)
			return append(append(append([]byte(nil), g[:1200]...), is...), g[1200:]...)
		}), func(r table.Protein) string {
			// The gene is the first piece: its ORF runs on into the insertion up to
			// a stop; the homology resumes at residue 401, 1,200 nt further on.
			if r.Insertions != "401:+1200" || r.HitCoverage < 99 || r.LengthAA < 400 || r.LengthAA > 800 {
				return fmt.Sprintf("insertions %q, coverage %.2f, %d aa", r.Insertions, r.HitCoverage, r.LengthAA)
			}
			return ""
		}},
		{"cut at the start", string(gene[300:]) + string(flank), func(r table.Protein) string {
			// the first 100 codons are missing: partial at the start, not a start_lost or a truncation.
			if !r.PartialStart || r.PartialEnd || r.Start != 1 || r.LengthAA != 778 {
				return fmt.Sprintf("partial %v/%v start %d, %d aa", r.PartialStart, r.PartialEnd, r.Start, r.LengthAA)
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			asm := write(t, dir, "c.fna", ">c1\n"+tt.contig+"\n")
			out := filepath.Join(dir, "p.tsv")
			if code, stderr := run(t, "-a", asm, "-s", "S1", "-r", refs, "-o", out); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var found []table.Protein
			for _, r := range readRows(t, out) {
				if r.Gene == "gyrA" {
					found = append(found, r)
				}
			}
			if len(found) != 1 {
				t.Fatalf("%d gyrA rows, want 1", len(found))
			}
			if msg := tt.check(found[0]); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// randomDNA is a fixed pseudo-random sequence (a linear congruential generator,
// so the test does not depend on math/rand's algorithm).
func randomDNA(n int) []byte {
	out := make([]byte, n)
	x := uint32(12345)
	for i := range out {
		x = x*1664525 + 1013904223
		out[i] = "ACGT"[x>>30]
	}
	return out
}
