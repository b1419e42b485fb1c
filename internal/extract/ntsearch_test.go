package extract

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// pointFinderDB is where Debian's resfinder-example installs PointFinder v3.0.0.
const pointFinderDB = "/usr/share/doc/resfinder/examples/db_pointfinder"

// pointFinderSpecies copies a species folder of the distributed database into
// a temporary folder, gunzipping Debian's .gz files; keep, when not nil,
// filters the targets genes.txt lists.
func pointFinderSpecies(tb testing.TB, species string, keep func(gene string) bool) string {
	tb.Helper()
	src := testdata.File(tb, filepath.Join(pointFinderDB, species, "genes.txt"), "resfinder-example")
	src = filepath.Dir(src)
	dst := filepath.Join(tb.TempDir(), species)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		tb.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			tb.Fatal(err)
		}
		if strings.HasSuffix(name, ".gz") {
			z, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				tb.Fatal(err)
			}
			if data, err = io.ReadAll(z); err != nil {
				tb.Fatal(err)
			}
			name = strings.TrimSuffix(name, ".gz")
		}
		if name == "genes.txt" && keep != nil {
			var kept []string
			for _, g := range strings.Split(string(data), "\n") {
				if g = strings.TrimSpace(g); g != "" && keep(g) {
					kept = append(kept, g)
				}
			}
			data = []byte(strings.Join(kept, "\n") + "\n")
		}
		if err := os.WriteFile(filepath.Join(dst, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dst
}

// plant is a nucleotide target copy put into a synthetic contig.
type plant struct {
	gene         string
	contig       string
	start, end   int64 // 1-based, forward strand
	strand       string
	copy         int32
	cds          string // the copy's bases in the target's orientation
	identity     float64
	coverage     float64
	partialStart bool
	partialEnd   bool
}

// TestNucleotidePlanted plants copies of E. coli's 23S, 16S-rrsB and ampC
// promoter (PointFinder v3.0.0) in random contigs — on both strands, cut by a
// contig edge at either end, and one with substitutions and indels — and
// checks that every copy is found where it was put, with its strand, copy
// number, identity, coverage and bases.
func TestNucleotidePlanted(t *testing.T) {
	folder := pointFinderSpecies(t, "escherichia_coli", nil)
	set, err := refset.Load(folder)
	if err != nil {
		t.Fatal(err)
	}
	seqOf := func(gene string) []byte {
		rs := set.Gene(gene)
		if len(rs) != 1 || !rs[0].Nucleotide() {
			t.Fatalf("gene %s: %d references, want one nucleotide target", gene, len(rs))
		}
		return rs[0].Seq
	}
	s23, s16, amp := seqOf("23S"), seqOf("16S-rrsB"), seqOf("ampC-promoter")
	if len(s23) != 2904 || len(s16) != 1542 || len(amp) != 145 { // the lengths of the v3.0.0 records
		t.Fatalf("target lengths %d, %d, %d", len(s23), len(s16), len(amp))
	}
	bg := randomDNA(100000)
	next := 0
	random := func(n int) []byte { next += n; return bg[next-n : next] }

	// The edited 23S: five substitutions (A→C, C→G, G→T, T→A), three bases
	// deleted after base 1500 and two inserted after base 2200.
	edited := append([]byte(nil), s23...)
	for _, p := range []int{300, 700, 1100, 1900, 2600} {
		edited[p] = map[byte]byte{'A': 'C', 'C': 'G', 'G': 'T', 'T': 'A'}[edited[p]]
	}
	edited = append(append(append(append([]byte(nil), edited[:1500]...), edited[1503:2200]...), "GA"...), edited[2200:]...)
	// alignment columns: 2904 target bases (3 of them against gaps) + 2 inserted; identical: 2904 - 3 - 5
	editedIdentity := round2(100 * float64(2904-3-5) / float64(2904+2))

	var contigs []string
	var want []plant
	type part struct {
		seq   []byte
		p     *plant
		minus bool
	}
	build := func(name string, parts ...part) {
		var c []byte
		for _, pt := range parts {
			if pt.p != nil {
				pt.p.contig = name
				pt.p.start, pt.p.end = int64(len(c)+1), int64(len(c)+len(pt.seq))
				pt.p.strand = "+"
				pt.p.cds = string(pt.seq)
				if pt.minus {
					pt.p.strand = "-"
					pt.seq = gencode.ReverseComplement(pt.seq)
				}
				want = append(want, *pt.p)
			}
			c = append(c, pt.seq...)
		}
		contigs = append(contigs, ">"+name+"\n"+string(c)+"\n")
	}
	full := func(gene string, copy int32) *plant {
		return &plant{gene: gene, copy: copy, identity: 100, coverage: 100}
	}
	build("c1",
		part{random(1000), nil, false}, part{s23, full("23S", 1), false},
		part{random(4000), nil, false}, part{s16, full("16S-rrsB", 1), true},
		part{random(5000), nil, false}, part{amp, full("ampC-promoter", 1), false},
		part{random(2000), nil, false})
	build("c2",
		part{random(2000), nil, false},
		part{edited, &plant{gene: "23S", copy: 2, identity: editedIdentity, coverage: 100}, true},
		part{random(3000), nil, false},
		// the contig ends 1,000 bases into a 16S: cut at its 3' end
		part{s16[:1000], &plant{gene: "16S-rrsB", copy: 2, identity: 100, coverage: round2(100 * 1000.0 / 1542), partialEnd: true}, false})
	build("c3",
		// the contig starts 904 bases into a 23S: cut at its 5' end
		part{s23[904:], &plant{gene: "23S", copy: 3, identity: 100, coverage: round2(100 * 2000.0 / 2904), partialStart: true}, false},
		part{random(3000), nil, false}, part{amp, full("ampC-promoter", 2), true},
		part{random(3000), nil, false})
	build("c4",
		part{random(3000), nil, false},
		// on the reverse strand, the contig's end cuts the 16S's first 442 bases
		part{s16[442:], &plant{gene: "16S-rrsB", copy: 3, identity: 100, coverage: round2(100 * 1100.0 / 1542), partialStart: true}, true})

	dir := t.TempDir()
	asm := write(t, dir, "planted.fna", strings.Join(contigs, ""))
	var outs []string
	for _, threads := range []string{"1", "2"} {
		out := filepath.Join(dir, "p"+threads+".tsv")
		if code, stderr := run(t, "-a", asm, "-s", "S1", "-r", folder, "-o", out, "-j", threads); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		outs = append(outs, out)
	}
	a, _ := os.ReadFile(outs[0])
	b, _ := os.ReadFile(outs[1])
	if !bytes.Equal(a, b) {
		t.Error("output differs between -j 1 and -j 2")
	}
	rows := readRows(t, outs[0])
	byGene := map[string][]table.Protein{}
	for _, r := range rows {
		byGene[r.Gene] = append(byGene[r.Gene], r)
	}
	for _, g := range []string{"23S", "16S-rrsB", "ampC-promoter"} {
		var n int
		for _, w := range want {
			if w.gene == g {
				n++
			}
		}
		if len(byGene[g]) != n {
			t.Errorf("%s: %d rows, want %d", g, len(byGene[g]), n)
		}
	}
	for _, w := range want {
		var got *table.Protein
		for i, r := range byGene[w.gene] {
			if r.Copy == w.copy {
				got = &byGene[w.gene][i]
			}
		}
		name := fmt.Sprintf("%s copy %d", w.gene, w.copy)
		if got == nil {
			t.Errorf("%s (%s:%d..%d%s): not found", name, w.contig, w.start, w.end, w.strand)
			continue
		}
		g := *got
		if g.Contig != w.contig || g.Start != w.start || g.End != w.end || g.Strand != w.strand {
			t.Errorf("%s at %s:%d..%d(%s), want %s:%d..%d(%s)", name, g.Contig, g.Start, g.End, g.Strand, w.contig, w.start, w.end, w.strand)
		}
		if g.HitIdentity != w.identity || g.HitCoverage != w.coverage || g.PartialStart != w.partialStart || g.PartialEnd != w.partialEnd {
			t.Errorf("%s: identity %.2f coverage %.2f partial %v/%v, want %.2f %.2f %v/%v", name,
				g.HitIdentity, g.HitCoverage, g.PartialStart, g.PartialEnd, w.identity, w.coverage, w.partialStart, w.partialEnd)
		}
		sum := sha256.Sum256([]byte(w.cds))
		if g.CDS != w.cds || g.SeqHash != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: cds of %d bases (hash %.12s), want the %d planted", name, len(g.CDS), g.SeqHash, len(w.cds))
		}
		if g.Molecule != table.MoleculeNucleotide || g.Protein != "" || g.LengthAA != 0 || g.TranslationTable != 0 || g.Method != "search" {
			t.Errorf("%s: molecule %q protein %q length_aa %d table %d method %q", name, g.Molecule, g.Protein, g.LengthAA, g.TranslationTable, g.Method)
		}
	}
	// 16S-rrsC differs from 16S-rrsB at a few bases: it reports the same three copies.
	rc, rb := byGene["16S-rrsC"], byGene["16S-rrsB"]
	if len(rc) != len(rb) {
		t.Errorf("16S-rrsC: %d rows, want the %d 16S copies", len(rc), len(rb))
	}
	for i := 0; i < min(len(rc), len(rb)); i++ {
		if rc[i].Contig != rb[i].Contig || rc[i].Start != rb[i].Start || rc[i].End != rb[i].End || rc[i].Strand != rb[i].Strand {
			t.Errorf("16S-rrsC copy %d at %s:%d..%d(%s), 16S-rrsB's at %s:%d..%d(%s)", rc[i].Copy,
				rc[i].Contig, rc[i].Start, rc[i].End, rc[i].Strand, rb[i].Contig, rb[i].Start, rb[i].End, rb[i].Strand)
		}
	}
	for _, r := range rows {
		if r.Molecule == "" {
			t.Errorf("%s copy %d: molecule empty", r.Gene, r.Copy)
		}
	}
}

// TestNucleotideKlebsiella searches the four K. pneumoniae genomes of
// kleborate-examples with the E. coli PointFinder folder and checks every
// 23S and 16S copy against blastn (ncbi-blast+): the copies are the blastn
// hits covering at least 90 % of the E. coli record, at the same places and
// strands (K. pneumoniae carries 8 rRNA operons; these complete genomes have
// all 8). 16S-rrsC and 16S-rrsH report the copies 16S-rrsB does.
func TestNucleotideKlebsiella(t *testing.T) {
	if testing.Short() {
		t.Skip("four 5.5 Mb genomes; run without -short")
	}
	blastn := testdata.Command(t, "blastn", "ncbi-blast+")
	folder := pointFinderSpecies(t, "escherichia_coli", nil)
	dir := t.TempDir()
	sheet := "sample_id\tassembly\n"
	for _, s := range kpnAssemblies {
		sheet += s + "\t" + kpnPath(t, s) + "\n"
	}
	samples := write(t, dir, "samples.tsv", sheet)
	out := filepath.Join(dir, "p.tsv")
	if code, stderr := run(t, "--samples", samples, "-r", folder, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type copyAt struct {
		contig     string
		start, end int64
		strand     string
	}
	found := map[string][]copyAt{} // sample + " " + gene
	for _, r := range readRows(t, out) {
		if r.Molecule == table.MoleculeNucleotide {
			k := r.SampleID + " " + r.Gene
			found[k] = append(found[k], copyAt{r.Contig, r.Start, r.End, r.Strand})
		}
	}
	order := func(a, b copyAt) int {
		if c := strings.Compare(a.contig, b.contig); c != 0 {
			return c
		}
		return int(a.start - b.start)
	}
	for _, s := range kpnAssemblies {
		// blastn reads plain FASTA: the assembly unpacked.
		recs, err := seqio.ReadAll(kpnPath(t, s), seqio.Options{Alphabet: seqio.DNA})
		if err != nil {
			t.Fatal(err)
		}
		var fa strings.Builder
		for _, r := range recs {
			fa.WriteString(">" + r.ID + "\n" + string(r.Seq) + "\n")
		}
		subject := write(t, dir, s+".fna", fa.String())
		for _, gene := range []string{"23S", "16S-rrsB"} {
			cmd := exec.Command(blastn, "-query", filepath.Join(folder, gene+".fsa"), "-subject", subject,
				"-outfmt", "6 sseqid sstart send sstrand qstart qend qlen", "-evalue", "1e-20")
			text, err := cmd.Output()
			if err != nil {
				t.Fatalf("blastn %s %s: %v", s, gene, err)
			}
			var want []copyAt
			for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
				f := strings.Split(line, "\t")
				if len(f) != 7 {
					continue
				}
				n := make([]int64, 7)
				for _, i := range []int{1, 2, 4, 5, 6} {
					n[i], _ = strconv.ParseInt(f[i], 10, 64)
				}
				if 10*(n[5]-n[4]+1) < 9*n[6] {
					continue // a part of the record only
				}
				c := copyAt{f[0], min(n[1], n[2]), max(n[1], n[2]), "+"}
				if f[3] == "minus" {
					c.strand = "-"
				}
				want = append(want, c)
			}
			slices.SortFunc(want, order)
			got := found[s+" "+gene]
			slices.SortFunc(got, order)
			t.Logf("%s %s: %d copies (blastn: %d)", s, gene, len(got), len(want))
			if len(want) < 7 || !slices.Equal(got, want) {
				t.Errorf("%s %s: copies\n%v\nblastn finds\n%v", s, gene, got, want)
			}
		}
		for _, g := range []string{"16S-rrsC", "16S-rrsH"} {
			got := found[s+" "+g]
			slices.SortFunc(got, order)
			if !slices.Equal(got, found[s+" 16S-rrsB"]) {
				t.Errorf("%s %s: copies %v, want 16S-rrsB's", s, g, got)
			}
		}
	}
}

// TestNucleotideForms: nucleotide targets are searched on the contigs
// whatever gives the proteins — search, a GFF3 annotation (with its own
// sequences), a GenBank one, a hit table — and their rows say method search;
// the --faa output holds the protein rows only.
func TestNucleotideForms(t *testing.T) {
	folder := pointFinderSpecies(t, "escherichia_coli", nil)
	set, err := refset.Load(folder)
	if err != nil {
		t.Fatal(err)
	}
	gyrA, s23 := set.Gene("gyrA")[0].CDS, set.Gene("23S")[0].Seq
	bg := randomDNA(3000)
	contig := string(bg[:1000]) + string(gyrA) + string(bg[1000:2000]) + string(gencode.ReverseComplement(s23)) + string(bg[2000:])
	gs, ge := 1001, 1000+len(gyrA)
	rs, re := ge+1001, ge+1000+len(s23)
	dir := t.TempDir()
	asm := write(t, dir, "c.fna", ">c1\n"+contig+"\n")
	gff := fmt.Sprintf("##gff-version 3\nc1\tProkka\tCDS\t%d\t%d\t.\t+\t0\tID=c1_1;Name=gyrA\n##FASTA\n>c1\n%s\n", gs, ge, contig)
	var gb strings.Builder
	fmt.Fprintf(&gb, "LOCUS       c1  %d bp    DNA     linear   BCT 01-JAN-2000\nFEATURES             Location/Qualifiers\n", len(contig))
	fmt.Fprintf(&gb, "     CDS             %d..%d\n                     /gene=\"gyrA\"\nORIGIN\n", gs, ge)
	for i := 0; i < len(contig); i += 60 {
		fmt.Fprintf(&gb, "%9d %s\n", i+1, strings.ToLower(contig[i:min(len(contig), i+60)]))
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
			fmt.Sprintf("#FILE\tSEQUENCE\tSTART\tEND\tSTRAND\tGENE\tCOVERAGE\nc.fna\tc1\t%d\t%d\t+\tgyrA\t1-2625/2625\n", gs, ge))}},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			out, faa := filepath.Join(t.TempDir(), "p.tsv"), filepath.Join(t.TempDir(), "p.faa")
			if code, stderr := run(t, append(f.args, "-s", "S1", "-r", folder, "-o", out, "--faa", faa)...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			rows := readRows(t, out)
			if len(rows) != 2 {
				t.Fatalf("%d rows, want gyrA and 23S: %+v", len(rows), rows)
			}
			// rows by gene: "23S" < "gyrA"
			r, p := rows[0], rows[1]
			if r.Gene != "23S" || r.Start != int64(rs) || r.End != int64(re) || r.Strand != "-" || r.Method != "search" || r.CDS != string(s23) || r.Molecule != table.MoleculeNucleotide {
				t.Errorf("23S at %d..%d(%s) method %s molecule %s, want %d..%d(-) search nucleotide", r.Start, r.End, r.Strand, r.Method, r.Molecule, rs, re)
			}
			if p.Gene != "gyrA" || p.Start != int64(gs) || p.End != int64(ge) || p.Method != f.method || p.Molecule != table.MoleculeProtein {
				t.Errorf("gyrA at %d..%d method %s molecule %s", p.Start, p.End, p.Method, p.Molecule)
			}
			recs, err := seqio.ReadAll(faa, seqio.Options{})
			if err != nil || len(recs) != 1 || recs[0].ID != "S1|gyrA|1" {
				t.Errorf("faa: %v, %d records, want S1|gyrA|1 only", err, len(recs))
			}
		})
	}
}
