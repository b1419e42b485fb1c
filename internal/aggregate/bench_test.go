package aggregate

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/aggregate/synth"
)

// BenchmarkAggregate aggregates a synthetic cohort of 5,000 samples × 10
// genes (set WTSCAN_BENCH_SAMPLES for more; scripts/bench-aggregate.sh runs
// the 100,000-sample scale test with peak memory).
func BenchmarkAggregate(b *testing.B) {
	n := 5000
	if s := os.Getenv("WTSCAN_BENCH_SAMPLES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	f, err := synth.Write(dir, synth.Options{Samples: n, Genes: 10, SamplesPerFile: 1000, Seed: 1, Alignments: true})
	if err != nil {
		b.Fatal(err)
	}
	list := func(name string, paths []string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Join(paths, "\n")), 0o644); err != nil {
			b.Fatal(err)
		}
		return "@" + p
	}
	args := []string{"--mutations", list("m.txt", f.Mutations), "--sites", list("s.txt", f.Sites),
		"--alignments", list("a.txt", f.Alignments), "--log-level", "error"}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		out := filepath.Join(dir, "out"+strconv.Itoa(i))
		if code := Main(context.Background(), append(args, "--out-dir", out), strings.NewReader(""), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}
