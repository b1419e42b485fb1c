// Package testdata finds the real test data in ../shared/data and the Debian
// packages tests rely on. When something is missing a test fails under CI
// (CI=true) and skips loudly elsewhere.
package testdata

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Root is the shared data folder: $WTSCAN_SHARED_DATA, or ../shared/data
// beside the repository.
func Root() string {
	if d := os.Getenv("WTSCAN_SHARED_DATA"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	// file is <repo>/internal/testdata/shared.go
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
}

// Missing stops the test: fatal under CI, a loud skip elsewhere.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("MISSING %s: CI must provide it (see .ci/run)", what)
	}
	t.Skipf("SKIPPED — MISSING %s (this test fails under CI=true)", what)
}

// Shared returns the path of rel inside the shared data folder.
func Shared(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Root(), rel)
	if _, err := os.Stat(p); err != nil {
		Missing(t, "shared test data "+p)
	}
	return p
}

// Command returns the path of an installed program (from a Debian package).
func Command(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" (Debian package "+pkg+")")
	}
	return p
}

// File returns path if it exists (a file a Debian package installs).
func File(t testing.TB, path, pkg string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, path+" (Debian package "+pkg+")")
	}
	return path
}

// FirstDiff shows the first differing line of two texts (for test failures).
func FirstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, gl, wl)
		}
	}
	return "(equal)"
}
