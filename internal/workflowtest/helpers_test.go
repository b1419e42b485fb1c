// Package workflowtest runs the Snakemake workflow for real: lint, dry runs,
// the demo end to end, an interrupted run resumed, and a finished run that has
// nothing left to do. It needs snakemake (Debian package snakemake), the wtscan
// binaries in bin/ (make build) and the demo inputs the project commits
// (testdata/demo, testdata/references/kpneumoniae.fna).
package workflowtest

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/testdata"
)

// steps are the binaries the workflow's rules run.
var steps = []string{"wtscan-extract", "wtscan-align", "wtscan-subscan", "wtscan-validate", "wtscan-aggregate"}

// repoRoot is the repository root (this file is <repo>/internal/workflowtest/helpers_test.go).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// binDir returns the folder of built wtscan binaries (bin/, from make build);
// missing binaries fail the test under CI and skip it loudly elsewhere.
func binDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(repoRoot(), "bin")
	for _, s := range steps {
		if _, err := os.Stat(filepath.Join(dir, s)); err != nil {
			testdata.Missing(t, filepath.Join(dir, s)+" (run make build)")
		}
	}
	return dir
}

// workdir copies what the workflow needs into a fresh temporary working
// directory, so runs never touch the repository's results/ or .snakemake/.
func workdir(t *testing.T) string {
	t.Helper()
	root := repoRoot()
	// WTSCAN_TEST_REFERENCES stands in for the committed reference set while
	// developing (the file is made by scripts/make-kpn-references.sh).
	refs := os.Getenv("WTSCAN_TEST_REFERENCES")
	if refs == "" {
		refs = testdata.File(t, filepath.Join(root, "testdata", "references", "kpneumoniae.fna"), "scripts/make-kpn-references.sh")
	}
	testdata.File(t, filepath.Join(root, "testdata", "demo", "HS11286.fna.gz"), "scripts/make-demo-data.sh")
	dst := t.TempDir()
	for _, rel := range []string{"Snakefile", "workflow", "config", "envs", "testdata/demo", "scripts/demo.sh", "scripts/run-workflow.sh"} {
		if err := copyTree(filepath.Join(root, rel), filepath.Join(dst, rel)); err != nil {
			t.Fatalf("copy %s: %v", rel, err)
		}
	}
	if err := copyTree(refs, filepath.Join(dst, "testdata", "references", "kpneumoniae.fna")); err != nil {
		t.Fatalf("copy references: %v", err)
	}
	return dst
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		info, err := in.Stat()
		if err != nil {
			return err
		}
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// run is one snakemake (or demo.sh) invocation.
type run struct {
	dir     string
	path    []string // folders put first on PATH
	env     []string
	timeout time.Duration
}

// command builds the process; it runs in its own process group so that a
// test can stop it and everything it started.
func (r run) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = r.dir
	env := os.Environ()
	path := strings.Join(append(append([]string{}, r.path...), os.Getenv("PATH")), string(os.PathListSeparator))
	env = append(env, "PATH="+path)
	env = append(env, r.env...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd
}

// exec runs name with args to the end and returns its combined output and error.
func (r run) exec(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	timeout := r.timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := r.command(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

// mustExec is exec that fails the test on a non-zero exit, showing the output.
func (r run) mustExec(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := r.exec(t, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out, 60))
	}
	return out
}

// tail keeps the last n lines of s (snakemake is verbose).
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// files lists every regular file under dir/sub, relative to dir.
func files(t *testing.T, dir, sub string) map[string]os.FileInfo {
	t.Helper()
	out := map[string]os.FileInfo{}
	root := filepath.Join(dir, sub)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			out[rel] = info
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatalf("list %s: %v", root, err)
	}
	return out
}

// jobCounts parses the "Job stats" table snakemake prints (dry run or real):
// rule name -> number of jobs.
func jobCounts(out string) map[string]int {
	counts := map[string]int{}
	in := false
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "job" && f[1] == "count":
			in = true
		case in && len(f) == 0:
			in = false
		case in && len(f) >= 2 && !strings.HasPrefix(f[0], "---"):
			var n int
			for _, c := range f[1] {
				if c < '0' || c > '9' {
					n = -1
					break
				}
				n = n*10 + int(c-'0')
			}
			if n >= 0 {
				counts[f[0]] = n
			}
		}
	}
	return counts
}
