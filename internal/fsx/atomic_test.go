package fsx

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAtomicCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.tsv")

	f, err := CreateAtomic(target)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half")
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Fatalf("target exists before commit: %v", err)
	}
	f.Abort()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("abort left files behind: %v", entries)
	}

	f, err = CreateAtomic(target)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("whole\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // no-op after commit
	b, err := os.ReadFile(target)
	if err != nil || string(b) != "whole\n" {
		t.Fatalf("got %q, %v", b, err)
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("want only the target, got %v", entries)
	}
}

func TestSHA256File(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x")
	os.WriteFile(p, []byte("abc"), 0o644)
	got, err := SHA256File(p)
	// SHA-256("abc") from FIPS 180-2, appendix B.1.
	want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if err != nil || got != want {
		t.Fatalf("got %s, %v", got, err)
	}
}
