package catalog

import (
	"strings"

	"github.com/wtscan/wtscan/internal/variant"
)

// Lookup returns the entries of gene that event e matches. It only reads the
// catalogue: callers may use it from several goroutines.
func (c *Catalog) Lookup(gene string, e variant.Event) []*Entry {
	var out []*Entry
	if e.Type.IsPointChange() {
		for _, x := range c.byPos[genePos{gene, e.Start}] {
			switch x.Type {
			case variant.Substitution, variant.Nonsense:
				if containsAlt(x.Alts, e.Alt) {
					out = append(out, x)
				}
			case variant.StartLost:
				if e.Type == variant.StartLost && (len(x.Alts) == 0 || containsAlt(x.Alts, e.Alt)) {
					out = append(out, x)
				}
			}
		}
	}
	for _, x := range c.byGene[gene] {
		switch x.Type {
		case variant.Deletion, variant.Insertion, variant.Delins: // x.Type.IsIndel()
			matched := false
			for _, n := range x.normalized {
				if n.Type == variant.Frameshift && e.Type == variant.Frameshift && n.Start == e.Start ||
					n.Type == e.Type && n.Start == e.Start && n.End == e.End && altMatch(n.Alt, e.Alt) {
					matched = true
					break
				}
			}
			if matched || (x.Type == variant.Insertion && insertionNear(x, e)) {
				out = append(out, x)
			}
		case variant.Frameshift:
			if e.Type == variant.Frameshift && e.Start == x.Position {
				out = append(out, x)
			}
		case variant.Truncation:
			// the protein ends before the entry's position: a truncation, a
			// premature stop, or a frameshift (the wild-type reading frame
			// ends there, as in K. pneumoniae HS11286's OmpK35-40%)
			if e.Type.Truncates() && e.Start <= x.Position {
				out = append(out, x)
			}
		case variant.StopLost:
			if e.Type == variant.StopLost {
				out = append(out, x)
			}
		}
	}
	return out
}

// insertionNear matches a catalogue insertion of at least minNearInsertion
// residues to a called insertion (or delins) that adds as many residues close
// to the catalogue's position, when the query there holds the catalogued
// residues: where substitutions flank an insertion (the K. pneumoniae OmpK37
// SSTNGG and TERY insertions) its place in an alignment is ambiguous, and the
// database gives one of the equivalent places.
func insertionNear(x *Entry, e variant.Event) bool {
	added := len(e.Alt)
	if e.Type == variant.Delins {
		added = len(e.Alt) - len(e.Ref)
	} else if e.Type != variant.Insertion {
		return false
	}
	for _, a := range x.Alts {
		if len(a) >= minNearInsertion && added == len(a) && abs(e.Start-x.Position) <= len(a)+2 && strings.Contains(e.Context, a) {
			return true
		}
	}
	return false
}

const minNearInsertion = 3

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func containsAlt(alts []string, a string) bool {
	for _, x := range alts {
		if x == a {
			return true
		}
	}
	return false
}

// Has reports whether a sample carries the change a token names.
type Has func(t Token) bool

// Met reports whether a rule is met: an empty rule always is.
func (r Requirement) Met(has Has) bool {
	if len(r) == 0 {
		return true
	}
	for _, all := range r {
		ok := true
		for _, t := range all {
			if !has(t) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// TokenMatches reports whether a substitution-like change at pos to alt
// satisfies token t of gene.
func TokenMatches(t Token, gene string, pos int, alt string) bool {
	if t.Gene != gene || t.Pos != pos || alt == "" {
		return false
	}
	return t.Alts == "" || strings.Contains(t.Alts, alt)
}

// Annotation is what the catalogue says about one called change in one sample.
type Annotation struct {
	Known       bool
	IDs         string
	DrugClasses string
	Phenotype   string
	PMIDs       string
	Name        string
	Version     string
	Requires    string // the combination rules of the entries used
	RequiredMet bool   // false when the catalogue knows the change only in a combination this sample lacks
}

// Annotate merges the matched entries: those whose combination rule the
// sample meets give the drug classes; when none does, the change is known but
// confers nothing on its own, which the phenotype says.
func Annotate(entries []*Entry, has Has) Annotation {
	if len(entries) == 0 {
		return Annotation{}
	}
	var met, unmet []*Entry
	for _, e := range entries {
		if e.Requires.Met(has) {
			met = append(met, e)
		} else {
			unmet = append(unmet, e)
		}
	}
	use := met
	a := Annotation{Known: true, RequiredMet: len(met) > 0}
	if len(met) == 0 {
		use = unmet
	}
	var ids, drugs, phen, pmids, names, versions, reqs uniq
	for _, e := range use {
		ids.add(e.ID)
		for _, d := range e.DrugClasses {
			drugs.add(d)
		}
		phen.add(e.Phenotype)
		for _, p := range e.PMIDs {
			pmids.add(p)
		}
		names.add(e.Source)
		versions.add(e.Version)
		reqs.add(e.RequiresRaw)
	}
	a.IDs = ids.join(";")
	a.PMIDs = pmids.join(",")
	a.Name = names.join(";")
	a.Version = versions.join(";")
	a.Requires = reqs.join(" | ")
	if a.RequiredMet {
		a.DrugClasses = drugs.join(",")
		a.Phenotype = phen.join("; ")
	} else {
		a.Phenotype = "only with " + a.Requires + " (absent in this sample): " + drugs.join(",")
	}
	return a
}

type uniq struct {
	seen map[string]bool
	list []string
}

func (u *uniq) add(s string) {
	if s == "" {
		return
	}
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	if !u.seen[s] {
		u.seen[s] = true
		u.list = append(u.list, s)
	}
}

func (u *uniq) join(sep string) string { return strings.Join(u.list, sep) }

// altMatch compares a normalized entry's residues with a call's; X in the
// entry (unknown bases inserted: pncA 369 ins NNN…) matches any residue.
func altMatch(entry, call string) bool {
	if len(entry) != len(call) {
		return false
	}
	for i := 0; i < len(entry); i++ {
		if entry[i] != 'X' && entry[i] != call[i] {
			return false
		}
	}
	return true
}
