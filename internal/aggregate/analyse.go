package aggregate

import (
	"slices"
)

// results are the derived cohort tables.
type results struct {
	n             int // analysed samples
	geneUnc       []bitset
	geneCarriers  [][]int32
	mutUnits      []unit
	mutUnitChange []int // change index of each mutation unit
	geneUnits     []unit
	mutCooc       []CoocRow
	geneCooc      []CoocRow
	genePositions []GenePosition
	profiles      []SampleProfile
	matrixCols    []int
}

func (c *cohort) analyse(minSupport, threads int) *results {
	r := &results{n: len(c.samples.str)}
	cv := newCoverage(c)
	// Per change: who is not covered, and how many are.
	for _, ch := range c.changes {
		k := &ch.key
		ch.uncovered = clearCarriers(cv.uncovered(ch.gene, k.Position, k.EndPosition), ch.samples)
		ch.covered = r.n - ch.uncovered.count()
	}
	// Per gene: carriers of any change, and who is not covered.
	ng := len(c.genes.str)
	r.geneUnc = make([]bitset, ng)
	r.geneCarriers = make([][]int32, ng)
	for _, ch := range c.changes {
		r.geneCarriers[ch.gene] = append(r.geneCarriers[ch.gene], ch.samples...)
	}
	for g := range ng {
		cs := r.geneCarriers[g]
		slices.Sort(cs)
		r.geneCarriers[g] = slices.Compact(cs)
		r.geneUnc[g] = clearCarriers(cv.geneUncovered(int32(g)), r.geneCarriers[g])
	}

	// Co-occurrence units: changes and genes with enough carriers.
	for i, ch := range c.changes {
		if len(ch.samples) >= minSupport {
			r.mutUnits = append(r.mutUnits, newUnit(ch.key.Symbol, ch.samples, ch.uncovered))
			r.mutUnitChange = append(r.mutUnitChange, i)
		}
	}
	geneOrder := make([]int, ng)
	for i := range geneOrder {
		geneOrder[i] = i
	}
	slices.SortFunc(geneOrder, func(a, b int) int {
		if c.genes.str[a] < c.genes.str[b] {
			return -1
		}
		return 1
	})
	for _, g := range geneOrder {
		if len(r.geneCarriers[g]) >= minSupport {
			r.geneUnits = append(r.geneUnits, newUnit(c.genes.str[g], r.geneCarriers[g], r.geneUnc[g]))
		}
	}
	r.mutCooc = cooccurrence("mutation", r.mutUnits, r.n, threads)
	r.geneCooc = cooccurrence("gene", r.geneUnits, r.n, threads)

	// Gene positions: each change, with its position's totals.
	type posKey struct{ gene, pos int32 }
	posCarriers := map[posKey][]int32{}
	for _, ch := range c.changes {
		k := posKey{ch.gene, ch.key.Position}
		posCarriers[k] = append(posCarriers[k], ch.samples...)
	}
	posCovered := map[posKey]int{}
	for k, cs := range posCarriers {
		slices.Sort(cs)
		cs = slices.Compact(cs)
		posCarriers[k] = cs
		u := clearCarriers(cv.uncovered(k.gene, k.pos, k.pos), cs)
		posCovered[k] = r.n - u.count()
	}
	for _, ch := range c.changes {
		k := &ch.key
		pk := posKey{ch.gene, k.Position}
		gp := GenePosition{
			Gene: k.Gene, Position: k.Position, EndPosition: k.EndPosition, Ref: k.Ref, Alt: k.Alt,
			Type: k.Type, Short: k.Short, Symbol: k.Symbol, Known: k.Known, DrugClasses: k.DrugClasses,
			Samples: int64(len(ch.samples)), Covered: int64(ch.covered),
			PositionSamples: int64(len(posCarriers[pk])), PositionCovered: int64(posCovered[pk]),
		}
		gp.Frequency = ratio(gp.Samples, gp.Covered)
		gp.PositionFrequency = ratio(gp.PositionSamples, gp.PositionCovered)
		r.genePositions = append(r.genePositions, gp)
	}
	r.profiles = c.profiles(r.geneUnc)
	r.matrixCols = c.matrixColumns()
	return r
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
