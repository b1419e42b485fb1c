package align

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/swalign"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// run calls Main in-process and returns its exit code and standard error.
func runMain(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), append(args, "--log-format", "json"), nil, &stdout, &stderr)
	return code, stderr.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// salmonellaGyrA returns the reference set folder and the GyrA protein.
func salmonellaGyrA(t *testing.T) (string, []byte) {
	dir := testdata.Shared(t, "pointfinder/salmonella")
	s, err := refset.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, s.Gene("gyrA")[0].Protein
}

func mutate(p []byte, pos int, aa byte) []byte {
	q := append([]byte(nil), p...)
	q[pos-1] = aa
	return q
}

func TestAlignFASTAQueries(t *testing.T) {
	refs, gyrA := salmonellaGyrA(t)
	dir := t.TempDir()
	s83l := mutate(gyrA, 83, 'L')
	// A query missing its first 10 residues, and a duplicate of the S83L one.
	q := writeFile(t, dir, "q.faa", ">S1 gene=gyrA\n"+string(s83l)+"\n>S2 gene=gyrA\n"+string(s83l[10:])+"\n>S3 gene=gyrA sample=S3x\n"+string(s83l)+"\n")
	out := filepath.Join(dir, "aln.tsv")
	code, stderr := runMain(t, "--references", refs, "--queries", q, "--out", out, "-j", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// S1 and S3 are the same (reference, sequence) pair: aligned once.
	if !strings.Contains(stderr, `"distinct_pairs_aligned":2`) {
		t.Errorf("dedupe: %s", stderr)
	}
	rows, _, err := table.ReadAll[table.Alignment](out, table.SchemaAlignments)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	a, _ := swalign.NewAligner(swalign.DefaultParams())
	for i, r := range rows {
		query := s83l
		if i == 1 {
			query = s83l[10:]
		}
		want, _ := a.Align(query, gyrA)
		if r.Score != want.Score || int(r.Identity) != want.Identity || r.AlignedQuery != want.AlignedQuery {
			t.Errorf("row %d: score %v identity %d, engine says %v %d", i, r.Score, r.Identity, want.Score, want.Identity)
		}
		if r.Gene != "gyrA" || r.ReferenceID != "gyrA_1_MH933946.1" || r.Pairing != refset.PairGene || r.Quality != "HIGH" {
			t.Errorf("row %d: %+v", i, r)
		}
		if int(r.RefLength) != len(gyrA) || int(r.QueryLength) != len(query) {
			t.Errorf("row %d lengths %d %d", i, r.RefLength, r.QueryLength)
		}
	}
	// One substitution in 878 residues: 877 identities over 878 columns.
	if rows[0].Identity != int32(len(gyrA)-1) || rows[0].Length != int32(len(gyrA)) || rows[0].PctIdentity != 99.9 {
		t.Errorf("S1: %d/%d %.1f%%", rows[0].Identity, rows[0].Length, rows[0].PctIdentity)
	}
	// The truncated query starts at reference residue 11.
	if rows[1].RefStart != 11 || rows[1].QueryStart != 1 || rows[1].RefCoverage != 98.9 {
		t.Errorf("S2: ref_start %d query_start %d coverage %.1f", rows[1].RefStart, rows[1].QueryStart, rows[1].RefCoverage)
	}
	if rows[2].SampleID != "S3x" || rows[0].SampleID != "S1" {
		t.Errorf("sample ids %q %q", rows[0].SampleID, rows[2].SampleID)
	}
}

func TestDeterministicAcrossThreads(t *testing.T) {
	refs, gyrA := salmonellaGyrA(t)
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 40; i++ {
		q := mutate(gyrA, 1+(i*37)%len(gyrA), "ACDEFGHIKLMNPQRSTVWY"[i%20])
		b.WriteString(">q" + string(rune('A'+i%26)) + string(rune('a'+i/26)) + " gene=gyrA\n" + string(q[i%7:len(q)-i%5]) + "\n")
	}
	q := writeFile(t, dir, "q.faa", b.String())
	var outs [][]byte
	for _, j := range []string{"1", "2", "4"} {
		out := filepath.Join(dir, "aln.parquet")
		if code, stderr := runMain(t, "--references", refs, "--queries", q, "--out", out, "-j", j); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, _ := os.ReadFile(out)
		outs = append(outs, data)
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[i], outs[0]) {
			t.Fatalf("output with -j %d differs from -j 1", []int{1, 2, 4}[i])
		}
	}
}

func TestPairsAndAll(t *testing.T) {
	dir := t.TempDir()
	refs := writeFile(t, dir, "refs.faa", ">r1 gene=a\nMKVLAAGIVGLLLAAHSA\n>r2 gene=b\nMSTNPKPQRKTKRNTNRRPQDVKFPGG\n")
	q := writeFile(t, dir, "q.faa", ">x\nMKVLAAGIVGLLLA\n>y\nMSTNPKPQRKTKRN\n")
	pairs := writeFile(t, dir, "pairs.txt", "query_id\treference_id\nx\tr1\ny\tr2\ny\tr1\n")
	out := filepath.Join(dir, "p.tsv")
	if code, stderr := runMain(t, "--references", refs, "--queries", q, "--out", out, "--pairs", pairs); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, _, _ := table.ReadAll[table.Alignment](out, table.SchemaAlignments)
	if len(rows) != 3 || rows[2].QueryID != "y" || rows[2].ReferenceID != "r1" || rows[2].Pairing != "pairs" {
		t.Fatalf("pairs rows: %+v", rows)
	}
	out = filepath.Join(dir, "all.tsv")
	if code, stderr := runMain(t, "--references", refs, "--queries", q, "--out", out, "--all"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, _, _ = table.ReadAll[table.Alignment](out, table.SchemaAlignments)
	if len(rows) != 4 {
		t.Fatalf("--all: %d rows", len(rows))
	}
	// The gene of a row with --all is the reference's gene when the query has none.
	if rows[1].Gene != "b" || rows[1].Quality != "FAILED" && rows[1].PctIdentity > 60 {
		t.Errorf("--all row: %+v", rows[1])
	}
}

func TestProteinsTableInput(t *testing.T) {
	dir := t.TempDir()
	refs := writeFile(t, dir, "refs.faa", ">r1 gene=gyrA\nMSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDGLKPVHRRVLYAMNVLGNDWNKAYKKSARVVGDVIGKYHPHGDSAVYDTIVRMAQPFSLRYMLVDGQGNFGSIDGDSAAAMRYTEIRLAKIAHELMADLEKETVDFVDNYDGTEKIPDVMPTKIPNLLVNGSSGIAVGMATNIPPHNLTEVINGCLAYIDDEDISIEGLMEHIPGPDFPTAAIINGRRGIEEAYRTGRGKVYIRARAEVEVDAKTGRETIIVHEIPYQVNKARLIEKIAELVKEKRVEGISALRDESDKDGMRIVIEVKRDAVGEVVLNNLYSQTQLQVSFGINMVALHHGQPKIMNLKDIIAAFVRHRREVVTRRTIFELRKARDRAHILEALAVALANIDPIIELIRHAPTPAEAKTALVANPWQLGNVAAMLERAGDDAARPEWLEPEFGVRDGLYYLTEQQAQAILDLRLQKLTGLEHEKLLDEYKELLDQIAELLRILGSADRLMEVIREELELVREQFGDKRRTEITANSADINLEDLITQEDVVVTLSHQGYVKYQPLSEYEAQRRGGKGKSAARIKEEDFIDRLLVANTHDHILCFSSRGRVYSMKVYQLPEATRGARGRPIVNLLPLEQDERITAILPVTEFEEGVKVFMATANGTVKKTVLTEFNRLRTAGKVAIKLVDGDELIGVDLTSGEDEVMLFSAEGKVVRFKESSVRAMGCNTTGVRGIRLGEGDKVVSLIVPRGDGAILTATQNGYGKRTAVAEYPTKSRATKGVISIKVTERNGLVVGAVQVDDCDQIMMITDAGTLVRTRVSEISIVGRNTQGVILIRTAEDENVVGLQRVAEPVDEEDLDTIDGSAAEGDDEIAPEVDVDDEPEEE\n")
	w, err := table.Create[table.Protein](filepath.Join(dir, "proteins.tsv"), table.Meta{Schema: table.SchemaProteins})
	if err != nil {
		t.Fatal(err)
	}
	prot := "MSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDGLKPVHRRVLYAMNVLGNDWNKAYKKSARVVGDVIGKYHPHGDLAVYDTIVRMAQ"
	w.Write(table.Protein{SampleID: "S1", Gene: "gyrA", Copy: 1, Protein: prot, CDS: "", PartialEnd: true, Frameshifts: ""})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "aln.parquet")
	if code, stderr := runMain(t, "--references", refs, "--queries", filepath.Join(dir, "proteins.tsv"), "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, meta, err := table.ReadAll[table.Alignment](out, table.SchemaAlignments)
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	if r.QueryID != "S1|gyrA|1" || !r.PartialEnd || r.QueryEnd != int32(len(prot)) || r.Identity != int32(len(prot)-1) {
		t.Errorf("row: %+v", r)
	}
	// A 97-residue fragment of an 878-residue protein is well below the LOW coverage tier.
	if r.Quality != "FAILED" {
		t.Errorf("quality %s", r.Quality)
	}
	if meta.Schema != table.SchemaAlignments || meta.Inputs[refs] == "" || meta.Extra["wtscan.references.digest"] == "" {
		t.Errorf("metadata %+v", meta)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	refs := writeFile(t, dir, "refs.faa", ">r1 gene=gyrA\nMKVLAAGIVGLLLAAHSA\n")
	foreign := filepath.Join(dir, "foreign.parquet")
	w, _ := table.Create[table.Mutation](foreign, table.Meta{Schema: table.SchemaMutations})
	w.Write(table.Mutation{SampleID: "S1"})
	w.Close()
	tests := []struct {
		name, queries, want string
		extra               []string
	}{
		{"empty sequence", ">q1 gene=gyrA\n>q2 gene=gyrA\nMKV\n", `record 1 ("q1"): empty sequence`, nil},
		{"not amino acids", ">q1 gene=gyrA\nMKV1L\n", `character '1' at position 4`, nil},
		{"duplicate ids", ">q1 gene=gyrA\nMKV\n>q1 gene=gyrA\nMKL\n", `record 2 ("q1"): duplicate query id "q1" (also query 1)`, nil},
		{"gene without reference", ">q1 gene=parC\nMKV\n", `no reference for gene "parC"`, nil},
		{"no gene", ">q1\nMKV\n", `no gene`, nil},
		{"empty file", "", "no FASTA records", nil},
		{"wrong schema", "", "is a mutations table, expected proteins", []string{"--queries", foreign}},
		{"bad matrix", ">q1 gene=gyrA\nMKV\n", "--matrix", []string{"--matrix", "EBLOSUM99"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := writeFile(t, dir, "q.faa", tt.queries)
			out := filepath.Join(dir, "out.parquet")
			args := []string{"--references", refs, "--queries", q, "--out", out}
			args = append(args, tt.extra...)
			code, stderr := runMain(t, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output left behind")
			}
			if e, _ := filepath.Glob(filepath.Join(dir, ".out.parquet*")); len(e) > 0 {
				t.Errorf("temporary files left: %v", e)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _ := runMain(t, "--queries", "x"); code != 2 {
		t.Errorf("missing flags: exit %d", code)
	}
	if code, _ := runMain(t, "--references", ".", "--queries", "x", "--out", "y.tsv", "--all", "--pairs", "main.go"); code != 2 {
		t.Errorf("--all with --pairs: exit %d", code)
	}
	if code, stderr := runMain(t, "--references", ".", "--queries", "x", "--out", "y.tsv", "--quality-thresholds", "HIGH=50/50,LOW=90/90"); code != 2 || !strings.Contains(stderr, "strictest") {
		t.Errorf("bad tiers: exit %d %s", code, stderr)
	}
}

func TestResultCacheSecondChance(t *testing.T) {
	c := resultCache{}
	for i := 0; i < maxCache; i++ {
		c[cacheKey{"r", strings.Repeat("A", i+1)}] = &cached{res: &swalign.Result{Score: float64(i)}}
	}
	common := cacheKey{"r", "AAA"}
	if r := c.get(common); r == nil || r.Score != 2 {
		t.Fatal("lookup failed")
	}
	c.makeRoom(10)
	if len(c) != 1 || c.get(common) == nil {
		t.Fatalf("after eviction %d entries; the used one must stay", len(c))
	}
	c.makeRoom(maxCache) // no room even after dropping unused: start over
	if len(c) != 0 {
		t.Fatalf("%d entries left", len(c))
	}
}
