// Command gencohort writes a synthetic cohort (mutations, sites and
// alignments tables) for wtscan-aggregate's scale benchmark
// (scripts/bench-aggregate.sh). It is a development tool, not installed.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/wtscan/wtscan/internal/aggregate/synth"
)

func main() {
	var o synth.Options
	dir := flag.String("out", "", "output folder (created)")
	flag.IntVar(&o.Samples, "samples", 1000, "samples")
	flag.IntVar(&o.Genes, "genes", 10, "genes (at most 10)")
	flag.IntVar(&o.SamplesPerFile, "per-file", 1000, "samples per table file")
	flag.Uint64Var(&o.Seed, "seed", 1, "random seed")
	flag.BoolVar(&o.Alignments, "alignments", true, "write alignments tables too")
	flag.BoolVar(&o.AlignedSeqs, "aligned-seqs", true, "fill aligned_query/aligned_ref like real alignments tables")
	flag.StringVar(&o.Ext, "ext", ".parquet", "table extension (.parquet or .tsv)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "gencohort: --out is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gencohort:", err)
		os.Exit(1)
	}
	f, err := synth.Write(*dir, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencohort:", err)
		os.Exit(1)
	}
	for name, list := range map[string][]string{"mutations": f.Mutations, "sites": f.Sites, "alignments": f.Alignments} {
		if err := os.WriteFile(*dir+"/"+name+".txt", []byte(strings.Join(list, "\n")+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gencohort:", err)
			os.Exit(1)
		}
	}
}
