package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Arg is a path given on the command line and the flag that gave it
// ("" for a positional argument).
type Arg struct {
	Flag string
	Path string
}

func (a Arg) String() string {
	if a.Flag == "" {
		return a.Path
	}
	return a.Flag + " " + a.Path
}

// ErrUsage marks errors in what the command line names (exit code 2).
var ErrUsage = errors.New("usage")

type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// Usagef is an error in what the command line names: errors.Is(err, ErrUsage)
// holds, and the step exits 2.
func Usagef(format string, a ...any) error { return usagef(format, a...) }

// CheckArgs is the one rule every binary applies to the files its command
// line names, before it reads anything:
//   - an input that does not exist is a usage error (exit 2), whatever the
//     flag; files named inside an input (a sample sheet, a file of paths) are
//     bad input instead (exit 1), reported where they are read;
//   - an output may not be an input, nor another output: the same file also
//     through a symbolic or hard link, a "./" spelling or a relative path.
//
// Empty paths and "-" (a standard stream) are skipped. Errors wrap ErrUsage.
func CheckArgs(inputs, outputs []Arg) error {
	type seen struct {
		arg  Arg
		info fs.FileInfo
		abs  string
	}
	var ins []seen
	for _, in := range inputs {
		if in.Path == "" || in.Path == "-" {
			continue
		}
		st, err := os.Stat(in.Path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return usagef("%s: no such file or folder", in)
			}
			return usagef("%s: %v", in, err)
		}
		ins = append(ins, seen{in, st, canonical(in.Path)})
		if st.IsDir() {
			// A folder input (references, a PointFinder folder) is read
			// file by file: an output may not be one of its files either.
			entries, _ := os.ReadDir(in.Path)
			for _, e := range entries {
				p := filepath.Join(in.Path, e.Name())
				if est, err := os.Stat(p); err == nil && !est.IsDir() {
					ins = append(ins, seen{Arg{in.Flag, p}, est, canonical(p)})
				}
			}
		}
	}
	var outs []seen
	for _, out := range outputs {
		if out.Path == "" || out.Path == "-" {
			continue
		}
		o := seen{arg: out, abs: canonical(out.Path)}
		if st, err := os.Stat(out.Path); err == nil {
			o.info = st
		}
		for _, in := range ins {
			if same(o.info, in.info, o.abs, in.abs) {
				return usagef("%s would overwrite the input %s: give the output another name", out, in.arg)
			}
		}
		for _, prev := range outs {
			if same(o.info, prev.info, o.abs, prev.abs) {
				return usagef("%s and %s name the same file: give each output its own name", prev.arg, out)
			}
		}
		outs = append(outs, o)
	}
	return nil
}

func same(a, b fs.FileInfo, absA, absB string) bool {
	if a != nil && b != nil {
		return os.SameFile(a, b)
	}
	return absA == absB
}

// canonical is an absolute, cleaned path with the symbolic links of its
// folder resolved (the file itself may not exist yet).
func canonical(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	dir, base := filepath.Split(abs)
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(r, base)
	}
	return abs
}

// Args pairs flags and paths: Args("--out", out, "--faa", faa).
func Args(flagPath ...string) []Arg {
	out := make([]Arg, 0, len(flagPath)/2)
	for i := 0; i+1 < len(flagPath); i += 2 {
		out = append(out, Arg{Flag: flagPath[i], Path: flagPath[i+1]})
	}
	return out
}
