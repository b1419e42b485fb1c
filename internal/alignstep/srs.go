package alignstep

import (
	"context"
	"fmt"

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/refset"
)

type srsWriter struct{}

func newSRSWriter(path string, p align.Params) (*srsWriter, error) {
	return nil, fmt.Errorf("--emboss-out: not available yet")
}
func (s *srsWriter) write(q *query, ref *refset.Reference, res *align.Result) error { return nil }
func (s *srsWriter) commit() error                                                  { return nil }
func (s *srsWriter) abort()                                                         {}

func newWaterEngine(p align.Params, threads int) (engine, error) {
	return nil, fmt.Errorf("--engine water: not available yet")
}

var _ = context.Background
