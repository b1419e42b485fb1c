package e2e

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/extract"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

type peerCase struct {
	input, reference, gene string
	expected               []string
	notes                  string
}

// readPeerCases reads shared/data/peers/expected.tsv: the changes other tools'
// test suites expect for their own inputs.
func readPeerCases(t *testing.T) []peerCase {
	f, err := os.Open(testdata.Shared(t, "peers/expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []peerCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			t.Fatalf("expected.tsv: bad line %q", line)
		}
		c := peerCase{input: f[0], reference: f[1], gene: f[2], expected: strings.Split(f[3], ",")}
		if len(f) > 4 {
			c.notes = f[4]
		}
		cases = append(cases, c)
	}
	return cases
}

// TestPeersThroughPipeline runs every peer case of expected.tsv through
// extract → align → subscan (protein inputs straight to align) against its
// PointFinder reference and catalogue, and compares the called changes with
// what the peer tool's own tests expect.
func TestPeersThroughPipeline(t *testing.T) {
	root := testdata.Shared(t, ".")
	cases := readPeerCases(t)
	if len(cases) < 11 {
		t.Fatalf("expected.tsv has %d cases; the shared data has 11", len(cases))
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.input), func(t *testing.T) {
			dir := t.TempDir()
			refs := filepath.Join(root, c.reference)
			speciesDir := filepath.Dir(refs) // PointFinder species folder: references and catalogue
			aln := filepath.Join(dir, "aln.parquet")
			var stderr bytes.Buffer
			if file, record, ok := strings.Cut(c.input, ":"); ok {
				// A protein record of a FASTA file: straight to align.
				recs, err := seqio.ReadAll(filepath.Join(root, file), seqio.Options{})
				if err != nil {
					t.Fatal(err)
				}
				var q bytes.Buffer
				for _, r := range recs {
					if r.ID == record {
						q.WriteString(">" + r.ID + " gene=" + c.gene + "\n" + string(r.Seq) + "\n")
					}
				}
				qf := filepath.Join(dir, "q.faa")
				os.WriteFile(qf, q.Bytes(), 0o644)
				if code := align.Main(context.Background(), []string{"--references", refs, "--queries", qf, "--out", aln}, nil, &stderr, &stderr); code != 0 {
					t.Fatalf("align: %s", stderr.String())
				}
			} else {
				prot := filepath.Join(dir, "proteins.parquet")
				if code := extract.Main(context.Background(), []string{"--assembly", filepath.Join(root, c.input), "--sample-id", "S1", "--references", refs, "--out", prot}, nil, &stderr, &stderr); code != 0 {
					t.Fatalf("extract: %s", stderr.String())
				}
				rows, _, err := table.ReadAll[table.Protein](prot, table.SchemaProteins)
				if err != nil || len(rows) != 1 || rows[0].Gene != c.gene {
					t.Fatalf("extract found %d proteins (%v), want one %s", len(rows), err, c.gene)
				}
				if code := align.Main(context.Background(), []string{"--references", refs, "--queries", prot, "--out", aln}, nil, &stderr, &stderr); code != 0 {
					t.Fatalf("align: %s", stderr.String())
				}
			}
			mut := filepath.Join(dir, "mut.tsv")
			args := []string{"--alignments", aln, "--references", refs, "--out", mut}
			if _, err := os.Stat(filepath.Join(speciesDir, "resistens-overview.txt")); err == nil {
				args = append(args, "--catalog", filepath.Join(speciesDir, "resistens-overview.txt"), "--catalog-lenient")
			}
			if code := subscan.Main(context.Background(), args, nil, &stderr, &stderr); code != 0 {
				t.Fatalf("subscan: %s", stderr.String())
			}
			muts, _, err := table.ReadAll[table.Mutation](mut, table.SchemaMutations)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			known := map[string]bool{}
			for _, m := range muts {
				got = append(got, m.Short)
				known[m.Short] = m.Known
			}
			slices.Sort(got)
			want := slices.Clone(c.expected)
			slices.Sort(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("called %v, %s expects %v (%s)", got, c.input, want, c.notes)
			}
			// staramr's A67T is not in the PointFinder catalogue (A67P is).
			if strings.Contains(c.input, "A67T") && known["A67T"] {
				t.Errorf("A67T marked known")
			}
			if strings.Contains(c.input, "A67P") && !known["A67P"] {
				t.Errorf("A67P not marked known")
			}
		})
	}
}
