package subscan

import (
	"time"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/table"
)

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
