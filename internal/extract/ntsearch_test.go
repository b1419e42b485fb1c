package extract

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/testdata"
)

// pointFinderDB is where Debian's resfinder-example installs PointFinder v3.0.0.
const pointFinderDB = "/usr/share/doc/resfinder/examples/db_pointfinder"

// pointFinderSpecies copies a species folder of the distributed database into
// a temporary folder, gunzipping Debian's .gz files; keep, when not nil,
// filters the targets genes.txt lists.
func pointFinderSpecies(tb testing.TB, species string, keep func(gene string) bool) string {
	tb.Helper()
	src := testdata.File(tb, filepath.Join(pointFinderDB, species, "genes.txt"), "resfinder-example")
	src = filepath.Dir(src)
	dst := filepath.Join(tb.TempDir(), species)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		tb.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			tb.Fatal(err)
		}
		if strings.HasSuffix(name, ".gz") {
			z, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				tb.Fatal(err)
			}
			if data, err = io.ReadAll(z); err != nil {
				tb.Fatal(err)
			}
			name = strings.TrimSuffix(name, ".gz")
		}
		if name == "genes.txt" && keep != nil {
			var kept []string
			for _, g := range strings.Split(string(data), "\n") {
				if g = strings.TrimSpace(g); g != "" && keep(g) {
					kept = append(kept, g)
				}
			}
			data = []byte(strings.Join(kept, "\n") + "\n")
		}
		if err := os.WriteFile(filepath.Join(dst, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dst
}
