package align

import (
	"context"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/swalign"
	"github.com/wtscan/wtscan/internal/table"
)

const description = `Align proteins, and the bases of RNA genes and promoters, to their wild-type references with Smith-Waterman scored exactly as EMBOSS water.

Each query meets the reference of its gene (a proteins table's gene column, a
FASTA gene= tag or --gene; organism= picks among per-organism references),
the pairs of --pairs, or every reference of its molecule with --all.
Proteins are scored with --matrix (EBLOSUM62), nucleotide targets with
--nucleotide-matrix (EDNAFULL), as water scores each. Identical
(reference, query) pairs are aligned once.`

// maxCache bounds the distinct alignments kept for reuse across batches
// (about 4 KB each), so memory stays flat in the number of queries.
const maxCache = 4_096

// Main runs wtscan-align and returns its exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c CLI
	env, code, ok := cli.Parse(ctx, "wtscan-align", description, &c, &c.Shared, args, stdin, stdout, stderr)
	if !ok {
		return code
	}
	ins := fsx.Args("--references", c.References, "--queries", c.Queries, "--pairs", c.Pairs)
	outs := fsx.Args("--out", c.Out, "--emboss-out", c.EmbossOut)
	if code, ok := env.CheckArgs(ins, outs); !ok {
		return code
	}
	env.Started(map[string]any{"references": c.References, "queries": c.Queries, "out": c.Out, "engine": c.Engine, "simd": swalign.Accelerated()})
	counts, err := run(env, &c)
	if err != nil {
		return env.Fail(err)
	}
	return env.Done(counts)
}

func run(env *cli.Env, c *CLI) (map[string]any, error) {
	refs, err := env.References(c.References)
	if err != nil {
		return nil, err
	}
	sc, err := newSchemes(c)
	if err != nil {
		return nil, err
	}
	eng, err := newEngine(c.Engine, sc, refs, env.Threads())
	if err != nil {
		return nil, err
	}
	p := &pairer{refs: refs, all: c.All}
	if c.Pairs != "" {
		if p.explicit, err = loadPairs(c.Pairs, refs); err != nil {
			return nil, err
		}
		p.pairsSrc = c.Pairs
	}

	inputs := append([]string{c.Queries, c.Pairs}, refs.Files...)
	meta, err := table.NewMeta(table.SchemaAlignments, env.Args, inputs...)
	if err != nil {
		return nil, err
	}
	meta.Extra = map[string]string{
		"wtscan.references":           c.References,
		"wtscan.references.digest":    refs.Digest(),
		"wtscan.matrix":               c.Matrix,
		"wtscan.gapopen":              fmt.Sprint(c.GapOpen),
		"wtscan.gapextend":            fmt.Sprint(c.GapExtend),
		"wtscan.nucleotide_matrix":    c.NucleotideMatrix,
		"wtscan.nucleotide_gapopen":   fmt.Sprint(c.NucleotideGapOpen),
		"wtscan.nucleotide_gapextend": fmt.Sprint(c.NucleotideGapExtend),
		"wtscan.engine":               c.Engine,
	}
	out, err := table.Create[table.Alignment](c.Out, meta)
	if err != nil {
		return nil, err
	}
	defer out.Abort()
	var srs *srsWriter
	if c.EmbossOut != "" {
		if srs, err = newSRSWriter(c.EmbossOut, env.Args); err != nil {
			return nil, err
		}
		defer srs.abort()
	}

	cache := resultCache{}
	seenQuery := map[string]int{} // query id -> 1-based query number, to refuse duplicates
	prog := env.Progress("aligned", 0)
	var nQueries, nPairs, nAligned int
	tierCount := map[string]int{}
	rows := make([]table.Alignment, 0, batchSize)
	err = readQueries(c.Queries, c.Gene, c.Organism, func(batch []query) error {
		if err := env.Ctx.Err(); err != nil {
			return err
		}
		var jobs []job
		for i := range batch {
			q := &batch[i]
			if first, dup := seenQuery[q.row.QueryID]; dup {
				return fmt.Errorf("%s: duplicate query id %q (also query %d)", q.where, q.row.QueryID, first)
			}
			seenQuery[q.row.QueryID] = nQueries + i + 1
			if jobs, err = p.pairs(q, i, jobs); err != nil {
				return err
			}
		}
		nQueries += len(batch)
		// Align each distinct (reference, query sequence) pair once: a job
		// takes its result from the cache of earlier batches, or from the
		// one alignment of its pair in this batch.
		var todo []pending
		hits := make([]*swalign.Result, len(jobs))
		slot := make([]int, len(jobs))
		index := map[cacheKey]int{}
		for n, j := range jobs {
			k := cacheKey{j.ref.ID, string(batch[j.q].seq)}
			if r := cache.get(k); r != nil {
				hits[n] = r
				continue
			}
			i, ok := index[k]
			if !ok {
				i = len(todo)
				index[k] = i
				todo = append(todo, pending{key: k, seq: batch[j.q].seq, ref: j.ref, where: batch[j.q].where})
			}
			slot[n] = i
		}
		if err := eng.alignAll(env.Ctx, todo); err != nil {
			return err
		}
		nAligned += len(todo)
		cache.makeRoom(len(todo)) // the results resolved above stay valid
		for i := range todo {
			cache[todo[i].key] = &cached{res: &todo[i].res}
		}
		rows = rows[:0]
		for n, j := range jobs {
			q := &batch[j.q]
			res := hits[n]
			if res == nil {
				res = &todo[slot[n]].res
			}
			row := makeRow(q, j, res, c, sc.of(j.ref), len(q.seq))
			tierCount[row.Quality]++
			rows = append(rows, row)
			if srs != nil {
				if err := srs.write(q, j.ref, res, sc.of(j.ref)); err != nil {
					return err
				}
			}
		}
		nPairs += len(jobs)
		prog.Add(int64(len(batch)))
		return out.Write(rows...)
	})
	prog.Finish()
	if err != nil {
		return nil, err
	}
	if nQueries == 0 {
		// a sample without any target gene: an empty table with its schema,
		// so that the steps after this one run and the sample is counted
		env.Log.Warn().Str("queries", c.Queries).Msg("no queries: writing an empty alignments table")
	}
	if srs != nil {
		if err := srs.commit(); err != nil {
			return nil, err
		}
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	return map[string]any{"queries": nQueries, "pairs": nPairs, "distinct_pairs_aligned": nAligned, "quality": tierCount, "out": c.Out}, nil
}

type cacheKey struct{ ref, seq string }

// resultCache keeps alignments of distinct pairs across batches. When full it
// forgets the entries not used since the last eviction (a second chance for
// common alleles), or everything if all were used.
type resultCache map[cacheKey]*cached

type cached struct {
	res  *swalign.Result
	used bool
}

func (c resultCache) get(k cacheKey) *swalign.Result {
	e, ok := c[k]
	if !ok {
		return nil
	}
	e.used = true
	return e.res
}

func (c resultCache) makeRoom(n int) {
	if len(c)+n <= maxCache {
		return
	}
	for k, e := range c {
		if !e.used {
			delete(c, k)
		}
		e.used = false
	}
	if len(c)+n > maxCache {
		clear(c)
	}
}

// pending is one distinct pair to align and, after alignAll, its result.
type pending struct {
	key   cacheKey
	seq   []byte
	ref   *refset.Reference
	where string
	res   swalign.Result
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(1000*float64(n)/float64(d)) / 10
}

// scheme is the scoring of one molecule, as given on the command line.
type scheme struct {
	params swalign.Params
	matrix string // the name the user gave, written to every row
}

// schemes are the protein and the nucleotide scoring.
type schemes struct{ protein, nucleotide scheme }

func newSchemes(c *CLI) (*schemes, error) {
	pm, err := swalign.MatrixByName(c.Matrix)
	if err != nil {
		return nil, fmt.Errorf("--matrix: %w", err)
	}
	if pm.Nucleotide() {
		return nil, fmt.Errorf("--matrix %s scores nucleotides: give a protein matrix (nucleotide targets use --nucleotide-matrix)", c.Matrix)
	}
	nm, err := swalign.MatrixByName(c.NucleotideMatrix)
	if err != nil {
		return nil, fmt.Errorf("--nucleotide-matrix: %w", err)
	}
	if !nm.Nucleotide() {
		return nil, fmt.Errorf("--nucleotide-matrix %s scores proteins: give EDNAFULL, EDNAMAT or EDNASIMPLE", c.NucleotideMatrix)
	}
	return &schemes{
		protein:    scheme{swalign.Params{Matrix: pm, GapOpen: c.GapOpen, GapExtend: c.GapExtend}, c.Matrix},
		nucleotide: scheme{swalign.Params{Matrix: nm, GapOpen: c.NucleotideGapOpen, GapExtend: c.NucleotideGapExtend}, c.NucleotideMatrix},
	}, nil
}

// of is the scheme of reference r's molecule.
func (s *schemes) of(r *refset.Reference) *scheme {
	if r.Nucleotide() {
		return &s.nucleotide
	}
	return &s.protein
}

func makeRow(q *query, j job, res *swalign.Result, c *CLI, sc *scheme, qlen int) table.Alignment {
	row := q.row
	row.Molecule = j.ref.Molecule()
	row.ReferenceID = j.ref.ID
	row.Pairing = j.pairing
	row.Score = res.Score
	row.Identity, row.Similarity = int32(res.Identity), int32(res.Similarity)
	row.Gaps, row.Length = int32(res.Gaps), int32(res.Length)
	row.QueryStart, row.QueryEnd = int32(res.QueryStart), int32(res.QueryEnd)
	row.RefStart, row.RefEnd = int32(res.RefStart), int32(res.RefEnd)
	rlen := len(j.ref.Residues())
	row.QueryLength, row.RefLength = int32(qlen), int32(rlen)
	row.PctIdentity = pct(res.Identity, res.Length)
	row.PctSimilarity = pct(res.Similarity, res.Length)
	row.PctGaps = pct(res.Gaps, res.Length)
	if res.RefEnd > 0 {
		row.RefCoverage = pct(res.RefEnd-res.RefStart+1, rlen)
		row.QueryCoverage = pct(res.QueryEnd-res.QueryStart+1, qlen)
	}
	row.Quality = quality(c.tiers, row.PctIdentity, row.RefCoverage, res.Score)
	row.Cigar = res.Cigar()
	row.AlignedQuery, row.AlignedRef = res.AlignedQuery, res.AlignedRef
	row.Query = string(q.seq)
	row.Matrix, row.GapOpen, row.GapExtend = sc.matrix, sc.params.GapOpen, sc.params.GapExtend
	if row.Gene == "" {
		row.Gene = j.ref.Gene
	}
	if row.Organism == "" {
		row.Organism = j.ref.Organism
	}
	return row
}

// engine aligns batches of distinct pairs.
type engine interface {
	alignAll(ctx context.Context, todo []pending) error
}

func newEngine(name string, sc *schemes, refs *refset.Set, threads int) (engine, error) {
	if name == "water" {
		return newWaterEngine(sc, threads)
	}
	profiles := map[string]*swalign.Profile{}
	for _, r := range refs.Refs {
		pr, err := swalign.NewProfile(sc.of(r).params, r.Residues())
		if err != nil {
			return nil, fmt.Errorf("reference %s: %w", r.ID, err)
		}
		profiles[r.ID] = pr
	}
	return &builtin{schemes: sc, profiles: profiles, threads: threads, aligners: make([][2]*swalign.Aligner, threads)}, nil
}

// builtin runs internal/swalign on all cores. Results land in todo[i].res, so
// the output order never depends on scheduling.
type builtin struct {
	schemes  *schemes
	profiles map[string]*swalign.Profile
	threads  int
	// one protein and one nucleotide aligner per worker, kept across
	// batches with their buffers
	aligners [][2]*swalign.Aligner
}

func (b *builtin) alignAll(ctx context.Context, todo []pending) error {
	workers := min(b.threads, len(todo))
	if workers <= 1 {
		return b.worker(ctx, todo, 0, 1)
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = b.worker(ctx, todo, w, workers)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// worker aligns todo[w], todo[w+n], ...: interleaving balances long and short pairs.
func (b *builtin) worker(ctx context.Context, todo []pending, w, n int) error {
	for i := w; i < len(todo); i += n {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		t := &todo[i]
		k := 0
		if t.ref.Nucleotide() {
			k = 1
		}
		a := b.aligners[w][k]
		if a == nil {
			var err error
			if a, err = swalign.NewAligner(b.schemes.of(t.ref).params); err != nil {
				return err
			}
			b.aligners[w][k] = a
		}
		var err error
		t.res, err = a.AlignProfile(b.profiles[t.ref.ID], t.seq)
		if err != nil {
			return fmt.Errorf("%s against %s: %w", t.where, t.ref.ID, err)
		}
	}
	return nil
}
