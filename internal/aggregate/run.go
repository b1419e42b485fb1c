package aggregate

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/report"
	"github.com/wtscan/wtscan/internal/samplesheet"
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
	if err := checkArgs(c, muts, sites, alns); err != nil {
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
	co.paths = [nKinds][]string{muts, sites, alns}
	if c.Samples != "" {
		sh, err := samplesheet.Read(c.Samples)
		if err != nil {
			return nil, err
		}
		co.sheet, co.sheetPath = sh.IDs(), c.Samples
		for _, s := range sh.Samples {
			co.samples.id(s.ID)
		}
	}
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
	defer func() {
		fsx.UntrackDir(tmp)
		os.RemoveAll(tmp)
	}()
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

// stageDir makes a temporary folder beside outDir for the whole set of
// outputs; commit puts the set in place of outDir in one step (fsx.SwapDir),
// so a reader never sees a report of one run beside tables of another, and
// what an earlier run wrote there (such as Parquet tables when this run
// writes TSV) is gone. Files in outDir that wtscan-aggregate never writes
// are kept. Temporary folders of killed runs are removed first.
func stageDir(outDir string) (tmp string, commit func() error, err error) {
	outDir = filepath.Clean(outDir)
	parent := filepath.Dir(outDir)
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return "", nil, fmt.Errorf("--out-dir: %w", err)
	}
	if st, err := os.Stat(outDir); err == nil && !st.IsDir() {
		return "", nil, fmt.Errorf("--out-dir %s exists and is not a folder", outDir)
	}
	for _, stale := range fsx.StaleTemps(outDir) {
		removeSet(stale)
	}
	tmp = fsx.TempName(outDir)
	if err := os.Mkdir(tmp, 0o777); err != nil { // the umask decides who may read
		return "", nil, fmt.Errorf("--out-dir: %w", err)
	}
	if err := fsx.TrackDir(tmp); err != nil {
		os.Remove(tmp)
		return "", nil, err
	}
	ours := map[string]bool{}
	for _, n := range outputNames() {
		ours[n] = true
	}
	commit = func() error {
		defer fsx.UntrackDir(tmp)
		return fsx.Locked(func() error {
			if _, err := os.Stat(outDir); os.IsNotExist(err) {
				if err := os.Rename(tmp, outDir); err != nil {
					return fmt.Errorf("move results into %s: %w", outDir, err)
				}
				return nil
			}
			entries, err := os.ReadDir(outDir)
			if err != nil {
				return fmt.Errorf("--out-dir: %w", err)
			}
			for _, e := range entries {
				if ours[e.Name()] || fsx.IsTemp(e.Name()) {
					continue
				}
				if err := os.Rename(filepath.Join(outDir, e.Name()), filepath.Join(tmp, e.Name())); err != nil {
					return fmt.Errorf("keep %s in %s: %w", e.Name(), outDir, err)
				}
			}
			if err := fsx.SwapDir(tmp, outDir); err != nil {
				return err
			}
			return os.RemoveAll(tmp) // the previous run's set
		})
	}
	return tmp, commit, nil
}

// removeSet removes a staged folder a killed run left: the files
// wtscan-aggregate writes, then the folder if nothing else is in it.
func removeSet(dir string) {
	for _, n := range outputNames() {
		os.Remove(filepath.Join(dir, n))
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		for _, e := range entries {
			if fsx.IsTemp(e.Name()) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	os.Remove(dir)
}

// outputNames are every file a run may write into --out-dir (tables in
// either format): what the previous run of wtscan-aggregate wrote there.
func outputNames() []string {
	var out []string
	for _, t := range []string{OutCohortMutations, OutMatrix, OutGenePositions, OutSampleProfiles, OutCooccurrence} {
		out = append(out, t+".parquet", t+".tsv")
	}
	return append(out, OutHamronization, OutProvenance, OutReport)
}

// checkArgs applies the one rule of fsx.CheckArgs: no file the run writes
// is one of its inputs. An input inside --out-dir under an output's name
// would be replaced by the swap (an input table read from there, or a
// cohort table fed back as input).
func checkArgs(c *CLI, tables ...[]string) error {
	ins := []fsx.Arg{{Flag: "--qc", Path: c.QC}, {Flag: "--samples", Path: c.Samples}}
	for k, paths := range tables {
		for _, p := range paths {
			ins = append(ins, fsx.Arg{Flag: "--" + kindNames[k], Path: p})
		}
	}
	var outs []fsx.Arg
	for _, n := range outputNames() {
		outs = append(outs, fsx.Arg{Flag: "--out-dir", Path: filepath.Join(c.OutDir, n)})
	}
	return fsx.CheckArgs(ins, outs)
}
