package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/table"
)

// runCLI runs a step's Main in-process and fails the test on a non-zero exit.
func runCLI(t *testing.T, name string, main func(context.Context, []string, io.Reader, io.Writer, io.Writer) int, args ...string) {
	t.Helper()
	var stderr bytes.Buffer
	if code := main(context.Background(), args, nil, io.Discard, &stderr); code != 0 {
		t.Fatalf("%s %v: exit %d: %s", name, args, code, stderr.String())
	}
}

// TestEndToEndSameAsCLI posts the target genes wtscan-extract finds in the
// four demo genomes, polls, fetches every table, and compares them with
// what wtscan-align and wtscan-subscan write for the same proteins table:
// the TSV files byte for byte, the JSON rows field for field.
func TestEndToEndSameAsCLI(t *testing.T) {
	proteins, rows := demoProteinsTable(t)
	if len(rows) < 20 {
		t.Fatalf("wtscan-extract found %d proteins in the four demo genomes; expected the 11 target genes in each", len(rows))
	}

	// The CLI steps.
	cli := t.TempDir()
	at := filepath.Join(cli, "alignments.tsv")
	ap := filepath.Join(cli, "alignments.parquet")
	runCLI(t, "wtscan-align", align.Main, "--references", repoRefs, "--queries", proteins, "--out", at, "-j", "1")
	runCLI(t, "wtscan-align", align.Main, "--references", repoRefs, "--queries", proteins, "--out", ap, "-j", "1")
	mt, st := filepath.Join(cli, "mutations.tsv"), filepath.Join(cli, "sites.tsv")
	runCLI(t, "wtscan-subscan", subscan.Main, "--alignments", ap, "--references", repoRefs, "--catalog", repoCatalog, "--out", mt, "--sites", st)

	// The server.
	ts := startServer(t, "")
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	id := submit(t, ts.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Catalog: "kpneumoniae", Sequences: sequencesOf(rows)})
	status := wait(t, ts.url, tok, id, 2*time.Minute, terminalState)
	if status.State != StateDone {
		t.Fatalf("job %s: %s: %s", id, status.State, status.Error)
	}
	if status.Progress != 1 || status.Counts.Alignments != int64(len(rows)) {
		t.Errorf("status: progress %v, %d alignments; want 1 and %d", status.Progress, status.Counts.Alignments, len(rows))
	}

	for _, tc := range []struct{ table, cliFile string }{{"alignments", at}, {"mutations", mt}, {"sites", st}} {
		want, err := os.ReadFile(tc.cliFile)
		if err != nil {
			t.Fatal(err)
		}
		// ?format= and Accept choose the same bytes.
		resp, got := call(t, "GET", ts.url+"/alignments/"+id+"/results?format=tsv&table="+tc.table, tok, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s TSV: %d %s", tc.table, resp.StatusCode, got)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the server's TSV differs from the CLI's (%d vs %d bytes)", tc.table, len(got), len(want))
		}
		resp, got2 := call(t, "GET", ts.url+"/v1/alignments/"+id+"/results?table="+tc.table, tok, nil, "Accept", "text/tab-separated-values")
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got2, want) {
			t.Errorf("%s TSV by Accept under /v1: %d, equal %v", tc.table, resp.StatusCode, bytes.Equal(got2, want))
		}
	}

	// Parquet: the step's own file, readable as a mutations table with the CLI's rows.
	resp, pq := call(t, "GET", ts.url+"/alignments/"+id+"/results?table=mutations", tok, nil, "Accept", mediaParquet)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != mediaParquet {
		t.Fatalf("Parquet: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	pqPath := filepath.Join(t.TempDir(), "m.parquet")
	if err := os.WriteFile(pqPath, pq, 0o600); err != nil {
		t.Fatal(err)
	}
	gotRows, _, err := table.ReadAll[table.Mutation](pqPath, table.SchemaMutations)
	if err != nil {
		t.Fatal(err)
	}
	wantRows, _, err := table.ReadAll[table.Mutation](mt, table.SchemaMutations)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotRows, wantRows) {
		t.Errorf("Parquet mutations: %d rows, CLI %d; they differ", len(gotRows), len(wantRows))
	}
	known := 0
	for _, m := range wantRows {
		if m.Known {
			known++
		}
	}
	if known == 0 || status.Counts.Known != int64(known) {
		t.Errorf("known changes: status says %d, the CLI table has %d (the demo genomes carry catalogued QRDR changes)", status.Counts.Known, known)
	}

	// JSON, paged: walk every page of mutations and compare with the CLI rows.
	var all []map[string]any
	next := "/alignments/" + id + "/results?table=mutations&limit=7"
	pages := 0
	for next != "" {
		resp, body := call(t, "GET", ts.url+next, tok, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("JSON page %s: %d %s", next, resp.StatusCode, body)
		}
		var p struct {
			Total  map[string]int              `json:"total"`
			Tables map[string][]map[string]any `json:"tables"`
			Next   string                      `json:"next"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Total["mutations"] != len(wantRows) {
			t.Fatalf("JSON total %d, CLI rows %d", p.Total["mutations"], len(wantRows))
		}
		all = append(all, p.Tables["mutations"]...)
		next = p.Next
		pages++
	}
	if len(all) != len(wantRows) || pages != (len(wantRows)+6)/7 {
		t.Fatalf("JSON: %d rows in %d pages, want %d rows", len(all), pages, len(wantRows))
	}
	for i, w := range wantRows {
		g := all[i]
		if g["sample_id"] != w.SampleID || g["gene"] != w.Gene || g["hgvs"] != w.HGVS || g["known"] != w.Known ||
			g["position"] != float64(w.Position) || g["symbol"] != w.Symbol || g["catalog_id"] != w.CatalogID {
			t.Fatalf("JSON row %d: %v, CLI %+v", i, g, w)
		}
		if len(g) != len(table.Columns[table.Mutation]()) {
			t.Fatalf("JSON row %d has %d keys, the table %d columns", i, len(g), len(table.Columns[table.Mutation]()))
		}
	}
}

// TestFASTAUpload posts the same proteins as a FASTA file: the same rows as
// the JSON body gives.
func TestFASTAUpload(t *testing.T) {
	_, rows := demoProteinsTable(t)
	rows = rows[:11]
	ts := startServer(t, "")
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	var fa bytes.Buffer
	for _, p := range rows {
		fa.WriteString(">" + p.SampleID + "_" + p.Gene + " sample=" + p.SampleID + " gene=" + p.Gene + "\n" + p.CDS + "\n")
	}
	resp, body := call(t, "POST", ts.url+"/alignments/batch?reference_set=kpneumoniae&catalog=kpneumoniae", tok, fa.Bytes(), "Content-Type", "text/x-fasta")
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("FASTA upload: %d %s", resp.StatusCode, body)
	}
	var a submitResponse
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	jsonSeqs := sequencesOf(rows)
	for i := range jsonSeqs {
		jsonSeqs[i].Protein = "" // CDS only, as in the FASTA
		jsonSeqs[i].Organism = ""
		jsonSeqs[i].Frameshifts, jsonSeqs[i].PartialStart, jsonSeqs[i].PartialEnd = "", false, false
	}
	b := submit(t, ts.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Catalog: "kpneumoniae", Sequences: jsonSeqs})
	for _, id := range []string{a.ID, b} {
		if st := wait(t, ts.url, tok, id, time.Minute, terminalState); st.State != StateDone {
			t.Fatalf("job %s: %s %s", id, st.State, st.Error)
		}
	}
	for _, tbl := range []string{"alignments", "mutations", "sites"} {
		_, x := call(t, "GET", ts.url+"/alignments/"+a.ID+"/results?format=tsv&table="+tbl, tok, nil)
		_, y := call(t, "GET", ts.url+"/alignments/"+b+"/results?format=tsv&table="+tbl, tok, nil)
		if !bytes.Equal(x, y) || len(x) == 0 {
			t.Errorf("%s: FASTA upload and JSON body give different tables", tbl)
		}
	}
}
