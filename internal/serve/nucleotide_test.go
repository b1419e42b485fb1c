package serve

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// TestNucleotideJob: with a PointFinder species folder as reference set and
// catalogue, a job takes the bases of an RNA gene copy in cds beside a
// protein: the 23S copy's A2058G is called as wtscan-align and
// wtscan-subscan call it (n.2058A>G, known, molecule nucleotide), and a
// protein given for the RNA gene is refused with its record named.
func TestNucleotideJob(t *testing.T) {
	ec := filepath.Join(testdata.PointFinderDB(t), "escherichia_coli")
	set, err := refset.Load(ec)
	if err != nil {
		t.Fatal(err)
	}
	s23 := set.Gene("23S")[0].Seq
	if s23[2057] != 'A' {
		t.Fatalf("23S 2058 is %c in the database", s23[2057])
	}
	copy23 := string(s23[:2057]) + "G" + string(s23[2058:])
	gyrA := []byte(string(set.Gene("gyrA")[0].Protein))
	gyrA[82] = 'L' // S83L

	dir := t.TempDir()
	key := filepath.Join(dir, "key")
	if err := os.WriteFile(key, []byte(testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf("listen: 127.0.0.1:0\nstore: %s\nreferences:\n  ecoli: %s\ncatalogs:\n  ecoli:\n    path: %s\nauth:\n  key_file: %s\n",
		filepath.Join(dir, "store"), ec, ec, key)), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(conf, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	ts := startWith(t, c)
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)

	resp, body := call(t, "POST", ts.url+"/alignments/batch", tok, mustJSON(t, BatchRequest{ReferenceSet: "ecoli", Sequences: []Sequence{
		{ID: "bad", SampleID: "S1", Gene: "23S", Protein: string(gyrA)},
	}}))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `(id \"bad\"): gene 23S is a nucleotide target`) {
		t.Errorf("a protein for 23S: %d %s", resp.StatusCode, body)
	}

	id := submit(t, ts.url, tok, BatchRequest{ReferenceSet: "ecoli", Catalog: "ecoli", Sequences: []Sequence{
		{ID: "S1_23S", SampleID: "S1", Gene: "23S", CDS: strings.ToLower(copy23)},
		{ID: "S1_gyrA", SampleID: "S1", Gene: "gyrA", Protein: string(gyrA)},
	}})
	if st := wait(t, ts.url, tok, id, 2*time.Minute, terminalState); st.State != StateDone {
		t.Fatalf("job %s: %s: %s", id, st.State, st.Error)
	}
	resp, tsv := call(t, "GET", ts.url+"/alignments/"+id+"/results?format=tsv&table=mutations", tok, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mutations: %d %s", resp.StatusCode, tsv)
	}
	path := filepath.Join(dir, "m.tsv")
	if err := os.WriteFile(path, tsv, 0o600); err != nil {
		t.Fatal(err)
	}
	rows, _, err := table.ReadAll[table.Mutation](path, table.SchemaMutations)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]table.Mutation{}
	for _, m := range rows {
		got[m.Gene+" "+m.HGVS] = m
	}
	if m, ok := got["23S n.2058A>G"]; !ok || !m.Known || m.Molecule != table.MoleculeNucleotide || m.Copies != 1 || m.CopiesWith != 1 {
		t.Errorf("23S n.2058A>G: %+v (found %v)", m, ok)
	}
	if m, ok := got["gyrA p.Ser83Leu"]; !ok || !m.Known || m.Molecule != table.MoleculeProtein {
		t.Errorf("gyrA p.Ser83Leu: %+v (found %v)", m, ok)
	}
	if len(rows) != 2 {
		t.Errorf("%d mutations rows, want the 2 planted: %v", len(rows), got)
	}
}
