package seqio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMaxLen (issue 13 item 13): a record longer than MaxLen is refused
// while it is read, naming the file, the record and its id, having held far
// less than the record in memory; shorter records, compressed or not, read
// as before.
func TestMaxLen(t *testing.T) {
	dir := t.TempDir()
	line := strings.Repeat("ACGT", 20) + "\n"
	var b bytes.Buffer
	b.WriteString(">small desc\n" + strings.Repeat(line, 10))
	b.WriteString(">huge\tplasmid\n")
	for range 400_000 { // 32 Mbp
		b.WriteString(line)
	}
	plain := filepath.Join(dir, "a.fna")
	os.WriteFile(plain, b.Bytes(), 0o644)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	gz := filepath.Join(dir, "a.fna.gz")
	os.WriteFile(gz, z.Bytes(), 0o644)
	for _, p := range []string{plain, gz} {
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		var got []string
		err := Read(p, Options{MaxLen: 1_000_000}, func(r Record) error { got = append(got, r.ID); return nil })
		runtime.ReadMemStats(&ms1)
		var tl *TooLongError
		if !errors.As(err, &tl) || !strings.Contains(err.Error(), `record 2 ("huge")`) || !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("%s: got %v", p, err)
		}
		if len(got) != 1 || got[0] != "small" {
			t.Errorf("%s: records before the long one: %v", p, got)
		}
		// Reading stops near 1 Mbp. A fresh reader of the FASTA library takes
		// 30 MB of buffers (three of 10 MB, fastx.newReader); holding the 32
		// Mbp record would take three more copies of it (the library's two
		// buffers and ours), about 96 MB.
		if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 48<<20 {
			t.Errorf("%s: %d MB allocated before refusing", p, alloc>>20)
		}
	}
	recs, err := ReadAll(gz, Options{MaxLen: 40_000_000})
	if err != nil || len(recs) != 2 || len(recs[1].Seq) != 32_000_000 {
		t.Errorf("under the limit: %v, %d records", err, len(recs))
	}
	// A small file: the long record is in the first block read.
	tiny := filepath.Join(dir, "t.fna")
	os.WriteFile(tiny, []byte(">short\nACGTACGTAC\n>long\n"+strings.Repeat("ACGTACGTAC\n", 300)), 0o644)
	if _, err := ReadAll(tiny, Options{MaxLen: 1000}); err == nil || !strings.Contains(err.Error(), `record 2 ("long")`) {
		t.Errorf("small file: %v", err)
	}
	tiny1 := filepath.Join(dir, "t1.fna")
	os.WriteFile(tiny1, []byte(">long\n"+strings.Repeat("ACGTACGTAC\n", 300)), 0o644)
	if _, err := ReadAll(tiny1, Options{MaxLen: 1000}); err == nil || !strings.Contains(err.Error(), `record 1 ("long")`) {
		t.Errorf("small file, first record: %v", err)
	}
	// Exactly at the limit passes; one residue over does not.
	exact := filepath.Join(dir, "e.fna")
	os.WriteFile(exact, []byte(">e\n"+strings.Repeat("A", 100)+"\n"), 0o644)
	if _, err := ReadAll(exact, Options{MaxLen: 100}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := ReadAll(exact, Options{MaxLen: 99}); err == nil || !strings.Contains(err.Error(), `record 1 ("e")`) {
		t.Errorf("one over the limit: %v", err)
	}
}
