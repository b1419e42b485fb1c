package align

import "testing"

// benchPair is an 880-residue gyrA-like reference and a 95 %-identical query
// with two short indels, the typical wtscan case.
func benchPair() (q, ref []byte) {
	g := newSeqGen(880)
	ref = g.protein(880)
	q = g.mutate(ref, 0.05, 2, 3)
	return q, ref
}

func BenchmarkAlign(b *testing.B) {
	q, ref := benchPair()
	al, _ := NewAligner(DefaultParams())
	b.SetBytes(int64(len(q) * len(ref))) // "MB/s" reads as million cells/s
	for b.Loop() {
		if _, err := al.Align(q, ref); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAlignProfile(b *testing.B) {
	q, ref := benchPair()
	al, _ := NewAligner(DefaultParams())
	p, _ := NewProfile(DefaultParams(), ref)
	b.SetBytes(int64(len(q) * len(ref)))
	for b.Loop() {
		if _, err := al.AlignProfile(p, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScore(b *testing.B) {
	q, ref := benchPair()
	al, _ := NewAligner(DefaultParams())
	p, _ := NewProfile(DefaultParams(), ref)
	b.SetBytes(int64(len(q) * len(ref)))
	for b.Loop() {
		if _, err := al.ScoreProfile(p, q); err != nil {
			b.Fatal(err)
		}
	}
}
