package aggregate

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/report"
	"github.com/wtscan/wtscan/internal/table"
)

// Output file names inside --out-dir (tables get .parquet or .tsv).
const (
	OutCohortMutations = "cohort_mutations"
	OutMatrix          = "matrix"
	OutGenePositions   = "gene_positions"
	OutSampleProfiles  = "sample_profiles"
	OutCooccurrence    = "cooccurrence"
	OutHamronization   = "hamronization.tsv"
	OutProvenance      = "provenance.json"
	OutReport          = "report.html"
)

func run(env *cli.Env, c *CLI) (map[string]any, error) {
	muts, err := expandInputs("--mutations", c.Mutations)
	if err != nil {
		return nil, err
	}
	if len(muts) == 0 {
		return nil, fmt.Errorf("--mutations: no tables given")
	}
	sites, err := expandInputs("--sites", c.Sites)
	if err != nil {
		return nil, err
	}
	alns, err := expandInputs("--alignments", c.Alignments)
	if err != nil {
		return nil, err
	}
	var findings []Finding
	if c.QC != "" {
		if findings, err = readQC(c.QC); err != nil {
			return nil, err
		}
	}

	phase := time.Now()
	lap := func(name string) {
		env.Log.Debug().Str("phase", name).Float64("seconds", time.Since(phase).Seconds()).Msg("phase")
		phase = time.Now()
	}
	co := newCohort()
	co.haveAlignments = len(alns) > 0
	prog := env.Progress("tables", int64(len(muts)+len(sites)+len(alns)))
	rows := 0
	if err := stream(env.Ctx, muts, table.SchemaMutations, env.Threads(), func(b *batch[table.Mutation]) error {
		rows += len(b.rows)
		if err := co.addMutations(b); err != nil {
			return err
		}
		if b.end {
			co.files = append(co.files, newInput("mutations", b.path, b.meta, b.sum, b.first-1+len(b.rows)))
			prog.Add(1)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	lap("read mutations")
	if err := stream(env.Ctx, sites, table.SchemaSites, env.Threads(), func(b *batch[table.Site]) error {
		if err := co.addSites(b); err != nil {
			return err
		}
		if b.end {
			co.files = append(co.files, newInput("sites", b.path, b.meta, b.sum, b.first-1+len(b.rows)))
			prog.Add(1)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	lap("read sites")
	if err := stream(env.Ctx, alns, table.SchemaAlignments, env.Threads(), func(b *batch[alnRow]) error {
		if err := co.addAlignments(b); err != nil {
			return err
		}
		if b.end {
			co.files = append(co.files, newInput("alignments", b.path, b.meta, b.sum, b.first-1+len(b.rows)))
			prog.Add(1)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	prog.Finish()
	lap("read alignments")
	if len(co.samples.str) == 0 {
		return nil, fmt.Errorf("no samples in the inputs (all tables are empty)")
	}
	co.finish()
	lap("sort")
	res := co.analyse(c.MinSupport, env.Threads())
	lap("analyse")

	// Everything is written into a fresh folder beside --out-dir and moved
	// into place at the end.
	tmp, commit, err := stageDir(c.OutDir)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ext := ".parquet"
	if c.Tables == "tsv" {
		ext = ".tsv"
	}
	args := env.Args
	if _, err := writeTable(filepath.Join(tmp, OutCohortMutations+ext), meta(table.SchemaMutations, args, co.files), func(emit func(table.Mutation) error) error {
		return co.mutationRows(nil, emit)
	}); err != nil {
		return nil, err
	}
	if err := co.writeMatrix(filepath.Join(tmp, OutMatrix+ext), meta(SchemaMatrix, args, co.files), res.matrixCols, res.profiles); err != nil {
		return nil, err
	}
	if _, err := writeTable(filepath.Join(tmp, OutGenePositions+ext), meta(SchemaGenePositions, args, co.files), func(emit func(GenePosition) error) error {
		for _, r := range res.genePositions {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if _, err := writeTable(filepath.Join(tmp, OutSampleProfiles+ext), meta(SchemaSampleProfiles, args, co.files), func(emit func(SampleProfile) error) error {
		for _, r := range res.profiles {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if _, err := writeTable(filepath.Join(tmp, OutCooccurrence+ext), meta(SchemaCooccurrence, args, co.files), func(emit func(CoocRow) error) error {
		for _, set := range [][]CoocRow{res.geneCooc, res.mutCooc} {
			for _, r := range set {
				if err := emit(r); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	lap("write tables")
	nHam, err := co.writeHamronization(filepath.Join(tmp, OutHamronization), c.Hamronization == "all")
	if err != nil {
		return nil, err
	}
	counts := map[string]int{
		"samples": len(co.samples.str), "genes": len(co.genes.str), "changes": len(co.changes),
		"mutation_rows": len(co.occ), "tested_changes": len(res.mutUnits), "tested_genes": len(res.geneUnits),
		"change_pairs": len(res.mutCooc), "gene_pairs": len(res.geneCooc), "hamronization_rows": nHam,
		"catalogue_sites": len(co.sites), "input_tables": len(co.files),
	}
	if err := writeJSON(filepath.Join(tmp, OutProvenance), co.provenance(args, counts)); err != nil {
		return nil, err
	}
	lap("write hamronization, provenance")
	data := co.reportData(c, res, findings)
	if err := report.WriteFile(filepath.Join(tmp, OutReport), data); err != nil {
		return nil, err
	}
	lap("report")
	if err := commit(); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, v := range counts {
		out[k] = v
	}
	out["out_dir"] = c.OutDir
	return out, nil
}

// stageDir makes a temporary folder beside outDir; commit moves its files
// into outDir (renaming the whole folder when outDir does not exist yet).
func stageDir(outDir string) (tmp string, commit func() error, err error) {
	outDir = filepath.Clean(outDir)
	parent := filepath.Dir(outDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", nil, fmt.Errorf("--out-dir: %w", err)
	}
	if st, err := os.Stat(outDir); err == nil && !st.IsDir() {
		return "", nil, fmt.Errorf("--out-dir %s exists and is not a folder", outDir)
	}
	tmp, err = os.MkdirTemp(parent, "."+filepath.Base(outDir)+".tmp-")
	if err != nil {
		return "", nil, fmt.Errorf("--out-dir: %w", err)
	}
	commit = func() error {
		if err := os.Chmod(tmp, 0o755); err != nil {
			return err
		}
		if _, err := os.Stat(outDir); os.IsNotExist(err) {
			if err := os.Rename(tmp, outDir); err != nil {
				return fmt.Errorf("move results into %s: %w", outDir, err)
			}
			return nil
		}
		entries, err := os.ReadDir(tmp)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := os.Rename(filepath.Join(tmp, e.Name()), filepath.Join(outDir, e.Name())); err != nil {
				return fmt.Errorf("move %s into %s: %w", e.Name(), outDir, err)
			}
		}
		return nil
	}
	return tmp, commit, nil
}
