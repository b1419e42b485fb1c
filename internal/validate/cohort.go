package validate

import (
	"fmt"
	"math"
	"sort"

	"github.com/wtscan/wtscan/internal/table"
)

// minCohort is the fewest values of a gene for which outliers are sought:
// with fewer, "far from the rest" means little.
const minCohort = 5

// madScale makes the MAD a consistent estimate of the standard deviation
// for normally distributed data (1/Φ⁻¹(3/4)).
const madScale = 1.4826

// observation is one value of one gene copy, with where it came from.
type observation struct {
	value float64
	where Where
	who   string // sample/gene/copy
}

// metric is one quantity compared across the cohort.
type metric struct {
	name  string
	unit  string
	floor func(median float64) float64 // smallest spread used, so identical values do not make every difference an outlier
	obs   map[string][]observation     // by gene
}

func newMetric(name, unit string, floor func(float64) float64) *metric {
	return &metric{name: name, unit: unit, floor: floor, obs: map[string][]observation{}}
}

func (m *metric) add(gene string, o observation) { m.obs[gene] = append(m.obs[gene], o) }

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// report warns about every value further than k robust deviations from its
// gene's median: |x − median| > k · max(1.4826 · MAD, floor(median)).
func (m *metric) report(k float64, fs *Findings) {
	genes := make([]string, 0, len(m.obs))
	for g := range m.obs {
		genes = append(genes, g)
	}
	sort.Strings(genes)
	for _, g := range genes {
		obs := m.obs[g]
		if len(obs) < minCohort {
			continue
		}
		vals := make([]float64, len(obs))
		for i, o := range obs {
			vals[i] = o.value
		}
		med := median(vals)
		dev := make([]float64, len(vals))
		for i, v := range vals {
			dev[i] = math.Abs(v - med)
		}
		mad := median(dev)
		spread := math.Max(madScale*mad, m.floor(med))
		for _, o := range obs {
			if d := math.Abs(o.value - med); d > k*spread {
				fs.Warnf(o.where, "cohort.outlier", "%s: %s %s %g%s is far from the gene's median %g%s over %d copies (%.1f robust deviations; threshold %g)",
					o.who, g, m.name, o.value, m.unit, med, m.unit, len(obs), d/spread, k)
			}
		}
	}
}

// checkCohort looks for outliers per gene: alignment identity, protein
// length and number of mutations per gene copy.
func checkCohort(prots []*loaded[table.Protein], alns []*loaded[table.Alignment], muts []*loaded[table.Mutation], k float64, fs *Findings) {
	identity := newMetric("identity", "%", func(float64) float64 { return 1 })                       // at least 1 percentage point
	length := newMetric("length", " aa", func(med float64) float64 { return math.Max(1, 0.01*med) }) // at least 1 % of the median length
	count := newMetric("mutation count", "", func(float64) float64 { return 1 })                     // at least one mutation
	universe := map[proteinKey]Where{}                                                               // gene copies that were looked at
	for _, t := range alns {
		for i := range t.rows {
			a := &t.rows[i]
			key := proteinKey{a.SampleID, a.Gene, a.Copy}
			w := t.where(i, key.String())
			identity.add(a.Gene, observation{value: a.PctIdentity, where: w, who: "sample " + a.SampleID})
			if _, ok := universe[key]; !ok {
				universe[key] = w
			}
			if len(prots) == 0 {
				length.add(a.Gene, observation{value: float64(a.QueryLength), where: w, who: "sample " + a.SampleID})
			}
		}
	}
	for _, t := range prots {
		for i := range t.rows {
			p := &t.rows[i]
			key := proteinKey{p.SampleID, p.Gene, p.Copy}
			w := t.where(i, key.String())
			length.add(p.Gene, observation{value: float64(len(queryOf(p.Protein))), where: w, who: "sample " + p.SampleID})
			if len(alns) == 0 {
				if _, ok := universe[key]; !ok {
					universe[key] = w
				}
			}
		}
	}
	if len(muts) > 0 {
		counts := map[proteinKey]int{}
		first := map[proteinKey]Where{}
		for _, t := range muts {
			for i := range t.rows {
				m := &t.rows[i]
				key := proteinKey{m.SampleID, m.Gene, m.Copy}
				counts[key]++
				if _, ok := first[key]; !ok {
					first[key] = t.where(i, key.String())
				}
			}
		}
		for key, w := range first {
			if _, ok := universe[key]; !ok {
				universe[key] = w
			}
		}
		keys := make([]proteinKey, 0, len(universe))
		for key := range universe {
			keys = append(keys, key)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, key := range keys {
			w := universe[key]
			if fw, ok := first[key]; ok {
				w = fw
			}
			count.add(key.gene, observation{value: float64(counts[key]), where: w, who: fmt.Sprintf("sample %s", key.sample)})
		}
	}
	for _, m := range []*metric{identity, length, count} {
		m.report(k, fs)
	}
}
