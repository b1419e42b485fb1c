package validate

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// SampleIDPattern is the rule every sample id follows (ids become file names).
var SampleIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// resolveSheetPath finds a path named in a sample sheet the way the workflow
// does: relative to the current (working) directory, or absolute. It also
// reports whether a relative path missing there exists beside the sheet,
// which the workflow would not find (a warning, so a moved sheet is easy to fix).
func resolveSheetPath(sheet, p string) (found bool, besideSheet string) {
	if _, err := os.Stat(p); err == nil {
		return true, ""
	}
	if !filepath.IsAbs(p) {
		c := filepath.Join(filepath.Dir(sheet), p)
		if _, err := os.Stat(c); err == nil {
			return false, c
		}
	}
	return false, ""
}

// checkSamples validates a sample sheet: required columns sample_id and
// assembly (annotation and organism optional), ids matching
// SampleIDPattern, no duplicate ids, every named file present. It returns
// the sheet's sample ids (nil when the sheet is unreadable).
func checkSamples(path string, fs *Findings) map[string]bool {
	t, ok := readTSV(path, fs)
	if !ok {
		return nil
	}
	var missing []string
	for _, c := range []string{"sample_id", "assembly"} {
		if !t.has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		fs.Errorf(Where{File: path, Line: 1}, "samples.columns", "missing required columns: %s (a sample sheet has sample_id, assembly, annotation (optional), organism (optional))", strings.Join(missing, ", "))
		return nil
	}
	known := map[string]bool{"sample_id": true, "assembly": true, "annotation": true, "organism": true}
	for _, h := range t.header {
		if !known[h] {
			fs.Errorf(Where{File: path, Line: 1}, "samples.columns", "unknown column %q (the sample sheet schema allows sample_id, assembly, annotation, organism)", h)
		}
	}
	ids := map[string]bool{}
	firstLine := map[string]int{}
	if len(t.rows) == 0 {
		fs.Errorf(Where{File: path}, "samples.empty", "no samples (header only)")
	}
	for i := range t.rows {
		id := strings.TrimSpace(t.get(i, "sample_id"))
		w := Where{File: path, Record: id, Row: i + 1, Line: t.lines[i]}
		switch {
		case id == "":
			fs.Errorf(w, "samples.id", "empty sample_id")
		case !SampleIDPattern.MatchString(id):
			fs.Errorf(w, "samples.id", "sample_id %q does not match %s (ids become file names)", id, SampleIDPattern)
		}
		if id != "" {
			if first, dup := firstLine[id]; dup {
				fs.Errorf(w, "samples.duplicate", "duplicate sample_id %q (first at line %d)", id, first)
			} else {
				firstLine[id] = t.lines[i]
			}
			ids[id] = true
		}
		for _, c := range []string{"assembly", "annotation"} {
			p := strings.TrimSpace(t.get(i, c))
			if p == "" {
				if c == "assembly" {
					fs.Errorf(w, "samples.path", "empty assembly path")
				}
				continue
			}
			switch found, beside := resolveSheetPath(path, p); {
			case found:
			case beside != "":
				fs.Warnf(w, "samples.path", "%s %q is not in the working directory but exists beside the sheet (%s); the workflow reads paths relative to the working directory", c, p, beside)
			default:
				fs.Errorf(w, "samples.path", "%s %q not found (paths are relative to the working directory)", c, p)
			}
		}
	}
	return ids
}
