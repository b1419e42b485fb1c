// Package simulate makes benchmark workloads for wtscan-align: wild-type
// reference proteins and a cohort of query proteins that look like what
// wtscan-extract finds in real genomes. It is a developer tool (behind the
// wtscan-simulate binary and scripts/bench.sh), not a pipeline step.
//
// Queries come in samples; every sample holds one copy of every reference's
// gene. Most queries repeat an allele already drawn for their gene (a real
// cohort holds a handful of alleles per gene across thousands of samples):
// Config.DupFraction sets how often. A new allele is the wild type (the first
// allele of every gene) or the reference after one of these edits, each also
// carrying a few substitutions drawn with BLOSUM62 odds from the real
// amino-acid background:
//
//	substitution  1 to a few substitutions, more than 90 % identical
//	indel         insertions or deletions of 1–10 residues (some low-complexity)
//	ntrunc        N-terminal truncation (partial_start)
//	ctrunc        C-terminal truncation (partial_end)
//	stop          a premature stop '*' read through to the end (internal_stops 1)
//	xres          runs of X (unknown residue)
//	homolog       a 60–70 % identical homolog with indels
//
// Everything is drawn from one math/rand/v2 PCG stream seeded by Config.Seed,
// in a fixed order: the same references and config give byte-identical output.
package simulate

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sort"
)

// Reference is one wild-type protein.
type Reference struct {
	ID      string
	Gene    string
	Protein []byte // no terminal '*'
}

// Kind names how an allele was made from its reference.
type Kind string

// The kinds of allele.
const (
	WildType     Kind = "wildtype"
	Substitution Kind = "substitution"
	Indel        Kind = "indel"
	NTrunc       Kind = "ntrunc"
	CTrunc       Kind = "ctrunc"
	Stop         Kind = "stop"
	XRes         Kind = "xres"
	Homolog      Kind = "homolog"
)

// Kinds lists every kind in a fixed order.
var Kinds = []Kind{WildType, Substitution, Indel, NTrunc, CTrunc, Stop, XRes, Homolog}

// nearKinds are the edits of a new allele that is not a homolog, with weights.
var nearKinds = []struct {
	kind   Kind
	weight float64
}{
	{Substitution, 0.55}, {Indel, 0.15}, {NTrunc, 0.075}, {CTrunc, 0.075}, {Stop, 0.075}, {XRes, 0.075},
}

// Config sets the size and shape of a workload.
type Config struct {
	Seed            uint64
	Queries         int     // number of query proteins
	DupFraction     float64 // probability that a query repeats an allele already drawn for its gene, in [0,1)
	HomologFraction float64 // share of new alleles that are 60–70 % identical homologs, in [0,1]
}

// DefaultConfig is the workload of `make bench`.
func DefaultConfig() Config {
	return Config{Seed: 1, Queries: 10000, DupFraction: 0.8, HomologFraction: 0.08}
}

// Validate checks a config.
func (c Config) Validate() error {
	switch {
	case c.Queries < 1:
		return fmt.Errorf("queries must be at least 1, not %d", c.Queries)
	case c.DupFraction < 0 || c.DupFraction >= 1:
		return fmt.Errorf("duplicate fraction must be in [0,1), not %g", c.DupFraction)
	case c.HomologFraction < 0 || c.HomologFraction > 1:
		return fmt.Errorf("homolog fraction must be in [0,1], not %g", c.HomologFraction)
	}
	return nil
}

// Query is one generated query protein.
type Query struct {
	ID            string // SAMPLE_GENE_COPY
	SampleID      string
	Gene          string
	Copy          int
	ReferenceID   string
	Protein       []byte // shared by every query of the same allele: do not modify
	Kind          Kind
	Allele        int     // allele number within the gene, in order of first appearance (0 is the wild type)
	Identity      float64 // approximate % identity to the reference, counted from the edits made
	PartialStart  bool
	PartialEnd    bool
	InternalStops int
}

// Header is the query's FASTA description: the gene=, sample= and copy= tags
// wtscan-align reads, plus kind= and allele= for people.
func (q Query) Header() string {
	return fmt.Sprintf("sample=%s gene=%s copy=%d kind=%s allele=%d", q.SampleID, q.Gene, q.Copy, q.Kind, q.Allele)
}

// GeneStats counts one gene's queries.
type GeneStats struct {
	Gene        string `json:"gene"`
	ReferenceID string `json:"reference_id"`
	Length      int    `json:"length"`
	Queries     int    `json:"queries"`
	Distinct    int    `json:"distinct"`
}

// Stats describes a generated workload.
type Stats struct {
	Seed           uint64       `json:"seed"`
	References     int          `json:"references"`
	Samples        int          `json:"samples"`
	Queries        int          `json:"queries"`
	DistinctPairs  int          `json:"distinct_pairs"` // distinct (reference, query sequence) pairs
	DupFraction    float64      `json:"dup_fraction"`   // requested
	ObservedDup    float64      `json:"observed_dup_fraction"`
	Kinds          map[Kind]int `json:"kinds"`          // queries by kind of their allele
	DistinctKinds  map[Kind]int `json:"distinct_kinds"` // distinct alleles by kind
	Genes          []GeneStats  `json:"genes"`
	MeanIdentity   float64      `json:"mean_identity"` // approximate, over queries
	QueriesBelow90 int          `json:"queries_below_90pct"`
	QueryResidues  int64        `json:"query_residues"`
}

type allele struct {
	seq      []byte
	kind     Kind
	identity float64
	pStart   bool
	pEnd     bool
	stops    int
}

type genePool struct {
	ref     *Reference
	alleles []*allele
	seen    map[[32]byte]int
	queries int
}

// Generate calls fn for every query in order: sample 1's genes in reference
// order, then sample 2's, and so on. It stops at fn's first error.
func Generate(refs []Reference, cfg Config, fn func(Query) error) (Stats, error) {
	if err := cfg.Validate(); err != nil {
		return Stats{}, err
	}
	if len(refs) == 0 {
		return Stats{}, fmt.Errorf("no references")
	}
	genes := map[string]bool{}
	for _, r := range refs {
		if genes[r.Gene] {
			return Stats{}, fmt.Errorf("reference %s: gene %s appears twice; give each reference its own gene", r.ID, r.Gene)
		}
		genes[r.Gene] = true
		if len(r.Protein) < 30 {
			return Stats{}, fmt.Errorf("reference %s: %d residues is too short to mutate (at least 30)", r.ID, len(r.Protein))
		}
	}
	m := newModel()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed_77a5_c0de_2026))
	pools := make([]*genePool, len(refs))
	for i := range refs {
		pools[i] = &genePool{ref: &refs[i], seen: map[[32]byte]int{}}
	}
	st := Stats{Seed: cfg.Seed, References: len(refs), DupFraction: cfg.DupFraction,
		Kinds: map[Kind]int{}, DistinctKinds: map[Kind]int{}}
	sumID := 0.0
	dups := 0
	nSamples := (cfg.Queries + len(refs) - 1) / len(refs)
	width := len(fmt.Sprint(nSamples))
	for i := range cfg.Queries {
		p := pools[i%len(refs)]
		sample := fmt.Sprintf("S%0*d", width, i/len(refs)+1)
		idx := -1
		if len(p.alleles) > 0 && rng.Float64() < cfg.DupFraction {
			// Common alleles are drawn more often: u³ skews towards the
			// first alleles, the wild type above all.
			u := rng.Float64()
			idx = int(float64(len(p.alleles)) * u * u * u)
			dups++
		} else {
			a := newAllele(rng, m, p.ref.Protein, len(p.alleles) == 0, cfg.HomologFraction)
			key := sha256.Sum256(a.seq)
			if j, ok := p.seen[key]; ok {
				idx = j // the same edits arose again: a repeat after all
				dups++
			} else {
				idx = len(p.alleles)
				p.seen[key] = idx
				p.alleles = append(p.alleles, a)
				st.DistinctKinds[a.kind]++
			}
		}
		a := p.alleles[idx]
		p.queries++
		q := Query{
			ID:            fmt.Sprintf("%s_%s_1", sample, p.ref.Gene),
			SampleID:      sample,
			Gene:          p.ref.Gene,
			Copy:          1,
			ReferenceID:   p.ref.ID,
			Protein:       a.seq,
			Kind:          a.kind,
			Allele:        idx,
			Identity:      a.identity,
			PartialStart:  a.pStart,
			PartialEnd:    a.pEnd,
			InternalStops: a.stops,
		}
		st.Kinds[a.kind]++
		sumID += a.identity
		if a.identity < 90 {
			st.QueriesBelow90++
		}
		st.QueryResidues += int64(len(a.seq))
		if err := fn(q); err != nil {
			return st, err
		}
	}
	st.Queries = cfg.Queries
	st.Samples = nSamples
	st.ObservedDup = float64(dups) / float64(cfg.Queries)
	st.MeanIdentity = sumID / float64(cfg.Queries)
	for _, p := range pools {
		st.DistinctPairs += len(p.alleles)
		st.Genes = append(st.Genes, GeneStats{Gene: p.ref.Gene, ReferenceID: p.ref.ID, Length: len(p.ref.Protein),
			Queries: p.queries, Distinct: len(p.alleles)})
	}
	return st, nil
}

// newAllele makes one allele of ref: the wild type when first is true,
// otherwise a homolog with probability homologFrac or a near-identical variant.
func newAllele(r *rand.Rand, m *model, ref []byte, first bool, homologFrac float64) *allele {
	if first {
		return &allele{seq: ref, kind: WildType, identity: 100}
	}
	e := editor{r: r, m: m, seq: append([]byte(nil), ref...), refLen: len(ref)}
	a := &allele{}
	if r.Float64() < homologFrac {
		a.kind = Homolog
		target := 0.60 + 0.10*r.Float64()
		e.substitutions(int((1 - target) * float64(len(ref))))
		for range 1 + r.IntN(4) {
			e.indel()
		}
	} else {
		u, c := r.Float64(), 0.0
		a.kind = nearKinds[len(nearKinds)-1].kind
		for _, k := range nearKinds {
			c += k.weight
			if u < c {
				a.kind = k.kind
				break
			}
		}
		// 1 + an exponential number of substitutions (mean 2.5), capped at
		// 8 % of the length so that near variants stay above 90 % identity.
		n := min(1+int(r.ExpFloat64()*2.5), len(ref)*8/100)
		if a.kind != Substitution {
			n = r.IntN(3) // the kind's own edit, plus 0–2 substitutions
		}
		e.substitutions(n)
		switch a.kind {
		case Indel:
			for range 1 + r.IntN(3) {
				e.indel()
			}
		case NTrunc:
			k := 1 + r.IntN(len(e.seq)/4)
			e.seq = e.seq[k:]
			e.changed += k
			a.pStart = true
		case CTrunc:
			k := 1 + r.IntN(len(e.seq)/4)
			e.seq = e.seq[:len(e.seq)-k]
			e.changed += k
			a.pEnd = true
		case Stop:
			pos := len(e.seq)/10 + r.IntN(len(e.seq)*8/10)
			e.seq[pos] = '*'
			e.changed++
			a.stops = 1
		case XRes:
			for range 1 + r.IntN(3) {
				l := 1 + r.IntN(5)
				pos := 1 + r.IntN(len(e.seq)-l-1)
				for j := pos; j < pos+l; j++ {
					e.seq[j] = 'X'
				}
				e.changed += l
			}
		}
	}
	a.seq = e.seq
	a.identity = 100 * max(0, 1-float64(e.changed)/float64(e.refLen))
	return a
}

// editor applies edits to a copy of a reference and counts the residues changed.
type editor struct {
	r       *rand.Rand
	m       *model
	seq     []byte
	refLen  int
	changed int
}

// substitutions changes n distinct positions (never the initiator at position 1).
func (e *editor) substitutions(n int) {
	n = min(n, len(e.seq)-1)
	if n <= 0 {
		return
	}
	// A partial Fisher–Yates shuffle of positions 1..len-1 picks n distinct ones.
	pos := make([]int, len(e.seq)-1)
	for i := range pos {
		pos[i] = i + 1
	}
	for i := range n {
		j := i + e.r.IntN(len(pos)-i)
		pos[i], pos[j] = pos[j], pos[i]
		p := pos[i]
		e.seq[p] = e.m.substitute(e.r, e.seq[p])
	}
	e.changed += n
}

// lowComplexity are the repeats an insertion sometimes holds instead of
// background residues (poly-Q, poly-A, Ala-Pro and Ser-Gly linkers, His tags).
var lowComplexity = []string{"Q", "A", "AP", "SG", "H", "E", "PE"}

// indel inserts or deletes 1–10 residues at a random position after the initiator.
func (e *editor) indel() {
	l := 1 + e.r.IntN(10)
	if len(e.seq) < l+20 {
		return
	}
	pos := 1 + e.r.IntN(len(e.seq)-l-1)
	if e.r.IntN(2) == 0 {
		e.seq = append(e.seq[:pos], e.seq[pos+l:]...)
	} else {
		ins := make([]byte, l)
		if e.r.IntN(5) == 0 {
			unit := lowComplexity[e.r.IntN(len(lowComplexity))]
			for i := range ins {
				ins[i] = unit[i%len(unit)]
			}
		} else {
			for i := range ins {
				ins[i] = e.m.residue(e.r)
			}
		}
		e.seq = append(e.seq[:pos], append(ins, e.seq[pos:]...)...)
	}
	e.changed += l
}

// Synthetic makes n reference proteins from the background frequencies, with
// lengths spread evenly over [minLen, maxLen], genes sim01, sim02, … and an
// initiator M. Their own generator is seeded by seed.
func Synthetic(n, minLen, maxLen int, seed uint64) ([]Reference, error) {
	if n < 1 || minLen < 30 || maxLen < minLen {
		return nil, fmt.Errorf("synthetic references: need n ≥ 1 and 30 ≤ min ≤ max (got n=%d, lengths %d–%d)", n, minLen, maxLen)
	}
	m := newModel()
	r := rand.New(rand.NewPCG(seed, 0x5eed_4ef5_0000_0001))
	refs := make([]Reference, n)
	for i := range refs {
		l := minLen
		if n > 1 {
			l = minLen + (maxLen-minLen)*i/(n-1)
		}
		s := make([]byte, l)
		s[0] = 'M'
		for j := 1; j < l; j++ {
			s[j] = m.residue(r)
		}
		gene := fmt.Sprintf("sim%02d", i+1)
		refs[i] = Reference{ID: gene + "_synthetic", Gene: gene, Protein: s}
	}
	return refs, nil
}

// Select keeps the references whose length is within [minLen, maxLen], one
// per gene (the first met), sorted by gene.
func Select(refs []Reference, minLen, maxLen int) []Reference {
	var out []Reference
	seen := map[string]bool{}
	for _, r := range refs {
		// A reference with an internal stop is no wild type.
		if len(r.Protein) < minLen || len(r.Protein) > maxLen || seen[r.Gene] || bytes.IndexByte(r.Protein, '*') >= 0 {
			continue
		}
		seen[r.Gene] = true
		out = append(out, Reference{ID: r.ID, Gene: r.Gene, Protein: r.Protein})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Gene < out[j].Gene })
	return out
}
