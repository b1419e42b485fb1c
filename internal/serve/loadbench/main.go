// Command loadbench is wtscan-serve's load benchmark (scripts/bench-serve.sh):
// an in-process server on loopback, N clients posting 1,000-sequence
// batches for a fixed time, then every accepted job waited for. It prints
// jobs/s, sequences/s, submit latency percentiles and whether any job was
// lost, and wtscan-align + wtscan-subscan on one batch's proteins table for
// comparison. Sequences are the demo genomes' target proteins (found by
// wtscan-extract), each with three residues changed at random (fixed
// seed), so every sequence is a real alignment.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/extract"
	"github.com/wtscan/wtscan/internal/serve"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/table"
)

func main() {
	clients := flag.Int("clients", 4, "concurrent clients")
	duration := flag.Duration("duration", 30*time.Second, "how long clients keep posting")
	batch := flag.Int("batch", 1000, "sequences per job")
	workers := flag.Int("workers", 2, "server workers")
	root := flag.String("root", ".", "repository root (data/ is read from it)")
	flag.Parse()
	if err := run(*root, *clients, *workers, *batch, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(root string, clients, workers, batch int, duration time.Duration) error {
	dir, err := os.MkdirTemp("", "wtscan-loadbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	refs, _ := filepath.Abs(filepath.Join(root, "testdata", "references", "kpneumoniae.fna"))
	cat, _ := filepath.Abs(filepath.Join(root, "testdata", "demo", "kpneumoniae-catalog.tsv"))
	proteins, err := demoProteins(root, refs, dir)
	if err != nil {
		return err
	}
	key := strings.Repeat("k", 48)
	conf := fmt.Sprintf("listen: 127.0.0.1:0\nstore: %s\nreferences:\n  kp: %s\ncatalogs:\n  kp:\n    path: %s\nauth:\n  key_file: %s\nworkers: %d\nlimits:\n  rate_per_second: 10000\n  rate_burst: 10000\n  max_body_bytes: 67108864\n",
		filepath.Join(dir, "store"), refs, cat, filepath.Join(dir, "key"), workers)
	if err := os.WriteFile(filepath.Join(dir, "key"), []byte(key), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "serve.yaml"), []byte(conf), 0o600); err != nil {
		return err
	}
	c, err := serve.LoadConfig(filepath.Join(dir, "serve.yaml"), func(string) string { return "" })
	if err != nil {
		return err
	}
	srv, err := serve.New(c, zerolog.New(io.Discard))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln, nil, func(string) string { return "" }) }()
	base := "http://" + ln.Addr().String()
	tok, err := serve.NewToken([]byte(key), "wtscan-serve", "bench", []string{serve.ScopeSubmit, serve.ScopeRead}, time.Hour, time.Now())
	if err != nil {
		return err
	}

	// Clients post until the time is up.
	var mu sync.Mutex
	var ids []string
	var lat []time.Duration
	var refused int
	start := time.Now()
	var wg sync.WaitGroup
	for cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(cl), 15))
			for n := 0; time.Since(start) < duration; n++ {
				body, _ := json.Marshal(serve.BatchRequest{ReferenceSet: "kp", Catalog: "kp", Sequences: variants(rng, proteins, batch, fmt.Sprintf("c%dj%d", cl, n))})
				t0 := time.Now()
				req, _ := http.NewRequest("POST", base+"/alignments/batch", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				d := time.Since(t0)
				if err != nil {
					mu.Lock()
					refused++
					mu.Unlock()
					continue
				}
				var a struct{ ID string }
				err = json.NewDecoder(resp.Body).Decode(&a)
				resp.Body.Close()
				mu.Lock()
				if resp.StatusCode == http.StatusAccepted && err == nil {
					ids = append(ids, a.ID)
					lat = append(lat, d)
				} else {
					refused++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	submitted := time.Since(start)
	// Every accepted job must finish, once, with one alignment per sequence.
	lost := 0
	for _, id := range ids {
		for {
			req, _ := http.NewRequest("GET", base+"/alignments/"+id+"/status", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			var st serve.Status
			err = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if st.State == serve.StateDone {
				if st.Counts.Alignments != int64(batch) || st.Attempts != 1 {
					lost++
				}
				break
			}
			if st.State == serve.StateFailed || st.State == serve.StateCancelled {
				lost++
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	elapsed := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		return err
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	jobs := len(ids)
	fmt.Printf("clients %d, workers %d, %d sequences per job, posting for %s\n", clients, workers, batch, duration)
	fmt.Printf("jobs accepted %d (refused %d), all done after %.1f s (posting stopped at %.1f s)\n", jobs, refused, elapsed.Seconds(), submitted.Seconds())
	fmt.Printf("jobs/s %.2f, sequences/s %.0f (aligned and called)\n", float64(jobs)/elapsed.Seconds(), float64(jobs*batch)/elapsed.Seconds())
	fmt.Printf("submit latency p50 %s, p99 %s, max %s\n", pct(0.50).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond))
	fmt.Printf("jobs lost or wrong: %d\n", lost)

	// The same work by the step binaries (in-process), one batch: its proteins table.
	if jobs > 0 {
		in := filepath.Join(dir, "store", "jobs", ids[0], "proteins.tsv")
		cp := filepath.Join(dir, "cli-proteins.tsv")
		data, err := os.ReadFile(in)
		if err != nil {
			return err
		}
		if err := os.WriteFile(cp, data, 0o600); err != nil {
			return err
		}
		t0 := time.Now()
		if code := align.Main(context.Background(), []string{"--references", refs, "--queries", cp, "--out", filepath.Join(dir, "a.parquet"), "-j", "1"}, nil, io.Discard, io.Discard); code != 0 {
			return fmt.Errorf("wtscan-align exited %d", code)
		}
		ta := time.Since(t0)
		if code := subscan.Main(context.Background(), []string{"--alignments", filepath.Join(dir, "a.parquet"), "--references", refs, "--catalog", cat,
			"--out", filepath.Join(dir, "m.parquet"), "--sites", filepath.Join(dir, "s.parquet"), "-j", "1"}, nil, io.Discard, io.Discard); code != 0 {
			return fmt.Errorf("wtscan-subscan exited %d", code)
		}
		tb := time.Since(t0)
		fmt.Printf("same batch by the steps, -j 1: wtscan-align %.2f s (%.0f sequences/s), + wtscan-subscan %.2f s (%.0f sequences/s)\n",
			ta.Seconds(), float64(batch)/ta.Seconds(), tb.Seconds(), float64(batch)/tb.Seconds())
	}
	if lost > 0 {
		return fmt.Errorf("%d jobs lost or wrong", lost)
	}
	return nil
}

// demoProteins runs wtscan-extract on the four demo genomes.
func demoProteins(root, refs, dir string) ([]table.Protein, error) {
	var sheet strings.Builder
	sheet.WriteString("sample_id\tassembly\n")
	for _, s := range []string{"HS11286", "Kp1084", "MGH78578", "NTUH-K2044"} {
		p, _ := filepath.Abs(filepath.Join(root, "testdata", "demo", s+".fna.gz"))
		fmt.Fprintf(&sheet, "%s\t%s\n", s, p)
	}
	if err := os.WriteFile(filepath.Join(dir, "samples.tsv"), []byte(sheet.String()), 0o600); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "proteins.parquet")
	var stderr bytes.Buffer
	if code := extract.Main(context.Background(), []string{"--samples", filepath.Join(dir, "samples.tsv"), "--references", refs, "--out", out}, nil, io.Discard, &stderr); code != 0 {
		return nil, fmt.Errorf("wtscan-extract: %s", stderr.String())
	}
	rows, _, err := table.ReadAll[table.Protein](out, table.SchemaProteins)
	return rows, err
}

// variants makes n distinct sequences from the demo proteins.
func variants(rng *rand.Rand, rows []table.Protein, n int, tag string) []serve.Sequence {
	const aa = "ACDEFGHIKLMNPQRSTVWY"
	out := make([]serve.Sequence, n)
	for i := range out {
		p := rows[rng.IntN(len(rows))]
		prot := []byte(strings.TrimSuffix(p.Protein, "*"))
		for k := 0; k < 3; k++ {
			prot[1+rng.IntN(len(prot)-1)] = aa[rng.IntN(len(aa))]
		}
		out[i] = serve.Sequence{ID: fmt.Sprintf("%s-%d", tag, i), SampleID: fmt.Sprintf("%s-%d", tag, i), Gene: p.Gene, Protein: string(prot)}
	}
	return out
}
