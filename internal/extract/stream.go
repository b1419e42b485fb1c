package extract

import (
	"slices"
	"sync"

	"github.com/wtscan/wtscan/internal/seqio"
)

// searchAssembly reads an assembly and searches each contig as it arrives,
// threads contigs at a time, so that memory is bounded by the contigs being
// searched rather than by the whole assembly: a contig's sequence is kept
// after its search only when a gene may come from it (the rows are cut from
// it): when one of its hits, protein or nucleotide, reaches minIdentity.
// Nucleotide targets are searched in the same job as proteins; their loci
// come back apart (ntLoci). Hits below it are kept (they
// take part in choosing among overlapping hits and are counted as dropped),
// but none of them, nor a gene merged from them (whose identity is their
// weighted mean), can pass the identity filter. Per contig being searched it takes about five bytes per base (the
// FASTA reader's buffer, the sequence, its reverse complement, the three
// frames of one strand), so a run needs about 5 × (threads + 1) × the largest
// contig, whatever the size of the assembly. Contigs longer than maxContig
// are refused while being read.
func (ix *index) searchAssembly(path string, threads int, maxContig int64, minIdentity float64) (contigs []contig, loci, ntLoci []*locus, err error) {
	type job struct {
		i   int
		seq []byte
	}
	var (
		mu         sync.Mutex
		per, perNt [][]*locus
		wg         sync.WaitGroup
	)
	passes := func(l *locus) bool { return l.identity >= minIdentity }
	jobs := make(chan job)
	for w := 0; w < max(1, threads); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, na := newAligner(), &ntAligner{}
			for j := range jobs {
				loci := ix.searchContig(a, j.seq, j.i)
				nl := ix.nt.searchContig(na, j.seq, j.i)
				mu.Lock()
				per[j.i], perNt[j.i] = loci, nl
				if !slices.ContainsFunc(loci, passes) && !slices.ContainsFunc(nl, passes) {
					contigs[j.i].seq = nil // nothing to cut from it: let it go
				}
				mu.Unlock()
			}
		}()
	}
	err = seqio.Read(path, seqio.Options{Alphabet: seqio.DNA, MaxLen: maxContig}, func(r seqio.Record) error {
		mu.Lock()
		i := len(contigs)
		contigs = append(contigs, contig{id: r.ID, seq: r.Seq, n: len(r.Seq)})
		per = append(per, nil)
		perNt = append(perNt, nil)
		mu.Unlock()
		jobs <- job{i, r.Seq}
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range per {
		loci = append(loci, per[i]...)
		ntLoci = append(ntLoci, perNt[i]...)
	}
	return contigs, loci, ntLoci, nil
}
