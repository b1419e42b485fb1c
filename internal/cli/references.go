package cli

import (
	"github.com/wtscan/wtscan/internal/refset"
)

// References loads a reference set and says once, in the log, which targets
// of a PointFinder folder were not read (RNA genes and promoters are
// nucleotide targets).
func (e *Env) References(path string) (*refset.Set, error) {
	refs, err := refset.Load(path)
	if err != nil {
		return nil, err
	}
	if len(refs.Skipped) > 0 {
		genes := make([]string, len(refs.Skipped))
		for i, s := range refs.Skipped {
			genes[i] = s.Gene
		}
		e.Log.Info().Str("references", path).Strs("genes", genes).Int("targets", len(genes)).
			Msg("nucleotide targets (RNA genes, promoters) not read: wtscan reads protein targets")
	}
	return refs, nil
}
