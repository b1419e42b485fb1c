package fsx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestUmask (issue 13 item 11): outputs are created 0666 less the umask, as
// a shell redirection would, not 0644 whatever the umask.
func TestUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	target := filepath.Join(t.TempDir(), "out.tsv")
	f, err := CreateAtomic(target)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v under umask 077, want -rw-------", st.Mode().Perm())
	}
	syscall.Umask(0o022)
	f, _ = CreateAtomic(target)
	f.Commit()
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v under umask 022, want -rw-r--r--", st.Mode().Perm())
	}
}

// TestStaleTemps (issue 13 item 9): a temporary file of a process that no
// longer runs is removed when the same output is written again; one of a
// running process is left alone; IsTemp tells them from outputs.
func TestStaleTemps(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.parquet")
	if err := syscall.Kill(4194000, 0); err != syscall.ESRCH {
		t.Skip("pid 4194000 exists")
	}
	dead := filepath.Join(dir, ".out.parquet.tmp-4194000-abc")
	alive := filepath.Join(dir, ".out.parquet.tmp-1-abc") // init always runs
	for _, p := range []string{dead, alive} {
		os.WriteFile(p, []byte("half"), 0o644)
	}
	if !IsTemp(dead) || IsTemp(target) {
		t.Errorf("IsTemp wrong")
	}
	f, err := CreateAtomic(target)
	if err != nil {
		t.Fatal(err)
	}
	f.Abort()
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("stale temporary file of a dead process left")
	}
	if _, err := os.Stat(alive); err != nil {
		t.Errorf("temporary file of a running process removed")
	}
}

// TestCheckArgs (issue 13 items 1 and 10): no output is an input or another
// output, however spelled; a missing input is a usage error.
func TestCheckArgs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("in.fasta", []byte(">a\nACGT\n"), 0o644)
	os.Symlink("in.fasta", "link.fasta")
	os.Link("in.fasta", "hard.fasta")
	os.Mkdir("refs", 0o755)
	os.WriteFile("refs/gyrA.fsa", []byte(">g\nM\n"), 0o644)
	os.Mkdir("sub", 0o755)
	in := Args("--in", "in.fasta", "--refs", "refs")
	for _, tt := range []struct {
		name, out, want string
	}{
		{"same name", "in.fasta", "would overwrite the input --in in.fasta"},
		{"./ spelling", "./in.fasta", "would overwrite"},
		{"folder detour", "sub/../in.fasta", "would overwrite"},
		{"absolute", filepath.Join(dir, "in.fasta"), "would overwrite"},
		{"symlink", "link.fasta", "would overwrite"},
		{"hard link", "hard.fasta", "would overwrite"},
		{"file of an input folder", "refs/gyrA.fsa", "would overwrite"},
		{"fine", "out.tsv", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckArgs(in, Args("--out", tt.out))
			if tt.want == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrUsage) {
				t.Errorf("got %v, want a usage error with %q", err, tt.want)
			}
		})
	}
	if err := CheckArgs(in, Args("--out", "a.tsv", "--faa", "./a.tsv")); err == nil || !strings.Contains(err.Error(), "name the same file") {
		t.Errorf("two outputs on one file: %v", err)
	}
	if err := CheckArgs(Args("--in", "nope.fasta"), nil); err == nil || !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "--in nope.fasta: no such file") {
		t.Errorf("missing input: %v", err)
	}
}
