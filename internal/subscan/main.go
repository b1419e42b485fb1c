// Package subscan is wtscan-subscan: it names every amino-acid change of each
// alignment in reference coordinates (internal/variant), marks the changes a
// resistance catalogue knows (internal/catalog), evaluates the catalogue's
// combination rules per sample and writes the mutations and sites tables.
package subscan

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/variant"
)

const description = "Name every amino-acid change of each alignment in reference coordinates, mark the ones a resistance catalogue knows, and report each catalogue site per sample."

// CLI is wtscan-subscan's command line.
type CLI struct {
	cli.Shared

	Alignments string `required:"" type:"existingfile" placeholder:"FILE" help:"Alignments table from wtscan-align (.parquet, .tsv, .tsv.gz)."`
	References string `required:"" type:"existingpath" placeholder:"REFS" help:"The wild-type references the alignments were made against (protein or CDS FASTA, or a PointFinder folder)."`
	Out        string `required:"" type:"path" placeholder:"FILE" help:"Mutations table: .parquet, .tsv or .tsv.gz."`
	Sites      string `type:"path" placeholder:"FILE" help:"Sites table (one row per sample x catalogue site: WT, MUT, NOT_COVERED, AMBIGUOUS); needs --catalog."`

	Catalog         string `type:"existingpath" placeholder:"PATH" help:"Catalogue of known changes: a wtscan TSV, a PointFinder folder or resistens-overview.txt, or AMRFinderPlus AMRProt-mutation.tsv. Without it every change is reported and none is marked known."`
	CatalogFormat   string `enum:"auto,wtscan,pointfinder,amrfinder" default:"auto" help:"Catalogue format (${enum})."`
	CatalogStrict   bool   `help:"Fail on any catalogue fault. By default a catalogue is read as its authors mean it: a row whose residue, codon or gene name disagrees with the references is kept and matched on position and alternative, with a warning naming its line; a row that cannot apply (no reference for its gene, a position past the end) is dropped with a warning."`
	CatalogLenient  bool   `hidden:"" help:"Accepted for older workflows: faults are warnings by default now (see --catalog-strict)."`
	CatalogOrganism string `placeholder:"NAME" help:"AMRFinderPlus catalogues: the organism whose rows to use (as in AMRProt-mutation.tsv, e.g. Escherichia)."`
	CatalogName     string `placeholder:"NAME" help:"Catalogue name written in catalog_name (default: the format's name, or the wtscan TSV's source column)."`
	CatalogVersion  string `placeholder:"VERSION" help:"Catalogue version written in catalog_version (default: from the catalogue where it says)."`

	RowsInMemory int `default:"250000" placeholder:"N" help:"Alignment rows held in memory at once (a row takes some 3-6 KB). A larger table is read once for its sample ids, then once per batch of samples of at most N rows. Output does not depend on it."`

	CallFailed bool `help:"Also call changes in alignments of quality FAILED. By default they are skipped (their catalogue sites NOT_COVERED) unless the gene is disrupted: a frameshift, a premature stop, or a query ending inside the reference."`
}

// Validate checks rules that involve several flags.
func (c *CLI) Validate() error {
	if c.RowsInMemory < 1 {
		return fmt.Errorf("--rows-in-memory must be at least 1")
	}
	if c.Sites != "" && c.Catalog == "" {
		return fmt.Errorf("--sites needs --catalog (the sites are the catalogue's)")
	}
	if c.Sites != "" && c.Sites == c.Out {
		return fmt.Errorf("--sites and --out name the same file")
	}
	return nil
}

// Main runs wtscan-subscan and returns its exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c CLI
	env, code, ok := cli.Parse(ctx, "wtscan-subscan", description, &c, &c.Shared, args, stdin, stdout, stderr)
	if !ok {
		return code
	}
	ins := fsx.Args("--alignments", c.Alignments, "--references", c.References, "--catalog", c.Catalog)
	if code, ok := env.CheckArgs(ins, fsx.Args("--out", c.Out, "--sites", c.Sites)); !ok {
		return code
	}
	env.Started(map[string]any{"alignments": c.Alignments, "references": c.References, "catalog": c.Catalog, "out": c.Out, "sites": c.Sites})
	counts, err := run(env, &c)
	if err != nil {
		return env.Fail(err)
	}
	return env.Done(counts)
}

// call is one alignment row and its calls.
type call struct {
	row     *table.Alignment
	ref     *refset.Reference
	p       *pending // the distinct input the row shares (nil when skipped, or not called yet)
	skipped bool     // not called: quality FAILED (without --call-failed, gene not disrupted) or an empty alignment
	cdsOK   bool     // the row's query CDS translates to its aligned query: codons can be reported
}

func run(env *cli.Env, c *CLI) (map[string]any, error) {
	refs, err := env.References(c.References)
	if err != nil {
		return nil, err
	}
	var cat *catalog.Catalog
	if c.Catalog != "" {
		if cat, err = loadCatalog(env, c, refs); err != nil {
			return nil, err
		}
	}
	// The rows are sorted by sample before anything is written. A table of
	// up to --rows-in-memory rows is read once and held; a larger one is
	// read once for its sample ids, then once more per batch of samples.
	first, whole, err := readRows(c.Alignments, c.RowsInMemory)
	if err != nil {
		return nil, err
	}
	var passes []*inputRows
	if whole {
		passes = []*inputRows{{rows: first}}
		defer cli.GCHeadroom(alignmentBytes(first), 256<<20)()
	} else {
		first = nil
		if passes, err = samplePasses(c.Alignments, c.RowsInMemory); err != nil {
			return nil, err
		}
		env.Log.Info().Int("rows_in_memory", c.RowsInMemory).Int("passes", len(passes)).
			Msg("the alignments table has more rows than --rows-in-memory: it is read again for each batch of samples")
	}
	inputs := append([]string{c.Alignments}, refs.Files...)
	if cat != nil {
		inputs = append(inputs, cat.Files...)
	}
	extra := map[string]string{
		"wtscan.references":        c.References,
		"wtscan.references.digest": refs.Digest(),
	}
	if cat != nil {
		extra["wtscan.catalog"] = c.Catalog
		extra["wtscan.catalog.name"] = cat.Name
		extra["wtscan.catalog.version"] = cat.Version
		extra["wtscan.catalog.format"] = cat.Format
		extra["wtscan.catalog.digest"] = cat.Digest
		extra["wtscan.catalog.entries"] = strconv.Itoa(len(cat.Entries))
	}
	mw, err := createTable[table.Mutation](c.Out, table.SchemaMutations, env.Args, inputs, extra)
	if err != nil {
		return nil, err
	}
	defer mw.Abort()
	writeSites := func([]table.Site) error { return nil }
	var sw *table.Writer[table.Site]
	if c.Sites != "" {
		if sw, err = createTable[table.Site](c.Sites, table.SchemaSites, env.Args, inputs, extra); err != nil {
			return nil, err
		}
		defer sw.Abort()
		writeSites = func(rows []table.Site) error { return sw.Write(rows...) }
	}
	var sum summary
	nRows := 0
	for k, pass := range passes {
		if !whole { // this batch of samples' rows
			if err := readPass(c.Alignments, pass); err != nil {
				return nil, err
			}
		}
		s, err := callTables(env, c, pass, refs, cat, func(rows []table.Mutation) error { return mw.Write(rows...) }, writeSites)
		if err != nil {
			return nil, err
		}
		nRows += len(pass.rows)
		sum.add(s)
		passes[k] = nil // its rows can go
	}
	if sum.skipped > 0 {
		env.Log.Warn().Int("rows", sum.skipped).Str("file", c.Alignments).Msg("alignments not called (quality FAILED or empty; use --call-failed to call FAILED ones); their catalogue sites are NOT_COVERED")
	}
	if sum.badCDS > 0 {
		env.Log.Warn().Int("rows", sum.badCDS).Str("first", sum.badCDSWhere).Msg("query_cds does not translate to the aligned query: codons not reported for these rows")
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	if sw != nil {
		if err := sw.Close(); err != nil {
			os.Remove(c.Out) // no output left behind
			return nil, err
		}
	}
	if nRows == 0 {
		env.Log.Warn().Str("alignments", c.Alignments).Msg("no alignments (samples without target genes): writing empty tables")
	}
	counts := map[string]any{"alignments": nRows, "distinct_calls": sum.distinct, "not_called": sum.skipped, "mutations": sum.mutations,
		"known": sum.known, "out": c.Out, "calling_seconds": sum.calling.Seconds(), "calling_work_seconds": sum.work.Seconds()}
	if c.Sites != "" {
		counts["sites"] = sum.sites
		counts["sites_out"] = c.Sites
	}
	return counts, nil
}

// alignmentBytes estimates the memory rows hold: their sequences.
func alignmentBytes(rows []table.Alignment) int64 {
	var n int64
	for i := range rows {
		r := &rows[i]
		n += int64(len(r.AlignedQuery) + len(r.AlignedRef) + len(r.Query) + len(r.QueryCDS) + len(r.Cigar) + 256)
	}
	return n
}

// add adds the counts and times of another pass.
func (s *summary) add(o summary) {
	s.distinct += o.distinct
	s.skipped += o.skipped
	s.mutations += o.mutations
	s.known += o.known
	s.sites += o.sites
	if o.badCDS > 0 && (s.badCDS == 0 || o.badCDSAt < s.badCDSAt) {
		s.badCDSAt, s.badCDSWhere = o.badCDSAt, o.badCDSWhere
	}
	s.badCDS += o.badCDS
	s.calling += o.calling
	s.work += o.work
	s.phases.check += o.phases.check
	s.phases.mutations += o.phases.mutations
	s.phases.sites += o.phases.sites
	s.phases.stalled += o.phases.stalled
}

// readRows reads up to limit rows of path; whole says that was all of them.
// A Parquet table says how many rows it has: a larger one is not read here.
func readRows(path string, limit int) (rows []table.Alignment, whole bool, err error) {
	r, err := table.Open[table.Alignment](path, table.SchemaAlignments)
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	if r.NumRows() > int64(limit) {
		return nil, false, nil
	}
	buf := make([]table.Alignment, 1024)
	for {
		n, err := r.Read(buf)
		rows = append(rows, buf[:n]...)
		if err == io.EOF {
			return rows, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		if len(rows) > limit {
			return rows, false, nil
		}
	}
}

// sampleOnly is the one column read to plan passes over a large table.
type sampleOnly struct {
	SampleID string `parquet:"sample_id"`
}

// samplePasses reads the sample ids of path and cuts the sorted samples into
// batches of at most limit rows (a sample with more rows is a batch of its
// own). Each pass lists the rows (1-based numbers) of its samples.
func samplePasses(path string, limit int) ([]*inputRows, error) {
	ids, _, err := table.ReadAll[sampleOnly](path, table.SchemaAlignments)
	if err != nil {
		return nil, err
	}
	rowsOf := map[string][]int{}
	for i, r := range ids {
		rowsOf[r.SampleID] = append(rowsOf[r.SampleID], i+1)
	}
	samples := make([]string, 0, len(rowsOf))
	for s := range rowsOf {
		samples = append(samples, s)
	}
	slices.Sort(samples)
	var passes []*inputRows
	for _, s := range samples {
		if len(passes) == 0 || len(passes[len(passes)-1].nums)+len(rowsOf[s]) > limit && len(passes[len(passes)-1].nums) > 0 {
			passes = append(passes, &inputRows{})
		}
		last := passes[len(passes)-1]
		last.nums = append(last.nums, rowsOf[s]...)
	}
	for _, p := range passes {
		slices.Sort(p.nums) // input order within the pass
	}
	return passes, nil
}

// readPass reads path again and keeps the rows pass lists.
func readPass(path string, pass *inputRows) error {
	r, err := table.Open[table.Alignment](path, table.SchemaAlignments)
	if err != nil {
		return err
	}
	defer r.Close()
	pass.rows = make([]table.Alignment, 0, len(pass.nums))
	buf := make([]table.Alignment, 1024)
	num := 0 // rows read so far
	for {
		n, err := r.Read(buf)
		for i := range buf[:n] {
			num++
			if k := len(pass.rows); k < len(pass.nums) && pass.nums[k] == num {
				pass.rows = append(pass.rows, buf[i])
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if len(pass.rows) != len(pass.nums) {
		return fmt.Errorf("%s: %d rows now, fewer than when it was first read (did it change during the run?)", path, num)
	}
	return nil
}

// summary counts what callTables did.
type summary struct {
	distinct, skipped, mutations, known, sites int
	badCDS, badCDSAt                           int // rows whose query_cds does not translate to the aligned query; the first's number
	badCDSWhere                                string
	// calling is the wall time calling adds to reading and writing tables:
	// checking and ordering the rows, and whatever of grouping identical
	// rows, calling, naming, looking up and building rows the writers had
	// to wait for (that work runs alongside writing, in output order).
	calling time.Duration
	// work is the time spent calling, waited for or not: checking and
	// ordering, and the row builders' time (waiting for the workers'
	// calls included, waiting for the writers not).
	work   time.Duration
	phases struct{ check, mutations, sites, stalled time.Duration }
}

// callTables calls every alignment row and hands the mutations and sites
// rows, in batches and in order, to writeMuts and writeSites. Workers call
// the rows in output order while one goroutine builds the output rows as
// their calls are made and the batches before are written: neither output
// table is held whole in memory, and calling costs the step little more
// than the writing it runs beside.
func callTables(env *cli.Env, c *CLI, in *inputRows, refs *refset.Set, cat *catalog.Catalog,
	writeMuts func([]table.Mutation) error, writeSites func([]table.Site) error) (summary, error) {
	var sum summary
	start := time.Now()
	calls, skipped, err := checkRows(c, in, refs)
	if err != nil {
		return sum, err
	}
	order := sortedCalls(calls)
	sum.phases.check = time.Since(start)
	sum.calling = sum.phases.check
	cr := newCaller(c, in, calls, order, cat)
	stop := make(chan struct{})
	defer close(stop)
	cr.start(env.Threads(), stop)
	building, stalled, err := runPipe(writeMuts, func(p *pipe[table.Mutation]) error {
		var err error
		sum.mutations, sum.known, err = mutationRows(cr, p)
		return err
	})
	if err != nil {
		return sum, err
	}
	sum.calling += stalled
	sum.phases.stalled = stalled
	sum.phases.mutations = building
	if cat != nil && c.Sites != "" {
		building, stalled, err := runPipe(writeSites, func(p *pipe[table.Site]) error {
			sum.sites = siteRows(calls, cat, p)
			return nil
		})
		if err != nil {
			return sum, err
		}
		sum.calling += stalled
		sum.phases.stalled += stalled
		sum.phases.sites = building
	}
	sum.work = sum.phases.check + sum.phases.mutations + sum.phases.sites
	sum.distinct, sum.skipped = cr.nMemo, skipped // the workers are done: every row was waited for
	if n, first := cr.badCDS(); n > 0 {
		sum.badCDS, sum.badCDSAt, sum.badCDSWhere = n, in.num(first), where(c, in, first)
	}
	env.Log.Debug().Dur("check", sum.phases.check).Dur("mutations", sum.phases.mutations).Dur("sites", sum.phases.sites).Dur("writers_waited", sum.phases.stalled).
		Msg("calling time by phase, ms (checking and ordering rows; grouping, calling, naming, looking up and building mutation rows, alongside writing; building site rows, alongside writing)")
	return sum, nil
}

func createTable[T any](path, schema string, args, inputs []string, extra map[string]string) (*table.Writer[T], error) {
	meta, err := table.NewMeta(schema, args, inputs...)
	if err != nil {
		return nil, err
	}
	meta.Extra = extra
	return table.Create[T](path, meta)
}

// pipe carries rows from a producer goroutine to the writer in batches of
// table.RowGroupSize; two buffers take turns.
type pipe[T any] struct {
	buf     []T
	full    chan []T
	free    chan []T
	stop    chan struct{} // closed when the writer failed: batches are dropped
	stopped bool
	waited  time.Duration // producer time spent waiting for the writer
}

// add returns the slot of the next row, which the producer fills whole.
func (p *pipe[T]) add() *T {
	if len(p.buf) == cap(p.buf) {
		p.flush()
	}
	p.buf = p.buf[:len(p.buf)+1]
	return &p.buf[len(p.buf)-1]
}

func (p *pipe[T]) flush() {
	if p.stopped {
		p.buf = p.buf[:0]
		return
	}
	t := time.Now()
	select {
	case p.full <- p.buf:
		p.buf = <-p.free
	case <-p.stop:
		p.stopped = true
		p.buf = p.buf[:0]
	}
	p.waited += time.Since(t)
}

// runPipe runs produce on its own goroutine and hands the batches it adds to
// write, in order. It returns the time produce spent building rows (not
// waiting for the writer) and the time the writer waited for them: the part
// of building that writing did not hide.
func runPipe[T any](write func([]T) error, produce func(p *pipe[T]) error) (building, stalled time.Duration, err error) {
	p := &pipe[T]{buf: make([]T, 0, table.RowGroupSize), full: make(chan []T), free: make(chan []T, 2), stop: make(chan struct{})}
	p.free <- make([]T, 0, table.RowGroupSize)
	var perr error
	go func() {
		start := time.Now()
		if perr = produce(p); perr == nil && len(p.buf) > 0 {
			p.flush()
		}
		building = time.Since(start) - p.waited
		close(p.full)
	}()
	for {
		t := time.Now()
		batch, ok := <-p.full
		stalled += time.Since(t)
		if !ok {
			break
		}
		if err == nil {
			if err = write(batch); err != nil {
				close(p.stop)
			}
		}
		p.free <- batch[:0]
	}
	if err == nil {
		err = perr
	}
	return building, stalled, err
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
		if int(row.RefLength) != len(ref.Protein) {
			return nil, 0, fmt.Errorf("%s: ref_length %d, but reference %s in %s has %d residues (were the alignments made against other references?)", where(c, in, i), row.RefLength, ref.ID, c.References, len(ref.Protein))
		}
		calls[i] = call{row: row, ref: ref}
		calls[i].skipped = row.Quality == "FAILED" && !c.CallFailed && !disrupted(row) || row.AlignedQuery == ""
		if calls[i].skipped {
			skipped++
		}
	}
	return calls, skipped, nil
}

// where names row i of rows in errors, by its number in the input.
func where(c *CLI, rows *inputRows, i int) string {
	row := &rows.rows[i]
	return fmt.Sprintf("alignments %s row %d (sample %s, gene %s, copy %d, reference %s)", c.Alignments, rows.num(i), row.SampleID, row.Gene, row.Copy, row.ReferenceID)
}

// inputRows are alignment rows and their 1-based numbers in the input
// (nums nil: rows[i] is row i+1).
type inputRows struct {
	rows []table.Alignment
	nums []int
}

func (r *inputRows) num(i int) int {
	if r.nums == nil {
		return i + 1
	}
	return r.nums[i]
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
			in, err := inputOf(row, cl.ref, prot, protOK)
			if err == nil {
				p.res, err = variant.Call(in)
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

func loadCatalog(env *cli.Env, c *CLI, refs *refset.Set) (*catalog.Catalog, error) {
	cat, err := catalog.Load(c.Catalog, catalog.Options{Format: c.CatalogFormat, Organism: c.CatalogOrganism, Name: c.CatalogName, Version: c.CatalogVersion})
	if err != nil {
		return nil, err
	}
	warnings, err := cat.Validate(refs, c.CatalogStrict)
	if err != nil {
		return nil, fmt.Errorf("catalogue %s disagrees with references %s (--catalog-strict): %w", c.Catalog, c.References, err)
	}
	for _, w := range warnings {
		env.Log.Warn().Str("file", w.File).Int("line", w.Line).Str("check", w.Check).Str("problem", w.Msg).Msg("catalogue fault")
	}
	if len(cat.Notes) > 0 {
		notes := make([]string, len(cat.Notes))
		for i, n := range cat.Notes {
			notes[i] = fmt.Sprintf("%s:%d: %s", filepath.Base(n.File), n.Line, n.Msg)
		}
		env.Log.Info().Int("rows", len(notes)).Strs("notes", notes).Msg("catalogue notes (nucleotide rows not used, synonymous codons)")
	}
	env.Log.Info().Str("catalog", cat.Name).Str("format", cat.Format).Strs("files", cat.Files).Int("entries", len(cat.Entries)).
		Int("rows_merged_from_overview", cat.Merged).Int("rows_dropped", cat.Dropped).Int("rows_with_faults", cat.WithFaults).
		Int("faults", cat.Faults).Int("notes", len(cat.Notes)).Str("digest", cat.Digest).Msg("catalogue loaded")
	return cat, nil
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

// template is one result's mutation rows for one gene, in position order:
// named, given their reference codons and looked up in the catalogue once.
// The rows of each sample sharing the result are made from it.
type template struct {
	gene string
	ref  *refset.Reference
	rows []templateRow
}

type templateRow struct {
	ev       *variant.Event
	symbol   string
	codonRef string
	hits     []*catalog.Entry
	// perSample: the annotation depends on the sample (an entry has a
	// combination rule); otherwise it is known (or not) for every sample.
	perSample bool
}

func newTemplate(res *variant.Result, gene string, ref *refset.Reference, cat *catalog.Catalog) *template {
	t := &template{gene: gene, ref: ref, rows: make([]templateRow, len(res.Events))}
	size := 0
	for k := range res.Events {
		t.rows[k].ev = &res.Events[k]
		size += len(gene) + 1 + len(res.Events[k].Short) // a symbol's length
	}
	// in position order (the caller gives them so; kept stable)
	if !slices.IsSortedFunc(t.rows, func(a, b templateRow) int { return cmp.Compare(a.ev.Start, b.ev.Start) }) {
		slices.SortStableFunc(t.rows, func(a, b templateRow) int { return cmp.Compare(a.ev.Start, b.ev.Start) })
	}
	// every symbol in one string
	buf := make([]byte, 0, size)
	for j := range t.rows {
		buf = variant.AppendSymbol(buf, gene, t.rows[j].ev.Short)
	}
	symbols := string(buf)
	for j := range t.rows {
		r := &t.rows[j]
		n := len(gene) + 1 + len(r.ev.Short)
		r.symbol, symbols = symbols[:n], symbols[n:]
		r.codonRef = codonRef(ref, r.ev)
		if cat != nil {
			r.hits = cat.Lookup(gene, *r.ev)
			for _, h := range r.hits {
				if len(h.Requires) > 0 {
					r.perSample = true
				}
			}
		}
	}
	return t
}

// row writes template row j for a row of the alignments table into m.
func (t *template) row(j int, m *table.Mutation, cat *catalog.Catalog, has catalog.Has) {
	r := &t.rows[j]
	e := r.ev
	*m = table.Mutation{
		Gene: t.gene, ReferenceID: t.ref.ID,
		Position: int32(e.Start), EndPosition: int32(e.End), Ref: e.Ref, Alt: e.Alt, Type: string(e.Type),
		HGVS: e.HGVS, Short: e.Short, Symbol: r.symbol, RetainedPct: e.RetainedPct, CodonRef: r.codonRef,
	}
	if cat != nil {
		m.CatalogName, m.CatalogVersion = cat.Name, cat.Version
		if len(r.hits) > 0 {
			annotate(m, catalog.Annotate(r.hits, has))
		}
	}
}

// annotate writes what the catalogue says into a row.
func annotate(m *table.Mutation, a catalog.Annotation) {
	if !a.Known {
		return
	}
	m.Known, m.CatalogID, m.DrugClasses, m.Phenotype, m.PMIDs = true, a.IDs, a.DrugClasses, a.Phenotype, a.PMIDs
	if a.Name != "" {
		m.CatalogName = a.Name
	}
	if a.Version != "" {
		m.CatalogVersion = a.Version
	}
	m.RequiredMut, m.RequiredMet = a.Requires, a.RequiredMet
}

// presence answers whether one sample, whose called rows are group, carries
// a token's change.
func presence(calls []call, group []int) catalog.Has {
	return func(t catalog.Token) bool {
		for _, ci := range group {
			cl := &calls[ci]
			for _, e := range cl.p.res.Events {
				if e.Type.IsPointChange() && catalog.TokenMatches(t, cl.row.Gene, e.Start, e.Alt) {
					return true
				}
			}
		}
		return false
	}
}

// sortedCalls returns the indices of the rows to call ordered by sample, gene,
// copy and reference (stably: equal keys keep their input order).
func sortedCalls(calls []call) []int {
	var order []int
	for i, cl := range calls {
		if !cl.skipped {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := calls[i].row, calls[j].row
		return cmp.Or(cmp.Compare(a.SampleID, b.SampleID), cmp.Compare(a.Gene, b.Gene), cmp.Compare(a.Copy, b.Copy),
			cmp.Compare(a.ReferenceID, b.ReferenceID))
	})
	return order
}

// mutationRows adds every change of the caller's rows to p, as their calls
// are made, ordered by sample, gene, copy, reference and position;
// it returns the number of rows and of known ones.
func mutationRows(cr *caller, p *pipe[table.Mutation]) (n, known int, err error) {
	calls, order := cr.calls, cr.order
	type geneTemplate struct {
		p    *pending
		gene string
	}
	others := map[geneTemplate]*template{} // rows labelled with another gene than the result's first row
	for g := 0; g < len(order); {
		// one sample's rows, all called first (a combination rule may ask about any)
		sample := calls[order[g]].row.SampleID
		end := g + 1
		for end < len(order) && calls[order[end]].row.SampleID == sample {
			end++
		}
		cr.wait(g, end)
		for _, ci := range order[g:end] {
			if err := cr.err(ci); err != nil {
				return n, known, err
			}
		}
		var has catalog.Has // made when a combination rule needs it
		for _, ci := range order[g:end] {
			cl := &calls[ci]
			row := cl.row
			t := cl.p.tmpl
			if t.gene != row.Gene {
				k := geneTemplate{cl.p, row.Gene}
				if t = others[k]; t == nil {
					t = newTemplate(cl.p.res, row.Gene, cl.ref, cr.cat)
					others[k] = t
				}
			}
			n += len(t.rows)
			for j := range t.rows {
				r := &t.rows[j]
				if r.perSample && has == nil {
					has = presence(calls, order[g:end])
				}
				m := p.add()
				t.row(j, m, cr.cat, has)
				m.SampleID, m.Copy = row.SampleID, row.Copy
				if cl.cdsOK {
					m.CodonAlt = codonAlt(row.QueryCDS, r.ev)
				}
				if m.Known {
					known++
				}
			}
		}
		g = end
	}
	return n, known, nil
}

// codonRef returns the reference codons of an event when the reference has a
// CDS.
func codonRef(ref *refset.Reference, e *variant.Event) string {
	if ref.CDS == nil {
		return ""
	}
	if !e.Type.ReplacesResidues() {
		return ""
	}
	var b strings.Builder
	for p := e.Start; p <= e.End; p++ {
		b.WriteString(ref.Codon(p))
	}
	return b.String()
}

// codonAlt returns the query codons of an event from the row's query CDS.
func codonAlt(cds string, e *variant.Event) string {
	if cds != "" && e.QStart >= 1 && e.QEnd >= e.QStart && 3*e.QEnd <= len(cds) && e.Type != variant.StopLost {
		return strings.ToUpper(cds[3*e.QStart-3 : 3*e.QEnd]) // no copy when already upper case
	}
	return ""
}

// siteRows adds each called or skipped row's catalogue sites to p, ordered by
// sample, gene, position and copy (equal keys in input order), and returns
// their number.
func siteRows(calls []call, cat *catalog.Catalog, p *pipe[table.Site]) int {
	byGene := map[string][]catalog.Site{}
	for _, s := range cat.Sites() { // sorted by gene and position
		byGene[s.Gene] = append(byGene[s.Gene], s)
	}
	order := make([]int, len(calls))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := calls[i].row, calls[j].row
		return cmp.Or(cmp.Compare(a.SampleID, b.SampleID), cmp.Compare(a.Gene, b.Gene), cmp.Compare(a.Copy, b.Copy))
	})
	n := 0
	for g := 0; g < len(order); {
		// a group: the rows of one sample and gene, by copy
		first := calls[order[g]].row
		end := g + 1
		for end < len(order) && calls[order[end]].row.SampleID == first.SampleID && calls[order[end]].row.Gene == first.Gene {
			end++
		}
		for _, s := range byGene[first.Gene] {
			for _, ci := range order[g:end] {
				cl := &calls[ci]
				st := table.Site{SampleID: cl.row.SampleID, Gene: cl.row.Gene, Position: int32(s.Position), Copy: cl.row.Copy, Status: variant.StatusNotCovered}
				if s.Position >= 1 && s.Position <= len(cl.ref.Protein) {
					st.Ref = variant.Residue(cl.ref.Protein[s.Position-1])
				}
				if cl.p != nil {
					st.Status, st.Observed = cl.p.res.Site(s.Position, cl.ref.Protein)
				}
				*p.add() = st
				n++
			}
		}
		g = end
	}
	return n
}

// disrupted applies variant.Disrupted to an alignment row.
func disrupted(row *table.Alignment) bool {
	return variant.Disrupted(variant.Shape{
		Frameshifts: row.Frameshifts, HasStop: strings.Contains(row.AlignedQuery, "*"), PctIdentity: row.PctIdentity,
		QueryEnd: int(row.QueryEnd), QueryLength: int(row.QueryLength), RefEnd: int(row.RefEnd), RefLength: int(row.RefLength),
		PartialEnd: row.PartialEnd,
	})
}
