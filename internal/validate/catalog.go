package validate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wtscan/wtscan/internal/catalog"
)

// catalogPath resolves --catalog: the catalogue loader reads a folder itself;
// a PointFinder species folder (with resistens-overview.txt or
// phenotypes.txt) is also a reference set.
func catalogPath(p string) (file, refFolder string) {
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		for _, f := range []string{catalog.PointFinderOverview, catalog.PointFinderPhenotypes} {
			if _, err := os.Stat(filepath.Join(p, f)); err == nil {
				return p, p
			}
		}
	}
	return p, ""
}

// checkCatalog validates a catalogue with the loader wtscan-subscan uses
// (internal/catalog), so that the validator reports exactly the faults
// subscan would refuse, with their lines: rows that do not parse, then every
// entry (amino-acid and nucleotide rows: RNA genes, promoters, indels) whose
// residue, base, codon, position or combination rule disagrees with the
// references rs, as catalog.Catalog.Validate checks them. rs is the set
// loadRefs read from refsPath: when some of its records have problems
// (reported apart), the entries are checked against the usable ones, and
// an entry whose gene lost its reference says so. Rows the loader skips on
// purpose are warnings.
//
// Entry faults are warnings, as wtscan-subscan keeps such rows (or drops
// those that cannot apply) and goes on; with strict (as --catalog-strict)
// they are errors. Rows that do not parse stay errors, since subscan refuses
// those either way.
func checkCatalog(path, format, refsPath string, strict bool, rs *refs, fs *Findings) {
	cat, err := catalog.Load(path, catalog.Options{Format: format})
	if err != nil {
		var probs catalog.Problems
		if errors.As(err, &probs) {
			for _, p := range probs {
				fs.Errorf(Where{File: p.File, Line: p.Line}, "catalog.parse", "%s", p.Msg)
			}
			return
		}
		fs.Errorf(Where{File: path}, "catalog.format", "%v", err)
		return
	}
	file := path
	if len(cat.Files) > 0 {
		file = cat.Files[0]
	}
	if refsPath == "" {
		reportNotes(cat, fs)
		fs.Warnf(Where{File: file}, "catalog.unchecked", "no --references given: %d entries not checked against the wild type", len(cat.Entries))
		return
	}
	if rs == nil {
		reportNotes(cat, fs)
		fs.Warnf(Where{File: file}, "catalog.unchecked", "entries not checked: %s is no reference set (reported apart)", refsPath)
		return
	}
	records := map[[2]any]string{}
	for _, e := range cat.Entries {
		records[[2]any{e.File, e.Line}] = fmt.Sprintf("%s:%d", e.Gene, e.Position)
	}
	faults, err := cat.Validate(rs.Set, false)
	if err != nil {
		fs.Errorf(Where{File: file}, "catalog.entry", "%v", err)
	}
	sev := Warning
	if strict {
		sev = Error
	}
	for _, p := range faults {
		fs.Add(Where{File: p.File, Line: p.Line, Record: records[[2]any{p.File, p.Line}]}, faultCheck(p), sev, "%s", p.Msg)
	}
	reportNotes(cat, fs)
}

func reportNotes(cat *catalog.Catalog, fs *Findings) {
	for _, n := range cat.Notes {
		fs.Warnf(Where{File: n.File, Line: n.Line}, "catalog.skipped", "%s", n.Msg)
	}
	cat.Notes = nil
}

// faultCheck is the check name of a catalogue fault, as the loader set it.
func faultCheck(p catalog.Problem) string {
	if p.Check != "" {
		return p.Check
	}
	return "catalog.entry"
}
