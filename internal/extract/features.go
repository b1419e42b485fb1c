package extract

import (
	"compress/gzip"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/annot"
	"github.com/wtscan/wtscan/internal/gencode"
)

func newGzip(w io.Writer) *gzip.Writer { return gzip.NewWriter(w) }

// annotation is a read GFF3 or GenBank file.
type annotation struct {
	method   string // gff or genbank
	features []annot.Feature
	aliases  map[string]string
	contigs  []contig
}

func readAnnotation(path string) (*annotation, error) {
	low := strings.TrimSuffix(strings.ToLower(path), ".gz")
	var (
		a      *annot.Annotation
		err    error
		method string
	)
	switch {
	case strings.HasSuffix(low, ".gb") || strings.HasSuffix(low, ".gbk") || strings.HasSuffix(low, ".gbff") || strings.HasSuffix(low, ".genbank"):
		method = "genbank"
		a, err = annot.ReadGenBank(path)
	case strings.HasSuffix(low, ".gff") || strings.HasSuffix(low, ".gff3"):
		method = "gff"
		a, err = annot.ReadGFF3(path)
	default:
		return nil, fmt.Errorf("annotation %s: unknown format (want .gff, .gff3, .gb, .gbk, .gbff; .gz ok)", path)
	}
	if err != nil {
		return nil, err
	}
	out := &annotation{method: method, features: a.Features, aliases: a.Aliases}
	for _, c := range a.Contigs {
		if len(c.Seq) > 0 {
			out.contigs = append(out.contigs, contig{id: c.ID, seq: c.Seq})
		}
	}
	return out, nil
}

// contigResolver maps a feature's contig name to an assembly contig.
type contigResolver struct {
	byID    map[string]int
	aliases map[string]string
	names   []string
}

func newResolver(contigs []contig, aliases map[string]string) *contigResolver {
	r := &contigResolver{byID: map[string]int{}, aliases: aliases}
	for i, c := range contigs {
		r.byID[c.id] = i
		if len(r.names) < 5 {
			r.names = append(r.names, c.id)
		}
	}
	return r
}

func (r *contigResolver) find(f *annot.Feature, rgi bool) (int, error) {
	if i, ok := r.byID[f.Contig]; ok {
		return i, nil
	}
	if a, ok := r.aliases[f.Contig]; ok {
		if i, ok := r.byID[a]; ok {
			return i, nil
		}
	}
	if rgi { // RGI's Contig column names the ORF: <contig>_<n>
		if j := strings.LastIndexByte(f.Contig, '_'); j > 0 {
			if _, err := strconv.Atoi(f.Contig[j+1:]); err == nil {
				if i, ok := r.byID[f.Contig[:j]]; ok {
					return i, nil
				}
			}
		}
	}
	more := ""
	if len(r.byID) > len(r.names) {
		more = ", ..."
	}
	return 0, fmt.Errorf("%s: contig %q is not in the assembly (its contigs: %s%s)", f.Where(), f.Contig, strings.Join(r.names, ", "), more)
}

// fromFeatures takes the annotated CDS and gives each to the reference it
// matches by name and homology.
func (ix *index) fromFeatures(a *aligner, contigs []contig, feats []annot.Feature, aliases map[string]string, _ bool) ([]*locus, error) {
	res := newResolver(contigs, aliases)
	var out []*locus
	for fi := range feats {
		f := &feats[fi]
		ci, err := res.find(f, false)
		if err != nil {
			return nil, err
		}
		seq := contigs[ci].seq
		n := len(seq)
		if f.End() > n {
			return nil, fmt.Errorf("%s: CDS %d..%d runs past the end of contig %q (length %d)", f.Where(), f.Start(), f.End(), f.Contig, n)
		}
		var cds []byte
		for _, p := range f.Parts {
			cds = append(cds, seq[p.Start-1:p.End]...)
		}
		if f.Strand == '-' {
			cds = gencode.ReverseComplement(cds)
		}
		if len(cds) < 3 {
			continue
		}
		prot := gencode.Translate(cds, true)
		best, bestHit, _ := ix.matchProtein(a, prot, f.Gene)
		if best < 0 {
			continue
		}
		rl := len(ix.refs[best].Protein)
		l := &locus{ref: best, strand: f.Strand, contigIdx: ci, score: bestHit.Score, cds: cds,
			identity: 100 * float64(bestHit.Identity) / float64(max(1, bestHit.Length)),
			coverage: 100 * float64(bestHit.REnd-bestHit.RStart+1) / float64(rl)}
		if f.Strand == '+' {
			l.gs, l.ge = f.Start()-1, f.End()-1
		} else {
			l.gs, l.ge = n-f.End(), n-f.Start()
		}
		atStartEdge := (f.Strand == '+' && f.Start() <= 3) || (f.Strand == '-' && f.End() > n-3)
		atEndEdge := (f.Strand == '+' && f.End() > n-3) || (f.Strand == '-' && f.Start() <= 3)
		l.partialStart = !isStartCodon(cds[:3]) && (f.Partial || atStartEdge)
		last := cds[len(cds)-len(cds)%3-3:]
		l.partialEnd = !gencode.IsStop(last[:3]) && (f.Partial || atEndEdge || len(cds)%3 != 0)
		out = append(out, l)
	}
	return out, nil
}

// matchProtein finds the reference for an annotated protein: the references
// named like the feature's gene and those sharing seeds with it are aligned;
// the best score wins, and a reference of the feature's own name wins when
// it scores within 10% of the best.
func (ix *index) matchProtein(a *aligner, prot []byte, name string) (int, hit, bool) {
	cand := map[int]bool{}
	base := strings.ToLower(name)
	if j := strings.LastIndexByte(base, '_'); j > 0 { // Prokka: gyrA_1, gyrA_2
		if _, err := strconv.Atoi(base[j+1:]); err == nil {
			base = base[:j]
		}
	}
	for i, r := range ix.refs {
		if !r.Nucleotide() && base != "" && strings.ToLower(r.Gene) == base {
			cand[i] = true
		}
	}
	counts := map[int32]int{}
	kmers(prot, func(code, _ int) {
		for _, e := range ix.ents[ix.offs[code]:ix.offs[code+1]] {
			counts[e.ref]++
		}
	})
	for r, c := range counts {
		need := 3
		if len(ix.refs[r].Protein) < 100 {
			need = 2
		}
		if c >= need {
			cand[int(r)] = true
		}
	}
	ids := make([]int, 0, len(cand))
	for r := range cand {
		ids = append(ids, r)
	}
	sort.Ints(ids)
	best, bestNamed := -1, -1
	var bh, bn hit
	for _, r := range ids {
		h := a.localAlign(prot, ix.refs[r].Protein)
		if h.Score < minScore {
			continue
		}
		if best < 0 || h.Score > bh.Score {
			best, bh = r, h
		}
		if strings.ToLower(ix.refs[r].Gene) == base && (bestNamed < 0 || h.Score > bn.Score) {
			bestNamed, bn = r, h
		}
	}
	if bestNamed >= 0 && bn.Score >= 0.9*bh.Score {
		return bestNamed, bn, true
	}
	return best, bh, false
}

// fromHits searches the neighbourhood of every hit-table row.
func (ix *index) fromHits(a *aligner, contigs []contig, path, format string) ([]*locus, error) {
	feats, err := annot.ReadHits(path, format)
	if err != nil {
		return nil, err
	}
	res := newResolver(contigs, nil)
	maxRef := 0
	for _, r := range ix.refs {
		maxRef = max(maxRef, len(r.Protein)) // 0 for a nucleotide target: those are searched on whole contigs
	}
	pad := 3*maxRef + 3000
	var out []*locus
	for fi := range feats {
		f := &feats[fi]
		ci, err := res.find(f, format == annot.RGI)
		if err != nil {
			return nil, err
		}
		seq := contigs[ci].seq
		n := len(seq)
		if f.End() > n {
			return nil, fmt.Errorf("%s: hit %d..%d runs past the end of contig %q (length %d)", f.Where(), f.Start(), f.End(), f.Contig, n)
		}
		ws, we := max(0, f.Start()-1-pad), min(n, f.End()+pad)
		for _, l := range ix.searchContig(a, seq[ws:we], ci) {
			off := ws
			if l.strand == '-' {
				off = n - we
			}
			l.gs += off
			l.ge += off
			s, e := l.span(n)
			if e < f.Start() || s > f.End() || l.strand != f.Strand {
				continue
			}
			// A window edge inside the contig is not a contig edge.
			if l.partialStart || l.partialEnd {
				if (ws > 0 && s-1 <= ws+3) || (we < n && e >= we-3) {
					continue
				}
			}
			out = append(out, l)
		}
	}
	return out, nil
}
