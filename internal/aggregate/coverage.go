package aggregate

// Coverage decides, per change and per gene, which analysed samples are left
// out of the co-occurrence tables and frequencies because the site was not
// looked at. A sample is "not covered" for a change at reference positions
// p..e (e = end_position, or p) when
//   - a sites table has rows for a catalogue site in p..e for that sample and
//     none of them (over copies) is WT or MUT (all NOT_COVERED or AMBIGUOUS —
//     an ambiguous residue says nothing about presence either), or
//   - alignments tables were given and no usable (non-FAILED) alignment of
//     the sample for that gene spans p..e.
// Without alignments, a change outside the catalogue counts as covered in
// every analysed sample. A carrier of a change is always covered for it.
// At gene level a sample is not covered when alignments were given and it has
// no usable alignment of the gene, or when it has sites rows for the gene and
// none is WT or MUT.

type spanKey struct{ gene, start, end int32 }

type coverage struct {
	c     *cohort
	all   bitset // every analysed sample
	cache map[spanKey]bitset
}

func newCoverage(c *cohort) *coverage {
	cv := &coverage{c: c, cache: map[spanKey]bitset{}}
	for i := range int32(len(c.samples.str)) {
		cv.all.set(i)
	}
	return cv
}

// uncovered returns a fresh set of the samples not covered at gene g, p..e.
func (cv *coverage) uncovered(g, p, e int32) bitset {
	e = max(e, p)
	c := cv.c
	var out bitset
	siteAt := func(pos int32) {
		if st := c.sites[siteKey{g, pos}]; st != nil {
			u := append(bitset(nil), st.rowAny...)
			u.andNot(st.rowCovered)
			out.or(u)
		}
	}
	if e-p <= 64 {
		for pos := p; pos <= e; pos++ {
			siteAt(pos)
		}
	} else {
		siteAt(p)
		siteAt(e)
	}
	if c.haveAlignments {
		k := spanKey{g, p, e}
		cov, ok := cv.cache[k]
		if !ok {
			for _, s := range c.spans[g] {
				if s.start <= p && s.end >= e {
					cov.set(s.sample)
				}
			}
			cv.cache[k] = cov
		}
		u := append(bitset(nil), cv.all...)
		u.andNot(cov)
		out.or(u)
	}
	return out
}

// geneUncovered returns the samples not covered for gene g as a whole.
func (cv *coverage) geneUncovered(g int32) bitset {
	c := cv.c
	var out bitset
	if c.haveAlignments {
		out = append(bitset(nil), cv.all...)
		out.andNot(c.alnGene[g])
	}
	u := append(bitset(nil), c.geneSiteAny[g]...)
	u.andNot(c.geneSiteCov[g])
	out.or(u)
	return out
}

// clearCarriers removes carriers from an uncovered set.
func clearCarriers(u bitset, carriers []int32) bitset {
	for _, s := range carriers {
		if w := int(s >> 6); w < len(u) {
			u[w] &^= 1 << (uint(s) & 63)
		}
	}
	return u
}
