// Package subscan is wtscan-subscan: it names every amino-acid change of each
// alignment in reference coordinates (internal/variant), marks the changes a
// resistance catalogue knows (internal/catalog), evaluates the catalogue's
// combination rules per sample and writes the mutations and sites tables.
package subscan

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/table"
)

const description = "Name every amino-acid change of each alignment in reference coordinates, mark the ones a resistance catalogue knows, and report each catalogue site per sample."

// CLI is wtscan-subscan's command line.
type CLI struct {
	cli.Shared

	Alignments string `required:"" type:"existingfile" placeholder:"FILE" help:"Alignments table from wtscan-align (.parquet, .tsv, .tsv.gz)."`
	References string `required:"" type:"existingpath" placeholder:"REFS" help:"The wild-type references the alignments were made against (protein or CDS FASTA, or a PointFinder folder)."`
	Out        string `required:"" type:"path" placeholder:"FILE" help:"Mutations table: .parquet, .tsv or .tsv.gz."`
	Sites      string `type:"path" placeholder:"FILE" help:"Sites table (one row per sample x catalogue site: WT, MUT, NOT_COVERED, AMBIGUOUS); needs --catalog."`

	Catalog         string `type:"existingpath" placeholder:"PATH" help:"Catalogue of known changes: a wtscan TSV, a PointFinder folder or resistens-overview.txt, or AMRFinderPlus AMRProt-mutation.tsv. Without it every change is reported and none is marked known."`
	CatalogFormat   string `enum:"${catalog_formats}" default:"auto" help:"Catalogue format (${enum})."`
	CatalogStrict   bool   `help:"Fail on any catalogue fault. By default a catalogue is read as its authors mean it: a row whose residue, codon or gene name disagrees with the references is kept and matched on position and alternative, with a warning naming its line; a row that cannot apply (no reference for its gene, a position past the end) is dropped with a warning."`
	CatalogLenient  bool   `hidden:"" help:"Accepted for older workflows: faults are warnings by default now (see --catalog-strict)."`
	CatalogOrganism string `placeholder:"NAME" help:"AMRFinderPlus catalogues: the organism whose rows to use (as in AMRProt-mutation.tsv, e.g. Escherichia)."`
	CatalogName     string `placeholder:"NAME" help:"Catalogue name written in catalog_name (default: the format's name, or the wtscan TSV's source column)."`
	CatalogVersion  string `placeholder:"VERSION" help:"Catalogue version written in catalog_version (default: from the catalogue where it says)."`

	RowsInMemory int `default:"250000" placeholder:"N" help:"Alignment rows held in memory at once (a row takes some 3-6 KB). A larger table is read once for its sample ids, then once per batch of samples of at most N rows. Output does not depend on it."`

	CallFailed bool `help:"Also call changes in alignments of quality FAILED. By default they are skipped (their catalogue sites NOT_COVERED) unless the gene is disrupted: a frameshift, a premature stop, or a query ending inside the reference."`
}

// Validate checks rules that involve several flags.
func (c *CLI) Validate() error {
	if c.RowsInMemory < 1 {
		return fmt.Errorf("--rows-in-memory must be at least 1")
	}
	if c.Sites != "" && c.Catalog == "" {
		return fmt.Errorf("--sites needs --catalog (the sites are the catalogue's)")
	}
	if c.Sites != "" && c.Sites == c.Out {
		return fmt.Errorf("--sites and --out name the same file")
	}
	return nil
}

// Main runs wtscan-subscan and returns its exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c CLI
	env, code, ok := cli.Parse(ctx, "wtscan-subscan", description, &c, &c.Shared, args, stdin, stdout, stderr)
	if !ok {
		return code
	}
	ins := fsx.Args("--alignments", c.Alignments, "--references", c.References, "--catalog", c.Catalog)
	if code, ok := env.CheckArgs(ins, fsx.Args("--out", c.Out, "--sites", c.Sites)); !ok {
		return code
	}
	env.Started(map[string]any{"alignments": c.Alignments, "references": c.References, "catalog": c.Catalog, "out": c.Out, "sites": c.Sites})
	counts, err := run(env, &c)
	if err != nil {
		return env.Fail(err)
	}
	return env.Done(counts)
}

func run(env *cli.Env, c *CLI) (map[string]any, error) {
	refs, err := env.References(c.References)
	if err != nil {
		return nil, err
	}
	var cat *catalog.Catalog
	if c.Catalog != "" {
		if cat, err = loadCatalog(env, c, refs); err != nil {
			return nil, err
		}
	}
	// The rows are sorted by sample before anything is written. A table of
	// up to --rows-in-memory rows is read once and held; a larger one is
	// read once for its sample ids, then once more per batch of samples.
	first, whole, err := readRows(c.Alignments, c.RowsInMemory)
	if err != nil {
		return nil, err
	}
	var passes []*inputRows
	if whole {
		passes = []*inputRows{{rows: first}}
		defer cli.GCHeadroom(alignmentBytes(first), 256<<20)()
	} else {
		first = nil
		if passes, err = samplePasses(c.Alignments, c.RowsInMemory); err != nil {
			return nil, err
		}
		env.Log.Info().Int("rows_in_memory", c.RowsInMemory).Int("passes", len(passes)).
			Msg("the alignments table has more rows than --rows-in-memory: it is read again for each batch of samples")
	}
	inputs := append([]string{c.Alignments}, refs.Files...)
	if cat != nil {
		inputs = append(inputs, cat.Files...)
	}
	extra := map[string]string{
		"wtscan.references":        c.References,
		"wtscan.references.digest": refs.Digest(),
	}
	if cat != nil {
		extra["wtscan.catalog"] = c.Catalog
		extra["wtscan.catalog.name"] = cat.Name
		extra["wtscan.catalog.version"] = cat.Version
		extra["wtscan.catalog.format"] = cat.Format
		extra["wtscan.catalog.digest"] = cat.Digest
		extra["wtscan.catalog.entries"] = strconv.Itoa(len(cat.Entries))
	}
	mw, err := createTable[table.Mutation](c.Out, table.SchemaMutations, env.Args, inputs, extra)
	if err != nil {
		return nil, err
	}
	defer mw.Abort()
	writeSites := func([]table.Site) error { return nil }
	var sw *table.Writer[table.Site]
	if c.Sites != "" {
		if sw, err = createTable[table.Site](c.Sites, table.SchemaSites, env.Args, inputs, extra); err != nil {
			return nil, err
		}
		defer sw.Abort()
		writeSites = func(rows []table.Site) error { return sw.Write(rows...) }
	}
	var sum summary
	nRows := 0
	for k, pass := range passes {
		if !whole { // this batch of samples' rows
			if err := readPass(c.Alignments, pass); err != nil {
				return nil, err
			}
		}
		s, err := callTables(env, c, pass, refs, cat, func(rows []table.Mutation) error { return mw.Write(rows...) }, writeSites)
		if err != nil {
			return nil, err
		}
		nRows += len(pass.rows)
		sum.add(s)
		passes[k] = nil // its rows can go
	}
	if sum.skipped > 0 {
		env.Log.Warn().Int("rows", sum.skipped).Str("file", c.Alignments).Msg("alignments not called (quality FAILED or empty; use --call-failed to call FAILED ones); their catalogue sites are NOT_COVERED")
	}
	if sum.badCDS > 0 {
		env.Log.Warn().Int("rows", sum.badCDS).Str("first", sum.badCDSWhere).Msg("query_cds does not translate to the aligned query: codons not reported for these rows")
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	if sw != nil {
		if err := sw.Close(); err != nil {
			os.Remove(c.Out) // no output left behind
			return nil, err
		}
	}
	if nRows == 0 {
		env.Log.Warn().Str("alignments", c.Alignments).Msg("no alignments (samples without target genes): writing empty tables")
	}
	counts := map[string]any{"alignments": nRows, "distinct_calls": sum.distinct, "not_called": sum.skipped, "mutations": sum.mutations,
		"known": sum.known, "out": c.Out, "calling_seconds": sum.calling.Seconds(), "calling_work_seconds": sum.work.Seconds()}
	if c.Sites != "" {
		counts["sites"] = sum.sites
		counts["sites_out"] = c.Sites
	}
	return counts, nil
}

// alignmentBytes estimates the memory rows hold: their sequences.
func alignmentBytes(rows []table.Alignment) int64 {
	var n int64
	for i := range rows {
		r := &rows[i]
		n += int64(len(r.AlignedQuery) + len(r.AlignedRef) + len(r.Query) + len(r.QueryCDS) + len(r.Cigar) + 256)
	}
	return n
}

// add adds the counts and times of another pass.
func (s *summary) add(o summary) {
	s.distinct += o.distinct
	s.skipped += o.skipped
	s.mutations += o.mutations
	s.known += o.known
	s.sites += o.sites
	if o.badCDS > 0 && (s.badCDS == 0 || o.badCDSAt < s.badCDSAt) {
		s.badCDSAt, s.badCDSWhere = o.badCDSAt, o.badCDSWhere
	}
	s.badCDS += o.badCDS
	s.calling += o.calling
	s.work += o.work
	s.phases.check += o.phases.check
	s.phases.mutations += o.phases.mutations
	s.phases.sites += o.phases.sites
	s.phases.stalled += o.phases.stalled
}
