package aggregate

import (
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wtscan/wtscan/internal/build"
	"github.com/wtscan/wtscan/internal/report"
)

// Report sizes: enough to read, few enough to draw.
const (
	reportRowsPerSample = 50 // up to this many samples, one heatmap row each
	reportPatternRows   = 50 // otherwise, this many most common patterns
	reportCoocNames     = 25 // changes in the co-occurrence matrix
	reportPairs         = 20 // rows of the strongest-associations table
	reportProfiles      = 12
	reportFindings      = 100
)

func (c *cohort) reportData(cl *CLI, r *results, qc []Finding) *report.Data {
	d := &report.Data{Title: cl.Title, Version: build.Version, Command: strings.Join(append([]string{"wtscan-aggregate"}, cl.argsForReport...), " ")}
	n := r.n
	knownChanges, withKnown := 0, 0
	for _, ch := range c.changes {
		if ch.key.Known {
			knownChanges++
		}
	}
	for _, p := range r.profiles {
		if p.KnownCount > 0 {
			withKnown++
		}
	}
	sig := 0
	for _, set := range [][]CoocRow{r.mutCooc, r.geneCooc} {
		for i := range set {
			if set[i].QValue < 0.05 {
				sig++
			}
		}
	}
	d.Summary = []report.Stat{
		{Label: "samples", Value: thousands(n)},
		{Label: "genes", Value: thousands(len(c.genes.str))},
		{Label: "distinct changes", Value: thousands(len(c.changes))},
		{Label: "known resistance changes", Value: thousands(knownChanges)},
		{Label: "samples with a known change", Value: fmt.Sprintf("%s (%s)", thousands(withKnown), percent(withKnown, n))},
		{Label: "pairs with q < 0.05", Value: fmt.Sprintf("%s of %s", thousands(sig), thousands(len(r.mutCooc)+len(r.geneCooc)))},
	}
	if c.sheet != nil {
		// Samples of the sheet in which no target gene was found are in the
		// cohort (every percentage above counts them) with nothing to show.
		none := 0
		for s := range c.samples.str {
			if !c.withRows.has(int32(s)) {
				none++
			}
		}
		d.Summary = append(d.Summary[:1], append([]report.Stat{{Label: "samples without any target gene found", Value: fmt.Sprintf("%s (%s)", thousands(none), percent(none, n))}}, d.Summary[1:]...)...)
	}
	d.Heatmap = c.heatmap(cl.HeatmapTop)
	d.Genes = c.lollipops(r)
	d.Cooc = c.coocMatrix(r)
	d.GeneCooc = report.Cooc{Level: "gene", Tests: len(r.geneCooc)}
	for i, u := range r.geneUnits {
		d.GeneCooc.Names = append(d.GeneCooc.Names, u.name)
		d.GeneCooc.Cells = append(d.GeneCooc.Cells, make([]*report.Pair, i))
	}
	for i := range d.GeneCooc.Names {
		for j := 0; j < i; j++ {
			p := toPair(&r.geneCooc[pairIndex(len(r.geneUnits), j, i)])
			d.GeneCooc.Cells[i][j] = &p
		}
	}
	d.Pairs = c.strongestPairs(r)

	classes := map[string]int{}
	profiles := map[string]int{}
	for _, p := range r.profiles {
		for _, dc := range splitList(p.DrugClasses) {
			classes[dc]++
		}
		key := strings.ReplaceAll(p.KnownChanges, ";", "; ")
		if key == "" {
			key = "no known change"
		}
		profiles[key]++
	}
	d.DrugClass = topBars(classes, n, 0)
	d.Profiles = topBars(profiles, n, reportProfiles)

	if cl.QC != "" {
		q := &report.QC{Source: filepath.Base(cl.QC), Total: len(qc)}
		sev := map[string]int{}
		for _, f := range qc {
			sev[f.Severity]++
		}
		for _, s := range []string{"error", "warning"} {
			q.Severity = append(q.Severity, report.Bar{Label: s, N: sev[s], Of: len(qc)})
			delete(sev, s)
		}
		q.Severity = append(q.Severity, topBars(sev, len(qc), 0)...)
		for _, k := range qcCounts(qc) {
			q.Checks = append(q.Checks, report.QCCheck{Severity: k.Severity, Check: k.Check, N: k.N})
		}
		for i, f := range qc {
			if i == reportFindings {
				q.Hidden = len(qc) - i
				break
			}
			q.Findings = append(q.Findings, report.QCFinding{Severity: f.Severity, Check: f.Check, File: f.File, Where: f.Where, Message: f.Message})
		}
		d.QC = q
	}
	cats := map[string]bool{}
	for i := range c.recs {
		if k := &c.recs[i]; k.CatalogName != "" {
			cats[strings.TrimSpace(k.CatalogName+" "+k.CatalogVersion)] = true
		}
	}
	for k := range cats {
		d.Catalogues = append(d.Catalogues, k)
	}
	slices.Sort(d.Catalogues)

	cover := "without alignments, changes outside the catalogue count as covered in every sample"
	if c.haveAlignments {
		cover = "changes outside the catalogue count as covered where a usable (non-FAILED) alignment spans them"
	}
	d.Notes = []string{
		fmt.Sprintf("%d input tables; %d samples appear in at least one of them.", len(c.files), n),
		"A sample is left out of a pair's table where either site is NOT_COVERED or AMBIGUOUS in the sites table; " + cover + ".",
		fmt.Sprintf("Co-occurrence tests changes and genes present in at least %d samples (--min-support); q-values are Benjamini–Hochberg within each level.", cl.MinSupport),
		"Odds ratios add 0.5 to every cell of a table with a zero cell (Haldane–Anscombe); Fisher's exact test is two-sided (probabilities ≤ the observed, relative tolerance 1e-7).",
		"Known changes and drug classes come from the catalogue columns of the mutations tables; changes sharing a catalog_id in a sample (a combination rule) are shown joined by +.",
	}
	return d
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func percent(n, of int) string {
	if of == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(of))
}

func topBars(m map[string]int, of, limit int) []report.Bar {
	var out []report.Bar
	for k, v := range m {
		out = append(out, report.Bar{Label: k, N: v, Of: of})
	}
	slices.SortFunc(out, func(a, b report.Bar) int { return cmp.Or(b.N-a.N, strings.Compare(a.Label, b.Label)) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// topChanges returns the indexes of the k most frequent changes, in change order.
func (c *cohort) topChanges(k int, among []int) []int {
	idx := slices.Clone(among)
	slices.SortStableFunc(idx, func(a, b int) int { return len(c.changes[b].samples) - len(c.changes[a].samples) })
	if len(idx) > k {
		idx = idx[:k]
	}
	slices.Sort(idx)
	return idx
}

func (c *cohort) heatmap(top int) report.Heatmap {
	all := make([]int, len(c.changes))
	for i := range all {
		all[i] = i
	}
	cols := c.topChanges(top, all)
	h := report.Heatmap{Samples: len(c.order), TotalChanges: len(c.changes)}
	present := make([]bitset, len(cols))
	for j, ci := range cols {
		ch := c.changes[ci]
		h.Columns = append(h.Columns, report.Column{Symbol: ch.key.Symbol, Gene: ch.key.Gene, Known: ch.key.Known,
			Samples: len(ch.samples), Frequency: ratio(int64(len(ch.samples)), int64(ch.covered))})
		for _, s := range ch.samples {
			present[j].set(s)
		}
	}
	pattern := func(s int32) []int8 {
		cells := make([]int8, len(cols))
		for j, ci := range cols {
			switch {
			case present[j].has(s):
				cells[j] = 1
			case c.changes[ci].uncovered.has(s):
				cells[j] = -1
			}
		}
		return cells
	}
	if len(c.order) <= reportRowsPerSample {
		for _, s := range c.order {
			h.Rows = append(h.Rows, report.Row{Label: c.samples.str[s], Samples: 1, Cells: pattern(s)})
		}
		// Similar samples next to each other: by pattern, most changes first.
		slices.SortStableFunc(h.Rows, func(a, b report.Row) int { return comparePattern(a.Cells, b.Cells) })
		return h
	}
	h.Grouped = true
	groups := map[string]int{}
	var rows []report.Row
	for _, s := range c.order {
		p := pattern(s)
		key := string(int8sToBytes(p))
		if i, ok := groups[key]; ok {
			rows[i].Samples++
			continue
		}
		groups[key] = len(rows)
		rows = append(rows, report.Row{Cells: p, Samples: 1, Label: c.samples.str[s]})
	}
	slices.SortStableFunc(rows, func(a, b report.Row) int { return cmp.Or(b.Samples-a.Samples, comparePattern(a.Cells, b.Cells)) })
	for i := range rows {
		if rows[i].Samples > 1 {
			rows[i].Example = rows[i].Label
			rows[i].Label = fmt.Sprintf("pattern %d", i+1)
		}
	}
	if len(rows) > reportPatternRows {
		for _, r := range rows[reportPatternRows:] {
			h.HiddenRows++
			h.HiddenSamples += r.Samples
		}
		rows = rows[:reportPatternRows]
	}
	h.Rows = rows
	return h
}

func int8sToBytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x + 1)
	}
	return b
}

func comparePattern(a, b []int8) int {
	for i := range a {
		if a[i] != b[i] {
			return int(b[i]) - int(a[i]) // present first
		}
	}
	return 0
}

func (c *cohort) lollipops(r *results) []report.Gene {
	order := make([]int32, len(c.genes.str))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(c.genes.str[a], c.genes.str[b]) })
	var out []report.Gene
	for _, g := range order {
		gene := report.Gene{Name: c.genes.str[g], Length: int(c.refLen[g]), Samples: len(r.geneCarriers[g])}
		for _, ch := range c.changes {
			if ch.gene != g {
				continue
			}
			gene.Changes = append(gene.Changes, report.Lollipop{Position: int(ch.key.Position), Symbol: ch.key.Symbol,
				Short: ch.key.Short, Type: ch.key.Type, Known: ch.key.Known, Samples: len(ch.samples),
				Frequency: ratio(int64(len(ch.samples)), int64(ch.covered))})
		}
		if len(gene.Changes) > 0 {
			out = append(out, gene)
		}
	}
	return out
}

// pairIndex is the row of units (i, j), i < j, in cooccurrence's output.
func pairIndex(k, i, j int) int {
	// rows before unit i: sum over a < i of (k-1-a)
	return i*(k-1) - i*(i-1)/2 + (j - i - 1)
}

func toPair(r *CoocRow) report.Pair {
	return report.Pair{Level: r.Level, A: r.A, B: r.B, N11: r.N11, N10: r.N10, N01: r.N01, N00: r.N00,
		Jaccard: r.Jaccard, OR: r.OddsRatio, P: r.PValue, Q: r.QValue}
}

func (c *cohort) coocMatrix(r *results) report.Cooc {
	out := report.Cooc{Level: "mutation", Tests: len(r.mutCooc)}
	units := make([]int, len(r.mutUnits))
	for i := range units {
		units[i] = i
	}
	slices.SortStableFunc(units, func(a, b int) int { return len(r.mutUnits[b].carriers) - len(r.mutUnits[a].carriers) })
	if len(units) > reportCoocNames {
		units = units[:reportCoocNames]
	}
	slices.Sort(units)
	k := len(r.mutUnits)
	for i, ui := range units {
		out.Names = append(out.Names, r.mutUnits[ui].name)
		out.Known = append(out.Known, c.changes[r.mutUnitChange[ui]].key.Known)
		row := make([]*report.Pair, i)
		for j := 0; j < i; j++ {
			p := toPair(&r.mutCooc[pairIndex(k, units[j], ui)])
			row[j] = &p
		}
		out.Cells = append(out.Cells, row)
	}
	return out
}

// strongestPairs are the most significant pairs, skipping two changes at the
// same position (alternative alleles exclude each other by construction).
func (c *cohort) strongestPairs(r *results) []report.Pair {
	type cand struct {
		row   *CoocRow
		score float64
	}
	var cands []cand
	k := len(r.mutUnits)
	for i := 0; i < k; i++ {
		ci := c.changes[r.mutUnitChange[i]]
		for j := i + 1; j < k; j++ {
			row := &r.mutCooc[pairIndex(k, i, j)]
			if row.QValue >= 0.05 {
				continue
			}
			cj := c.changes[r.mutUnitChange[j]]
			if ci.gene == cj.gene && ci.key.Position == cj.key.Position {
				continue
			}
			cands = append(cands, cand{row, math.Abs(math.Log(row.OddsRatio))})
		}
	}
	for i := range r.geneCooc {
		if r.geneCooc[i].QValue < 0.05 {
			cands = append(cands, cand{&r.geneCooc[i], math.Abs(math.Log(r.geneCooc[i].OddsRatio))})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.row.QValue, b.row.QValue), cmp.Compare(b.score, a.score))
	})
	var out []report.Pair
	for i := range min(len(cands), reportPairs) {
		out = append(out, toPair(cands[i].row))
	}
	return out
}
