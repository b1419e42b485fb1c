//go:build !goexperiment.simd || !amd64

package swalign

const simdAvailable = false

// fillSIMD is never called without the SIMD engine (useSIMD is false).
func (a *Aligner) fillSIMD(p *Profile, full bool) (int32, int, int) {
	panic("align: SIMD engine not built")
}
