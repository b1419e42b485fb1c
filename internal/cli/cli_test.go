package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

type testCLI struct {
	Shared
	In string `required:"" help:"Input."`
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantOK   bool
		wantCode int
		wantOut  string
	}{
		{"ok", []string{"--in", "x", "-j", "3"}, true, 0, ""},
		{"version", []string{"--version"}, false, 0, "wtscan-test "},
		{"help", []string{"--help"}, false, 0, "Usage: wtscan-test"},
		{"missing flag", []string{}, false, 2, "missing flags: --in"},
		{"bad enum", []string{"--in", "x", "--log-format", "xml"}, false, 2, "log-format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c testCLI
			var out, errb bytes.Buffer
			env, code, ok := Parse(context.Background(), "wtscan-test", "test", &c, &c.Shared, tt.args, nil, &out, &errb)
			if ok != tt.wantOK || code != tt.wantCode {
				t.Fatalf("ok=%v code=%d, want %v %d; stderr %s", ok, code, tt.wantOK, tt.wantCode, errb.String())
			}
			if !strings.Contains(out.String()+errb.String(), tt.wantOut) {
				t.Errorf("output %q lacks %q", out.String()+errb.String(), tt.wantOut)
			}
			if ok && (env.Threads() != 3 || c.In != "x") {
				t.Errorf("threads=%d in=%q", env.Threads(), c.In)
			}
		})
	}
}

func TestFailWritesJSONAndPlainLine(t *testing.T) {
	var c testCLI
	var errb bytes.Buffer
	env, _, ok := Parse(context.Background(), "wtscan-test", "test", &c, &c.Shared, []string{"--in", "x"}, nil, &bytes.Buffer{}, &errb)
	if !ok {
		t.Fatal("parse failed")
	}
	if code := env.Fail(errTest("read a.faa record 3 (\"q\"): empty sequence")); code != ExitFail {
		t.Fatalf("code %d", code)
	}
	s := errb.String()
	if !strings.Contains(s, `"level":"error"`) || !strings.Contains(s, "wtscan-test: error: read a.faa record 3") {
		t.Fatalf("stderr = %s", s)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

func TestWithoutRuntimeFlags(t *testing.T) {
	got := strings.Join(withoutRuntimeFlags([]string{"--in", "x", "-j", "4", "--threads=2", "-j8", "--log-format", "json", "--progress", "never", "--out", "y"}), " ")
	if got != "--in x --out y" {
		t.Fatalf("got %q", got)
	}
}

func TestGCHeadroom(t *testing.T) {
	t.Setenv("GOGC", "")
	percent := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	before := percent()
	restore := GCHeadroom(60<<20, 256<<20)
	if got := percent(); got != 426 {
		t.Errorf("60 MB live, 256 MB headroom: GC percent %d, want 426", got)
	}
	restore()
	if got := percent(); got != before {
		t.Errorf("restored to %d, want %d", got, before)
	}
	restore = GCHeadroom(1<<30, 256<<20) // more live than headroom: Go's default stays
	if got := percent(); got != 100 {
		t.Errorf("1 GB live: GC percent %d, want 100", got)
	}
	restore()
	t.Setenv("GOGC", "50")
	GCHeadroom(60<<20, 256<<20)()
	if got := percent(); got != before {
		t.Errorf("with GOGC set: GC percent %d, want it untouched (%d)", got, before)
	}
}

type pathCLI struct {
	Shared
	Ref     string   `type:"existingfile"`
	Out     string   `type:"path"`
	Outside string   `type:"path"`
	Tables  []string `arg:"" type:"existingfile"`
}

// Outputs record the paths they were given: kong makes path flags absolute,
// Parse makes those under the working directory relative again.
func TestParsePathsRelative(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, f := range []string{"ref.fna", "a.parquet", "b.parquet"} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(filepath.Dir(dir), "elsewhere.tsv")
	var c pathCLI
	args := []string{"--ref", "ref.fna", "--out", "results/x.parquet", "--outside", outside, "a.parquet", filepath.Join(dir, "b.parquet")}
	if _, code, ok := Parse(context.Background(), "wtscan-test", "test", &c, &c.Shared, args, nil, &bytes.Buffer{}, &bytes.Buffer{}); !ok {
		t.Fatalf("parse failed: %d", code)
	}
	got := []string{c.Ref, c.Out, c.Outside, strings.Join(c.Tables, ",")}
	want := []string{"ref.fna", filepath.Join("results", "x.parquet"), outside, "a.parquet,b.parquet"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("path %d = %q, want %q", i, got[i], want[i])
		}
	}
}
