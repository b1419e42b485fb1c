package subscan

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/swalign"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
	"github.com/wtscan/wtscan/internal/variant"
)

// orf is a stop-to-stop stretch of one reading frame of a contig.
type orf struct {
	prot                     []byte
	cds                      []byte
	partialStart, partialEnd bool // runs off the contig's start / end
}

// sixFrameORFs translates a contig in six frames and cuts each at stops.
func sixFrameORFs(contig []byte, minLen int) []orf {
	var out []orf
	for _, strand := range [][]byte{contig, gencode.ReverseComplement(contig)} {
		for frame := 0; frame < 3; frame++ {
			s := strand[frame:]
			s = s[:len(s)/3*3]
			prot := gencode.Translate(s, false)
			start := 0
			for i := 0; i <= len(prot); i++ {
				if i == len(prot) || prot[i] == '*' {
					if i-start >= minLen {
						out = append(out, orf{
							prot: prot[start:i], cds: s[3*start : 3*i],
							partialStart: start == 0, partialEnd: i == len(prot),
						})
					}
					start = i + 1
				}
			}
		}
	}
	return out
}

// bestORF picks the ORF whose water score against ref is highest, trimmed to
// its first M at or before the aligned start (the start codon read as M).
func bestORF(t *testing.T, a *swalign.Aligner, contig, ref []byte) orf {
	t.Helper()
	var best orf
	bestScore := -1.0
	for _, o := range sixFrameORFs(contig, 50) {
		if s := a.Score(o.prot, ref); s > bestScore {
			best, bestScore = o, s
		}
	}
	if bestScore <= 0 {
		t.Fatalf("no ORF homologous to the reference")
	}
	return best
}

type peerCase struct {
	input, reference, gene string
	expected               []string
	notes                  string
}

func readExpected(t *testing.T) []peerCase {
	t.Helper()
	f, err := os.Open(testdata.Shared(t, "peers/expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []peerCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		for len(p) < 5 {
			p = append(p, "")
		}
		out = append(out, peerCase{p[0], p[1], p[2], strings.Split(p[3], ","), p[4]})
	}
	if len(out) != 11 { // the rows of expected.tsv
		t.Fatalf("expected.tsv has %d cases, want 11", len(out))
	}
	return out
}

// peerCall aligns the peer input's protein to the reference and calls it.
func peerCall(t *testing.T, a *swalign.Aligner, pc peerCase, refPath string) (*variant.Result, *refset.Reference, table.Alignment) {
	t.Helper()
	refs, err := refset.Load(testdata.Shared(t, refPath))
	if err != nil {
		t.Fatal(err)
	}
	ref := refs.Gene(pc.gene)[0]
	file, record, _ := strings.Cut(pc.input, ":")
	recs, err := seqio.ReadAll(testdata.Shared(t, file), seqio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var q orf
	if record != "" { // protein input
		for _, r := range recs {
			if r.ID == record {
				q = orf{prot: r.Seq}
			}
		}
		if q.prot == nil {
			t.Fatalf("%s has no record %s", file, record)
		}
	} else {
		if len(recs) != 1 {
			t.Fatalf("%s: %d records, want one contig", file, len(recs))
		}
		q = bestORF(t, a, recs[0].Seq, ref.Protein)
	}
	res, err := a.Align(q.prot, ref.Protein)
	if err != nil {
		t.Fatal(err)
	}
	row := table.Alignment{SampleID: "s", Gene: pc.gene, ReferenceID: ref.ID, QueryStart: int32(res.QueryStart), QueryEnd: int32(res.QueryEnd),
		QueryLength: int32(len(q.prot)), RefStart: int32(res.RefStart), RefEnd: int32(res.RefEnd), RefLength: int32(len(ref.Protein)),
		AlignedQuery: res.AlignedQuery, AlignedRef: res.AlignedRef, PartialStart: q.partialStart, PartialEnd: q.partialEnd, QueryCDS: string(q.cds),
		Quality: "HIGH"}
	prot, protOK := queryProtein(&row)
	in, err := inputOf(&row, ref, prot, protOK)
	if err != nil {
		t.Fatal(err)
	}
	got, err := variant.Call(in)
	if err != nil {
		t.Fatal(err)
	}
	return got, ref, row
}

func shorts(r *variant.Result) []string {
	var s []string
	for _, e := range r.Events {
		s = append(s, e.Short)
	}
	return s
}

func TestPeers(t *testing.T) {
	a, err := swalign.NewAligner(swalign.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, pc := range readExpected(t) {
		t.Run(filepath.Base(pc.input), func(t *testing.T) {
			got, ref, row := peerCall(t, a, pc, pc.reference)
			if strings.Join(shorts(got), ",") != strings.Join(pc.expected, ",") {
				t.Fatalf("calls %v, want exactly %v (%s)", shorts(got), pc.expected, pc.notes)
			}
			// codons come from the CDS of both sides (GCC>CCC for staramr A67P)
			if strings.HasSuffix(pc.input, "gyrA-A67P.fsa") {
				_, protOK := queryProtein(&row)
				if !protOK {
					t.Fatal("the query CDS does not translate to the aligned query")
				}
				cr, ca := codonRef(ref, &got.Events[0]), codonAlt(row.QueryCDS, &got.Events[0])
				if cr != "GCC" || ca != "CCC" {
					t.Errorf("codons %s>%s, want GCC>CCC (expected.tsv notes)", cr, ca)
				}
			}
			if strings.HasSuffix(pc.input, "del-end.fsa") && got.Truncated {
				t.Errorf("a contig edge was called a truncation")
			}
		})
	}
}

// TestPeerReferenceChoice: the E. coli gyrA D87N contig against the
// Salmonella reference shows species differences; the E. coli one only D87N.
func TestPeerReferenceChoice(t *testing.T) {
	a, _ := swalign.NewAligner(swalign.DefaultParams())
	pc := peerCase{input: "peers/staramr/gyrA-D87N.fsa", gene: "gyrA"}
	sal, _, _ := peerCall(t, a, pc, "pointfinder/salmonella/gyrA.fsa")
	eco, _, _ := peerCall(t, a, pc, "pointfinder/escherichia_coli/gyrA.fsa")
	if s := shorts(eco); len(s) != 1 || s[0] != "D87N" {
		t.Errorf("E. coli reference: %v, want [D87N]", s)
	}
	// water on the same pair: 875 columns, 800 identical, no gaps, ending at
	// reference residue 875 of 878: 75 substitutions and a 3-residue
	// truncation (expected.tsv's note says "7 more species differences";
	// water and this caller both count 75 over the whole protein).
	subs, trunc, d87n := 0, "", false
	for _, e := range sal.Events {
		switch e.Type {
		case variant.Substitution:
			subs++
			d87n = d87n || e.Short == "D87N"
		case variant.Truncation:
			trunc = e.Short
		}
	}
	if subs != 75 || !d87n || trunc != "A876_E878del" || len(sal.Events) != 76 {
		t.Errorf("Salmonella reference: %d substitutions (D87N among them: %v), truncation %q, %d events; want 75, true, A876_E878del, 76",
			subs, d87n, trunc, len(sal.Events))
	}
}

func annotateCase(t *testing.T, a *swalign.Aligner, pc peerCase, catDir string) []catalog.Annotation {
	t.Helper()
	got, _, _ := peerCall(t, a, pc, pc.reference)
	refs, err := refset.Load(testdata.Shared(t, catDir))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(testdata.Shared(t, catDir), catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Validate(refs, false); err != nil {
		t.Fatal(err)
	}
	has := func(tok catalog.Token) bool {
		for _, e := range got.Events {
			if catalog.TokenMatches(tok, pc.gene, e.Start, e.Alt) {
				return true
			}
		}
		return false
	}
	var out []catalog.Annotation
	for _, e := range got.Events {
		out = append(out, catalog.Annotate(cat.Lookup(pc.gene, e), has))
	}
	return out
}

func TestPeerCatalogue(t *testing.T) {
	a, _ := swalign.NewAligner(swalign.DefaultParams())
	// A67T: a change PointFinder does not know
	ann := annotateCase(t, a, peerCase{input: "peers/staramr/gyrA-A67T.fsa", reference: "pointfinder/salmonella/gyrA.fsa", gene: "gyrA"}, "pointfinder/salmonella")
	if len(ann) != 1 || ann[0].Known {
		t.Errorf("A67T: %+v, want one unknown change", ann)
	}
	// A67P alone: known, but its only entry needs gyrA_G81C.S.H.D
	ann = annotateCase(t, a, peerCase{input: "peers/staramr/gyrA-A67P.fsa", reference: "pointfinder/salmonella/gyrA.fsa", gene: "gyrA"}, "pointfinder/salmonella")
	if len(ann) != 1 || !ann[0].Known || ann[0].RequiredMet || ann[0].DrugClasses != "" || ann[0].Requires != "gyrA_G81C.S.H.D" {
		t.Errorf("A67P: %+v, want known, requirement gyrA_G81C.S.H.D unmet, no drug classes", ann)
	}
	// S83I: known on its own and with D87K; D87K is absent
	ann = annotateCase(t, a, peerCase{input: "peers/staramr/gyrA-S83I.fsa", reference: "pointfinder/salmonella/gyrA.fsa", gene: "gyrA"}, "pointfinder/salmonella")
	if len(ann) != 1 || !ann[0].Known || !ann[0].RequiredMet || ann[0].DrugClasses != "Nalidixic acid,Ciprofloxacin" {
		t.Errorf("S83I: %+v", ann)
	}
	// 09a: G81D alone gives ciprofloxacin only
	ann = annotateCase(t, a, peerCase{input: "peers/resfinder/test_isolate_09a.fa", reference: "pointfinder/escherichia_coli/gyrA.fsa", gene: "gyrA"}, "pointfinder/escherichia_coli")
	if len(ann) != 1 || ann[0].DrugClasses != "Ciprofloxacin" {
		t.Errorf("09a G81D: %+v, want Ciprofloxacin only", ann)
	}
	// 09b: G81D with D82G: the combination rule adds nalidixic acid to both
	ann = annotateCase(t, a, peerCase{input: "peers/resfinder/test_isolate_09b.fa", reference: "pointfinder/escherichia_coli/gyrA.fsa", gene: "gyrA"}, "pointfinder/escherichia_coli")
	if len(ann) != 2 {
		t.Fatalf("09b: %+v, want two changes", ann)
	}
	for _, x := range ann {
		d := strings.Split(x.DrugClasses, ",")
		sort.Strings(d)
		if strings.Join(d, ",") != "Ciprofloxacin,Nalidixic acid" || !x.RequiredMet || x.Requires == "" {
			t.Errorf("09b: %+v, want Ciprofloxacin and Nalidixic acid through the met combination", x)
		}
	}
}
