package swalign

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

// mixPairs is a realistic wtscan workload: references of 300–1,100
// residues and queries about 95 % identical to them (substitutions plus up
// to three short indels), the case of issue 2's speed target.
func mixPairs() (qs, refs [][]byte) {
	g := newSeqGen(2026)
	for range 64 {
		ref := g.protein(300 + g.r.IntN(801))
		qs = append(qs, g.mutate(ref, 0.05, g.r.IntN(4), 4))
		refs = append(refs, ref)
	}
	return qs, refs
}

// BenchmarkAlignMix reports the time per pair (ns/op is per pair) and
// million cells per second as MB/s.
func BenchmarkAlignMix(b *testing.B) {
	qs, refs := mixPairs()
	var cells int64
	for k := range qs {
		cells += int64(len(qs[k]) * len(refs[k]))
	}
	al, _ := NewAligner(DefaultParams())
	b.SetBytes(cells / int64(len(qs)))
	k := 0
	for b.Loop() {
		if _, err := al.Align(qs[k], refs[k]); err != nil {
			b.Fatal(err)
		}
		k = (k + 1) % len(qs)
	}
}

// BenchmarkAlignProfileMix is BenchmarkAlignMix with the reference
// profiles built once, as wtscan-align does.
func BenchmarkAlignProfileMix(b *testing.B) {
	qs, refs := mixPairs()
	var cells int64
	ps := make([]*Profile, len(refs))
	for k := range qs {
		cells += int64(len(qs[k]) * len(refs[k]))
		ps[k], _ = NewProfile(DefaultParams(), refs[k])
	}
	al, _ := NewAligner(DefaultParams())
	b.SetBytes(cells / int64(len(qs)))
	k := 0
	for b.Loop() {
		if _, err := al.AlignProfile(ps[k], qs[k]); err != nil {
			b.Fatal(err)
		}
		k = (k + 1) % len(qs)
	}
}

// BenchmarkAlignDNA23S aligns a copy of E. coli's 23S rRNA (PointFinder,
// 2,904 bases) with a few substitutions and a 2-base indel to the
// reference, with water's DNA defaults: the largest nucleotide target.
func BenchmarkAlignDNA23S(b *testing.B) {
	ref := readFirstRecord(b, pointFinderDir+"/escherichia_coli/23S.fsa")
	g := newSeqGen(23)
	q := g.dnaMutate(ref, 0.002, 1, 2)
	al, _ := NewAligner(DefaultDNAParams())
	p, err := NewProfile(DefaultDNAParams(), ref)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(q) * len(ref)))
	for b.Loop() {
		if _, err := al.AlignProfile(p, q); err != nil {
			b.Fatal(err)
		}
	}
}
