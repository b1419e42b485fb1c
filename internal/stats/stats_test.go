package stats

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/testdata"
)

// Hand-checked values. The scipy ones are from scipy's own test suite
// (scipy/stats/tests/test_stats.py, test_gh4130 and the docstring example).
func TestFisherExactKnown(t *testing.T) {
	tests := []struct {
		name               string
		n11, n10, n01, n00 int64
		want               float64
	}{
		{"docstring whales/sharks", 8, 2, 1, 5, 0.034965034965034975},
		{"gh4130 a", 6, 37, 108, 200, 0.005092697748126},
		{"gh4130 b", 22, 0, 0, 102, 7.175066786244549e-25},
		{"gh4130 c", 94, 48, 3577, 16988, 2.069356340993818e-37},
		{"empty row", 0, 0, 3, 4, 1},
		{"empty column", 0, 5, 0, 4, 1},
		// Symmetric table: every table is as extreme as itself or its mirror, p=1.
		{"observed is mode", 5, 5, 5, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FisherExact(tt.n11, tt.n10, tt.n01, tt.n00)
			if !close(got, tt.want, 1e-9) {
				t.Errorf("FisherExact(%d,%d,%d,%d) = %.17g, want %.17g", tt.n11, tt.n10, tt.n01, tt.n00, got, tt.want)
			}
		})
	}
}

func TestOddsRatio(t *testing.T) {
	tests := []struct {
		name               string
		n11, n10, n01, n00 int64
		want               float64
	}{
		{"no zero: plain ad/bc", 8, 2, 1, 5, 20},
		{"zero cell: +0.5 everywhere", 3, 0, 2, 4, 3.5 * 4.5 / (0.5 * 2.5)},
		{"all zero", 0, 0, 0, 0, 1},
	}
	for _, tt := range tests {
		got := OddsRatio(tt.n11, tt.n10, tt.n01, tt.n00)
		if !close(got, tt.want, 1e-12) {
			t.Errorf("%s: OddsRatio = %g, want %g", tt.name, got, tt.want)
		}
	}
	if j := Jaccard(2, 1, 1); j != 0.5 {
		t.Errorf("Jaccard(2,1,1) = %g, want 0.5", j)
	}
	if j := Jaccard(0, 0, 0); j != 0 {
		t.Errorf("Jaccard(0,0,0) = %g, want 0", j)
	}
}

func TestBenjaminiHochbergSmall(t *testing.T) {
	// Worked by hand: m=4, sorted p 0.01,0.02,0.03,0.5 → 0.04,0.04,0.04,0.5.
	got := BenjaminiHochberg([]float64{0.5, 0.03, 0.01, 0.02, math.NaN()})
	want := []float64{0.5, 0.04, 0.04, 0.04}
	for i, w := range want {
		if !close(got[i], w, 1e-12) {
			t.Errorf("q[%d] = %g, want %g", i, got[i], w)
		}
	}
	if !math.IsNaN(got[4]) {
		t.Errorf("NaN p gave q %g", got[4])
	}
}

// python returns a python3 that imports scipy and statsmodels: Debian's
// /usr/bin/python3 first (a pyenv shim earlier on PATH may lack them).
func python(t *testing.T) string {
	t.Helper()
	var cands []string
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		cands = append(cands, "/usr/bin/python3")
	}
	cands = append(cands, testdata.Command(t, "python3", "python3"))
	for _, p := range cands {
		if exec.Command(p, "-c", "import scipy.stats, statsmodels.stats.multitest").Run() == nil {
			return p
		}
	}
	testdata.Missing(t, "python3 modules scipy and statsmodels (Debian packages python3-scipy, python3-statsmodels)")
	return ""
}

type table2 struct{ a, b, c, d int64 }

// randomTables mixes small tables with zeros, tables from cohort-sized
// counts, lopsided ones and symmetric ones (ties between the two tails).
func randomTables(r *rand.Rand) []table2 {
	var ts []table2
	for range 300 { // small, many zeros
		ts = append(ts, table2{r.Int64N(6), r.Int64N(6), r.Int64N(6), r.Int64N(6)})
	}
	for range 150 { // medium
		ts = append(ts, table2{r.Int64N(60), r.Int64N(200), r.Int64N(200), r.Int64N(2000)})
	}
	for range 60 { // cohort-sized: up to 100,000 samples
		n11 := r.Int64N(3000)
		ts = append(ts, table2{n11, r.Int64N(5000), r.Int64N(5000), r.Int64N(90000)})
	}
	for range 40 { // symmetric margins: exact ties between tails
		k := r.Int64N(40)
		x := r.Int64N(k + 1)
		ts = append(ts, table2{x, k - x, k - x, x})
	}
	for range 30 { // a zero cell with large counts
		ts = append(ts, table2{0, r.Int64N(400) + 1, r.Int64N(400) + 1, r.Int64N(20000)})
	}
	return ts
}

func TestAgainstScipyAndStatsmodels(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2)) // fixed seed: reproducible tables
	tables := randomTables(r)
	var tb, pb strings.Builder
	ps := make([]float64, 0, 400)
	for _, tt := range tables {
		fmt.Fprintf(&tb, "%d\t%d\t%d\t%d\n", tt.a, tt.b, tt.c, tt.d)
	}
	// p-values for BH: uniform, many ties, exact 0 and 1, and tiny ones.
	for i := range 400 {
		var p float64
		switch i % 5 {
		case 0:
			p = float64(r.IntN(10)) / 10
		case 1:
			p = math.Pow(10, -r.Float64()*30)
		default:
			p = r.Float64()
		}
		ps = append(ps, p)
		fmt.Fprintf(&pb, "%s\n", strconv.FormatFloat(p, 'g', -1, 64))
	}
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tin, pin := write("tables.tsv", tb.String()), write("p.tsv", pb.String())
	tout, qout := filepath.Join(dir, "tables.out"), filepath.Join(dir, "q.out")
	cmd := exec.Command(py, filepath.Join("testdata", "oracle.py"), tin, pin, tout, qout)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oracle.py: %v\n%s", err, out)
	}
	rows := readFloats(t, tout)
	if len(rows) != len(tables) {
		t.Fatalf("oracle gave %d rows for %d tables", len(rows), len(tables))
	}
	for i, tt := range tables {
		wantP, wantOR := rows[i][0], rows[i][1]
		gotP := FisherExact(tt.a, tt.b, tt.c, tt.d)
		if !close(gotP, wantP, 1e-9) {
			t.Errorf("table %v: p = %.17g, scipy %.17g", tt, gotP, wantP)
		}
		// scipy's statistic is the plain sample odds ratio (inf or nan with
		// a zero cell); ours equals it whenever no cell is zero.
		if tt.a > 0 && tt.b > 0 && tt.c > 0 && tt.d > 0 {
			if got := OddsRatio(tt.a, tt.b, tt.c, tt.d); !close(got, wantOR, 1e-9) {
				t.Errorf("table %v: OR = %.17g, scipy %.17g", tt, got, wantOR)
			}
		}
	}
	qs := readFloats(t, qout)
	got := BenjaminiHochberg(ps)
	if len(qs) != len(ps) {
		t.Fatalf("oracle gave %d q-values for %d p-values", len(qs), len(ps))
	}
	for i := range ps {
		if !close(got[i], qs[i][0], 1e-9) {
			t.Errorf("p %g: q = %.17g, statsmodels %.17g", ps[i], got[i], qs[i][0])
		}
	}
}

func readFloats(t *testing.T, path string) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row []float64
		for _, s := range strings.Fields(sc.Text()) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out
}

// close compares with a relative tolerance; values below 1e-300 (where
// float64 runs out of range) compare as equal.
func close(got, want, rel float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	if math.Abs(got) < 1e-300 && math.Abs(want) < 1e-300 {
		return true
	}
	return math.Abs(got-want) <= rel*math.Max(math.Abs(got), math.Abs(want))
}

func BenchmarkFisherExactCohort(b *testing.B) {
	for b.Loop() {
		FisherExact(1200, 3400, 2900, 92500)
	}
}

func FuzzFisherExact(f *testing.F) {
	f.Add(int64(8), int64(2), int64(1), int64(5))
	f.Add(int64(0), int64(0), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, a, b, c, d int64) {
		a, b, c, d = a&0xffff, b&0xffff, c&0xffff, d&0xffff
		p := FisherExact(a, b, c, d)
		if !(p > 0 || p == 0) || p > 1 {
			t.Fatalf("p(%d,%d,%d,%d) = %g outside [0,1]", a, b, c, d, p)
		}
	})
}
