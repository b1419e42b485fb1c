package annot

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGFF3(t *testing.T) {
	// Shapes of Prokka (Name=gyrA_1), Bakta (gene=), PGAP (a CDS split over two
	// lines sharing an ID, partial=true, %-escapes), CRLF line ends, a ##FASTA section.
	gff := "##gff-version 3\r\n" +
		"c1\tProkka\tgene\t1\t30\t.\t+\t.\tID=g1\r\n" +
		"c1\tProkka\tCDS\t1\t30\t.\t+\t0\tID=p1;Name=gyrA_1;product=DNA gyrase%2C subunit A\r\n" +
		"c1\tBakta\tCDS\t40\t60\t.\t-\t0\tID=p2;gene=parC;Name=ParC\n" +
		"c2\tPGAP\tCDS\t5\t10\t.\t+\t0\tID=p3;gene=prfB;partial=true\n" +
		"c2\tPGAP\tCDS\t1\t3\t.\t+\t0\tID=p3;gene=prfB\n" +
		"##FASTA\n>c1 desc\nacgt\nACGT\n>c2\nGG\n"
	a, err := ReadGFF3(writeFile(t, "a.gff3", gff))
	if err != nil {
		t.Fatal(err)
	}
	want := []Feature{
		{Contig: "c1", Parts: []Part{{1, 30}}, Strand: '+', Gene: "gyrA_1", Product: "DNA gyrase, subunit A", ID: "p1", Line: 3},
		{Contig: "c1", Parts: []Part{{40, 60}}, Strand: '-', Gene: "parC", ID: "p2", Line: 4},
		{Contig: "c2", Parts: []Part{{1, 3}, {5, 10}}, Strand: '+', Gene: "prfB", ID: "p3", Partial: true, Line: 5},
	}
	for i := range a.Features {
		a.Features[i].File = ""
	}
	if !reflect.DeepEqual(a.Features, want) {
		t.Errorf("features\n got %+v\nwant %+v", a.Features, want)
	}
	if len(a.Contigs) != 2 || string(a.Contigs[0].Seq) != "ACGTACGT" || a.Contigs[1].ID != "c2" {
		t.Errorf("contigs %+v", a.Contigs)
	}
}

func TestGFF3Errors(t *testing.T) {
	for _, tt := range []struct{ name, text, want string }{
		{"columns", "c1\tx\tCDS\t1\t2\n", "line 1: 5 tab-separated columns"},
		{"coordinates", "##gff-version 3\nc1\tx\tCDS\t9\t2\t.\t+\t0\tID=a\n", "line 2: bad coordinates"},
		{"strand", "c1\tx\tCDS\t1\t2\t.\t?\t0\tID=a\n", "line 1: strand"},
		{"attribute", "c1\tx\tCDS\t1\t2\t.\t+\t0\tID\n", "line 1: attribute"},
		{"split contig", "c1\tx\tCDS\t1\t2\t.\t+\t0\tID=a\nc2\tx\tCDS\t5\t9\t.\t+\t0\tID=a\n", "line 2: CDS \"a\" continues"},
		{"fasta", "##FASTA\nACGT\n", "line 2: sequence before"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadGFF3(writeFile(t, "x.gff", tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "x.gff") {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestGFF3TruncatedGzip: a .gff.gz cut mid-line is reported as cut, with the
// line, not as a malformed line.
func TestGFF3TruncatedGzip(t *testing.T) {
	var text strings.Builder
	text.WriteString("##gff-version 3\n")
	for i := range 5000 {
		fmt.Fprintf(&text, "c1\tx\tCDS\t%d\t%d\t.\t+\t0\tID=p%d;gene=g%d\n", 10*i+1, 10*i+9, i, i)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(text.String()))
	zw.Close()
	p := writeFile(t, "cut.gff.gz", gz.String()[:gz.Len()/2])
	_, err := ReadGFF3(p)
	if err == nil || !strings.Contains(err.Error(), p+" line ") || !strings.Contains(err.Error(), "truncated or corrupt file") {
		t.Errorf("error %v, want the file, a line and that it is cut", err)
	}
}

func TestGenBank(t *testing.T) {
	gb := `LOCUS       ctg1                      60 bp    DNA     linear   BCT 01-JAN-2000
ACCESSION   NZ_X1
VERSION     NZ_X1.1
FEATURES             Location/Qualifiers
     source          1..60
     gene            3..20
                     /gene="abc"
     CDS             complement(join(<3..10,
                     15..>20))
                     /gene="abc"
                     /locus_tag="T_1"
                     /product="a long
                     product"
     CDS             30..50
ORIGIN
        1 acgtacgtac gtacgtacgt acgtacgtac gtacgtacgt acgtacgtac gtacgtacgt
//
`
	a, err := ReadGenBank(writeFile(t, "a.gbk", gb))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Features) != 2 {
		t.Fatalf("%d features, want 2", len(a.Features))
	}
	f := a.Features[0]
	if f.Contig != "ctg1" || f.Strand != '-' || !f.Partial || f.Gene != "abc" || f.ID != "T_1" || f.Product != "a long product" ||
		!reflect.DeepEqual(f.Parts, []Part{{3, 10}, {15, 20}}) || f.Line != 8 {
		t.Errorf("feature %+v", f)
	}
	if g := a.Features[1]; g.Strand != '+' || g.Partial || !reflect.DeepEqual(g.Parts, []Part{{30, 50}}) {
		t.Errorf("feature %+v", g)
	}
	if len(a.Contigs) != 1 || len(a.Contigs[0].Seq) != 60 || a.Aliases["NZ_X1.1"] != "ctg1" {
		t.Errorf("contigs %+v aliases %v", a.Contigs, a.Aliases)
	}
	for _, bad := range []string{"nothing here\n", "LOCUS       c 5 bp\nFEATURES\n     CDS             5..2\n//\n"} {
		if _, err := ReadGenBank(writeFile(t, "b.gbk", bad)); err == nil || !strings.Contains(err.Error(), "b.gbk") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

func TestHits(t *testing.T) {
	for _, tt := range []struct {
		format, text string
		want         Feature
	}{
		{Abricate, "#FILE\tSEQUENCE\tSTART\tEND\tSTRAND\tGENE\tCOVERAGE\na.fna\tc1\t10\t900\t-\tblaKPC-2\t1-891/891\n",
			Feature{Contig: "c1", Parts: []Part{{10, 900}}, Strand: '-', Gene: "blaKPC-2", Line: 2}},
		{RGI, "ORF_ID\tContig\tStart\tStop\tOrientation\tCut_Off\tBest_Hit_ARO\nc1_3 # 5 # 50\tc1_3\t5\t50\t+\tStrict\tgyrA\n",
			Feature{Contig: "c1_3", Parts: []Part{{5, 50}}, Strand: '+', Gene: "gyrA", Line: 2}},
		{AMRFinder, "Protein identifier\tContig id\tStart\tStop\tStrand\tGene symbol\n\n-\tc2\t7\t99\t+\tgyrA_S83L\n",
			Feature{Contig: "c2", Parts: []Part{{7, 99}}, Strand: '+', Gene: "gyrA_S83L", Line: 3}},
	} {
		t.Run(tt.format, func(t *testing.T) {
			got, err := ReadHits(writeFile(t, "h.tsv", tt.text), tt.format)
			if err != nil {
				t.Fatal(err)
			}
			got[0].File = ""
			if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := ReadHits(writeFile(t, "h.tsv", "a\tb\n"), RGI); err == nil || !strings.Contains(err.Error(), "h.tsv line 1") {
		t.Errorf("wrong header: %v", err)
	}
	if _, err := ReadHits(writeFile(t, "h.tsv", "#FILE\tSEQUENCE\tSTART\tEND\tSTRAND\tGENE\nf\tc\tx\t9\t+\tg\n"), Abricate); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad start: %v", err)
	}
}

// Fuzz tests: the parsers never panic, and whatever they accept is well formed.
func checkFeatures(t *testing.T, fs []Feature) {
	for _, f := range fs {
		if len(f.Parts) == 0 || f.Start() < 1 || (f.Strand != '+' && f.Strand != '-') {
			t.Fatalf("malformed feature %+v", f)
		}
		for _, p := range f.Parts {
			if p.End < p.Start {
				t.Fatalf("malformed part %+v", p)
			}
		}
	}
}

func FuzzGFF3(f *testing.F) {
	f.Add("##gff-version 3\nc1\tx\tCDS\t1\t30\t.\t+\t0\tID=a;gene=gyrA\n##FASTA\n>c1\nACGT\n")
	f.Add("c1\tx\tCDS\t1\t30\t.\t-\t0\tID=a\nc1\tx\tCDS\t40\t50\t.\t-\t0\tID=a\n")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ReadGFF3(writeFile(t, "f.gff", s))
		if err == nil {
			checkFeatures(t, a.Features)
		}
	})
}

func FuzzGenBank(f *testing.F) {
	f.Add("LOCUS       c 5 bp\nFEATURES\n     CDS             complement(join(1..2,4..5))\n                     /gene=\"x\"\nORIGIN\n 1 acgta\n//\n")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ReadGenBank(writeFile(t, "f.gbk", s))
		if err == nil {
			checkFeatures(t, a.Features)
		}
	})
}

func FuzzHits(f *testing.F) {
	f.Add("#FILE\tSEQUENCE\tSTART\tEND\tSTRAND\tGENE\nf\tc\t1\t9\t+\tg\n")
	f.Fuzz(func(t *testing.T, s string) {
		fs, err := ReadHits(writeFile(t, "f.tsv", s), Abricate)
		if err == nil {
			checkFeatures(t, fs)
		}
	})
}
