package aggregate

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/wtscan/wtscan/internal/stats"
)

// CoocRow is one pair of the cooccurrence table: the 2×2 table over the
// samples covered for both (n11 both present, n10 only a, n01 only b, n00
// neither), its Jaccard index, Haldane–Anscombe odds ratio, two-sided Fisher
// exact p and Benjamini–Hochberg q (over all pairs of the same level).
type CoocRow struct {
	Level     string  `parquet:"level,dict"`
	A         string  `parquet:"a,dict"`
	B         string  `parquet:"b,dict"`
	N11       int64   `parquet:"n11"`
	N10       int64   `parquet:"n10"`
	N01       int64   `parquet:"n01"`
	N00       int64   `parquet:"n00"`
	Jaccard   float64 `parquet:"jaccard"`
	OddsRatio float64 `parquet:"odds_ratio"`
	PValue    float64 `parquet:"p_value"`
	QValue    float64 `parquet:"q_value"`
}

// unit is a change or a gene taking part in the co-occurrence tests.
type unit struct {
	name      string
	carriers  []int32 // increasing sample indexes
	present   bitset
	uncovered bitset // never holds a carrier
	nUnc      int
}

func newUnit(name string, carriers []int32, uncovered bitset) unit {
	u := unit{name: name, carriers: carriers, uncovered: uncovered, nUnc: uncovered.count()}
	for _, s := range carriers {
		u.present.set(s)
	}
	return u
}

// interCount is |list ∩ set| for a carrier list and another unit's bitset,
// by whichever of list lookup or word-wise AND is cheaper.
func interCount(list []int32, listSet, other bitset) int {
	if len(other) == 0 {
		return 0
	}
	if len(list) < min(len(listSet), len(other)) {
		return countIn(list, other)
	}
	return andCount(listSet, other)
}

// pairTable counts the 2×2 table of units a and b over n analysed samples.
func pairTable(a, b *unit, n int) (n11, n10, n01, n00 int64) {
	var both int
	if len(a.carriers) <= len(b.carriers) {
		both = interCount(a.carriers, a.present, b.present)
	} else {
		both = interCount(b.carriers, b.present, a.present)
	}
	aInUb := 0
	if b.nUnc > 0 {
		aInUb = interCount(a.carriers, a.present, b.uncovered)
	}
	bInUa := 0
	if a.nUnc > 0 {
		bInUa = interCount(b.carriers, b.present, a.uncovered)
	}
	excluded := a.nUnc + b.nUnc
	if a.nUnc > 0 && b.nUnc > 0 {
		excluded -= andCount(a.uncovered, b.uncovered)
	}
	n11 = int64(both)
	n10 = int64(len(a.carriers) - both - aInUb)
	n01 = int64(len(b.carriers) - both - bInUa)
	n00 = int64(n-excluded) - n11 - n10 - n01
	return
}

// cooccurrence tests every pair of units (in their order) over n samples,
// on threads workers; the result does not depend on threads.
func cooccurrence(level string, units []unit, n, threads int) []CoocRow {
	k := len(units)
	if k < 2 {
		return nil
	}
	rows := make([]CoocRow, k*(k-1)/2)
	offset := make([]int, k)
	for i := 1; i < k; i++ {
		offset[i] = offset[i-1] + (k - i)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(threads, runtime.NumCPU())) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= k-1 {
					return
				}
				for j := i + 1; j < k; j++ {
					a, b := &units[i], &units[j]
					n11, n10, n01, n00 := pairTable(a, b, n)
					rows[offset[i]+j-i-1] = CoocRow{
						Level: level, A: a.name, B: b.name,
						N11: n11, N10: n10, N01: n01, N00: n00,
						Jaccard:   stats.Jaccard(n11, n10, n01),
						OddsRatio: stats.OddsRatio(n11, n10, n01, n00),
						PValue:    stats.FisherExact(n11, n10, n01, n00),
					}
				}
			}
		}()
	}
	wg.Wait()
	p := make([]float64, len(rows))
	for i := range rows {
		p[i] = rows[i].PValue
	}
	for i, q := range stats.BenjaminiHochberg(p) {
		rows[i].QValue = q
	}
	return rows
}
