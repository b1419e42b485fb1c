package aggregate

import "math/bits"

// bitset is a growable set of sample indexes.
type bitset []uint64

func (b *bitset) set(i int32) {
	w := int(i >> 6)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	(*b)[w] |= 1 << (uint(i) & 63)
}

func (b bitset) has(i int32) bool {
	w := int(i >> 6)
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// andCount is |a ∩ b|.
func andCount(a, b bitset) int {
	n := 0
	for i := range min(len(a), len(b)) {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// andNot removes every member of c from b.
func (b bitset) andNot(c bitset) {
	for i := range min(len(b), len(c)) {
		b[i] &^= c[i]
	}
}

// or adds every member of c to b.
func (b *bitset) or(c bitset) {
	if len(c) > len(*b) {
		*b = append(*b, make([]uint64, len(c)-len(*b))...)
	}
	for i, w := range c {
		(*b)[i] |= w
	}
}

// each calls fn for every member in increasing order.
func (b bitset) each(fn func(i int32)) {
	for wi, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			fn(int32(wi<<6 | t))
			w &= w - 1
		}
	}
}

// countIn is |list ∩ b| for a sorted list of members.
func countIn(list []int32, b bitset) int {
	n := 0
	for _, i := range list {
		if b.has(i) {
			n++
		}
	}
	return n
}
