package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/samplesheet"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/table"
)

// CLI is wtscan-extract's command line.
type CLI struct {
	cli.Shared
	Assembly    string  `short:"a" type:"path" help:"Genome assembly FASTA (.gz, .xz ok). With --annotation holding sequences (GFF3 ##FASTA, GenBank ORIGIN) it may be left out."`
	SampleID    string  `short:"s" help:"Sample id for --assembly (letters, digits, '.', '_', '-')."`
	Samples     string  `type:"existingfile" help:"Batch mode: a TSV sample sheet with columns sample_id, assembly and optional annotation, organism, hits, hits_format."`
	References  string  `short:"r" required:"" type:"path" help:"Wild-type references: protein or CDS FASTA (gene= and organism= tags), or a folder such as a PointFinder species folder."`
	Out         string  `short:"o" required:"" type:"path" help:"Output proteins table (.parquet, .tsv, .tsv.gz)."`
	Faa         string  `type:"path" help:"Also write the proteins as FASTA (.faa/.fa/.fasta, .gz ok); headers are >SAMPLE|GENE|COPY gene=GENE copy=N sample_id=SAMPLE reference_id=REF location=CONTIG:START..END(STRAND). Protein rows only: nucleotide targets (RNA genes, promoters) have their bases in the table's cds column."`
	Annotation  string  `type:"existingfile" help:"Take genes from this annotation instead of searching: GFF3 (.gff, .gff3) or GenBank (.gb, .gbk, .gbff; .gz ok)."`
	Hits        string  `type:"existingfile" help:"Take gene locations from this hit table (see --hits-format) and extract the genes there."`
	HitsFormat  string  `enum:"abricate,rgi,amrfinder," default:"" help:"Format of --hits: abricate, rgi or amrfinder."`
	Organism    string  `help:"Organism of the sample: picks the references tagged organism=NAME where a gene has several."`
	MinIdentity float64 `default:"70" help:"Drop hits under this percent identity to their reference."`
	MinCoverage float64 `default:"50" help:"Drop hits covering less than this percent of their reference."`
	MaxContig   int64   `default:"100000000" placeholder:"BASES" help:"Refuse an assembly with a contig longer than this, naming it, before holding it in memory (the longest known bacterial replicons are about 16 Mbp). Memory is about 5 bytes per base of each contig being searched, --threads + 1 at a time."`
	MaxCopyDrop float64 `default:"10" help:"A further copy of a gene more than this many identity points below the gene's best copy in the sample is a paralog (acrF or acrD for acrB): dropped and counted in the log. 100 keeps every copy."`
}

// SampleIDPattern is what a sample id must match (it becomes a file name).
var SampleIDPattern = samplesheet.IDPattern

// Validate checks the rules between flags.
func (c *CLI) Validate() error {
	switch {
	case c.Samples != "" && (c.Assembly != "" || c.SampleID != "" || c.Annotation != "" || c.Hits != ""):
		return fmt.Errorf("--samples replaces --assembly, --sample-id, --annotation and --hits: give one form")
	case c.Samples == "" && c.SampleID == "":
		return fmt.Errorf("give --sample-id with --assembly, or a --samples sheet")
	case c.Samples == "" && c.Assembly == "" && c.Annotation == "":
		return fmt.Errorf("give --assembly (or an --annotation holding sequences), or a --samples sheet")
	case c.SampleID != "" && !SampleIDPattern.MatchString(c.SampleID):
		return fmt.Errorf("--sample-id %q: sample ids must match %s", c.SampleID, SampleIDPattern)
	case (c.Hits == "") != (c.HitsFormat == ""):
		return fmt.Errorf("--hits and --hits-format go together")
	case c.Hits != "" && c.Annotation != "":
		return fmt.Errorf("give --annotation or --hits, not both")
	case c.MinIdentity < 0 || c.MinIdentity > 100 || c.MinCoverage < 0 || c.MinCoverage > 100:
		return fmt.Errorf("--min-identity and --min-coverage are percentages (0-100)")
	case c.MaxContig < 1:
		return fmt.Errorf("--max-contig must be at least 1")
	}
	return nil
}

// Sample is one assembly to search: a row of the sample sheet, or the
// --assembly, --sample-id, … flags (Line 0).
type Sample = samplesheet.Sample

// Main runs wtscan-extract and returns its exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c CLI
	env, code, ok := cli.Parse(ctx, "wtscan-extract", "Find target genes in genome assemblies and write their proteins.", &c, &c.Shared, args, stdin, stdout, stderr)
	if !ok {
		return code
	}
	ins := fsx.Args("--references", c.References, "--samples", c.Samples, "--assembly", c.Assembly, "--annotation", c.Annotation, "--hits", c.Hits)
	outs := fsx.Args("--out", c.Out, "--faa", c.Faa)
	if code, ok := env.CheckArgs(ins, outs); !ok {
		return code
	}
	samples := []Sample{{ID: c.SampleID, Assembly: c.Assembly, Annotation: c.Annotation, Organism: c.Organism, Hits: c.Hits, HitsFormat: c.HitsFormat}}
	if c.Samples != "" {
		var err error
		if samples, err = ReadSamples(c.Samples, c.Organism); err != nil {
			return env.Fail(err)
		}
		// The files the sheet names exist (ReadSamples checked); none may be an output.
		var named []fsx.Arg
		for _, s := range samples {
			where := fmt.Sprintf("%s line %d:", c.Samples, s.Line)
			named = append(named, fsx.Arg{Flag: where, Path: s.Assembly}, fsx.Arg{Flag: where, Path: s.Annotation}, fsx.Arg{Flag: where, Path: s.Hits})
		}
		if code, ok := env.CheckArgs(named, outs); !ok {
			return code
		}
	}
	env.Started(map[string]any{"references": c.References, "samples": len(samples), "out": c.Out})
	refs, err := env.References(c.References)
	if err != nil {
		return env.Fail(err)
	}
	opt := Options{MinIdentity: c.MinIdentity, MinCoverage: c.MinCoverage, MaxCopyDrop: c.MaxCopyDrop, Threads: env.Threads(), MaxContig: c.MaxContig}
	prog := env.Progress("samples", int64(len(samples)))
	res, err := Run(ctx, refs, samples, opt, func() { prog.Add(1) })
	prog.Finish()
	if err != nil {
		return env.Fail(err)
	}
	inputs := []string{c.References, c.Samples}
	for _, s := range samples {
		inputs = append(inputs, s.Assembly, s.Annotation, s.Hits)
	}
	if err := writeOutputs(env.Args, c.Out, c.Faa, res.Rows, inputs); err != nil {
		return env.Fail(err)
	}
	for _, w := range res.Warnings {
		env.Log.Warn().Msg(w)
	}
	found := map[string]bool{}
	nucleotide := 0
	for _, r := range res.Rows {
		found[r.SampleID] = true
		if table.IsNucleotide(r.Molecule) {
			nucleotide++
		}
	}
	for _, s := range samples {
		if !found[s.ID] {
			// the sample flows on: align and subscan write empty tables, the
			// cohort counts it with every catalogue site not covered
			env.Log.Warn().Str("sample", s.ID).Str("assembly", s.Assembly).Msg("no target gene found in this sample")
		}
	}
	return env.Done(map[string]any{
		"samples": len(samples), "contigs": res.Contigs, "proteins": len(res.Rows), "nucleotide_rows": nucleotide,
		"dropped_identity": res.DroppedIdentity, "dropped_coverage": res.DroppedCoverage, "dropped_paralog": res.DroppedParalog,
		"min_identity": c.MinIdentity, "min_coverage": c.MinCoverage,
	})
}

// ReadSamples reads a sample sheet with the one reader (internal/samplesheet)
// and checks that the files it names exist. organism fills the rows that
// leave organism empty.
func ReadSamples(path, organism string) ([]Sample, error) {
	sh, err := samplesheet.Read(path)
	if err != nil {
		return nil, err
	}
	if err := sh.CheckFiles(); err != nil {
		return nil, err
	}
	out := sh.Samples
	for i := range out {
		if out[i].Organism == "" {
			out[i].Organism = organism
		}
	}
	return out, nil
}

// Options tune a run.
type Options struct {
	MinIdentity, MinCoverage float64
	MaxCopyDrop              float64 // 0 means the default 10 points
	Threads                  int
	MaxContig                int64 // refuse longer contigs while reading (0: no limit)
}

// Result is what Run found.
type Result struct {
	Rows            []table.Protein // by sample order, gene, copy
	Contigs         int
	DroppedIdentity int
	DroppedParalog  int
	DroppedCoverage int
	Warnings        []string
}

type sampleResult struct {
	rows                              []table.Protein
	contigs                           int
	dropIdent, dropCover, dropParalog int
	warnings                          []string
	err                               error
}

// Run extracts the genes of every sample. Samples run in parallel; the rows
// come back in sample order whatever opt.Threads is.
func Run(ctx context.Context, refs *refset.Set, samples []Sample, opt Options, done func()) (*Result, error) {
	threads := max(1, opt.Threads)
	idx := newIndexCache(refs)
	results := make([]sampleResult, len(samples))
	jobs := make(chan int)
	var wg sync.WaitGroup
	workers := min(threads, len(samples))
	inner := max(1, threads/max(1, workers))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if ctx.Err() != nil {
					results[i].err = ctx.Err()
				} else {
					results[i] = runSample(idx, samples[i], opt, inner)
				}
				if done != nil {
					done()
				}
			}
		}()
	}
	for i := range samples {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	res := &Result{}
	for i, r := range results {
		if r.err != nil {
			if samples[i].Line > 0 {
				return nil, fmt.Errorf("sample %q (sheet line %d): %w", samples[i].ID, samples[i].Line, r.err)
			}
			return nil, r.err
		}
		res.Rows = append(res.Rows, r.rows...)
		res.Contigs += r.contigs
		res.DroppedIdentity += r.dropIdent
		res.DroppedCoverage += r.dropCover
		res.DroppedParalog += r.dropParalog
		res.Warnings = append(res.Warnings, r.warnings...)
	}
	return res, nil
}

// indexCache builds one seed index per organism-specific reference subset.
type indexCache struct {
	refs *refset.Set
	mu   sync.Mutex
	m    map[string]*index
}

func newIndexCache(refs *refset.Set) *indexCache {
	return &indexCache{refs: refs, m: map[string]*index{}}
}

// get returns the index of the references for organism: per gene, the
// references tagged with that organism when there are any, else all of them.
func (c *indexCache) get(organism string) *index {
	key := strings.ToLower(organism)
	c.mu.Lock()
	defer c.mu.Unlock()
	if ix, ok := c.m[key]; ok {
		return ix
	}
	var sel []*refset.Reference
	for _, g := range c.refs.Genes() {
		all := c.refs.Gene(g)
		var tagged []*refset.Reference
		if organism != "" {
			for _, r := range all {
				if strings.EqualFold(r.Organism, organism) {
					tagged = append(tagged, r)
				}
			}
		}
		if len(tagged) > 0 {
			sel = append(sel, tagged...)
		} else {
			sel = append(sel, all...)
		}
	}
	// Keep the set's load order, so reference indices (tie-breaks) are stable.
	order := map[*refset.Reference]int{}
	for i, r := range c.refs.Refs {
		order[r] = i
	}
	sort.Slice(sel, func(i, j int) bool { return order[sel[i]] < order[sel[j]] })
	ix := newIndex(sel)
	c.m[key] = ix
	return ix
}

type contig struct {
	id  string
	seq []byte // nil once searched when no gene can come from it (searchAssembly)
	n   int    // its length when seq was let go
}

// length is the contig's length, also after its sequence was let go.
func (c *contig) length() int { return max(c.n, len(c.seq)) }

func readAssembly(path string, maxContig int64) ([]contig, error) {
	var cs []contig
	err := seqio.Read(path, seqio.Options{Alphabet: seqio.DNA, MaxLen: maxContig}, func(r seqio.Record) error {
		cs = append(cs, contig{id: r.ID, seq: r.Seq})
		return nil
	})
	return cs, err
}

func runSample(ic *indexCache, s Sample, opt Options, threads int) sampleResult {
	var res sampleResult
	ix := ic.get(s.Organism)
	var (
		contigs []contig
		ann     *annotation
		err     error
	)
	if s.Annotation != "" {
		if ann, err = readAnnotation(s.Annotation); err != nil {
			res.err = err
			return res
		}
	}
	var loci, ntLoci []*locus
	searched := false
	switch {
	case s.Assembly != "" && ann == nil && s.Hits == "":
		// Searching: contig by contig as they are read (memory bounded by the largest).
		contigs, loci, ntLoci, err = ix.searchAssembly(s.Assembly, threads, opt.MaxContig, opt.MinIdentity)
		searched = true
	case s.Assembly != "":
		contigs, err = readAssembly(s.Assembly, opt.MaxContig)
	case ann != nil && len(ann.contigs) > 0:
		contigs = ann.contigs
	default:
		err = fmt.Errorf("sample %q: no assembly, and annotation %s holds no sequences", s.ID, s.Annotation)
	}
	if err != nil {
		res.err = err
		return res
	}
	res.contigs = len(contigs)
	method := "search"
	switch {
	case ann != nil:
		method = ann.method
		loci, err = ix.fromFeatures(newAligner(), contigs, ann.features, ann.aliases, false)
	case s.Hits != "":
		method = s.HitsFormat
		loci, err = ix.fromHits(newAligner(), contigs, s.Hits, s.HitsFormat)
	case !searched:
		loci, ntLoci = ix.searchAll(contigs, threads, true)
	}
	if !searched && (ann != nil || s.Hits != "") {
		// Annotations name rRNAs unreliably and hit tables hold none: nucleotide
		// targets are searched on the contigs whatever the mode.
		_, ntLoci = ix.searchAll(contigs, threads, false)
	}
	if err != nil {
		res.err = err
		return res
	}
	if method == "search" {
		lens := make([]int, len(ix.refs))
		for i, r := range ix.refs {
			lens[i] = len(r.Protein)
		}
		loci = mergeDisrupted(bestLoci(loci, contigs), lens)
	}
	loci = bestLoci(loci, contigs)
	loci = append(loci, bestNtLoci(ntLoci, ix.refs, contigs)...)
	var kept []*locus
	for _, l := range loci {
		switch {
		case l.identity < opt.MinIdentity:
			res.dropIdent++
		case l.coverage < opt.MinCoverage:
			res.dropCover++
		default:
			kept = append(kept, l)
		}
	}
	kept, res.dropParalog = dropParalogs(kept, ix, opt.MaxCopyDrop)
	res.rows = makeRows(s, ix, contigs, kept, method)
	return res
}

// dropParalogs removes further copies of a gene whose identity to the
// reference is more than maxDrop points below the gene's best copy in the
// sample: with only acrB in the reference set, the ~80 %-identical acrF of
// K. pneumoniae would otherwise be reported as acrB copy 2 with some 190
// "substitutions". Real extra copies (a duplicated gyrA) are near-identical
// to the first and stay.
func dropParalogs(loci []*locus, ix *index, maxDrop float64) ([]*locus, int) {
	if maxDrop <= 0 {
		maxDrop = 10
	}
	best := map[string]float64{}
	for _, l := range loci {
		g := ix.refs[l.ref].Gene
		best[g] = max(best[g], l.identity)
	}
	kept := loci[:0:0]
	dropped := 0
	for _, l := range loci {
		if l.identity < best[ix.refs[l.ref].Gene]-maxDrop {
			dropped++
			continue
		}
		kept = append(kept, l)
	}
	return kept, dropped
}

// searchAll searches every contig, threads at a time, for the nucleotide
// targets and, when proteins is set, for the proteins.
func (ix *index) searchAll(contigs []contig, threads int, proteins bool) (loci, ntLoci []*locus) {
	if ix.nt == nil && !proteins {
		return nil, nil
	}
	per := make([][]*locus, len(contigs))
	perNt := make([][]*locus, len(contigs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(threads, len(contigs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, na := newAligner(), &ntAligner{}
			for i := range next {
				if proteins {
					per[i] = ix.searchContig(a, contigs[i].seq, i)
				}
				perNt[i] = ix.nt.searchContig(na, contigs[i].seq, i)
			}
		}()
	}
	for i := range contigs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range per {
		loci = append(loci, per[i]...)
		ntLoci = append(ntLoci, perNt[i]...)
	}
	return loci, ntLoci
}

// span returns a locus's 1-based forward-strand extent on a contig of length n.
func (l *locus) span(n int) (int, int) {
	if l.strand == '+' {
		return l.gs + 1, l.ge + 1
	}
	return n - l.ge, n - l.gs
}

// bestLoci gives each locus to its best-scoring reference: loci are taken in
// decreasing score and one that overlaps an already taken locus (by more than
// half of the shorter one) on the same contig is dropped.
func bestLoci(loci []*locus, contigs []contig) []*locus {
	sort.SliceStable(loci, func(i, j int) bool {
		a, b := loci[i], loci[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.ref != b.ref {
			return a.ref < b.ref
		}
		if a.contigIdx != b.contigIdx {
			return a.contigIdx < b.contigIdx
		}
		return a.gs < b.gs
	})
	var kept []*locus
	for _, l := range loci {
		n := contigs[l.contigIdx].length()
		s, e := l.span(n)
		clash := false
		for _, k := range kept {
			if k.contigIdx != l.contigIdx {
				continue
			}
			ks, ke := k.span(n)
			ov := min(e, ke) - max(s, ks) + 1
			if ov > 0 && 2*ov > min(e-s+1, ke-ks+1) {
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, l)
		}
	}
	return kept
}

// makeRows turns loci into table rows: copies numbered 1..n per gene in
// contig order and position, rows ordered by gene and copy. A nucleotide
// target's row holds the copy's bases in the target's orientation as its cds
// (no protein, length_aa 0, translation_table 0, method search: such targets
// are always searched) and its seq_hash is that of the bases.
func makeRows(s Sample, ix *index, contigs []contig, loci []*locus, method string) []table.Protein {
	sort.Slice(loci, func(i, j int) bool {
		a, b := loci[i], loci[j]
		ga, gb := ix.refs[a.ref].Gene, ix.refs[b.ref].Gene
		if ga != gb {
			return ga < gb
		}
		if a.contigIdx != b.contigIdx {
			return a.contigIdx < b.contigIdx
		}
		sa, _ := a.span(len(contigs[a.contigIdx].seq))
		sb, _ := b.span(len(contigs[b.contigIdx].seq))
		if sa != sb {
			return sa < sb
		}
		return a.strand < b.strand
	})
	rows := make([]table.Protein, 0, len(loci))
	copyOf := map[string]int32{}
	for _, l := range loci {
		ref := ix.refs[l.ref]
		c := contigs[l.contigIdx]
		start, end := l.span(len(c.seq))
		var cds []byte
		if l.cds != nil {
			cds = l.cds
		} else {
			cds = append([]byte(nil), c.seq[start-1:end]...)
			if l.strand == '-' {
				cds = gencode.ReverseComplement(cds)
			}
		}
		copyOf[ref.Gene]++
		org := s.Organism
		if org == "" {
			org = ref.Organism
		}
		if ref.Nucleotide() {
			sum := sha256.Sum256(cds)
			rows = append(rows, table.Protein{
				SampleID: s.ID, Gene: ref.Gene, Copy: copyOf[ref.Gene], ReferenceID: ref.ID,
				Contig: c.id, Start: int64(start), End: int64(end), Strand: string(l.strand),
				CDS: string(cds), PartialStart: l.partialStart, PartialEnd: l.partialEnd,
				Method: "search", HitIdentity: round2(l.identity), HitCoverage: round2(l.coverage),
				SeqHash: hex.EncodeToString(sum[:]), Organism: org, Molecule: table.MoleculeNucleotide,
			})
			continue
		}
		prot := gencode.Translate(cds, !l.partialStart)
		stops := int32(strings.Count(string(prot), "*"))
		length := int32(len(prot))
		if !l.partialEnd && len(prot) > 0 && prot[len(prot)-1] == '*' {
			stops--
			length--
		}
		fs := make([]string, len(l.frameshifts))
		for i, p := range l.frameshifts {
			fs[i] = strconv.Itoa(p)
		}
		sum := sha256.Sum256(prot)
		rows = append(rows, table.Protein{
			SampleID: s.ID, Gene: ref.Gene, Copy: copyOf[ref.Gene], ReferenceID: ref.ID,
			Contig: c.id, Start: int64(start), End: int64(end), Strand: string(l.strand),
			TranslationTable: 11, Protein: string(prot), CDS: string(cds), LengthAA: length,
			PartialStart: l.partialStart, PartialEnd: l.partialEnd, InternalStops: stops,
			Method: method, HitIdentity: round2(l.identity), HitCoverage: round2(l.coverage),
			SeqHash: hex.EncodeToString(sum[:]), Frameshifts: strings.Join(fs, ","), Organism: org,
			Insertions: strings.Join(l.insertions, ","), Molecule: table.MoleculeProtein,
		})
	}
	return rows
}

func round2(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 2, 64), 64)
	return v
}

func writeOutputs(args []string, out, faa string, rows []table.Protein, inputs []string) error {
	meta, err := table.NewMeta(table.SchemaProteins, args, inputs...)
	if err != nil {
		return err
	}
	w, err := table.Create[table.Protein](out, meta)
	if err != nil {
		return err
	}
	defer w.Abort()
	var fa *fsx.AtomicFile
	if faa != "" {
		if fa, err = fsx.CreateAtomic(faa); err != nil {
			return err
		}
		defer fa.Abort()
	}
	if err := w.Write(rows...); err != nil {
		return err
	}
	if fa != nil {
		if err := WriteFASTA(fa, faa, rows); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if fa != nil {
		return fa.Commit()
	}
	return nil
}

// WriteFASTA writes rows as protein FASTA: one record per gene copy with the
// id SAMPLE|GENE|COPY and gene=, copy=, sample_id=, reference_id= and
// location= tags (gzip when name ends in .gz). Nucleotide rows are left out.
func WriteFASTA(w io.Writer, name string, rows []table.Protein) error {
	var closer io.Closer
	if strings.HasSuffix(name, ".gz") {
		gz := newGzip(w)
		w, closer = gz, gz
	}
	fw := seqio.NewWriter(w)
	for _, r := range rows {
		if table.IsNucleotide(r.Molecule) {
			continue
		}
		id := fmt.Sprintf("%s|%s|%d", r.SampleID, r.Gene, r.Copy)
		desc := fmt.Sprintf("gene=%s copy=%d sample_id=%s reference_id=%s location=%s:%d..%d(%s)", r.Gene, r.Copy, r.SampleID, r.ReferenceID, r.Contig, r.Start, r.End, r.Strand)
		if err := fw.Write(id, desc, []byte(r.Protein)); err != nil {
			return err
		}
	}
	if err := fw.Flush(); err != nil {
		return err
	}
	if closer != nil {
		return closer.Close()
	}
	return nil
}
