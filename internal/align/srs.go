package align

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/swalign"
)

// srsWriter streams alignments as EMBOSS srspair text (--emboss-out), in the
// order of the table rows. Query names are the query ids, reference names the
// reference ids, as water would print them for the same FASTA files.
type srsWriter struct {
	f    *fsx.AtomicFile
	w    *bufio.Writer
	args []string
}

func newSRSWriter(path string, args []string) (*srsWriter, error) {
	f, err := fsx.CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	s := &srsWriter{f: f, w: bufio.NewWriterSize(f, 1<<16), args: args}
	if err := swalign.WriteSRSHeader(s.w, swalign.SRSHeader{Program: "water (wtscan-align)", Commandline: args}); err != nil {
		f.Abort()
		return nil, err
	}
	return s, nil
}

func (s *srsWriter) write(q *query, ref *refset.Reference, res *swalign.Result, sc *scheme) error {
	return swalign.WriteSRSPairRecord(s.w, swalign.SRSPair{
		QueryName: q.row.QueryID, RefName: ref.ID,
		Matrix: sc.params.Matrix.Name, GapOpen: sc.params.GapOpen, GapExtend: sc.params.GapExtend,
		Result: *res,
	})
}

func (s *srsWriter) commit() error {
	if err := swalign.WriteSRSFooter(s.w); err != nil {
		return err
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", s.f.Target(), err)
	}
	return s.f.Commit()
}

func (s *srsWriter) abort() { s.f.Abort() }

// waterEngine runs the installed EMBOSS water once per distinct pair
// (--engine water): the reference implementation, for cross-checks and for
// labs that must cite water itself.
type waterEngine struct {
	bin     string
	schemes *schemes
	threads int
}

func newWaterEngine(sc *schemes, threads int) (engine, error) {
	bin, err := exec.LookPath("water")
	if err != nil {
		return nil, errors.New("--engine water: EMBOSS water is not on PATH (install the Debian package emboss, or use --engine builtin)")
	}
	return &waterEngine{bin: bin, schemes: sc, threads: threads}, nil
}

func (w *waterEngine) alignAll(ctx context.Context, todo []pending) error {
	dir, err := os.MkdirTemp("", "wtscan-water-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var wg sync.WaitGroup
	errs := make([]error, len(todo))
	sem := make(chan struct{}, max(1, w.threads))
	for i := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = w.one(ctx, dir, i, &todo[i])
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (w *waterEngine) one(ctx context.Context, dir string, i int, t *pending) error {
	qf := filepath.Join(dir, "q"+strconv.Itoa(i)+".fa")
	rf := filepath.Join(dir, "r"+strconv.Itoa(i)+".fa")
	if err := os.WriteFile(qf, []byte(">query\n"+string(t.seq)+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(rf, []byte(">reference\n"+string(t.ref.Residues())+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(qf)
	defer os.Remove(rf)
	// The sequence type is given, not left to water's guess, which would
	// read a protein of nucleotide letters as DNA.
	sc, s1, s2 := w.schemes.of(t.ref), "-sprotein1", "-sprotein2"
	if t.ref.Nucleotide() {
		s1, s2 = "-snucleotide1", "-snucleotide2"
	}
	cmd := exec.CommandContext(ctx, w.bin, "-auto", "-asequence", qf, s1, "-bsequence", rf, s2,
		"-gapopen", strconv.FormatFloat(sc.params.GapOpen, 'f', -1, 64),
		"-gapextend", strconv.FormatFloat(sc.params.GapExtend, 'f', -1, 64),
		"-datafile", sc.params.Matrix.Name, "-aformat", "srspair", "-outfile", "stdout")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s against %s: water failed: %v: %s", t.where, t.ref.ID, err, bytes.TrimSpace(stderr.Bytes()))
	}
	pairs, err := swalign.ParseSRSPair(&out)
	if err != nil || len(pairs) != 1 {
		return fmt.Errorf("%s against %s: cannot read water's output: %v", t.where, t.ref.ID, err)
	}
	t.res = pairs[0].Result
	return nil
}
