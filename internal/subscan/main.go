// Package subscan is wtscan-subscan: it names every amino-acid change of each
// alignment in reference coordinates (internal/variant), marks the changes a
// resistance catalogue knows (internal/catalog), evaluates the catalogue's
// combination rules per sample and writes the mutations and sites tables.
package subscan

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/variant"
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
	CatalogFormat   string `enum:"auto,wtscan,pointfinder,amrfinder" default:"auto" help:"Catalogue format (${enum})."`
	CatalogLenient  bool   `help:"Drop catalogue entries that disagree with the references (with a warning each) instead of failing."`
	CatalogOrganism string `placeholder:"NAME" help:"AMRFinderPlus catalogues: the organism whose rows to use (as in AMRProt-mutation.tsv, e.g. Escherichia)."`
	CatalogName     string `placeholder:"NAME" help:"Catalogue name written in catalog_name (default: the format's name, or the wtscan TSV's source column)."`
	CatalogVersion  string `placeholder:"VERSION" help:"Catalogue version written in catalog_version (default: from the catalogue where it says)."`

	CallFailed bool `help:"Also call changes in alignments of quality FAILED. By default they are skipped (their catalogue sites NOT_COVERED) unless the gene is disrupted: a frameshift, a premature stop, or a query ending inside the reference."`
}

// Validate checks rules that involve several flags.
func (c *CLI) Validate() error {
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
	env.Started(map[string]any{"alignments": c.Alignments, "references": c.References, "catalog": c.Catalog, "out": c.Out, "sites": c.Sites})
	counts, err := run(env, &c)
	if err != nil {
		return env.Fail(err)
	}
	return env.Done(counts)
}

// call is one alignment row and its calls.
type call struct {
	row     *table.Alignment
	ref     *refset.Reference
	res     *variant.Result // nil when the row was skipped; shared by rows with identical inputs
	skipped string
	cdsOK   bool // the row's query CDS translates to its aligned query: codons can be reported
}

func run(env *cli.Env, c *CLI) (map[string]any, error) {
	refs, err := refset.Load(c.References)
	if err != nil {
		return nil, err
	}
	var cat *catalog.Catalog
	if c.Catalog != "" {
		if cat, err = loadCatalog(env, c, refs); err != nil {
			return nil, err
		}
	}
	rows, _, err := table.ReadAll[table.Alignment](c.Alignments, table.SchemaAlignments)
	if err != nil {
		return nil, err
	}
	callStart := time.Now() // calling and naming, apart from reading and writing tables
	calls := make([]call, len(rows))
	skipped, badCDS, badCDSRow := 0, 0, ""
	// A cohort repeats a few alleles many times: rows whose caller input is
	// identical share one call (the result is read-only).
	memo := map[string]*variant.Result{}
	for i := range rows {
		row := &rows[i]
		where := fmt.Sprintf("alignments %s row %d (sample %s, gene %s, copy %d, reference %s)", c.Alignments, i+1, row.SampleID, row.Gene, row.Copy, row.ReferenceID)
		ref := refs.ByID(row.ReferenceID)
		if ref == nil {
			return nil, fmt.Errorf("%s: reference %q is not in %s (were the alignments made against other references?)", where, row.ReferenceID, c.References)
		}
		if int(row.RefLength) != len(ref.Protein) {
			return nil, fmt.Errorf("%s: ref_length %d, but reference %s in %s has %d residues (were the alignments made against other references?)", where, row.RefLength, ref.ID, c.References, len(ref.Protein))
		}
		calls[i] = call{row: row, ref: ref}
		if row.Quality == "FAILED" && !c.CallFailed && !disrupted(row) {
			calls[i].skipped = "quality FAILED"
			skipped++
			continue
		}
		if row.AlignedQuery == "" {
			calls[i].skipped = "empty alignment"
			skipped++
			continue
		}
		prot, protOK := queryProtein(row)
		calls[i].cdsOK = protOK && row.QueryCDS != ""
		if row.QueryCDS != "" && !protOK {
			badCDS++
			if badCDSRow == "" {
				badCDSRow = where
			}
		}
		key := callKey(row, prot, protOK)
		if res, ok := memo[key]; ok {
			calls[i].res = res
			continue
		}
		in, err := inputOf(row, ref, prot, protOK)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		res, err := variant.Call(in)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		memo[key] = res
		calls[i].res = res
	}
	if skipped > 0 {
		env.Log.Warn().Int("rows", skipped).Str("file", c.Alignments).Msg("alignments not called (quality FAILED or empty; use --call-failed to call FAILED ones); their catalogue sites are NOT_COVERED")
	}

	if badCDS > 0 {
		env.Log.Warn().Int("rows", badCDS).Str("first", badCDSRow).Msg("query_cds does not translate to the aligned query: codons not reported for these rows")
	}

	muts, nKnown := mutationRows(calls, cat)
	var sites []table.Site
	if cat != nil && c.Sites != "" {
		sites = siteRows(calls, cat)
	}
	callSeconds := time.Since(callStart).Seconds()

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
	if err := writeTable(c.Out, table.SchemaMutations, env.Args, inputs, extra, muts); err != nil {
		return nil, err
	}
	if c.Sites != "" {
		if err := writeTable(c.Sites, table.SchemaSites, env.Args, inputs, extra, sites); err != nil {
			os.Remove(c.Out) // no output left behind
			return nil, err
		}
	}
	counts := map[string]any{"alignments": len(rows), "distinct_calls": len(memo), "not_called": skipped, "mutations": len(muts), "known": nKnown, "out": c.Out,
		"calling_seconds": callSeconds}
	if c.Sites != "" {
		counts["sites"] = len(sites)
		counts["sites_out"] = c.Sites
	}
	return counts, nil
}

func writeTable[T any](path, schema string, args, inputs []string, extra map[string]string, rows []T) error {
	meta, err := table.NewMeta(schema, args, inputs...)
	if err != nil {
		return err
	}
	meta.Extra = extra
	w, err := table.Create[T](path, meta)
	if err != nil {
		return err
	}
	defer w.Abort()
	if err := w.Write(rows...); err != nil {
		return err
	}
	return w.Close()
}

func loadCatalog(env *cli.Env, c *CLI, refs *refset.Set) (*catalog.Catalog, error) {
	cat, err := catalog.Load(c.Catalog, catalog.Options{Format: c.CatalogFormat, Organism: c.CatalogOrganism, Name: c.CatalogName, Version: c.CatalogVersion})
	if err != nil {
		return nil, err
	}
	warnings, err := cat.Validate(refs, c.CatalogLenient)
	if err != nil {
		return nil, fmt.Errorf("catalogue %s disagrees with references %s (use --catalog-lenient to drop these entries): %w", c.Catalog, c.References, err)
	}
	for _, w := range warnings {
		env.Log.Warn().Str("file", w.File).Int("line", w.Line).Str("problem", w.Msg).Msg("catalogue entry dropped")
	}
	if len(cat.Notes) > 0 {
		notes := make([]string, len(cat.Notes))
		for i, n := range cat.Notes {
			notes[i] = fmt.Sprintf("%s:%d: %s", filepath.Base(n.File), n.Line, n.Msg)
		}
		env.Log.Info().Int("rows", len(notes)).Strs("notes", notes).Msg("catalogue rows not used (nucleotide positions, or genes without a reference)")
	}
	env.Log.Info().Str("catalog", cat.Name).Str("format", cat.Format).Int("entries", len(cat.Entries)).Int("dropped", len(warnings)).Str("digest", cat.Digest).Msg("catalogue loaded")
	return cat, nil
}

// callKey is everything the caller's result depends on for a row.
func callKey(row *table.Alignment, prot []byte, protOK bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%d\x00%d\x00%d\x00%d\x00%t\x00%t\x00%s\x00%t\x00", row.ReferenceID, row.QueryStart, row.QueryEnd, row.QueryLength,
		row.RefStart, row.PartialStart, row.PartialEnd, row.Frameshifts, protOK)
	b.WriteString(row.AlignedQuery)
	b.WriteByte(0)
	b.WriteString(row.AlignedRef)
	if protOK {
		b.WriteByte(0)
		b.Write(prot[:row.QueryStart-1])
		b.WriteByte(0)
		b.Write(prot[row.QueryEnd:])
	}
	return b.String()
}

// inputOf turns an alignment row, and its whole query protein when known,
// into the caller's input.
func inputOf(row *table.Alignment, ref *refset.Reference, prot []byte, protOK bool) (variant.Input, error) {
	in := variant.Input{
		AlignedQuery: row.AlignedQuery, AlignedRef: row.AlignedRef,
		QueryStart: int(row.QueryStart), QueryEnd: int(row.QueryEnd), QueryLength: int(row.QueryLength),
		RefStart: int(row.RefStart), Ref: ref.Protein,
		PartialStart: row.PartialStart, PartialEnd: row.PartialEnd,
	}
	for _, f := range strings.Split(row.Frameshifts, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := strconv.Atoi(f)
		if err != nil {
			return in, fmt.Errorf("frameshifts %q: %q is not a position", row.Frameshifts, f)
		}
		in.Frameshifts = append(in.Frameshifts, p)
	}
	if protOK {
		in.QueryBefore, in.QueryBeforeSet = string(prot[:row.QueryStart-1]), true
		in.QueryAfter, in.QueryAfterSet = string(prot[row.QueryEnd:]), true
	}
	return in, nil
}

// queryProtein returns the whole query protein: the row's query column, or
// else its query CDS translated (the initiator read as M unless the gene runs
// off the contig's start), when it agrees with the aligned query.
func queryProtein(row *table.Alignment) ([]byte, bool) {
	if row.QueryStart < 1 || row.QueryEnd < row.QueryStart {
		return nil, false
	}
	var prot []byte
	switch {
	case row.QueryCDS != "":
		prot = gencode.Translate([]byte(strings.ToUpper(row.QueryCDS)), !row.PartialStart)
	case row.Query != "":
		prot = []byte(strings.ToUpper(row.Query))
	default:
		return nil, false
	}
	if int(row.QueryEnd) > len(prot) {
		return nil, false
	}
	aligned := strings.ToUpper(strings.ReplaceAll(row.AlignedQuery, "-", ""))
	if string(prot[row.QueryStart-1:row.QueryEnd]) != aligned {
		return nil, false
	}
	return prot, true
}

// presence answers, for one sample, whether it carries a token's change.
func presence(calls []call) map[string]catalog.Has {
	bySample := map[string][]call{}
	for _, cl := range calls {
		if cl.res != nil {
			bySample[cl.row.SampleID] = append(bySample[cl.row.SampleID], cl)
		}
	}
	out := map[string]catalog.Has{}
	for s, cls := range bySample {
		cls := cls
		out[s] = func(t catalog.Token) bool {
			for _, cl := range cls {
				for _, e := range cl.res.Events {
					switch e.Type {
					case variant.Substitution, variant.Nonsense, variant.StartLost:
						if catalog.TokenMatches(t, cl.row.Gene, e.Start, e.Alt) {
							return true
						}
					}
				}
			}
			return false
		}
	}
	return out
}

func mutationRows(calls []call, cat *catalog.Catalog) ([]table.Mutation, int) {
	has := presence(calls)
	// Rows come out sorted by sample, gene, copy, reference and position:
	// the calls are put in that order (stably, so equal keys keep their input
	// order), and each result's events in position order.
	var order []int
	n := 0
	for i, cl := range calls {
		if cl.res != nil {
			order = append(order, i)
			n += len(cl.res.Events)
		}
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := calls[i].row, calls[j].row
		return cmp.Or(cmp.Compare(a.SampleID, b.SampleID), cmp.Compare(a.Gene, b.Gene), cmp.Compare(a.Copy, b.Copy),
			cmp.Compare(a.ReferenceID, b.ReferenceID))
	})
	out := make([]table.Mutation, 0, n)
	known := 0
	// Rows with identical input share a result, so its events are ordered,
	// named and looked up in the catalogue once.
	type named struct {
		ev   *variant.Event
		gene string
	}
	evOrder := map[*variant.Result][]int{}
	symbols := map[named]string{}
	entries := map[*variant.Event][]*catalog.Entry{}
	for _, ci := range order {
		cl := calls[ci]
		row := cl.row
		idx, ok := evOrder[cl.res]
		if !ok {
			idx = make([]int, len(cl.res.Events))
			for k := range idx {
				idx[k] = k
			}
			slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(cl.res.Events[a].Start, cl.res.Events[b].Start) })
			evOrder[cl.res] = idx
		}
		for _, k := range idx {
			ev := &cl.res.Events[k]
			e := *ev
			sym, ok := symbols[named{ev, row.Gene}]
			if !ok {
				sym = variant.Symbol(row.Gene, e.Short)
				symbols[named{ev, row.Gene}] = sym
			}
			m := table.Mutation{
				SampleID: row.SampleID, Gene: row.Gene, Copy: row.Copy, ReferenceID: row.ReferenceID,
				Position: int32(e.Start), EndPosition: int32(e.End), Ref: e.Ref, Alt: e.Alt, Type: string(e.Type),
				HGVS: e.HGVS, Short: e.Short, Symbol: sym, RetainedPct: e.RetainedPct,
			}
			m.CodonRef, m.CodonAlt = codons(cl, e)
			if cat != nil {
				m.CatalogName, m.CatalogVersion = cat.Name, cat.Version
				hits, ok := entries[ev]
				if !ok {
					hits = cat.Lookup(row.Gene, e)
					entries[ev] = hits
				}
				if a := catalog.Annotate(hits, has[row.SampleID]); a.Known {
					known++
					m.Known, m.CatalogID, m.DrugClasses, m.Phenotype, m.PMIDs = true, a.IDs, a.DrugClasses, a.Phenotype, a.PMIDs
					if a.Name != "" {
						m.CatalogName = a.Name
					}
					if a.Version != "" {
						m.CatalogVersion = a.Version
					}
					m.RequiredMut, m.RequiredMet = a.Requires, a.RequiredMet
				}
			}
			out = append(out, m)
		}
	}
	return out, known
}

// codons returns the reference and query codons of an event when the
// reference has a CDS and the row carries the query's CDS.
func codons(cl call, e variant.Event) (string, string) {
	var cref, calt string
	if cl.ref.CDS != nil {
		switch e.Type {
		case variant.Substitution, variant.Nonsense, variant.StartLost, variant.Deletion, variant.Delins, variant.Frameshift:
			var b strings.Builder
			for p := e.Start; p <= e.End; p++ {
				b.WriteString(cl.ref.Codon(p))
			}
			cref = b.String()
		}
	}
	cds := ""
	if cl.cdsOK {
		cds = cl.row.QueryCDS
	}
	if cds != "" && e.QStart >= 1 && e.QEnd >= e.QStart && 3*e.QEnd <= len(cds) && e.Type != variant.StopLost {
		calt = strings.ToUpper(cds[3*e.QStart-3 : 3*e.QEnd])
	}
	return cref, calt
}

func siteRows(calls []call, cat *catalog.Catalog) []table.Site {
	byGene := map[string][]catalog.Site{}
	for _, s := range cat.Sites() {
		byGene[s.Gene] = append(byGene[s.Gene], s)
	}
	var out []table.Site
	for _, cl := range calls {
		for _, s := range byGene[cl.row.Gene] {
			st := table.Site{SampleID: cl.row.SampleID, Gene: cl.row.Gene, Position: int32(s.Position), Copy: cl.row.Copy, Status: variant.StatusNotCovered}
			if s.Position >= 1 && s.Position <= len(cl.ref.Protein) {
				st.Ref = string(cl.ref.Protein[s.Position-1])
			}
			if cl.res != nil {
				st.Status, st.Observed = cl.res.Site(s.Position, cl.ref.Protein)
			}
			out = append(out, st)
		}
	}
	slices.SortStableFunc(out, func(a, b table.Site) int {
		return cmp.Or(cmp.Compare(a.SampleID, b.SampleID), cmp.Compare(a.Gene, b.Gene), cmp.Compare(a.Position, b.Position), cmp.Compare(a.Copy, b.Copy))
	})
	return out
}

// disrupted applies variant.Disrupted to an alignment row.
func disrupted(row *table.Alignment) bool {
	return variant.Disrupted(variant.Shape{
		Frameshifts: row.Frameshifts, HasStop: strings.Contains(row.AlignedQuery, "*"), PctIdentity: row.PctIdentity,
		QueryEnd: int(row.QueryEnd), QueryLength: int(row.QueryLength), RefEnd: int(row.RefEnd), RefLength: int(row.RefLength),
		PartialEnd: row.PartialEnd,
	})
}
