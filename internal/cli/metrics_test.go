package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsFile: --metrics-file writes Prometheus text format a parser
// accepts, with success, duration and the summary's numeric counts; a
// failed run writes success 0; the flag stays out of the recorded command.
func TestMetricsFile(t *testing.T) {
	dir := t.TempDir()
	prom := filepath.Join(dir, "align.prom")
	parse := func(args ...string) *Env {
		t.Helper()
		var c testCLI
		var out, errb bytes.Buffer
		env, code, ok := Parse(context.Background(), "wtscan-test", "test", &c, &c.Shared, args, nil, &out, &errb)
		if !ok {
			t.Fatalf("parse: %d %s", code, errb.String())
		}
		return env
	}
	env := parse("--in", "x", "--metrics-file", prom, "-j", "3")
	if strings.Contains(strings.Join(env.Args, " "), "metrics-file") {
		t.Errorf("--metrics-file recorded in the command line %q", env.Args)
	}
	if code := env.Done(map[string]any{"queries": 12, "pct": 99.5, "quality": map[string]int{"HIGH": 10, "LOW": 2}, "out": "a.parquet"}); code != ExitOK {
		t.Fatalf("Done: %d", code)
	}
	f, err := os.Open(prom)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.LegacyValidation) // classic names, as node_exporter reads them
	fams, err := p.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("not Prometheus text format: %v", err)
	}
	if v := fams["wtscan_step_success"].GetMetric()[0].GetGauge().GetValue(); v != 1 {
		t.Errorf("success %v", v)
	}
	if v := fams["wtscan_step_threads"].GetMetric()[0].GetGauge().GetValue(); v != 3 {
		t.Errorf("threads %v", v)
	}
	got := map[string]float64{}
	for _, m := range fams["wtscan_step_result"].GetMetric() {
		key := ""
		for _, l := range m.GetLabel() {
			if l.GetName() == "name" || l.GetName() == "key" {
				key += "/" + l.GetValue()
			}
			if l.GetName() == "step" && l.GetValue() != "wtscan-test" {
				t.Errorf("step label %q", l.GetValue())
			}
		}
		got[key] = m.GetGauge().GetValue()
	}
	want := map[string]float64{"/queries": 12, "/pct": 99.5, "/quality/HIGH": 10, "/quality/LOW": 2}
	if len(got) != len(want) {
		t.Errorf("results %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}

	env = parse("--in", "x", "--metrics-file", prom)
	if code := env.Fail(errors.New("boom")); code != ExitFail {
		t.Fatalf("Fail: %d", code)
	}
	b, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `wtscan_step_success{step="wtscan-test",run="align",`) || !strings.Contains(string(b), "} 0\n") || strings.Contains(string(b), "wtscan_step_result") {
		t.Errorf("failed run's metrics:\n%s", b)
	}

	// An unwritable metrics file fails the run.
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env = parse("--in", "x", "--metrics-file", filepath.Join(dir, "file", "x.prom"))
	if code := env.Done(nil); code != ExitFail {
		t.Errorf("Done with an unwritable metrics file: %d", code)
	}
}
