// Package fsx holds the small file-system helpers every wtscan step shares:
// atomic output files, input digests, and the checks that keep an output
// from landing on an input.
package fsx

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// AtomicFile is an output file written beside its target under a temporary
// name and renamed over the target by Commit. Until Commit succeeds the target
// is untouched, so a failed run never leaves a half-written result behind.
type AtomicFile struct {
	*os.File
	target string
	done   bool
}

// tempTag marks every temporary name wtscan makes beside an output:
// ".<base>.tmp-<pid>-<random>". The pid lets a later run tell a temporary
// file of a process that died (SIGKILL, power loss) from one still being written.
const tempTag = ".tmp-"

// IsTemp reports whether a file name (or path) is one of wtscan's temporary
// names; globs over output folders skip them.
func IsTemp(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".") && strings.Contains(base, tempTag)
}

// TempName returns a fresh temporary name for target (same folder).
func TempName(target string) string {
	dir, base := filepath.Split(target)
	var b [6]byte
	rand.Read(b[:])
	return filepath.Join(dir, "."+base+tempTag+strconv.Itoa(os.Getpid())+"-"+hex.EncodeToString(b[:]))
}

// RemoveStale removes the temporary files and folders an earlier wtscan
// process left beside target when it was killed before it could clean up:
// names ".<base>.tmp-<pid>-…" whose process no longer runs. Those of running
// processes (another job writing the same target) are left alone.
func RemoveStale(target string) {
	for _, p := range StaleTemps(target) {
		os.Remove(p)
	}
}

// StaleTemps lists the temporary names beside target left by processes that
// no longer run.
func StaleTemps(target string) []string {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	prefix := "." + base + tempTag
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err == nil && pid > 0 && (pid == os.Getpid() || processRuns(pid)) {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	return out
}

// processRuns reports whether a process with this id exists on this machine.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// live holds the temporary files not yet committed or aborted, so that
// AbortAll can remove them when a signal ends the process.
var live = struct {
	sync.Mutex
	files   map[*AtomicFile]bool
	dirs    map[string]bool
	stopped bool
}{files: map[*AtomicFile]bool{}, dirs: map[string]bool{}}

// CreateAtomic opens a temporary file in the directory of target. The caller
// must call Commit or Abort; Abort after Commit is a no-op, so
// `defer f.Abort()` is the usual pattern. The file is created with mode 0666
// less the process umask, like any file a shell redirection makes.
func CreateAtomic(target string) (*AtomicFile, error) {
	RemoveStale(target)
	live.Lock()
	defer live.Unlock()
	if live.stopped {
		return nil, fmt.Errorf("create %s: %w", target, ErrStopped)
	}
	var (
		f   *os.File
		err error
	)
	for range 10 {
		f, err = os.OpenFile(TempName(target), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", target, err)
	}
	a := &AtomicFile{File: f, target: target}
	live.files[a] = true
	return a, nil
}

// ErrStopped is returned for outputs started after a signal stopped the run.
var ErrStopped = errors.New("stopped by a signal")

// Target is the final path of the file.
func (f *AtomicFile) Target() string { return f.target }

// Commit syncs, closes and renames the temporary file over the target.
func (f *AtomicFile) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: already finished", f.target)
	}
	f.done = true
	tmp := f.File.Name()
	fail := func(err error) error {
		os.Remove(tmp)
		f.forget()
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		return fail(err)
	}
	if err := f.File.Close(); err != nil {
		return fail(err)
	}
	live.Lock()
	defer live.Unlock()
	delete(live.files, f)
	if live.stopped {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.target, ErrStopped)
	}
	if err := os.Rename(tmp, f.target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	return nil
}

func (f *AtomicFile) forget() {
	live.Lock()
	delete(live.files, f)
	live.Unlock()
}

// Abort closes and removes the temporary file unless Commit already ran.
func (f *AtomicFile) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
	f.forget()
}

// TrackDir registers a temporary folder for AbortAll; Untrack forgets it
// (after it was moved into place or removed).
func TrackDir(dir string) error {
	live.Lock()
	defer live.Unlock()
	if live.stopped {
		return ErrStopped
	}
	live.dirs[dir] = true
	return nil
}

// UntrackDir forgets a folder registered with TrackDir.
func UntrackDir(dir string) {
	live.Lock()
	delete(live.dirs, dir)
	live.Unlock()
}

// Locked runs fn while AbortAll cannot run, and fails with ErrStopped when it
// already did: a step moving a staged folder into place uses it, so a signal
// never removes a folder halfway through the move.
func Locked(fn func() error) error {
	live.Lock()
	defer live.Unlock()
	if live.stopped {
		return ErrStopped
	}
	return fn()
}

// AbortAll removes every temporary file and folder not yet committed and
// makes later commits fail. A process ending on a signal calls it.
func AbortAll() {
	live.Lock()
	defer live.Unlock()
	live.stopped = true
	for f := range live.files {
		f.File.Close()
		os.Remove(f.File.Name())
	}
	for d := range live.dirs {
		os.RemoveAll(d)
	}
	clear(live.files)
	clear(live.dirs)
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

// Resume lets outputs be written again after AbortAll; a process ends after
// AbortAll, so only tests that stop several runs in one process call it.
func Resume() {
	live.Lock()
	live.stopped = false
	live.Unlock()
}
