// Package stats holds the statistics of the cohort co-occurrence table:
// Fisher's exact test (two-sided, as scipy.stats.fisher_exact computes it),
// the odds ratio with the Haldane–Anscombe correction, Benjamini–Hochberg
// q-values and the Jaccard index.
//
// A 2×2 table here is always
//
//	          B present  B absent
//	A present    n11        n10
//	A absent     n01        n00
package stats

import (
	"math"
	"slices"
)

// FisherTolerance is the relative tolerance of the two-sided Fisher test: a
// table counts as "at least as extreme" as the observed one when its
// probability is at most pObserved·(1+FisherTolerance). R's fisher.test uses
// 1e-7; scipy (1.10, _stats_py.fisher_exact) uses 1e-14 on Boost's pmf. We
// take R's 1e-7 because our probabilities come from a running product of
// ratios whose rounding (≈1e-13 after thousands of steps) could otherwise
// split two mathematically equal probabilities; distinct hypergeometric
// probabilities closer than 1e-7 are vanishingly rare, and the oracle test
// against scipy checks that both agree.
const FisherTolerance = 1e-7

// negligible ends a walk along the distribution: once a probability (relative
// to the mode) falls below negligible × the observed one, the rest of that
// tail (which shrinks geometrically) cannot change p at 1e-15 relative.
const negligible = 1e-20

// FisherExact returns the two-sided p-value of Fisher's exact test on the
// table [[n11, n10], [n01, n00]]: the sum of the probabilities of every table
// with the same margins whose probability is not larger than the observed
// one's (hypergeometric null). Tables with an empty row or column give 1.
//
// The probabilities are computed relative to the mode by the ratio
// P(x+1)/P(x) = (r1−x)(c1−x) / ((x+1)(r2−c1+x+1)), exact in float64 for
// counts below 2^26, walking outwards from the mode until the terms are
// negligible, so large cohorts cost O(√N) per table, not O(N).
func FisherExact(n11, n10, n01, n00 int64) float64 {
	if n11 < 0 || n10 < 0 || n01 < 0 || n00 < 0 {
		return math.NaN()
	}
	r1, r2 := n11+n10, n01+n00 // row sums
	c1 := n11 + n01            // first column sum
	n := r1 + r2
	if r1 == 0 || r2 == 0 || c1 == 0 || c1 == n {
		return 1
	}
	lo := max(0, c1-r2)
	hi := min(c1, r1)
	mode := (c1 + 1) * (r1 + 1) / (n + 2)
	mode = min(max(mode, lo), hi)
	up := func(x int64) float64 { // P(x+1)/P(x)
		return float64((r1-x)*(c1-x)) / float64((x+1)*(r2-c1+x+1))
	}
	down := func(x int64) float64 { // P(x-1)/P(x)
		return float64(x*(r2-c1+x)) / float64((r1-x+1)*(c1-x+1))
	}
	// The observed table's probability relative to the mode, by the same
	// sequence of multiplications the sweep below repeats (so the observed
	// term compares equal to itself bit for bit).
	wobs := 1.0
	for x := mode; x < n11; x++ {
		wobs *= up(x)
	}
	for x := mode; x > n11; x-- {
		wobs *= down(x)
	}
	if wobs == 0 {
		return 0 // below the smallest float64 relative to the mode
	}
	limit := wobs * (1 + FisherTolerance)
	stop := wobs * negligible
	total, tail := 1.0, 0.0
	if 1 <= limit {
		tail = 1
	}
	w := 1.0
	for x := mode; x < hi; x++ {
		w *= up(x)
		if w <= stop || w == 0 {
			break
		}
		total += w
		if w <= limit {
			tail += w
		}
	}
	w = 1.0
	for x := mode; x > lo; x-- {
		w *= down(x)
		if w <= stop || w == 0 {
			break
		}
		total += w
		if w <= limit {
			tail += w
		}
	}
	return min(tail/total, 1)
}

// OddsRatio returns the odds ratio (n11·n00)/(n10·n01) with the
// Haldane–Anscombe correction: when any cell is zero, 0.5 is added to every
// cell first (Haldane 1956, Anscombe 1956, as applied in meta-analysis
// practice — e.g. Lawson 2004, Weber et al. 2020). Tables without a zero cell
// keep the plain sample odds ratio, the value scipy.stats.fisher_exact
// reports as its statistic, so the two can be compared directly.
func OddsRatio(n11, n10, n01, n00 int64) float64 {
	a, b, c, d := float64(n11), float64(n10), float64(n01), float64(n00)
	if n11 == 0 || n10 == 0 || n01 == 0 || n00 == 0 {
		a, b, c, d = a+0.5, b+0.5, c+0.5, d+0.5
	}
	return a * d / (b * c)
}

// Jaccard is n11/(n11+n10+n01), the share of samples carrying either change
// that carry both; 0 when neither occurs.
func Jaccard(n11, n10, n01 int64) float64 {
	u := n11 + n10 + n01
	if u == 0 {
		return 0
	}
	return float64(n11) / float64(u)
}

// BenjaminiHochberg returns the Benjamini–Hochberg adjusted p-values
// (q-values) of p, in p's order: q(i) = min over j ≥ i of m·p(j)/j on the
// ascending p-values, capped at 1 — what statsmodels'
// multipletests(method="fdr_bh") returns. NaN p-values are left out of m and
// get NaN.
func BenjaminiHochberg(p []float64) []float64 {
	q := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if math.IsNaN(v) {
			q[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	m := float64(len(idx))
	running := math.Inf(1)
	for k := len(idx) - 1; k >= 0; k-- {
		i := idx[k]
		v := p[i] * m / float64(k+1)
		running = min(running, v)
		q[i] = min(running, 1)
	}
	return q
}
