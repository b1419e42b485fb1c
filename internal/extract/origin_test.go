package extract

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/testdata"
)

// TestGenBankAcrossOrigin (issue 13 item 4): on a circular contig a CDS may
// run across the origin, complement(join(a..n,1..b)); its parts are read in
// the order written. The contig is the gyrA peer contig (the gene on the minus
// strand over the whole contig) rotated by k, so the gene's first part in
// reading order is the contig's end.
func TestGenBankAcrossOrigin(t *testing.T) {
	refs := testdata.Shared(t, "pointfinder/salmonella")
	rec := peerContig(t, "staramr/gyrA-A67P-rc.fsa")
	n, k := len(rec.Seq), 1000
	rot := append(append([]byte{}, rec.Seq[k:]...), rec.Seq[:k]...)
	dir := t.TempDir()
	asm := write(t, dir, "c.fna", ">c1\n"+string(rot)+"\n")
	var gb strings.Builder
	fmt.Fprintf(&gb, "LOCUS       c1  %d bp    DNA     circular BCT 01-JAN-2000\nFEATURES             Location/Qualifiers\n", n)
	fmt.Fprintf(&gb, "     CDS             complement(join(%d..%d,1..%d))\n                     /gene=\"gyrA\"\nORIGIN\n", n-k+1, n, n-k)
	for i := 0; i < n; i += 60 {
		fmt.Fprintf(&gb, "%9d %s\n", i+1, strings.ToLower(string(rot[i:min(n, i+60)])))
	}
	gb.WriteString("//\n")
	out := filepath.Join(dir, "p.tsv")
	code, stderr := run(t, "-a", asm, "--annotation", write(t, dir, "a.gbk", gb.String()), "-s", "S1", "-r", refs, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := readRows(t, out)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1 (gyrA): %+v", len(rows), rows)
	}
	r := rows[0]
	if r.LengthAA != 878 || r.Protein[66] != 'P' || r.InternalStops != 0 {
		t.Errorf("gyrA across the origin: %d aa, residue 67 %c, %d internal stops; want 878 aa, P, 0", r.LengthAA, r.Protein[66], r.InternalStops)
	}
	if want := string(gencode.ReverseComplement(rec.Seq)); r.CDS != want {
		t.Errorf("cds is not the gene read across the origin")
	}
}
