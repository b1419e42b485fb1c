package seqio

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestRead(t *testing.T) {
	good := ">a gene=gyrA x\nMKV\nLL\n>b\nmkv\n"
	full := gz(t, good)
	tests := []struct {
		name, file, content string
		opt                 Options
		wantIDs             string
		wantSeq0            string
		wantErr             string
	}{
		{name: "plain", file: "x.faa", content: good, opt: Options{Alphabet: Protein}, wantIDs: "a,b", wantSeq0: "MKVLL"},
		{name: "crlf and blank lines", file: "x.faa", content: "\n>a\r\nMK\r\n\r\nV\r\n", wantIDs: "a", wantSeq0: "MKV"},
		{name: "gzip", file: "x.faa.gz", content: string(full), wantIDs: "a,b", wantSeq0: "MKVLL"},
		{name: "truncated gzip", file: "x.faa.gz", content: string(full[:len(full)-10]), wantErr: "truncated"},
		{name: "empty file", file: "x.faa", content: "", wantErr: "no FASTA records"},
		{name: "empty allowed", file: "x.faa", content: "", opt: Options{AllowEmpty: true}, wantIDs: ""},
		{name: "empty sequence", file: "x.faa", content: ">a\n>b\nMK\n", wantErr: `record 1 ("a"): empty sequence`},
		{name: "duplicate id", file: "x.faa", content: ">a\nMK\n>a\nMV\n", wantErr: `record 2 ("a"): duplicate id (first seen as record 1)`},
		{name: "duplicate allowed", file: "x.faa", content: ">a\nMK\n>a\nMV\n", opt: Options{AllowDupID: true}, wantIDs: "a,a", wantSeq0: "MK"},
		{name: "wrong alphabet", file: "x.faa", content: ">a\nMK1V\n", opt: Options{Alphabet: Protein}, wantErr: `character '1' at position 3`},
		{name: "protein as DNA", file: "x.fna", content: ">c\nACGTEF\n", opt: Options{Alphabet: DNA}, wantErr: `character 'E' at position 5`},
		{name: "not fasta", file: "x.faa", content: "hello\nworld\n", wantErr: "not FASTA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, tt.file, tt.content)
			recs, err := ReadAll(p, tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error does not name the file: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range recs {
				ids = append(ids, r.ID)
			}
			if got := strings.Join(ids, ","); got != tt.wantIDs {
				t.Errorf("ids = %q, want %q", got, tt.wantIDs)
			}
			if tt.wantSeq0 != "" && string(recs[0].Seq) != tt.wantSeq0 {
				t.Errorf("seq = %q, want %q", recs[0].Seq, tt.wantSeq0)
			}
		})
	}
}

func TestTag(t *testing.T) {
	r := Record{Desc: "xgene=no gene=gyrA [organism=Salmonella_enterica] note=a;b"}
	for key, want := range map[string]string{"gene": "gyrA", "organism": "Salmonella_enterica", "note": "a", "missing": ""} {
		if got := r.Tag(key); got != want {
			t.Errorf("Tag(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestWriterRoundTrip(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Width = 4
	w.Write("q1", "gene=gyrA", []byte("MKVLLAA"))
	w.Flush()
	if b.String() != ">q1 gene=gyrA\nMKVL\nLAA\n" {
		t.Fatalf("got %q", b.String())
	}
	p := write(t, "rt.faa", b.String())
	recs, err := ReadAll(p, Options{Alphabet: Protein})
	if err != nil || len(recs) != 1 || string(recs[0].Seq) != "MKVLLAA" || recs[0].Tag("gene") != "gyrA" {
		t.Fatalf("round trip: %+v %v", recs, err)
	}
}

func TestLooksLikeDNA(t *testing.T) {
	if !LooksLikeDNA([]byte("ATGACCGATNNACGT")) || LooksLikeDNA([]byte("MSDLAREITPVNIEEELKSS")) {
		t.Fatal("LooksLikeDNA misclassifies")
	}
}

func TestAlphabetCount(t *testing.T) {
	for _, tt := range []struct {
		a    Alphabet
		s    string
		want int
	}{
		{DNA, "ACGTN-", 0},
		{DNA, "ACJTEF", 3}, // J, E, F are no IUPAC nucleotide codes
		{Protein, "MK1V2*", 2},
		{AnyAlphabet, "123", 0},
	} {
		if got := tt.a.Count([]byte(tt.s)); got != tt.want {
			t.Errorf("%v.Count(%q) = %d, want %d", tt.a, tt.s, got, tt.want)
		}
	}
}

// TestTruncatedGzipTrailer: a gzip file cut inside its 8-byte trailer (CRC
// and length) holds all the data, yet it is not whole: refused, with the
// file named.
func TestTruncatedGzipTrailer(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	for i := 0; i < 200; i++ {
		fmt.Fprintf(z, ">c%d\nACGTACGTACGTACGTACGTACGTACGT\n", i)
	}
	z.Close()
	whole := buf.Bytes()
	for _, cut := range []int{4, 8, 100} {
		p := filepath.Join(dir, fmt.Sprintf("cut%d.fna.gz", cut))
		if err := os.WriteFile(p, whole[:len(whole)-cut], 0o644); err != nil {
			t.Fatal(err)
		}
		err := Read(p, Options{}, func(Record) error { return nil })
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("cut %d bytes: %v, want an error naming %s as truncated", cut, err, p)
		}
	}
	p := filepath.Join(dir, "whole.fna.gz")
	os.WriteFile(p, whole, 0o644)
	n := 0
	if err := Read(p, Options{}, func(Record) error { n++; return nil }); err != nil || n != 200 {
		t.Errorf("whole file: %d records, %v", n, err)
	}
}

// TestReadPipe: a FASTA given as a pipe (process substitution, a FIFO) is
// read whole: nothing is consumed before the reader starts.
func TestReadPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	go func() {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(">a\nACGT\n>b\nGGCC\n")
		f.Close()
	}()
	var ids []string
	done := make(chan error, 1)
	go func() { done <- Read(p, Options{}, func(r Record) error { ids = append(ids, r.ID); return nil }) }()
	select {
	case err := <-done:
		if err != nil || strings.Join(ids, ",") != "a,b" {
			t.Errorf("FIFO: records %v, %v; want a,b", ids, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("FIFO: reading hung (the pipe was opened twice)")
	}
}
