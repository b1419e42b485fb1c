package validate

import (
	"fmt"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMetricReport(t *testing.T) {
	tests := []struct {
		name  string
		vals  []float64
		k     float64
		flags []int // indexes reported
	}{
		// median 100, MAD 1 → spread 1.4826; 90 is 6.7 spreads away.
		{"one far", []float64{100, 101, 99, 100, 102, 90}, 5, []int{5}},
		{"threshold", []float64{100, 101, 99, 100, 102, 90}, 7, nil},
		// All equal but one: MAD 0, the floor (1) keeps a difference of 3 quiet.
		{"floor", []float64{0, 0, 0, 0, 0, 3}, 5, nil},
		{"floor exceeded", []float64{0, 0, 0, 0, 0, 6}, 5, []int{5}},
		// Fewer than minCohort values: nothing is an outlier.
		{"too few", []float64{1, 1, 1, 100}, 5, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMetric("x", "", func(float64) float64 { return 1 })
			for i, v := range tt.vals {
				m.add("g", observation{value: v, where: Where{File: "f", Row: i + 1}, who: fmt.Sprint(i)})
			}
			fs := &Findings{}
			m.report(tt.k, fs)
			got := fs.Sorted()
			if len(got) != len(tt.flags) {
				t.Fatalf("%d findings %v, want rows %v", len(got), got, tt.flags)
			}
			for i, idx := range tt.flags {
				if got[i].Row != int64(idx+1) || got[i].Check != "cohort.outlier" || got[i].Severity != Warning {
					t.Errorf("finding %v, want row %d", got[i], idx+1)
				}
			}
		})
	}
}
