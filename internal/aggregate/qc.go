package aggregate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/validate"
)

// Finding is one wtscan-validate finding, as much of it as the report shows.
type Finding struct {
	File     string
	Where    string // record or line
	Check    string
	Severity string
	Message  string
}

// readQC reads a wtscan-validate JSON report with validate's own reader and
// type: one format, one definition.
func readQC(path string) ([]Finding, error) {
	r, err := validate.ReadReport(path)
	if err != nil {
		return nil, fmt.Errorf("--qc: %w", err)
	}
	out := make([]Finding, 0, len(r.Findings))
	for _, f := range r.Findings {
		where := f.Record
		switch {
		case where != "":
		case f.Line > 0:
			where = strconv.FormatInt(f.Line, 10)
		case f.Row > 0:
			where = "row " + strconv.FormatInt(f.Row, 10)
		}
		out = append(out, Finding{File: f.File, Where: where, Check: f.Check, Severity: f.Severity, Message: f.Message})
	}
	return out, nil
}

// QCCount is the number of findings of one severity and check.
type QCCount struct {
	Severity, Check string
	N               int
}

// qcCounts counts findings by severity and check: errors first, then by count.
func qcCounts(fs []Finding) []QCCount {
	idx := map[[2]string]int{}
	var out []QCCount
	for _, f := range fs {
		k := [2]string{f.Severity, f.Check}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, QCCount{Severity: f.Severity, Check: f.Check})
		}
		out[i].N++
	}
	rank := func(s string) int {
		switch s {
		case "error":
			return 0
		case "warning":
			return 1
		}
		return 2
	}
	slices.SortFunc(out, func(a, b QCCount) int {
		if d := rank(a.Severity) - rank(b.Severity); d != 0 {
			return d
		}
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.Check, b.Check)
	})
	return out
}
