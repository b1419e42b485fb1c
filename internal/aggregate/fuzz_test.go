package aggregate

import (
	"os"
	"path/filepath"
	"testing"
)

// readQC never panics and either fails with a message naming the file or
// returns findings with a severity.
func FuzzReadQC(f *testing.F) {
	f.Add(`[{"file":"a","check":"c","severity":"error","message":"m"}]`)
	f.Add(`{"findings":null}`)
	f.Add(`{"findings":[{"line":3,"check":"x"}]}`)
	f.Add(`{"summary":{},"findings":[{"file":"a","record":"r","check":"c","severity":"warning","message":"m"}]}`)
	f.Add(`[1, 2]`)
	f.Add(``)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string) {
		p := filepath.Join(dir, "qc.json")
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		fs, err := readQC(p)
		if err != nil {
			return
		}
		for _, x := range fs {
			if x.Severity == "" {
				t.Fatalf("finding without severity: %+v", x)
			}
		}
		qcCounts(fs)
	})
}
