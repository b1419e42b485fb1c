package testdata

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// DebianPointFinder is where Debian's resfinder-example installs the
// PointFinder database v3.0.0.
const DebianPointFinder = "/usr/share/doc/resfinder/examples/db_pointfinder"

// PointFinderDB returns a copy of the PointFinder database as its authors
// distribute it, in a temporary folder of the test: every file of
// DebianPointFinder, the ones Debian gzips (as it gzips larger files in
// documentation folders) gunzipped, nothing else changed. It is missing
// (see Missing) without the package resfinder-example.
func PointFinderDB(t testing.TB) string {
	t.Helper()
	File(t, filepath.Join(DebianPointFinder, "config"), "resfinder-example")
	dir := t.TempDir()
	if err := CopyPointFinder(dir); err != nil {
		t.Fatalf("copy of the PointFinder database: %v", err)
	}
	return dir
}

// CopyPointFinder writes the copy PointFinderDB describes into dir.
func CopyPointFinder(dir string) error {
	return filepath.WalkDir(DebianPointFinder, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(DebianPointFinder, p)
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".gz") {
			z, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return err
			}
			if data, err = io.ReadAll(z); err != nil {
				return err
			}
			dst = strings.TrimSuffix(dst, ".gz")
		}
		return os.WriteFile(dst, data, 0o644)
	})
}
