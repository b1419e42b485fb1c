package aggregate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Finding is one wtscan-validate finding, as much of it as the report shows.
type Finding struct {
	File     string
	Where    string // record or line
	Check    string
	Severity string
	Message  string
}

// readQC reads a wtscan-validate JSON report: an array of findings or an
// object with a "findings" array. Field names are matched loosely (record,
// line or row for the place; level for severity) since the format is young.
func readQC(path string) ([]Finding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--qc: %w", err)
	}
	var raw []map[string]any
	trim := bytes.TrimSpace(data)
	switch {
	case len(trim) > 0 && trim[0] == '[':
		err = json.Unmarshal(trim, &raw)
	case len(trim) > 0 && trim[0] == '{':
		var obj map[string]json.RawMessage
		if err = json.Unmarshal(trim, &obj); err == nil {
			f, ok := obj["findings"]
			if !ok {
				return nil, fmt.Errorf("%s: QC report has no \"findings\" array", path)
			}
			if string(bytes.TrimSpace(f)) != "null" {
				err = json.Unmarshal(f, &raw)
			}
		}
	default:
		return nil, fmt.Errorf("%s: not a QC report (expected a JSON array of findings or {\"findings\": [...]})", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: bad QC JSON: %w", path, err)
	}
	out := make([]Finding, 0, len(raw))
	for i, m := range raw {
		f := Finding{
			File:     str(m, "file", "path"),
			Where:    str(m, "record", "line", "row", "location"),
			Check:    str(m, "check", "name", "rule"),
			Severity: strings.ToLower(str(m, "severity", "level")),
			Message:  str(m, "message", "msg"),
		}
		if f.Check == "" && f.Message == "" {
			return nil, fmt.Errorf("%s: finding %d has neither check nor message", path, i+1)
		}
		if f.Severity == "" {
			f.Severity = "unknown"
		}
		out = append(out, f)
	}
	return out, nil
}

func str(m map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			if v != "" {
				return v
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(v)
		}
	}
	return ""
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
