package table

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type row struct {
	SampleID string  `parquet:"sample_id,dict,zstd"`
	Position int32   `parquet:"position"`
	Score    float64 `parquet:"score"`
	Known    bool    `parquet:"known"`
	Note     string  `parquet:"note" wtscan:"optional"`
}

var rows = []row{
	{"S1", 83, 1520.5, true, "tab\there"},
	{"S2", 87, 0, false, ""},
}

func TestRoundTrip(t *testing.T) {
	for _, ext := range []string{".parquet", ".tsv", ".tsv.gz"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "input.faa")
			os.WriteFile(in, []byte(">a\nM\n"), 0o644)
			meta, err := NewMeta("test/1", []string{"wtscan-x", "--in", in}, in, "-", filepath.Join(dir, "missing"))
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "t"+ext)
			w, err := Create[row](p, meta)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rows...); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Fatal("table visible before Close")
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got, m, err := ReadAll[row](p, "test/1")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, rows) {
				t.Errorf("got %+v\nwant %+v", got, rows)
			}
			if ext == ".parquet" {
				if m.Schema != "test/1" || m.Command != "wtscan-x --in "+in || len(m.Inputs) != 1 || len(m.Inputs[in]) != 64 {
					t.Errorf("metadata = %+v", m)
				}
				if _, _, err := ReadAll[row](p, "other/1"); err == nil || !strings.Contains(err.Error(), "is a test table, expected other") {
					t.Errorf("wrong schema accepted: %v", err)
				}
				if _, _, err := ReadAll[row](p, "test/2"); err == nil || !strings.Contains(err.Error(), "version 1") {
					t.Errorf("wrong version accepted: %v", err)
				}
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	var prev []byte
	for i := 0; i < 2; i++ {
		p := filepath.Join(dir, "t.parquet")
		w, _ := Create[row](p, Meta{Schema: "test/1"})
		w.Write(rows...)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		if prev != nil && string(b) != string(prev) {
			t.Fatal("two writes of the same rows differ")
		}
		prev = b
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := Create[row](filepath.Join(dir, "t.parquet"), Meta{Schema: "test/1"})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(rows...)
	w.Abort()
	if e, _ := os.ReadDir(dir); len(e) != 0 {
		t.Fatalf("abort left %v", e)
	}
}

func TestTSVErrors(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"empty", "", "empty file"},
		{"missing column", "sample_id\tposition\nS1\t3\n", "missing required columns: score, known"},
		{"bad integer", "sample_id\tposition\tscore\tknown\nS1\tx\t1\ttrue\n", "line 2: column position: \"x\" is not an integer"},
		{"field count", "sample_id\tposition\tscore\tknown\nS1\t3\n", "line 2: 2 fields, header has 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "t.tsv")
			os.WriteFile(p, []byte(tt.content), 0o644)
			_, _, err := ReadAll[row](p, "test/1")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("err = %v, want %q with the path", err, tt.want)
			}
		})
	}
}

// TestTruncatedGzip: a .tsv.gz cut short names the line and says why.
func TestTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t.tsv.gz")
	meta, _ := NewMeta("test/1", nil)
	w, err := Create[row](p, meta)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20000 {
		w.Write(row{SampleID: fmt.Sprintf("S%06d", i), Position: int32(i), Score: float64(i) / 7})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	cut := filepath.Join(dir, "cut.tsv.gz")
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	_, _, err = ReadAll[row](cut, "test/1")
	if err == nil || !strings.Contains(err.Error(), cut+" line ") || !strings.Contains(err.Error(), "truncated or corrupt compressed input") {
		t.Fatalf("err = %v, want the file, a line and the cause", err)
	}
}

func TestForeignParquet(t *testing.T) {
	// A Parquet file without wtscan metadata, as another tool would write it.
	p := filepath.Join(t.TempDir(), "other.parquet")
	w, _ := Create[row](p, Meta{})
	w.Write(rows...)
	w.Close()
	_, _, err := ReadAll[row](p, "test/1")
	if err == nil || !strings.Contains(err.Error(), "not a wtscan test table") {
		t.Fatalf("err = %v", err)
	}
	os.WriteFile(p, []byte("PAR1 not really"), 0o644)
	if _, _, err := ReadAll[row](p, "test/1"); err == nil || !strings.Contains(err.Error(), "not a readable Parquet file") {
		t.Fatalf("err = %v", err)
	}
}

func TestFormatFloat(t *testing.T) {
	for f, want := range map[float64]string{99.9: "99.9", 0: "0", 1520.5: "1520.5", 1e-300: "1e-300", 0.00012: "0.00012", 3.2e-7: "3.2e-07"} {
		if got := formatFloat(f, 64); got != want {
			t.Errorf("formatFloat(%v) = %q, want %q", f, got, want)
		}
	}
}
