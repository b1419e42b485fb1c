// Package validate is wtscan-validate, the QC gate: it checks any input or
// output of the wtscan steps, alone or across steps, and reports everything
// wrong in one run, like a compiler, instead of stopping at the first problem.
//
// Every finding names its file, its record (FASTA id, sample/gene/copy,
// catalogue gene:position) and its table row or text line where known, a
// stable check name (fasta.alphabet, table.schema, alignment.counts,
// mutation.ref, lineage.sha256, cohort.outlier, ...) and a severity. The run
// fails (exit 1) when any error was found, or any warning with --strict.
//
// Check names (stable; the family before the dot says what was checked):
//
//	input.*     read, empty, kind (not recognised), compression (corrupt gzip/xz/zstd/bzip2)
//	fasta.*     format, header, empty, empty_record, duplicate_id, alphabet, internal_stop, line_endings
//	tsv.*       empty, header, fields, line_endings
//	samples.*   columns, empty, id, duplicate, path, unknown (a table's sample not in the sheet)
//	ref.*       empty, missing, kind, upstream, cds_length, internal_stop, gap, length, duplicate_id,
//	            duplicate_gene, foreign_record
//	catalog.*   parse, format, gene_name, codon, ref_codon, residue, reference, position, alt,
//	            combination, entry, skipped, unchecked
//	table.*     format, read, schema, columns, value, null, sample_id
//	protein.*   duplicate, coords, strand, copy, length, alphabet, internal_stops, range
//	alignment.* quality, coords, counts, score, cigar, pct, span, matrix, reference, molecule,
//	            ref_length, ref_residues, query_length, query_residues, missing, duplicate, orphan
//	mutation.*  type, molecule, coords, copies, span, name, known, reference, ref, codon
//	site.*      coords, copies, status, molecule, ref
//	lineage.sha256, cohort.outlier, water.crosscheck, water.run
//
// References are read as every other binary reads them, by refset's plan
// and record reader (a PointFinder species folder: the targets genes.txt
// lists, RNA genes and promoters as nucleotide targets; SPECIES.fsa is not
// read), but leniently: every problem of every record is reported with its
// line, and the usable records are kept for the other checks. Proteins and
// CDSs get protein checks (CDS length, internal stops, gaps, length
// 30..5000 aa); RNA genes and promoters get nucleotide checks (alphabet,
// gaps, a promoter longer than its promoter region, length). A target file
// holding another target's record (ref.foreign_record) is a warning: every
// step skips that target and goes on. Catalogue entries, amino-acid and
// nucleotide rows alike, are checked by catalog.Catalog.Validate against
// the usable references.
//
// Cohort outliers: per gene (at least 5 copies), a value x is an outlier when
// |x − median| > k · max(1.4826 · MAD, floor), k = --outlier-mads; the floor
// (1 percentage point of identity, 1 % of the median length, 1 mutation)
// keeps genes whose values are nearly all equal from flagging every
// difference.
//
// Paths in a sample sheet are resolved as the workflow resolves them:
// relative to the current (working) directory, or absolute. A path missing
// there is an error, or a warning when it exists beside the sheet.
package validate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/table"
)

// CLI is wtscan-validate's command line.
type CLI struct {
	cli.Shared

	Files           []string `arg:"" optional:"" name:"FILE" type:"path" help:"Files to check: assemblies or protein FASTA (.gz ok), wtscan tables (.parquet, .tsv, .tsv.gz), sample sheets, catalogues, reference folders. Each file's kind is detected from its content."`
	References      string   `type:"path" help:"Wild-type references (protein or CDS FASTA, or a PointFinder folder): checked, and used to check mutation refs, aligned residues and the catalogue."`
	Catalog         string   `type:"path" help:"Resistance catalogue to check against the references with the loader wtscan-subscan uses (wtscan TSV, PointFinder resistens-overview.txt or its species folder, which then also serves as the references)."`
	CatalogFormat   string   `enum:"${catalog_formats}" default:"auto" help:"Catalogue format (${enum}); auto detects it from the file name and header."`
	CatalogStrict   bool     `help:"Report catalogue faults as errors, as wtscan-subscan --catalog-strict refuses them. By default they are warnings: subscan keeps such rows (or drops those that cannot apply) and goes on; rows that do not parse stay errors."`
	CatalogLenient  bool     `hidden:"" help:"Accepted for older workflows: catalogue faults are warnings by default now."`
	Samples         string   `type:"path" help:"Sample sheet (TSV: sample_id, assembly, annotation, organism) to check; tables' sample ids are also checked against it."`
	Report          string   `type:"path" help:"JSON report to write: {\"summary\":{...},\"findings\":[...]} (required unless --print-samples)."`
	PrintSamples    bool     `help:"Only read the --samples sheet, with the reader every wtscan binary uses, check that the files it names exist, and print its rows as a JSON array on standard output; exit 1 naming every problem with its line. The workflow's check before any job."`
	Table           string   `type:"path" help:"Also write the findings as a qc/1 table (.tsv, .tsv.gz or .parquet)."`
	Strict          bool     `help:"Fail (exit 1) on warnings too."`
	OutlierMads     float64  `default:"5" help:"Cohort outlier threshold: values further than this many robust deviations (1.4826·MAD) from their gene's median are reported."`
	CrossCheckWater int      `default:"0" placeholder:"N" help:"Re-align N randomly chosen alignment rows with EMBOSS water and report any disagreement (needs water on PATH)."`
	Seed            uint64   `default:"1" help:"Random seed choosing the rows for --cross-check-water."`
	Summary         int      `default:"10" help:"How many findings to print in the summary on standard error."`
}

// Validate checks rules across flags.
func (c *CLI) Validate() error {
	if c.PrintSamples {
		if c.Samples == "" || len(c.Files) > 0 || c.References != "" || c.Catalog != "" || c.Report != "" || c.Table != "" {
			return errors.New("--print-samples takes --samples and nothing else to check or write")
		}
		return nil
	}
	if c.Report == "" {
		return errors.New("missing flags: --report=STRING")
	}
	if len(c.Files) == 0 && c.References == "" && c.Catalog == "" && c.Samples == "" {
		return errors.New("nothing to check: give FILE arguments or --references, --catalog or --samples")
	}
	if c.OutlierMads <= 0 {
		return fmt.Errorf("--outlier-mads %g must be positive", c.OutlierMads)
	}
	if c.CrossCheckWater < 0 {
		return fmt.Errorf("--cross-check-water %d must not be negative", c.CrossCheckWater)
	}
	if c.Table != "" {
		if _, err := table.FormatOf(c.Table); err != nil {
			return err
		}
	}
	return nil
}

// Main runs wtscan-validate and returns its exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c CLI
	env, code, ok := cli.Parse(ctx, "wtscan-validate", "Check wtscan inputs and outputs and report every problem found, in one run.", &c, &c.Shared, args, stdin, stdout, stderr)
	if !ok {
		return code
	}
	ins := fsx.Args("--references", c.References, "--catalog", c.Catalog, "--samples", c.Samples)
	for _, f := range c.Files {
		ins = append(ins, fsx.Arg{Path: f})
	}
	if code, ok := env.CheckArgs(ins, fsx.Args("--report", c.Report, "--table", c.Table)); !ok {
		return code
	}
	if c.PrintSamples {
		return printSamples(env, c.Samples)
	}
	env.Started(map[string]any{"files": c.Files, "references": c.References, "catalog": c.Catalog, "samples": c.Samples})
	water := ""
	if c.CrossCheckWater > 0 {
		p, err := exec.LookPath("water")
		if err != nil {
			return env.Fail(errors.New("--cross-check-water needs EMBOSS water, which is not on PATH (install the Debian package emboss, or drop the flag)"))
		}
		water = p
	}
	res, err := Run(ctx, &c, water)
	if err != nil {
		return env.Fail(err)
	}
	sum := Summarize(res.Files, res.Findings, c.Strict)
	sum.WaterChecked = res.WaterChecked
	meta, err := table.NewMeta(SchemaQC, env.Args, res.Files...)
	if err != nil {
		return env.Fail(err)
	}
	if c.Table != "" {
		if err := WriteTable(c.Table, meta, res.Findings); err != nil {
			return env.Fail(err)
		}
	}
	if err := WriteReport(c.Report, Report{Summary: sum, Findings: res.Findings}); err != nil {
		return env.Fail(err)
	}
	PrintSummary(stderr, sum, res.Findings, c.Summary)
	env.Done(map[string]any{"errors": sum.Errors, "warnings": sum.Warnings, "passed": sum.Passed, "water_checked": res.WaterChecked})
	if !sum.Passed {
		return cli.ExitFail
	}
	return cli.ExitOK
}

// Result is what a validation run found.
type Result struct {
	Files        []string  // every file looked at, sorted
	Findings     []Finding // sorted
	WaterChecked int       // alignment rows re-aligned with water
}

// Run performs every check c asks for. water is the water program's path
// (needed only with CrossCheckWater > 0). Problems in the files are findings;
// the error is for the run itself (cancelled, water unusable).
func Run(ctx context.Context, c *CLI, water string) (*Result, error) {
	fs := &Findings{}
	files := map[string]bool{}
	var (
		rs        *refs
		prots     []*loaded[table.Protein]
		alns      []*loaded[table.Alignment]
		muts      []*loaded[table.Mutation]
		sites     []*loaded[table.Site]
		lineage   []tableMeta
		sheetIDs  map[string]bool
		sheetPath string
		catalogs  []string
		catFolder string
	)
	if c.Catalog != "" {
		var file string
		file, catFolder = catalogPath(c.Catalog)
		catalogs = append(catalogs, file)
	}
	refsPath := c.References
	if refsPath == "" {
		refsPath = catFolder
	}
	if refsPath != "" {
		rs = loadRefs(refsPath, fs)
		files[refsPath] = true
	}
	if c.Samples != "" {
		files[c.Samples] = true
		sheetIDs = checkSamples(c.Samples, fs)
		sheetPath = c.Samples
	}
	for _, path := range c.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		files[path] = true
		k, why := detect(path)
		switch k {
		case kindUnknown:
			check := "input.kind"
			switch {
			case strings.Contains(why, "no such file"):
				check = "input.read"
			case why == "empty file":
				check = "input.empty"
			}
			fs.Errorf(Where{File: path}, check, "cannot check: %s", why)
		case kindFolder:
			folderRefs := rs // the folder is --references (or --catalog's): read once
			if !samePath(path, refsPath) {
				folderRefs = loadRefs(path, fs)
			}
			if rs == nil {
				rs, refsPath = folderRefs, path
			}
			if folderCatalog(path) != "" && !(samePath(path, c.Catalog) && samePath(path, refsPath)) {
				// the folder, as wtscan-subscan --catalog reads it (a
				// PointFinder folder: phenotypes.txt and the rows only
				// resistens-overview.txt has), unless it is --catalog
				// and checked below against the same references
				checkCatalog(path, c.CatalogFormat, path, c.CatalogStrict, folderRefs, fs)
			}
		case kindAssembly:
			checkFASTAFile(path, seqio.DNA, fs)
		case kindProteinFASTA:
			checkFASTAFile(path, seqio.Protein, fs)
		case kindSamples:
			ids := checkSamples(path, fs)
			if sheetIDs == nil {
				sheetIDs, sheetPath = ids, path
			}
		case kindCatalog:
			catalogs = append(catalogs, path)
		case kindQC:
			// a findings table: nothing to check
		case kindProteins:
			if t, ok := loadTable[table.Protein](path, table.SchemaProteins, fs); ok {
				prots = append(prots, t)
			}
		case kindAlignments:
			if t, ok := loadTable[table.Alignment](path, table.SchemaAlignments, fs); ok {
				alns = append(alns, t)
			}
		case kindMutations:
			if t, ok := loadTable[table.Mutation](path, table.SchemaMutations, fs); ok {
				muts = append(muts, t)
			}
		case kindSites:
			if t, ok := loadTable[table.Site](path, table.SchemaSites, fs); ok {
				sites = append(sites, t)
			}
		}
	}
	for _, cat := range catalogs {
		files[cat] = true
		checkCatalog(cat, c.CatalogFormat, refsPath, c.CatalogStrict, rs, fs)
	}
	idx := proteinIndex{}
	for _, t := range prots {
		checkProteins(t, idx, fs)
		lineage = append(lineage, tableMeta{t.path, t.meta, t.isPQ})
	}
	for _, t := range alns {
		checkAlignments(t, rs, idx, fs)
		lineage = append(lineage, tableMeta{t.path, t.meta, t.isPQ})
	}
	for _, t := range muts {
		checkMutations(t, rs, fs)
		lineage = append(lineage, tableMeta{t.path, t.meta, t.isPQ})
	}
	for _, t := range sites {
		checkSites(t, rs, fs)
		lineage = append(lineage, tableMeta{t.path, t.meta, t.isPQ})
	}
	for _, l := range lineage {
		if l.parquet { // TSV tables carry no metadata
			checkLineage(l.path, l.meta, fs)
		}
	}
	if len(prots) > 0 && len(alns) > 0 {
		checkAlignedOnce(prots, alns, fs)
	}
	checkOneSource(prots, alns, muts, sites, fs)
	if sheetIDs != nil {
		checkSheetIDs(sheetIDs, prots, alns, muts, sites, fs)
		noGenes(sheetPath, sheetIDs, prots, alns, fs)
	}
	checkCohort(prots, alns, muts, c.OutlierMads, fs)
	res := &Result{}
	if c.CrossCheckWater > 0 {
		n, err := crossCheckWater(ctx, water, c.CrossCheckWater, c.Seed, alns, idx, rs, fs)
		if err != nil {
			return nil, err
		}
		res.WaterChecked = n
	}
	for f := range files {
		res.Files = append(res.Files, f)
	}
	sort.Strings(res.Files)
	res.Findings = fs.Sorted()
	return res, nil
}

// samePath reports whether a and b name the same file the same way
// (after filepath.Clean); an empty path names none.
func samePath(a, b string) bool {
	return a != "" && b != "" && filepath.Clean(a) == filepath.Clean(b)
}

// tableMeta is a table's provenance, for the lineage check.
type tableMeta struct {
	path    string
	meta    table.Meta
	parquet bool
}

// checkSheetIDs warns once per table and sample about sample ids that the
// sample sheet does not list.
func checkSheetIDs(ids map[string]bool, prots []*loaded[table.Protein], alns []*loaded[table.Alignment], muts []*loaded[table.Mutation], sites []*loaded[table.Site], fs *Findings) {
	unknownSamples(ids, prots, func(r *table.Protein) string { return r.SampleID }, fs)
	unknownSamples(ids, alns, func(r *table.Alignment) string { return r.SampleID }, fs)
	unknownSamples(ids, muts, func(r *table.Mutation) string { return r.SampleID }, fs)
	unknownSamples(ids, sites, func(r *table.Site) string { return r.SampleID }, fs)
}

// checkOneSource refuses a sample whose rows of one gene come from two
// tables of the same kind: two genomes run under one id, or a table given
// twice (tables may be split by sample or by gene, never both ways).
func checkOneSource(prots []*loaded[table.Protein], alns []*loaded[table.Alignment], muts []*loaded[table.Mutation], sites []*loaded[table.Site], fs *Findings) {
	oneSource(prots, "proteins", func(r *table.Protein) (string, string) { return r.SampleID, r.Gene }, fs)
	oneSource(alns, "alignments", func(r *table.Alignment) (string, string) { return r.SampleID, r.Gene }, fs)
	oneSource(muts, "mutations", func(r *table.Mutation) (string, string) { return r.SampleID, r.Gene }, fs)
	oneSource(sites, "sites", func(r *table.Site) (string, string) { return r.SampleID, r.Gene }, fs)
}

func oneSource[T any](tables []*loaded[T], kind string, key func(*T) (string, string), fs *Findings) {
	from := map[[2]string]string{}
	for _, t := range tables {
		mine := map[[2]string]bool{}
		for i := range t.rows {
			s, g := key(&t.rows[i])
			k := [2]string{s, g}
			if s == "" || mine[k] {
				continue
			}
			mine[k] = true
			if first, dup := from[k]; dup {
				fs.Errorf(t.where(i, s+"/"+g), "samples.twice", "sample %q, gene %s also has rows in %s: one sample id from two %s tables (two genomes run under one id, or one table given twice)", s, g, first, kind)
				continue
			}
			from[k] = t.path
		}
	}
}

// noGenes warns about every sample of the sheet in which no target gene was
// found (no row in the proteins or, without them, the alignments tables):
// it stays in the cohort, with nothing to report.
func noGenes(sheet string, ids map[string]bool, prots []*loaded[table.Protein], alns []*loaded[table.Alignment], fs *Findings) {
	var have map[string]bool
	switch {
	case len(prots) > 0:
		have = rowSamples(prots, func(r *table.Protein) string { return r.SampleID })
	case len(alns) > 0:
		have = rowSamples(alns, func(r *table.Alignment) string { return r.SampleID })
	default:
		return
	}
	var missing []string
	for id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		fs.Warnf(Where{File: sheet, Record: id}, "samples.no_genes", "sample %q: no target gene found (no rows in the tables); it counts in the cohort with nothing to report", id)
	}
}

func rowSamples[T any](tables []*loaded[T], sample func(*T) string) map[string]bool {
	have := map[string]bool{}
	for _, t := range tables {
		for i := range t.rows {
			have[sample(&t.rows[i])] = true
		}
	}
	return have
}

// unknownSamples warns once per table and sample id that ids lacks.
func unknownSamples[T any](ids map[string]bool, tables []*loaded[T], sample func(*T) string, fs *Findings) {
	for _, t := range tables {
		seen := map[string]bool{}
		for i := range t.rows {
			id := sample(&t.rows[i])
			if id == "" || ids[id] || seen[id] {
				continue
			}
			seen[id] = true
			fs.Warnf(t.where(i, id), "samples.unknown", "sample %q is not in the sample sheet", id)
		}
	}
}
