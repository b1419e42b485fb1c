// Package fsx holds the small file-system helpers every wtscan step shares:
// atomic output files and input digests.
package fsx

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// AtomicFile is an output file written beside its target under a temporary
// name and renamed over the target by Commit. Until Commit succeeds the target
// is untouched, so a failed run never leaves a half-written result behind.
type AtomicFile struct {
	*os.File
	target string
	done   bool
}

// CreateAtomic opens a temporary file in the directory of target. The caller
// must call Commit or Abort; Abort after Commit is a no-op, so
// `defer f.Abort()` is the usual pattern.
func CreateAtomic(target string) (*AtomicFile, error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", target, err)
	}
	return &AtomicFile{File: f, target: target}, nil
}

// Target is the final path of the file.
func (f *AtomicFile) Target() string { return f.target }

// Commit syncs, closes and renames the temporary file over the target.
func (f *AtomicFile) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: already finished", f.target)
	}
	f.done = true
	tmp := f.File.Name()
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	// CreateTemp makes files 0600; outputs are ordinary files.
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	if err := os.Rename(tmp, f.target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	return nil
}

// Abort closes and removes the temporary file unless Commit already ran.
func (f *AtomicFile) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// SHA256File returns the hex SHA-256 of a file's bytes (as stored, compressed or not).
func SHA256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// WriteJSON writes v as indented JSON to path, atomically.
func WriteJSON(path string, v any) error {
	f, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}
