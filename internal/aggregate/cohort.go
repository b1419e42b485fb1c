package aggregate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/wtscan/wtscan/internal/samplesheet"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/variant"
)

// sampleIDPattern is the contract's sample id rule (ARCHITECTURE.md).
var sampleIDPattern = samplesheet.IDPattern

// Kinds of input table, for the rule that a sample comes from one table of each kind.
const (
	kindMutations = iota
	kindSites
	kindAlignments
	nKinds
)

var kindNames = [nKinds]string{"mutations", "sites", "alignments"}

// interner maps strings to dense indexes.
type interner struct {
	idx map[string]int32
	str []string
}

func newInterner() *interner { return &interner{idx: map[string]int32{}} }

func (in *interner) id(s string) int32 {
	if i, ok := in.idx[s]; ok {
		return i
	}
	i := int32(len(in.str))
	in.idx[s] = i
	in.str = append(in.str, s)
	return i
}

func (in *interner) lookup(s string) (int32, bool) {
	i, ok := in.idx[s]
	return i, ok
}

// recKey is everything a mutations row says about the change itself (not the
// sample, copy or codons). Distinct keys are few even for a huge cohort.
type recKey struct {
	// The mutations row with its per-sample fields cleared (splitRow):
	// everything the same for every carrier of the change. A column added
	// to table.Mutation is kept without a change here.
	table.Mutation
	Unmet bool // known only in a combination this sample lacks (subscan's required_met=false)
}

// splitRow splits a mutations row into its change (the row without its
// per-sample fields) and those fields, kept in an occurrence (whose rec the
// caller sets).
func (c *cohort) splitRow(r *table.Mutation, sample int32) (recKey, occurrence) {
	o := occurrence{
		sample: sample, copy: r.Copy,
		codonRef: c.strs.id(r.CodonRef), codonAlt: c.strs.id(r.CodonAlt),
		copies: r.Copies, copiesWith: r.CopiesWith, retained: r.RetainedPct,
	}
	k := recKey{Mutation: *r, Unmet: r.Known && r.RequiredMut != "" && !r.RequiredMet}
	k.SampleID, k.Copy, k.CodonRef, k.CodonAlt, k.Copies, k.CopiesWith, k.RetainedPct = "", 0, "", "", 0, 0, 0
	return k, o
}

// row is occurrence o's mutations row: its change with its per-sample
// fields put back (splitRow's inverse).
func (c *cohort) row(o *occurrence) table.Mutation {
	m := c.recs[o.rec].Mutation
	m.SampleID, m.Copy = c.samples.str[o.sample], o.copy
	m.CodonRef, m.CodonAlt = c.strs.str[o.codonRef], c.strs.str[o.codonAlt]
	m.Copies, m.CopiesWith, m.RetainedPct = o.copies, o.copiesWith, o.retained
	return m
}

// occurrence is one mutations row, reduced.
type occurrence struct {
	sample, rec, copy  int32
	codonRef, codonAlt int32
	copies, copiesWith int32
	retained           float64
}

// change is one symbol (gyrA_S83L) across the cohort.
type change struct {
	key       recKey  // attributes from the first record in sort order (known wins)
	recs      []int32 // the records of this symbol
	samples   []int32 // samples carrying it, increasing
	gene      int32
	uncovered bitset // samples where its site was not covered (never a carrier)
	covered   int    // analysed samples minus uncovered
}

// site is one catalogue site (gene, position) from the sites tables.
type site struct {
	gene, pos          int32
	ref                string
	wt, mut, nc, amb   int    // rows by status
	rowAny, rowCovered bitset // samples with any row; with a WT or MUT row
}

type siteKey struct{ gene, pos int32 }

// span is a reference interval covered by one alignment.
type span struct{ sample, start, end int32 }

type alnKey struct{ sample, gene, copy int32 }

// alnInfo is what hAMRonization wants from an alignment.
type alnInfo struct {
	refStart, refEnd, refLen int32
	qStart, qEnd, qLen       int32
	pctIdentity, refCoverage float64
	queryID                  string
}

// inputFile is one input table for provenance.
type inputFile struct {
	Path    string            `json:"path"`
	Kind    string            `json:"kind"`
	SHA256  string            `json:"sha256"`
	Schema  string            `json:"schema,omitempty"`
	Version string            `json:"wtscan_version,omitempty"`
	Command string            `json:"command,omitempty"`
	Rows    int               `json:"rows"`
	Extra   map[string]string `json:"metadata,omitempty"`
	Inputs  map[string]string `json:"inputs,omitempty"`
}

// cohort is everything read from the inputs.
type cohort struct {
	samples *interner
	genes   *interner
	strs    *interner // codons and other per-row strings
	recIdx  map[recKey]int32
	recs    []recKey
	occ     []occurrence

	sites map[siteKey]*site

	haveAlignments bool
	spans          [][]span // per gene: non-FAILED alignments
	alnGene        []bitset // per gene: samples with a non-FAILED alignment
	aln            map[alnKey]alnInfo
	refLen         []int32  // per gene: longest reference length seen in alignments
	geneSiteAny    []bitset // per gene: samples with any site row
	geneSiteCov    []bitset // per gene: samples with a WT or MUT site row

	files []inputFile

	// paths[kind] are the tables of each kind in the order read;
	// owner[kind][sample<<32|gene] is 1 + the index of the table a sample's
	// rows of a gene come from.
	paths [nKinds][]string
	owner [nKinds]map[uint64]int32
	// sheet, when --samples is given: the sample sheet's ids. Every one is
	// a sample of the cohort (with or without rows); a row of a sample not
	// in it is refused.
	sheet     map[string]bool
	sheetPath string
	withRows  bitset // samples with a row in any table

	// Derived by finish.
	order     []int32 // sample indexes sorted by id
	rank      []int32 // rank[sample] = position in order
	changes   []*change
	bySymbol  map[string]int
	recChange []int32 // record -> change
}

func newCohort() *cohort {
	return &cohort{
		samples: newInterner(),
		genes:   newInterner(),
		strs:    newInterner(),
		recIdx:  map[recKey]int32{},
		sites:   map[siteKey]*site{},
		aln:     map[alnKey]alnInfo{},
	}
}

func (c *cohort) sample(id, where string) (int32, error) {
	if i, ok := c.samples.lookup(id); ok {
		return i, nil
	}
	if !sampleIDPattern.MatchString(id) {
		return 0, fmt.Errorf("%s: sample id %q does not match %s", where, id, sampleIDPattern)
	}
	return c.samples.id(id), nil
}

// sampleGene checks and interns a row's sample id and gene. Row i of b is
// a table of kind; a sample's rows of one gene must all come from one table
// of each kind (tables may be split by sample or by gene): the same sample
// and gene in two tables is two genomes run under one name, or a table
// given twice, and merging them would make one false profile.
func (c *cohort) sampleGene(kind int, b batchInfo, i int, sample, gene string) (s, g int32, err error) {
	where := b.where(i)
	if c.sheet != nil && !c.sheet[sample] {
		return 0, 0, fmt.Errorf("%s: sample %q is not in the sample sheet %s", where, sample, c.sheetPath)
	}
	if s, err = c.sample(sample, where); err != nil {
		return 0, 0, err
	}
	if g, err = c.gene(gene, where); err != nil {
		return 0, 0, err
	}
	if c.owner[kind] == nil {
		c.owner[kind] = map[uint64]int32{}
	}
	c.withRows.set(s)
	k := uint64(s)<<32 | uint64(uint32(g))
	switch prev := c.owner[kind][k]; {
	case prev == 0:
		c.owner[kind][k] = int32(b.fileIndex() + 1)
	case int(prev) != b.fileIndex()+1:
		return 0, 0, fmt.Errorf("%s: sample %q, gene %s also has rows in %s: one sample id from two %s tables (two genomes run under one id, or one table given twice); give each sample once", where, sample, gene, c.paths[kind][prev-1], kindNames[kind])
	}
	return s, g, nil
}

// batchInfo is what sampleGene needs of a batch of any row type.
type batchInfo interface {
	where(i int) string
	fileIndex() int
}

func (c *cohort) gene(name, where string) (int32, error) {
	if name == "" {
		return 0, fmt.Errorf("%s: empty gene", where)
	}
	g := c.genes.id(name)
	for int(g) >= len(c.spans) {
		c.spans = append(c.spans, nil)
		c.alnGene = append(c.alnGene, nil)
		c.geneSiteAny = append(c.geneSiteAny, nil)
		c.geneSiteCov = append(c.geneSiteCov, nil)
		c.refLen = append(c.refLen, 0)
	}
	return g, nil
}

func newInput(kind, path string, m *table.Meta, sum string, rows int) inputFile {
	f := inputFile{Path: path, Kind: kind, SHA256: sum, Rows: rows}
	if m != nil {
		f.Schema, f.Version, f.Command = m.Schema, m.Version, m.Command
		if len(m.Extra) > 0 {
			f.Extra = m.Extra
		}
		if len(m.Inputs) > 0 {
			f.Inputs = m.Inputs
		}
	}
	return f
}

// checkPosition refuses a position a row of molecule cannot have: protein
// positions count from 1; nucleotide positions from 1, or from -1 upstream
// of a gene (a promoter), never 0.
func checkPosition(where string, pos int32, molecule string) error {
	switch {
	case pos < 1 && !table.IsNucleotide(molecule):
		return fmt.Errorf("%s: position %d is not a 1-based reference position", where, pos)
	case pos == 0:
		return fmt.Errorf("%s: position 0: nucleotide positions count from 1, or from -1 upstream of a gene", where)
	}
	return nil
}

func (c *cohort) addMutations(b *batch[table.Mutation]) error {
	for i := range b.rows {
		r := &b.rows[i]
		where := b.where(i)
		s, _, err := c.sampleGene(kindMutations, b, i, r.SampleID, r.Gene)
		if err != nil {
			return err
		}
		if err := checkPosition(where, r.Position, r.Molecule); err != nil {
			return err
		}
		switch {
		case r.Symbol == "":
			return fmt.Errorf("%s: empty symbol", where)
		case r.EndPosition != 0 && r.EndPosition < r.Position:
			return fmt.Errorf("%s: end_position %d before position %d", where, r.EndPosition, r.Position)
		case !variant.ValidType(r.Type):
			return fmt.Errorf("%s: unknown type %q", where, r.Type)
		}
		k, o := c.splitRow(r, s)
		rec, ok := c.recIdx[k]
		if !ok {
			rec = int32(len(c.recs))
			c.recIdx[k] = rec
			c.recs = append(c.recs, k)
		}
		o.rec = rec
		c.occ = append(c.occ, o)
	}
	return nil
}

func (c *cohort) addSites(b *batch[table.Site]) error {
	for i := range b.rows {
		r := &b.rows[i]
		where := b.where(i)
		s, g, err := c.sampleGene(kindSites, b, i, r.SampleID, r.Gene)
		if err != nil {
			return err
		}
		if err := checkPosition(where, r.Position, r.Molecule); err != nil {
			return err
		}
		if !variant.ValidStatus(r.Status) {
			return fmt.Errorf("%s: status %q is not one of WT, MUT, NOT_COVERED, AMBIGUOUS", where, r.Status)
		}
		k := siteKey{g, r.Position}
		st := c.sites[k]
		if st == nil {
			st = &site{gene: g, pos: r.Position, ref: r.Ref}
			c.sites[k] = st
		}
		st.rowAny.set(s)
		c.geneSiteAny[g].set(s)
		switch r.Status {
		case variant.StatusWT:
			st.wt++
		case variant.StatusMut:
			st.mut++
		case variant.StatusNotCovered:
			st.nc++
		case variant.StatusAmbiguous:
			st.amb++
		}
		if r.Status == variant.StatusWT || r.Status == variant.StatusMut {
			st.rowCovered.set(s)
			c.geneSiteCov[g].set(s)
		}
	}
	return nil
}

// alnRow is the part of an alignments row aggregate reads (Parquet readers
// skip the other columns, notably the aligned sequences).
type alnRow struct {
	SampleID    string  `parquet:"sample_id,dict"`
	Gene        string  `parquet:"gene,dict"`
	Copy        int32   `parquet:"copy"`
	QueryID     string  `parquet:"query_id"`
	QueryStart  int32   `parquet:"query_start"`
	QueryEnd    int32   `parquet:"query_end"`
	QueryLength int32   `parquet:"query_length"`
	RefStart    int32   `parquet:"ref_start"`
	RefEnd      int32   `parquet:"ref_end"`
	RefLength   int32   `parquet:"ref_length"`
	PctIdentity float64 `parquet:"pct_identity"`
	RefCoverage float64 `parquet:"ref_coverage"`
	Quality     string  `parquet:"quality,dict"`
	Frameshifts string  `parquet:"frameshifts" wtscan:"optional"`
	PartialEnd  bool    `parquet:"partial_end" wtscan:"optional"`
}

// called says whether subscan names changes from this alignment: any that is
// not FAILED, and a FAILED one whose gene is disrupted (variant.Disrupted).
// The aligned sequences are not read here, so a premature stop inside the
// alignment is not seen; a stop scores below every residue, so a local
// alignment ends at it and the truncation rule sees it instead.
func (r *alnRow) called() bool {
	return r.Quality != "FAILED" || variant.Disrupted(variant.Shape{
		Frameshifts: r.Frameshifts, PctIdentity: r.PctIdentity,
		QueryEnd: int(r.QueryEnd), QueryLength: int(r.QueryLength), RefEnd: int(r.RefEnd), RefLength: int(r.RefLength),
		PartialEnd: r.PartialEnd,
	})
}

func (c *cohort) addAlignments(b *batch[alnRow]) error {
	for i := range b.rows {
		r := &b.rows[i]
		where := b.where(i)
		s, g, err := c.sampleGene(kindAlignments, b, i, r.SampleID, r.Gene)
		if err != nil {
			return err
		}
		if r.RefStart < 1 || r.RefEnd < r.RefStart {
			if r.Quality == "FAILED" {
				continue // a failed alignment may have no coordinates
			}
			return fmt.Errorf("%s: reference interval %d..%d is not 1-based and ordered", where, r.RefStart, r.RefEnd)
		}
		if !r.called() {
			continue // subscan names no change from it: not covered
		}
		c.refLen[g] = max(c.refLen[g], r.RefLength)
		c.spans[g] = append(c.spans[g], span{s, r.RefStart, r.RefEnd})
		c.alnGene[g].set(s)
		k := alnKey{s, g, r.Copy}
		if _, dup := c.aln[k]; !dup {
			c.aln[k] = alnInfo{r.RefStart, r.RefEnd, r.RefLength, r.QueryStart, r.QueryEnd, r.QueryLength, r.PctIdentity, r.RefCoverage, r.QueryID}
		}
	}
	return nil
}

// finish sorts samples, builds the changes and their carrier lists.
func (c *cohort) finish() {
	n := len(c.samples.str)
	c.order = make([]int32, n)
	for i := range c.order {
		c.order[i] = int32(i)
	}
	slices.SortFunc(c.order, func(a, b int32) int { return strings.Compare(c.samples.str[a], c.samples.str[b]) })
	c.rank = make([]int32, n)
	for r, s := range c.order {
		c.rank[s] = int32(r)
	}

	// Records in a stable order; changes by symbol in (gene, position, symbol) order.
	recOrder := make([]int32, len(c.recs))
	for i := range recOrder {
		recOrder[i] = int32(i)
	}
	slices.SortFunc(recOrder, func(a, b int32) int { return compareRec(&c.recs[a], &c.recs[b]) })
	recRank := make([]int32, len(c.recs))
	for r, i := range recOrder {
		recRank[i] = int32(r)
	}
	c.bySymbol = map[string]int{}
	c.recChange = make([]int32, len(c.recs))
	var syms []string
	first := map[string]int32{}
	for _, ri := range recOrder {
		k := &c.recs[ri]
		if _, ok := first[k.Symbol]; !ok {
			first[k.Symbol] = ri
			syms = append(syms, k.Symbol)
		}
	}
	// Order changes like their first records (gene, position, symbol).
	for _, sym := range syms {
		ri := first[sym]
		g, _ := c.genes.lookup(c.recs[ri].Gene)
		c.bySymbol[sym] = len(c.changes)
		c.changes = append(c.changes, &change{key: c.recs[ri], gene: g})
	}
	for _, ri := range recOrder {
		k := &c.recs[ri]
		ci := c.bySymbol[k.Symbol]
		ch := c.changes[ci]
		ch.recs = append(ch.recs, ri)
		c.recChange[ri] = int32(ci)
		if k.Known && !ch.key.Known {
			ch.key = *k // a known record describes the change best
		}
	}

	// Occurrences in output order: sample id, record order, copy, codons.
	slices.SortFunc(c.occ, func(a, b occurrence) int {
		if d := cmp.Compare(c.rank[a.sample], c.rank[b.sample]); d != 0 {
			return d
		}
		if d := cmp.Compare(recRank[a.rec], recRank[b.rec]); d != 0 {
			return d
		}
		if d := cmp.Compare(a.copy, b.copy); d != 0 {
			return d
		}
		if d := strings.Compare(c.strs.str[a.codonRef], c.strs.str[b.codonRef]); d != 0 {
			return d
		}
		if d := strings.Compare(c.strs.str[a.codonAlt], c.strs.str[b.codonAlt]); d != 0 {
			return d
		}
		return cmp.Compare(a.retained, b.retained)
	})
	// Carrier lists, in sample index order (bitset-friendly).
	for _, o := range c.occ {
		ch := c.changes[c.recChange[o.rec]]
		if k := len(ch.samples); k == 0 || ch.samples[k-1] != o.sample {
			ch.samples = append(ch.samples, o.sample)
		}
	}
	for _, ch := range c.changes {
		// Occurrences are in sample-id order; carriers must be unique.
		slices.Sort(ch.samples)
		ch.samples = slices.Compact(ch.samples)
	}
}

func compareRec(a, b *recKey) int {
	return cmp.Or(
		strings.Compare(a.Gene, b.Gene),
		cmp.Compare(a.Position, b.Position),
		cmp.Compare(a.EndPosition, b.EndPosition),
		strings.Compare(a.Symbol, b.Symbol),
		boolCmp(b.Known, a.Known), // known first
		strings.Compare(a.ReferenceID, b.ReferenceID),
		strings.Compare(a.HGVS, b.HGVS),
		strings.Compare(a.Short, b.Short),
		strings.Compare(a.Ref, b.Ref),
		strings.Compare(a.Alt, b.Alt),
		strings.Compare(a.Type, b.Type),
		strings.Compare(a.CatalogID, b.CatalogID),
		strings.Compare(a.DrugClasses, b.DrugClasses),
		strings.Compare(a.Phenotype, b.Phenotype),
		strings.Compare(a.PMIDs, b.PMIDs),
		strings.Compare(a.CatalogName, b.CatalogName),
		strings.Compare(a.CatalogVersion, b.CatalogVersion),
		strings.Compare(a.RequiredMut, b.RequiredMut),
		boolCmp(a.RequiredMet, b.RequiredMet),
		strings.Compare(a.Molecule, b.Molecule),
	)
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
