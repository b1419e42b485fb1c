package subscan

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/variant"
)

// call is one alignment row and its calls.
type call struct {
	row     *table.Alignment
	ref     *refset.Reference
	p       *pending // the distinct input the row shares (nil when skipped, or not called yet)
	skipped bool     // not called: quality FAILED (without --call-failed, gene not disrupted) or an empty alignment
	cdsOK   bool     // the row's query CDS translates to its aligned query: codons can be reported
}

// checkRows checks every row against the references, in input order, and
// marks the rows not to call.
func checkRows(c *CLI, in *inputRows, refs *refset.Set) ([]call, int, error) {
	rows := in.rows
	calls := make([]call, len(rows))
	skipped := 0
	for i := range rows {
		row := &rows[i]
		ref := refs.ByID(row.ReferenceID)
		if ref == nil {
			return nil, 0, fmt.Errorf("%s: reference %q is not in %s (were the alignments made against other references?)", where(c, in, i), row.ReferenceID, c.References)
		}
		if table.IsNucleotide(row.Molecule) != ref.Nucleotide() {
			return nil, 0, fmt.Errorf("%s: a %s row, but reference %s in %s is a %s target (were the alignments made against other references?)", where(c, in, i), moleculeOf(row.Molecule), ref.ID, c.References, ref.Molecule())
		}
		if int(row.RefLength) != len(ref.Residues()) {
			return nil, 0, fmt.Errorf("%s: ref_length %d, but reference %s in %s has %d residues (were the alignments made against other references?)", where(c, in, i), row.RefLength, ref.ID, c.References, len(ref.Residues()))
		}
		calls[i] = call{row: row, ref: ref}
		calls[i].skipped = row.Quality == "FAILED" && !c.CallFailed && !disrupted(row) || row.AlignedQuery == ""
		if calls[i].skipped {
			skipped++
		}
	}
	return calls, skipped, nil
}

// pending is one distinct caller input: its result and its rows.
type pending struct {
	key  callKey
	done chan struct{}   // closed when the fields below are set
	res  *variant.Result // read-only: shared by every row with this input
	tmpl *template       // for the gene of the row that called it
	err  error           // the input could not be called
}

// rowKey is everything a row's call depends on: its callKey before the
// query protein is known, and the columns that protein comes from.
type rowKey struct {
	callKey
	query, queryCDS string
}

// rowCall is what rows equal in every column the caller reads share.
type rowCall struct {
	key    rowKey
	done   chan struct{} // closed when p and protOK are set
	p      *pending
	protOK bool
}

// caller calls the rows to call, in output order, on workers running ahead
// of the goroutine that builds output rows. A cohort repeats a few alleles
// many times: rows equal in every column the caller reads share one call,
// and so do rows whose queries differ only outside what the caller sees (a
// synonymous codon). Calls are pure, so the output does not depend on which
// worker made a call.
type caller struct {
	c      *CLI
	in     *inputRows
	calls  []call
	cat    *catalog.Catalog
	order  []int           // the rows to call, in output order
	chunks []chan struct{} // chunk k (order[k*callChunk:]) is called when closed

	seed  maphash.Seed
	mu    sync.Mutex
	byRow map[uint64][]*rowCall // by rowKey's hash
	memo  map[uint64][]*pending // by callKey's hash
	nMemo int
}

// callChunk is how many rows (in output order) a worker takes at a time.
const callChunk = 256

func newCaller(c *CLI, in *inputRows, calls []call, order []int, cat *catalog.Catalog) *caller {
	cr := &caller{c: c, in: in, calls: calls, cat: cat, order: order,
		seed: maphash.MakeSeed(), byRow: make(map[uint64][]*rowCall, len(order)/4), memo: make(map[uint64][]*pending, len(order)/4)}
	cr.chunks = make([]chan struct{}, (len(order)+callChunk-1)/callChunk)
	for k := range cr.chunks {
		cr.chunks[k] = make(chan struct{})
	}
	return cr
}

// start calls every row on threads workers, chunk by chunk in output order;
// stop ends them early.
func (cr *caller) start(threads int, stop <-chan struct{}) {
	var next atomic.Int64
	for range max(1, threads) {
		go func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(cr.chunks) {
					return
				}
				select {
				case <-stop:
					return
				default:
				}
				for _, i := range cr.order[k*callChunk : min((k+1)*callChunk, len(cr.order))] {
					cr.call(i)
				}
				close(cr.chunks[k])
			}
		}()
	}
}

// wait returns when the rows order[lo:hi] are called. The workers stop
// early only once callTables returns, after every wait.
func (cr *caller) wait(lo, hi int) {
	for k := lo / callChunk; k <= (hi-1)/callChunk; k++ {
		<-cr.chunks[k]
	}
}

// err is the error of row i's call, naming the row.
func (cr *caller) err(i int) error {
	if p := cr.calls[i].p; p.err != nil {
		return fmt.Errorf("%s: %w", where(cr.c, cr.in, i), p.err)
	}
	return nil
}

// call calls row i (a row to call) unless a row with the same input was or
// is being called.
func (cr *caller) call(i int) {
	cl := &cr.calls[i]
	row := cl.row
	k := rowKey{callKey: keyOf(row, "", false), query: row.Query, queryCDS: row.QueryCDS}
	rc, mine := claim(&cr.mu, cr.byRow, rowHashOf(cr.seed, &k), func(rc *rowCall) bool { return rc.key == k },
		func() *rowCall { return &rowCall{key: k, done: make(chan struct{})} })
	if !mine {
		<-rc.done
	} else {
		prot, protOK := queryProtein(row)
		key := keyOf(row, prot, protOK)
		p, mine := claim(&cr.mu, cr.memo, callHashOf(cr.seed, &key), func(p *pending) bool { return p.key == key },
			func() *pending { cr.nMemo++; return &pending{key: key, done: make(chan struct{})} })
		if !mine {
			<-p.done
		} else {
			var err error
			if cl.ref.Nucleotide() {
				p.res, err = variant.CallNucleotide(catalog.NucInput(cl.ref, row.AlignedQuery, row.AlignedRef, int(row.QueryStart), int(row.RefStart)))
			} else {
				var in variant.Input
				in, err = inputOf(row, cl.ref, prot, protOK)
				if err == nil {
					p.res, err = variant.Call(in)
				}
			}
			if err == nil {
				p.tmpl = newTemplate(p.res, row.Gene, cl.ref, cr.cat)
			}
			p.err = err
			close(p.done)
		}
		rc.p, rc.protOK = p, protOK
		close(rc.done)
	}
	cl.p = rc.p
	cl.cdsOK = rc.protOK && row.QueryCDS != ""
}

// claim finds the entry of m under hash h that same accepts, or adds the
// one mk makes; mine says this call made it (and must fill it in, then close
// its done channel). Hashing and comparing whole sequences, the costly part,
// happen outside mu; only the map itself is locked.
func claim[V any](mu *sync.Mutex, m map[uint64][]*V, h uint64, same func(*V) bool, mk func() *V) (v *V, mine bool) {
	mu.Lock()
	seen := m[h] // entries are only ever appended: this view stays valid
	mu.Unlock()
	for _, v := range seen {
		if same(v) {
			return v, false
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, v := range m[h][len(seen):] { // added meanwhile
		if same(v) {
			return v, false
		}
	}
	v = mk()
	m[h] = append(m[h], v)
	return v, true
}

// rowHashOf and callHashOf are the hash functions claim is given; a test
// makes every key collide.
var rowHashOf, callHashOf = hashRowKey, hashCallKey

// hashRowKey and hashCallKey hash the keys, field by field.
func hashRowKey(seed maphash.Seed, k *rowKey) uint64 {
	return mix(hashCallKey(seed, &k.callKey), seed, k.query, k.queryCDS)
}

func hashCallKey(seed maphash.Seed, k *callKey) uint64 {
	h := uint64(uint32(k.queryStart))<<32 | uint64(uint32(k.queryEnd))
	h = h*0x9E3779B97F4A7C15 ^ (uint64(uint32(k.queryLen))<<32 | uint64(uint32(k.refPos)))
	var flags uint64
	for i, f := range [...]bool{k.partialStart, k.partialEnd, k.protOK} {
		if f {
			flags |= 1 << i
		}
	}
	h = h*0x9E3779B97F4A7C15 ^ flags
	return mix(h, seed, k.referenceID, k.frameshifts, k.alignedQuery, k.alignedRef, k.before, k.after, k.cds)
}

func mix(h uint64, seed maphash.Seed, ss ...string) uint64 {
	for _, s := range ss {
		h = h*0x9E3779B97F4A7C15 ^ maphash.String(seed, s)
	}
	return h
}

// badCDS counts the rows whose query CDS does not translate to the aligned
// query, and gives the first in input order (-1 if none).
func (cr *caller) badCDS() (n, first int) {
	first = -1
	for i := range cr.calls {
		cl := &cr.calls[i]
		if cl.p != nil && cl.row.QueryCDS != "" && !cl.cdsOK {
			if n++; first < 0 {
				first = i
			}
		}
	}
	return n, first
}

// callKey is everything the caller's result depends on for a row.
type callKey struct {
	referenceID                            string
	queryStart, queryEnd, queryLen, refPos int32
	partialStart, partialEnd, protOK       bool
	frameshifts, alignedQuery, alignedRef  string
	before, after                          string // the query outside the alignment, when known
	cds                                    string // the query CDS, when it translates to the query (codon-aware calling)
}

func keyOf(row *table.Alignment, prot string, protOK bool) callKey {
	k := callKey{
		referenceID: row.ReferenceID, queryStart: row.QueryStart, queryEnd: row.QueryEnd, queryLen: row.QueryLength, refPos: row.RefStart,
		partialStart: row.PartialStart, partialEnd: row.PartialEnd, protOK: protOK,
		frameshifts: row.Frameshifts, alignedQuery: row.AlignedQuery, alignedRef: row.AlignedRef,
	}
	if protOK {
		k.before, k.after = prot[:row.QueryStart-1], prot[row.QueryEnd:]
		k.cds = row.QueryCDS
	}
	return k
}

// inputOf turns an alignment row, and its whole query protein when known,
// into the caller's input.
func inputOf(row *table.Alignment, ref *refset.Reference, prot string, protOK bool) (variant.Input, error) {
	in := variant.Input{
		AlignedQuery: row.AlignedQuery, AlignedRef: row.AlignedRef,
		QueryStart: int(row.QueryStart), QueryEnd: int(row.QueryEnd), QueryLength: int(row.QueryLength),
		RefStart: int(row.RefStart), Ref: ref.Protein,
		PartialStart: row.PartialStart, PartialEnd: row.PartialEnd,
	}
	for _, f := range strings.Split(row.Frameshifts, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := strconv.Atoi(f)
		if err != nil {
			return in, fmt.Errorf("frameshifts %q: %q is not a position", row.Frameshifts, f)
		}
		in.Frameshifts = append(in.Frameshifts, p)
	}
	if protOK {
		in.QueryBefore, in.QueryBeforeSet = prot[:row.QueryStart-1], true
		in.QueryAfter, in.QueryAfterSet = prot[row.QueryEnd:], true
		if row.QueryCDS != "" && ref.CDS != nil {
			in.QueryCDS, in.RefCDS = strings.ToUpper(row.QueryCDS), ref.CDS
		}
	}
	return in, nil
}

// queryProtein returns the whole query protein: the row's query column, or
// else its query CDS translated (the initiator read as M unless the gene runs
// off the contig's start), when it agrees with the aligned query.
func queryProtein(row *table.Alignment) (string, bool) {
	if row.QueryStart < 1 || row.QueryEnd < row.QueryStart {
		return "", false
	}
	var prot string
	switch {
	case row.QueryCDS != "":
		prot = string(gencode.Translate([]byte(strings.ToUpper(row.QueryCDS)), !row.PartialStart))
	case row.Query != "":
		prot = strings.ToUpper(row.Query) // no copy when already upper case
	default:
		return "", false
	}
	if int(row.QueryEnd) > len(prot) {
		return "", false
	}
	return prot, sameUngapped(prot[row.QueryStart-1:row.QueryEnd], row.AlignedQuery)
}

// sameUngapped reports whether aligned, without its gaps and in upper case,
// is seq.
func sameUngapped(seq, aligned string) bool {
	j := 0
	for i := 0; i < len(aligned); i++ {
		c := aligned[i]
		if c == '-' {
			continue
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if j >= len(seq) || seq[j] != c {
			return false
		}
		j++
	}
	return j == len(seq)
}

// moleculeOf reads a molecule column: empty is protein.
func moleculeOf(m string) string {
	if m == "" {
		return table.MoleculeProtein
	}
	return m
}
