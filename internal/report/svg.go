package report

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Colours of the report (also in report.css).
const (
	colKnown    = "#c2372b"
	colUnknown  = "#3a78b5"
	colAbsent   = "#eef1f4"
	colNotCov   = "#cfd4da"
	colAxis     = "#8a939c"
	colText     = "#2b3137"
	colBackbone = "#dfe4e8"
)

var geneColors = []string{"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#e15759", "#9c755f", "#ff9da7", "#bab0ac"}

func esc(s string) string { return html.EscapeString(s) }

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// sig formats a number with 3 significant digits.
func sig(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case math.IsNaN(v):
		return "NA"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// sci formats a p- or q-value.
func sci(v float64) string {
	switch {
	case v == 0:
		return "< 1e-300"
	case v >= 0.001:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return strconv.FormatFloat(v, 'e', 1, 64)
}

func pct(n, of int) string {
	if of == 0 {
		return "0%"
	}
	p := 100 * float64(n) / float64(of)
	if p < 10 && p > 0 {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

type svg struct{ strings.Builder }

func (s *svg) f(format string, a ...any) { fmt.Fprintf(&s.Builder, format, a...) }

func (s *svg) open(w, h float64, class, label string) {
	s.f(`<svg xmlns="http://www.w3.org/2000/svg" class="%s" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">`,
		class, f1(w), f1(h), f1(w), f1(h), esc(label))
}

// geneColor gives each gene a stable colour by its rank among names.
func geneColor(names []string) func(string) string {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	return func(g string) string {
		i, _ := slices.BinarySearch(sorted, g)
		return geneColors[i%len(geneColors)]
	}
}

// heatmapSVG draws rows × columns with a frequency bar above each column and
// a sample-count bar right of each row.
func heatmapSVG(h *Heatmap) string {
	var s svg
	nc, nr := len(h.Columns), len(h.Rows)
	if nc == 0 || nr == 0 {
		return `<p class="empty">No changes to draw.</p>`
	}
	cell := 14.0
	if nc > 45 {
		cell = 12
	}
	labelW, top, barH := 150.0, 12.0, 44.0
	gridX, gridY := labelW, top+barH+14
	gridW, gridH := float64(nc)*cell, float64(nr)*cell
	countX := gridX + gridW + 12
	countW := 150.0
	// Column labels stand vertically (one per cell, so they never overlap);
	// leave room for the longest.
	longest := 0
	for _, c := range h.Columns {
		longest = max(longest, len([]rune(c.Symbol)))
	}
	bottom := math.Min(240, 24+6.6*float64(longest))
	width, height := countX+countW+40, gridY+gridH+bottom
	var genes []string
	for _, c := range h.Columns {
		genes = append(genes, c.Gene)
	}
	color := geneColor(genes)
	s.open(width, height, "plot heatmap", "samples by changes heatmap")
	s.f(`<defs><pattern id="nc" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="%s"/><line x1="0" y1="0" x2="0" y2="4" stroke="#aab1b9" stroke-width="1.4"/></pattern></defs>`, colAbsent)
	// Column frequency bars.
	maxF := 0.0
	for _, c := range h.Columns {
		maxF = max(maxF, c.Frequency)
	}
	s.f(`<text x="%s" y="%s" class="axis" text-anchor="end">frequency</text>`, f1(gridX-6), f1(top+barH-2))
	s.f(`<text x="%s" y="%s" class="axis" text-anchor="end">%s</text>`, f1(gridX-6), f1(top+8), pct(int(maxF*1000+0.5), 1000))
	for j, c := range h.Columns {
		bh := 0.0
		if maxF > 0 {
			bh = math.Max(1, barH*c.Frequency/maxF)
		}
		fill := colUnknown
		if c.Known {
			fill = colKnown
		}
		s.f(`<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s" data-tip="%s: %d samples (%s)"/>`,
			f1(gridX+float64(j)*cell+1), f1(top+barH-bh), f1(cell-2), f1(bh), fill, esc(c.Symbol), c.Samples, pct(int(c.Frequency*1e6+0.5), 1e6))
		// Gene strip.
		s.f(`<rect x="%s" y="%s" width="%s" height="6" fill="%s" data-tip="%s"/>`, f1(gridX+float64(j)*cell), f1(gridY-10), f1(cell), color(c.Gene), esc(c.Gene))
	}
	// Cells.
	maxN := 0
	for _, r := range h.Rows {
		maxN = max(maxN, r.Samples)
	}
	for i, r := range h.Rows {
		y := gridY + float64(i)*cell
		label := r.Label
		if len(label) > 22 {
			label = label[:21] + "…"
		}
		tip := r.Label
		if r.Example != "" {
			tip += " · " + humanInt(r.Samples) + " samples, e.g. " + r.Example
		}
		s.f(`<text x="%s" y="%s" class="rowlabel" text-anchor="end" data-tip="%s">%s</text>`, f1(gridX-6), f1(y+cell*0.75), esc(tip), esc(label))
		for j, v := range r.Cells {
			c := h.Columns[j]
			fill, state := colAbsent, "absent"
			switch {
			case v == 1 && c.Known:
				fill, state = colKnown, "present (known)"
			case v == 1:
				fill, state = colUnknown, "present"
			case v < 0:
				fill, state = "url(#nc)", "not covered"
			}
			s.f(`<rect class="cell" x="%s" y="%s" width="%s" height="%s" fill="%s" data-tip="%s · %s: %s"/>`,
				f1(gridX+float64(j)*cell), f1(y), f1(cell-1), f1(cell-1), fill, esc(r.Label), esc(c.Symbol), state)
		}
		if h.Grouped {
			bw := 0.0
			if maxN > 0 {
				bw = math.Max(1, countW*0.7*float64(r.Samples)/float64(maxN))
			}
			s.f(`<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="#7d8a97" data-tip="%d samples"/>`, f1(countX), f1(y+2), f1(bw), f1(cell-4), r.Samples)
			s.f(`<text x="%s" y="%s" class="count">%d</text>`, f1(countX+bw+4), f1(y+cell*0.75), r.Samples)
		}
	}
	if h.Grouped {
		s.f(`<text x="%s" y="%s" class="axis">samples</text>`, f1(countX), f1(gridY-4))
	}
	// Column labels, vertical: one cell apart, so they never overlap.
	for j, c := range h.Columns {
		x := gridX + float64(j)*cell + cell*0.72
		y := gridY + gridH + 6
		cls := "collabel"
		if c.Known {
			cls += " known"
		}
		s.f(`<text x="%s" y="%s" class="%s" transform="rotate(90 %s %s)">%s</text>`, f1(x), f1(y), cls, f1(x), f1(y), esc(c.Symbol))
	}
	s.f(`</svg>`)
	return s.String()
}

// lollipopSVG draws a gene's changes along its protein: stem height is the
// number of carriers on a log scale, red heads are known resistance changes.
func lollipopSVG(g Gene) string {
	var s svg
	w, h := 880.0, 210.0
	left, right, top, plotH := 56.0, 24.0, 30.0, 120.0
	base := top + plotH
	length := g.Length
	maxN := 1
	for _, c := range g.Changes {
		length = max(length, c.Position)
		maxN = max(maxN, c.Samples)
	}
	length = max(length, 2)
	xOf := func(p int) float64 { return left + float64(p-1)/float64(length-1)*(w-left-right) }
	logMax := math.Log10(float64(maxN) + 1)
	yOf := func(n int) float64 { return base - 6 - (plotH-12)*math.Log10(float64(n)+1)/logMax }
	s.open(w, h, "plot lollipop", "changes along "+g.Name)
	// Y axis: decades.
	for d := 1; d <= maxN*10; d *= 10 {
		if d > maxN && d != 1 {
			break
		}
		y := yOf(d)
		s.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" class="grid"/>`, f1(left), f1(w-right), f1(y), f1(y))
		s.f(`<text x="%s" y="%s" class="axis" text-anchor="end">%s</text>`, f1(left-6), f1(y+3), humanInt(d))
	}
	s.f(`<text class="axis" transform="translate(14 %s) rotate(-90)" text-anchor="middle">samples (log)</text>`, f1(top+plotH/2))
	// Backbone with position ticks.
	s.f(`<rect x="%s" y="%s" width="%s" height="12" rx="4" fill="%s"/>`, f1(left), f1(base), f1(w-left-right), colBackbone)
	step := tickStep(length)
	for p := step; p <= length; p += step {
		x := xOf(p)
		s.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/>`, f1(x), f1(x), f1(base+12), f1(base+16), colAxis)
		s.f(`<text x="%s" y="%s" class="axis" text-anchor="middle">%d</text>`, f1(x), f1(base+27), p)
	}
	s.f(`<text x="%s" y="%s" class="axis" text-anchor="end">%s residues</text>`, f1(w-right), f1(base+40), humanInt(length))
	// Stems first, then heads (known on top).
	order := slices.Clone(g.Changes)
	slices.SortStableFunc(order, func(a, b Lollipop) int {
		if a.Known != b.Known {
			if a.Known {
				return 1
			}
			return -1
		}
		return a.Samples - b.Samples
	})
	for _, c := range order {
		x := xOf(c.Position)
		s.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" class="stem"/>`, f1(x), f1(x), f1(base), f1(yOf(c.Samples)))
	}
	for _, c := range order {
		fill := colUnknown
		if c.Known {
			fill = colKnown
		}
		r := 3 + 4*math.Sqrt(float64(c.Samples)/float64(maxN))
		s.f(`<circle class="head" cx="%s" cy="%s" r="%s" fill="%s" data-tip="%s · %s · %d samples (%s)%s"/>`,
			f1(xOf(c.Position)), f1(yOf(c.Samples)), f1(r), fill, esc(c.Symbol), esc(c.Type), c.Samples,
			pct(int(c.Frequency*1e6+0.5), 1e6), map[bool]string{true: " · known resistance", false: ""}[c.Known])
	}
	// Labels for the most frequent changes, skipping ones that would collide.
	byN := slices.Clone(g.Changes)
	slices.SortStableFunc(byN, func(a, b Lollipop) int {
		if a.Known != b.Known && (a.Samples == b.Samples) {
			if a.Known {
				return -1
			}
			return 1
		}
		return b.Samples - a.Samples
	})
	type placed struct{ x, y float64 }
	var done []placed
	for _, c := range byN {
		if len(done) == 8 {
			break
		}
		x, y := xOf(c.Position), yOf(c.Samples)-10
		clash := false
		for _, p := range done {
			if math.Abs(p.x-x) < 44 && math.Abs(p.y-y) < 14 {
				clash = true
				break
			}
		}
		if clash {
			continue
		}
		done = append(done, placed{x, y})
		cls := "lab"
		if c.Known {
			cls += " known"
		}
		s.f(`<text x="%s" y="%s" class="%s" text-anchor="middle">%s</text>`, f1(x), f1(y), cls, esc(c.Short))
	}
	s.f(`</svg>`)
	return s.String()
}

func tickStep(n int) int {
	for _, s := range []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000} {
		if n/s <= 10 {
			return s
		}
	}
	return 10000
}

func humanInt(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// divergent maps log2 odds ratio in [-lim, lim] to blue–white–red.
func divergent(v, lim float64) string {
	t := math.Max(-1, math.Min(1, v/lim))
	lerp := func(a, b float64, t float64) int { return int(math.Round(a + (b-a)*t)) }
	if t >= 0 { // white → red (178, 24, 43)
		return fmt.Sprintf("rgb(%d,%d,%d)", lerp(247, 178, t), lerp(247, 24, t), lerp(247, 43, t))
	}
	t = -t // white → blue (33, 102, 172)
	return fmt.Sprintf("rgb(%d,%d,%d)", lerp(247, 33, t), lerp(247, 102, t), lerp(247, 172, t))
}

// coocSVG draws the lower triangle of a co-occurrence matrix: colour is the
// log2 odds ratio, a dot marks q < 0.05.
func coocSVG(c Cooc) string {
	n := len(c.Names)
	if n < 2 {
		return `<p class="empty">Fewer than two changes reach --min-support; nothing to test.</p>`
	}
	var s svg
	cell := 18.0
	if n > 24 {
		cell = 15
	}
	labelW := 130.0
	gx, gy := labelW, 16.0
	size := float64(n-1) * cell
	w, h := gx+size+220, gy+size+120
	s.open(w, h, "plot cooc", c.Level+" co-occurrence")
	const lim = 5.0
	for i := 1; i < n; i++ {
		y := gy + float64(i-1)*cell
		cls := "rowlabel"
		if c.Known != nil && c.Known[i] {
			cls += " known"
		}
		s.f(`<text x="%s" y="%s" class="%s" text-anchor="end">%s</text>`, f1(gx-6), f1(y+cell*0.72), cls, esc(c.Names[i]))
		for j := 0; j < i; j++ {
			x := gx + float64(j)*cell
			p := c.Cells[i][j]
			if p == nil {
				s.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, f1(x), f1(y), f1(cell-1), f1(cell-1), colAbsent)
				continue
			}
			l2 := math.Log2(p.OR)
			s.f(`<rect class="cell" x="%s" y="%s" width="%s" height="%s" fill="%s" data-tip="%s × %s · both %d · only first %d · only second %d · neither %d · OR %s · p %s · q %s"/>`,
				f1(x), f1(y), f1(cell-1), f1(cell-1), divergent(l2, lim), esc(p.A), esc(p.B), p.N11, p.N10, p.N01, p.N00, sig(p.OR), sci(p.P), sci(p.Q))
			if p.Q < 0.05 {
				s.f(`<circle cx="%s" cy="%s" r="2.2" fill="#1d2329" pointer-events="none"/>`, f1(x+(cell-1)/2), f1(y+(cell-1)/2))
			}
		}
	}
	for j := 0; j < n-1; j++ {
		x := gx + float64(j)*cell + cell/2
		y := gy + size + 6
		cls := "collabel"
		if c.Known != nil && c.Known[j] {
			cls += " known"
		}
		s.f(`<text x="%s" y="%s" class="%s" transform="rotate(55 %s %s)">%s</text>`, f1(x), f1(y), cls, f1(x), f1(y), esc(c.Names[j]))
	}
	// Legend.
	lx, ly := gx+size+30, gy+10
	s.f(`<text x="%s" y="%s" class="axis">log₂ odds ratio</text>`, f1(lx), f1(ly))
	for k := 0; k <= 20; k++ {
		v := -lim + 2*lim*float64(k)/20
		s.f(`<rect x="%s" y="%s" width="7" height="12" fill="%s"/>`, f1(lx+float64(k)*7), f1(ly+6), divergent(v, lim))
	}
	s.f(`<text x="%s" y="%s" class="axis">−5</text><text x="%s" y="%s" class="axis" text-anchor="middle">0</text><text x="%s" y="%s" class="axis" text-anchor="end">+5</text>`,
		f1(lx), f1(ly+30), f1(lx+73.5), f1(ly+30), f1(lx+147), f1(ly+30))
	s.f(`<circle cx="%s" cy="%s" r="2.6" fill="#1d2329"/><text x="%s" y="%s" class="axis">q &lt; 0.05 (Benjamini–Hochberg)</text>`, f1(lx+4), f1(ly+46), f1(lx+12), f1(ly+50))
	s.f(`</svg>`)
	return s.String()
}

// barsSVG draws labelled horizontal bars.
func barsSVG(bars []Bar, color string) string {
	if len(bars) == 0 {
		return `<p class="empty">None.</p>`
	}
	var s svg
	labelW, barW, rowH := 270.0, 250.0, 22.0
	maxN := 1
	for _, b := range bars {
		maxN = max(maxN, b.N)
	}
	w, h := labelW+barW+110, float64(len(bars))*rowH+8
	s.open(w, h, "plot bars", "bar chart")
	for i, b := range bars {
		y := 4 + float64(i)*rowH
		label := b.Label
		if len([]rune(label)) > 36 {
			label = string([]rune(label)[:35]) + "…"
		}
		bw := math.Max(1, barW*float64(b.N)/float64(maxN))
		s.f(`<text x="%s" y="%s" class="rowlabel" text-anchor="end">%s</text>`, f1(labelW-8), f1(y+rowH*0.62), esc(label))
		s.f(`<rect class="bar" x="%s" y="%s" width="%s" height="%s" rx="2" fill="%s" data-tip="%s: %d of %d samples"/>`, f1(labelW), f1(y+3), f1(bw), f1(rowH-8), color, esc(b.Label), b.N, b.Of)
		s.f(`<text x="%s" y="%s" class="count">%s · %s</text>`, f1(labelW+bw+6), f1(y+rowH*0.62), humanInt(b.N), pct(b.N, b.Of))
	}
	s.f(`</svg>`)
	return s.String()
}
