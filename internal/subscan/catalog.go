package subscan

import (
	"fmt"
	"path/filepath"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/refset"
)

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
