package variant

import (
	"testing"

	"github.com/wtscan/wtscan/internal/swalign"
)

// benchPair is a 878-residue reference (gyrA's length) and a query with a few
// substitutions, a deletion and an insertion.
func benchPair() (ref, query []byte) {
	ref = []byte(synth(878, map[int]byte{83: 'S', 87: 'D'}))
	query = append([]byte(nil), ref...)
	query[82], query[86], query[400] = 'L', 'N', 'W'
	query = append(query[:600], query[603:]...)
	query = append(query[:700], append([]byte("GG"), query[700:]...)...)
	return ref, query
}

// BenchmarkAlign and BenchmarkCall compare the water-exact alignment of one
// pair with calling its changes (make bench; README "Performance").
func BenchmarkAlign(b *testing.B) {
	ref, query := benchPair()
	a, err := swalign.NewAligner(swalign.DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := a.Align(query, ref); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCall(b *testing.B) {
	ref, query := benchPair()
	a, _ := swalign.NewAligner(swalign.DefaultParams())
	res, err := a.Align(query, ref)
	if err != nil {
		b.Fatal(err)
	}
	in := Input{AlignedQuery: res.AlignedQuery, AlignedRef: res.AlignedRef, QueryStart: res.QueryStart, QueryEnd: res.QueryEnd,
		QueryLength: len(query), RefStart: res.RefStart, Ref: ref}
	for b.Loop() {
		if _, err := Call(in); err != nil {
			b.Fatal(err)
		}
	}
}
