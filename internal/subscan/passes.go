package subscan

import (
	"fmt"
	"io"
	"slices"

	"github.com/wtscan/wtscan/internal/table"
)

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
