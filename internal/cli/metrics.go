package cli

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/wtscan/wtscan/internal/build"
	"github.com/wtscan/wtscan/internal/fsx"
)

// writeMetrics writes the run's --metrics-file: Prometheus text format for
// node_exporter's textfile collector, written atomically (the collector
// never reads half a file). ok is false for a failed run. Numeric summary
// counts become wtscan_step_result{name=...}; a map of counts (quality
// tiers) adds a key label.
func (e *Env) writeMetrics(ok bool, counts map[string]any) error {
	path := e.shared.MetricsFile
	if path == "" {
		return nil
	}
	step := e.Args[0]
	// The file's name is a label too: the textfile collector refuses the
	// same series in two files (align.chunk1.prom, align.chunk2.prom).
	run := strings.TrimSuffix(filepath.Base(path), ".prom")
	lbl := fmt.Sprintf(`step=%q,run=%q,version=%q`, step, run, build.Version)
	var b strings.Builder
	gauge := func(name, help string, v float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s{%s} %s\n", name, help, name, name, lbl, num(v))
	}
	success := 0.0
	if ok {
		success = 1
	}
	gauge("wtscan_step_success", "1 if the step's last run ended with its summary, 0 if it failed.", success)
	gauge("wtscan_step_duration_seconds", "Wall time of the step's last run.", time.Since(e.Start).Seconds())
	gauge("wtscan_step_last_run_timestamp_seconds", "When the step's last run ended (Unix time).", float64(time.Now().UnixMilli())/1000)
	gauge("wtscan_step_threads", "Worker threads of the step's last run.", float64(e.Threads()))
	var lines []string
	for k, v := range counts {
		switch x := v.(type) {
		case map[string]int:
			for kk, vv := range x {
				lines = append(lines, fmt.Sprintf("wtscan_step_result{%s,name=%q,key=%q} %d", lbl, k, kk, vv))
			}
		default:
			if f, isNum := number(v); isNum {
				lines = append(lines, fmt.Sprintf("wtscan_step_result{%s,name=%q} %s", lbl, k, num(f)))
			}
		}
	}
	if len(lines) > 0 {
		sort.Strings(lines)
		b.WriteString("# HELP wtscan_step_result Counts in the step's summary of its last run (rows, queries, errors...).\n# TYPE wtscan_step_result gauge\n")
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("--metrics-file: %w", err)
	}
	f, err := fsx.CreateAtomic(path)
	if err != nil {
		return fmt.Errorf("--metrics-file: %w", err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Abort()
		return fmt.Errorf("--metrics-file %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("--metrics-file %s: %w", path, err)
	}
	return nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}

func num(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return fmt.Sprintf("%g", f)
}
