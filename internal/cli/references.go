package cli

import (
	"github.com/wtscan/wtscan/internal/refset"
)

// References loads a reference set and says once, in the log, how many of
// its targets are nucleotide targets (RNA genes, promoters).
func (e *Env) References(path string) (*refset.Set, error) {
	refs, err := refset.Load(path)
	if err != nil {
		return nil, err
	}
	for _, f := range refs.Faults {
		e.Log.Warn().Str("references", path).Msg(f)
	}
	var nt []string
	for _, r := range refs.Refs {
		if r.Nucleotide() {
			nt = append(nt, r.Gene)
		}
	}
	if len(nt) > 0 {
		e.Log.Debug().Str("references", path).Strs("genes", nt).Int("targets", len(nt)).Msg("nucleotide targets (RNA genes, promoters)")
	}
	return refs, nil
}
