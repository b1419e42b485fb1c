package subscan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/variant"
)

// template is one result's mutation rows for one gene, in position order:
// named, given their reference codons and looked up in the catalogue once.
// The rows of each sample sharing the result are made from it.
type template struct {
	gene string
	ref  *refset.Reference
	rows []templateRow
}

type templateRow struct {
	ev       *variant.Event
	symbol   string
	codonRef string
	hits     []*catalog.Entry
	// perSample: the annotation depends on the sample (an entry has a
	// combination rule); otherwise it is known (or not) for every sample.
	perSample bool
}

func newTemplate(res *variant.Result, gene string, ref *refset.Reference, cat *catalog.Catalog) *template {
	t := &template{gene: gene, ref: ref, rows: make([]templateRow, len(res.Events))}
	events := res.Events
	if ref.Nucleotide() {
		// the caller counts 1-based indices; rows and the catalogue use the
		// target's coordinates (negative upstream of a promoter's gene)
		events = make([]variant.Event, len(res.Events))
		for k, e := range res.Events {
			events[k] = catalog.CoordEvent(ref, e)
		}
	}
	symGene := symbolGene(gene, ref)
	size := 0
	for k := range events {
		t.rows[k].ev = &events[k]
		size += len(symGene) + 1 + len(events[k].Short) // a symbol's length
	}
	// in position order (the caller gives them so; kept stable)
	if !slices.IsSortedFunc(t.rows, func(a, b templateRow) int { return cmp.Compare(a.ev.Start, b.ev.Start) }) {
		slices.SortStableFunc(t.rows, func(a, b templateRow) int { return cmp.Compare(a.ev.Start, b.ev.Start) })
	}
	// every symbol in one string
	buf := make([]byte, 0, size)
	for j := range t.rows {
		buf = variant.AppendSymbol(buf, symGene, t.rows[j].ev.Short)
	}
	symbols := string(buf)
	for j := range t.rows {
		r := &t.rows[j]
		n := len(symGene) + 1 + len(r.ev.Short)
		r.symbol, symbols = symbols[:n], symbols[n:]
		r.codonRef = codonRef(ref, r.ev)
		if cat != nil {
			r.hits = cat.Lookup(gene, *r.ev)
			for _, h := range r.hits {
				if len(h.Requires) > 0 {
					r.perSample = true
				}
			}
		}
	}
	return t
}

// symbolGene is the gene a symbol names: a promoter target's gene
// (fabG1-promoter) is named by its gene, as in fabG1_C-15T; the negative
// position says the change lies upstream.
func symbolGene(gene string, ref *refset.Reference) string {
	if ref.Kind == refset.KindPromoter {
		return strings.TrimSuffix(gene, "-promoter")
	}
	return gene
}

// row writes template row j for a row of the alignments table into m.
func (t *template) row(j int, m *table.Mutation, cat *catalog.Catalog, has catalog.Has) {
	r := &t.rows[j]
	e := r.ev
	*m = table.Mutation{
		Gene: t.gene, ReferenceID: t.ref.ID,
		Position: int32(e.Start), EndPosition: int32(e.End), Ref: e.Ref, Alt: e.Alt, Type: string(e.Type),
		HGVS: e.HGVS, Short: e.Short, Symbol: r.symbol, RetainedPct: e.RetainedPct, CodonRef: r.codonRef,
		Molecule: t.ref.Molecule(),
	}
	if cat != nil {
		m.CatalogName, m.CatalogVersion = cat.Name, cat.Version
		if len(r.hits) > 0 {
			annotate(m, catalog.Annotate(r.hits, has))
		}
	}
}

// annotate writes what the catalogue says into a row.
func annotate(m *table.Mutation, a catalog.Annotation) {
	if !a.Known {
		return
	}
	m.Known, m.CatalogID, m.DrugClasses, m.Phenotype, m.PMIDs = true, a.IDs, a.DrugClasses, a.Phenotype, a.PMIDs
	if a.Name != "" {
		m.CatalogName = a.Name
	}
	if a.Version != "" {
		m.CatalogVersion = a.Version
	}
	m.RequiredMut, m.RequiredMet = a.Requires, a.RequiredMet
}

// presence answers whether one sample, whose called rows are group, carries
// a token's change.
func presence(calls []call, group []int) catalog.Has {
	return func(t catalog.Token) bool {
		for _, ci := range group {
			cl := &calls[ci]
			for _, e := range cl.p.res.Events {
				if e.Type.IsPointChange() && catalog.TokenMatches(t, cl.row.Gene, e.Start, e.Alt) {
					return true
				}
			}
		}
		return false
	}
}

// sortedCalls returns the indices of the rows to call ordered by sample, gene,
// copy and reference (stably: equal keys keep their input order).
func sortedCalls(calls []call) []int {
	var order []int
	for i, cl := range calls {
		if !cl.skipped {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := calls[i].row, calls[j].row
		return cmp.Or(cmp.Compare(a.SampleID, b.SampleID), cmp.Compare(a.Gene, b.Gene), cmp.Compare(a.Copy, b.Copy),
			cmp.Compare(a.ReferenceID, b.ReferenceID))
	})
	return order
}

// mutationRows adds every change of the caller's rows to p, as their calls
// are made, ordered by sample, gene, copy, reference and position;
// it returns the number of rows and of known ones.
func mutationRows(cr *caller, p *pipe[table.Mutation]) (n, known int, err error) {
	calls, order := cr.calls, cr.order
	type geneTemplate struct {
		p    *pending
		gene string
	}
	others := map[geneTemplate]*template{} // rows labelled with another gene than the result's first row
	cc := copyCounts{copies: map[string]int32{}, with: map[string]int32{}}
	for g := 0; g < len(order); {
		// one sample's rows, all called first (a combination rule may ask about any)
		sample := calls[order[g]].row.SampleID
		end := g + 1
		for end < len(order) && calls[order[end]].row.SampleID == sample {
			end++
		}
		cr.wait(g, end)
		for _, ci := range order[g:end] {
			if err := cr.err(ci); err != nil {
				return n, known, err
			}
		}
		var has catalog.Has // made when a combination rule needs it
		cc.count(calls, order[g:end])
		for _, ci := range order[g:end] {
			cl := &calls[ci]
			row := cl.row
			t := cl.p.tmpl
			if t.gene != row.Gene {
				k := geneTemplate{cl.p, row.Gene}
				if t = others[k]; t == nil {
					t = newTemplate(cl.p.res, row.Gene, cl.ref, cr.cat)
					others[k] = t
				}
			}
			n += len(t.rows)
			for j := range t.rows {
				r := &t.rows[j]
				if r.perSample && has == nil {
					has = presence(calls, order[g:end])
				}
				m := p.add()
				t.row(j, m, cr.cat, has)
				m.SampleID, m.Copy = row.SampleID, row.Copy
				m.Copies, m.CopiesWith = cc.of(row.Gene, r.ev.HGVS)
				if cl.cdsOK {
					m.CodonAlt = codonAlt(row.QueryCDS, r.ev)
				}
				if m.Known {
					known++
				}
			}
		}
		g = end
	}
	return n, known, nil
}

// copyCounts counts, in one sample, the copies of each gene called and the
// copies carrying each change (a 23S change in 3 of 6 copies).
type copyCounts struct {
	copies map[string]int32 // by gene
	with   map[string]int32 // by gene and HGVS name
}

// count fills the counts for the called rows of one sample.
func (cc *copyCounts) count(calls []call, group []int) {
	clear(cc.copies)
	clear(cc.with)
	type geneCopy struct {
		gene string
		copy int32
	}
	seen := map[geneCopy]bool{}
	seenChange := map[string]bool{}
	for _, ci := range group {
		cl := &calls[ci]
		k := geneCopy{cl.row.Gene, cl.row.Copy}
		if !seen[k] {
			seen[k] = true
			cc.copies[k.gene]++
		}
		for _, r := range cl.p.tmpl.rows {
			key := k.gene + "\x00" + r.ev.HGVS
			ck := key + "\x00" + string(rune(k.copy))
			if !seenChange[ck] {
				seenChange[ck] = true
				cc.with[key]++
			}
		}
	}
}

// of returns the copies of gene and those carrying the change named hgvs.
func (cc *copyCounts) of(gene, hgvs string) (int32, int32) {
	return cc.copies[gene], cc.with[gene+"\x00"+hgvs]
}

// codonRef returns the reference codons of an event when the reference has a
// CDS.
func codonRef(ref *refset.Reference, e *variant.Event) string {
	if ref.CDS == nil {
		return ""
	}
	if !e.Type.ReplacesResidues() {
		return ""
	}
	var b strings.Builder
	for p := e.Start; p <= e.End; p++ {
		b.WriteString(ref.Codon(p))
	}
	return b.String()
}

// codonAlt returns the query codons of an event from the row's query CDS.
func codonAlt(cds string, e *variant.Event) string {
	if cds != "" && e.QStart >= 1 && e.QEnd >= e.QStart && 3*e.QEnd <= len(cds) && e.Type != variant.StopLost {
		return strings.ToUpper(cds[3*e.QStart-3 : 3*e.QEnd]) // no copy when already upper case
	}
	return ""
}

// siteRows adds each called or skipped row's catalogue sites to p, ordered by
// sample, gene, position and copy (equal keys in input order), and returns
// their number.
func siteRows(calls []call, cat *catalog.Catalog, p *pipe[table.Site]) int {
	byGene := map[string][]catalog.Site{}
	for _, s := range cat.Sites() { // sorted by gene and position
		byGene[s.Gene] = append(byGene[s.Gene], s)
	}
	order := make([]int, len(calls))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := calls[i].row, calls[j].row
		return cmp.Or(cmp.Compare(a.SampleID, b.SampleID), cmp.Compare(a.Gene, b.Gene), cmp.Compare(a.Copy, b.Copy))
	})
	n := 0
	var sts []table.Site // one site's rows in a group
	for g := 0; g < len(order); {
		// a group: the rows of one sample and gene, by copy
		first := calls[order[g]].row
		end := g + 1
		for end < len(order) && calls[order[end]].row.SampleID == first.SampleID && calls[order[end]].row.Gene == first.Gene {
			end++
		}
		copies := int32(end - g)
		for _, s := range byGene[first.Gene] {
			sts = sts[:0]
			mut := int32(0)
			for _, ci := range order[g:end] {
				cl := &calls[ci]
				st := table.Site{SampleID: cl.row.SampleID, Gene: cl.row.Gene, Position: int32(s.Position), Copy: cl.row.Copy,
					Status: variant.StatusNotCovered, Molecule: cl.ref.Molecule(), Copies: copies}
				seq, at := cl.ref.Residues(), s.Position // the caller's 1-based index of the site
				if cl.ref.Nucleotide() {
					at = cl.ref.Index(s.Position) + 1
				}
				if at >= 1 && at <= len(seq) {
					st.Ref = variant.Residue(seq[at-1])
				}
				if cl.p != nil && at >= 1 {
					st.Status, st.Observed = cl.p.res.Site(at, seq)
				}
				if st.Status == variant.StatusMut {
					mut++
				}
				sts = append(sts, st)
			}
			for _, st := range sts {
				st.CopiesMut = mut
				*p.add() = st
				n++
			}
		}
		g = end
	}
	return n
}

// disrupted applies variant.Disrupted to an alignment row.
func disrupted(row *table.Alignment) bool {
	return variant.Disrupted(variant.Shape{
		Frameshifts: row.Frameshifts, HasStop: strings.Contains(row.AlignedQuery, "*"), PctIdentity: row.PctIdentity,
		QueryEnd: int(row.QueryEnd), QueryLength: int(row.QueryLength), RefEnd: int(row.RefEnd), RefLength: int(row.RefLength),
		PartialEnd: row.PartialEnd,
	})
}
