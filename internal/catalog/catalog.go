package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/variant"
)

// Formats.
const (
	FormatAuto        = "auto"
	FormatWtscan      = "wtscan"
	FormatPointFinder = "pointfinder"
	FormatAMRFinder   = "amrfinder"
)

// Formats lists every --catalog-format value, auto first. The flags of
// wtscan-subscan and wtscan-validate and the workflow's config schema are
// tested against it.
var Formats = []string{FormatAuto, FormatWtscan, FormatPointFinder, FormatAMRFinder}

// FolderFile returns the catalogue file a folder holds (PointFinder's
// phenotypes.txt or resistens-overview.txt, AMRFinderPlus's
// AMRProt-mutation.tsv), or "" when it holds none.
func FolderFile(dir string) string {
	for _, f := range []string{PointFinderPhenotypes, PointFinderOverview, "AMRProt-mutation.tsv"} {
		if p := filepath.Join(dir, f); exists(p) {
			return p
		}
	}
	return ""
}

// Entry is one known change.
type Entry struct {
	ID          string
	File        string
	Line        int
	Gene        string
	GeneName    string // PointFinder's Gene_name, checked against Gene
	Reference   string // accession the position is counted on (may be empty)
	Organism    string
	Type        variant.Type
	Position    int
	EndPosition int
	Ref         string   // reference residue(s)
	RefCodon    string   // reference codon(s), may be empty
	Alts        []string // alternatives (see doc.go)
	DrugClasses []string
	Phenotype   string
	PMIDs       []string
	Requires    Requirement
	RequiresRaw string
	Source      string
	Version     string
	Notes       string
	NucPosition int      // the catalogue's nucleotide position of an indel row (PointFinder), 0 otherwise
	NucDeleted  []string // a deletion given in bases that are not whole codons: applied to the reference CDS
	NucInserted []string // an insertion given in bases (PointFinder NUC rows): applied to the reference CDS
	Faults      []string // what Validate found wrong with a row it kept
	// Nucleotide: the entry is a change of a nucleotide target (RNA gene,
	// promoter): Position and EndPosition are the target's coordinates
	// (negative upstream of a promoter's gene), Ref and Alts bases.
	Nucleotide bool

	// filled by Validate for indel entries: the entry's change as the caller
	// names it (3'-shifted), one per alternative
	normalized []variant.Event
}

// Where is "file:line".
func (e *Entry) Where() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// Token is one change of a combination rule: gene_RefPosAlts.
type Token struct {
	Gene string
	Pos  int
	Ref  byte   // 0 for an indel token (gene_ins475): any change at Pos
	Alts string // alternative residues; empty: any change at Pos
	Raw  string
}

// Requirement is a combination rule: any of the alternatives, each needing
// all of its tokens.
type Requirement [][]Token

// Note is a row skipped on purpose (not an error).
type Note struct {
	File string
	Line int
	Msg  string
}

// Problem is a fault of one catalogue line.
type Problem struct {
	File  string
	Line  int
	Msg   string
	Check string // stable name of the failed check, e.g. catalog.residue (wtscan-validate reports it)
}

func problem(check, file string, line int, msg string) Problem {
	return Problem{File: file, Line: line, Msg: msg, Check: check}
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Problems is every fault found; as an error it lists them all.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d catalogue fault(s):", len(ps))
	for _, p := range ps {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Catalog is a loaded catalogue.
type Catalog struct {
	Name    string
	Version string
	Format  string
	Path    string
	Files   []string
	Digest  string // SHA-256 over the bytes of every file read, in order
	Entries []*Entry
	Notes   []Note
	// Merged counts the rows of a PointFinder folder's resistens-overview.txt
	// that its phenotypes.txt lacks, added to the entries.
	Merged int
	// Stats of Validate: entries kept, rows dropped, rows kept with faults,
	// and faults (a row may have several).
	Kept, Dropped, WithFaults, Faults int
	pfGenes                           []string             // a PointFinder folder's genes.txt
	byPos                             map[genePos][]*Entry // every entry, by gene and position
	byGene                            map[string][]*Entry  // entries other than substitutions, by gene (in file order)
}

// Options tune loading.
type Options struct {
	Format   string // auto, wtscan, pointfinder, amrfinder
	Organism string // AMRFinderPlus: the organism whose rows to use
	Name     string // overrides the catalogue name
	Version  string // overrides the catalogue version
}

// Load reads a catalogue. Lines that do not parse are all reported, with
// their file and line, as Problems.
func Load(path string, opt Options) (*Catalog, error) {
	format := opt.Format
	if format == "" {
		format = FormatAuto
	}
	file := path
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	if st.IsDir() {
		if file = FolderFile(path); file == "" {
			return nil, fmt.Errorf("catalogue folder %s holds neither phenotypes.txt nor resistens-overview.txt (PointFinder) nor AMRProt-mutation.tsv (AMRFinderPlus)", path)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	if format == FormatAuto {
		format, err = Detect(file, data)
		if err != nil {
			return nil, err
		}
	}
	c := &Catalog{Format: format, Path: path, Files: []string{file}}
	h := sha256.New()
	h.Write(data)
	var probs Problems
	switch format {
	case FormatWtscan:
		c.Name = "wtscan"
		probs = c.parseWtscan(file, data)
	case FormatPointFinder:
		c.Name = "PointFinder"
		cols := pfOverview
		if isPhenotypes(file, data) {
			cols = pfPhenotypes
		}
		// the folder's genes name the targets Gene_IDs spell in several ways
		c.pfGenes, _ = refset.ReadPointFinderList(filepath.Join(filepath.Dir(file), "genes.txt"))
		probs = c.parsePointFinder(file, data, cols)
		if st.IsDir() && cols == pfPhenotypes {
			// the folder's older table may hold rows the newer one lost
			over := filepath.Join(path, PointFinderOverview)
			if odata, err := os.ReadFile(over); err == nil {
				o := &Catalog{pfGenes: c.pfGenes}
				probs = append(probs, o.parsePointFinder(over, odata, pfOverview)...)
				if n := c.mergeOverview(o); n > 0 {
					c.Files = append(c.Files, over)
					h.Write(odata)
					c.Merged = n
				}
			}
		}
		for _, v := range []string{filepath.Join(filepath.Dir(file), "VERSION"), filepath.Join(filepath.Dir(file), "..", "VERSION")} {
			if b, err := os.ReadFile(v); err == nil {
				c.Version = strings.TrimSpace(string(b))
				break
			}
		}
	case FormatAMRFinder:
		c.Name = "AMRFinderPlus"
		probs = c.parseAMRFinder(file, data, opt.Organism)
		if v, err := os.ReadFile(filepath.Join(filepath.Dir(file), "version.txt")); err == nil {
			c.Version = strings.TrimSpace(string(v))
		}
	default:
		return nil, fmt.Errorf("catalogue %s: unknown format %q (auto, wtscan, pointfinder, amrfinder)", path, format)
	}
	probs = append(probs, c.duplicates()...)
	if len(probs) > 0 {
		return nil, probs
	}
	if opt.Name != "" {
		c.Name = opt.Name
	}
	if opt.Version != "" {
		c.Version = opt.Version
	}
	for _, e := range c.Entries {
		if e.Source == "" || opt.Name != "" {
			e.Source = c.Name
		}
		if e.Version == "" || opt.Version != "" {
			e.Version = c.Version
		}
	}
	c.Digest = hex.EncodeToString(h.Sum(nil))
	c.index()
	return c, nil
}

// duplicates finds entries given twice. In a wtscan catalogue a repeated
// id, or a row that repeats another's gene, type, position, residues and
// alternatives, is refused (Problems). A database made elsewhere is read as
// distributed: its repeated rows (PointFinder's Klebsiella table lists gyrB
// S359A four times) are noted and the repeats dropped.
func (c *Catalog) duplicates() Problems {
	var probs Problems
	ids := map[string]*Entry{}
	rows := map[string]*Entry{}
	kept := c.Entries[:0]
	for _, e := range c.Entries {
		if c.Format == FormatWtscan {
			if first := ids[e.ID]; first != nil {
				probs = append(probs, problem("catalog.duplicate", e.File, e.Line, fmt.Sprintf("id %q is also the id of line %d", e.ID, first.Line)))
				continue
			}
			ids[e.ID] = e
		}
		k := fmt.Sprintf("%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s", e.Gene, e.Reference, e.Organism, e.Position, e.EndPosition, e.Type, e.Ref, strings.Join(e.Alts, ","), e.RequiresRaw)
		if first := rows[k]; first != nil {
			if c.Format == FormatWtscan {
				probs = append(probs, problem("catalog.duplicate", e.File, e.Line, fmt.Sprintf("repeats the entry of line %d", first.Line)))
			} else {
				// one entry: the repeat's PMIDs and drugs join the first's
				first.PMIDs = appendNew(first.PMIDs, e.PMIDs...)
				first.DrugClasses = appendNew(first.DrugClasses, e.DrugClasses...)
				c.Notes = append(c.Notes, Note{e.File, e.Line, fmt.Sprintf("repeats the row of line %d: one entry, its PMIDs and drugs merged", first.Line)})
			}
			continue
		}
		rows[k] = e
		kept = append(kept, e)
	}
	c.Entries = kept
	return probs
}

func appendNew(list []string, xs ...string) []string {
	for _, x := range xs {
		if !slices.Contains(list, x) {
			list = append(list, x)
		}
	}
	return list
}

// isPhenotypes tells phenotypes.txt (current PointFinder) from
// resistens-overview.txt (legacy) by name or header.
func isPhenotypes(file string, data []byte) bool {
	if filepath.Base(file) == PointFinderPhenotypes {
		return true
	}
	return strings.HasPrefix(strings.ToLower(string(data[:min(len(data), 64)])), "#gene_accession")
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Detect tells a catalogue's format from its file name and header line (data
// may be the whole file or its start). wtscan-validate uses it to tell a
// catalogue from the other files it is given.
func Detect(file string, data []byte) (string, error) {
	base := filepath.Base(file)
	switch {
	case base == PointFinderOverview || base == PointFinderPhenotypes:
		return FormatPointFinder, nil
	case strings.HasPrefix(base, "AMRProt-mutation"):
		return FormatAMRFinder, nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		low := strings.ToLower(line)
		switch {
		case strings.HasPrefix(low, "#gene_id") || strings.HasPrefix(low, "#gene_accession"):
			return FormatPointFinder, nil
		case strings.HasPrefix(low, "#organism") || strings.HasPrefix(low, "#taxgroup"):
			return FormatAMRFinder, nil
		case strings.HasPrefix(low, "#"):
			continue
		}
		cols := map[string]bool{}
		for _, f := range strings.Split(low, "\t") {
			cols[strings.TrimSpace(f)] = true
		}
		if cols["gene_id"] && cols["codon_pos"] {
			return FormatPointFinder, nil
		}
		all := true
		for _, r := range wtscanRequired {
			all = all && cols[r]
		}
		if all {
			return FormatWtscan, nil
		}
		break
	}
	return "", fmt.Errorf("catalogue %s: cannot tell its format from its name or header; give --catalog-format", file)
}

type genePos struct {
	gene string
	pos  int
}

func (c *Catalog) index() {
	c.byPos = map[genePos][]*Entry{}
	c.byGene = map[string][]*Entry{}
	for _, e := range c.Entries {
		k := genePos{e.Gene, e.Position}
		c.byPos[k] = append(c.byPos[k], e)
		if !e.Type.IsPointChange() {
			c.byGene[e.Gene] = append(c.byGene[e.Gene], e)
		}
	}
}

// splitList splits on commas, semicolons and whitespace-only pieces, trimming.
func splitList(s, seps string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
	out := f[:0]
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// parseRequirement reads gene_RefPosAlts tokens; ',' or '+' join, ';' or '|'
// separate alternatives.
func parseRequirement(s string) (Requirement, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	// every separator stands between two tokens: "gyrA_S83Y+++" or
	// "gyrA_S83Y|" is malformed, not a rule with empty parts
	pieces := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(";|,+", r) })
	if n := strings.Count(s, ";") + strings.Count(s, "|") + strings.Count(s, ",") + strings.Count(s, "+"); len(pieces) != n+1 {
		return nil, fmt.Errorf("combination rule %q has an empty part (a separator ;|,+ without a token on each side)", s)
	}
	for _, p := range pieces {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("combination rule %q has an empty part", s)
		}
	}
	var req Requirement
	for _, alt := range splitList(s, ";|") {
		var all []Token
		for _, raw := range splitList(alt, ",+") {
			tok, err := parseToken(raw)
			if err != nil {
				return nil, err
			}
			all = append(all, tok)
		}
		if len(all) > 0 {
			req = append(req, all)
		}
	}
	return req, nil
}

func parseToken(raw string) (Token, error) {
	if i := strings.LastIndexByte(raw, '_'); i > 0 {
		// gene_ins475 / gene_del475: any change at that position (PointFinder)
		for _, kind := range []string{"ins", "del"} {
			if rest, ok := strings.CutPrefix(strings.ToLower(raw[i+1:]), kind); ok {
				if pos, err := strconv.Atoi(rest); err == nil && pos > 0 {
					return Token{Gene: raw[:i], Pos: pos, Raw: raw}, nil
				}
			}
		}
	}
	gene, ref, pos, alts, ok := splitSymbol(raw)
	if !ok || len(ref) != 1 {
		return Token{}, fmt.Errorf("combination token %q is not gene_RefPosAlt (like gyrA_D82G)", raw)
	}
	alts = strings.ReplaceAll(alts, ".", "")
	for a := 0; a < len(alts); a++ {
		if !isLetter(alts[a]) && alts[a] != '*' {
			return Token{}, fmt.Errorf("combination token %q: %q is not an amino-acid code", raw, alts[a])
		}
	}
	return Token{Gene: gene, Pos: pos, Ref: upper(ref[0]), Alts: strings.ToUpper(alts), Raw: raw}, nil
}

// splitSymbol splits gene_RefPosAlt (gyrA_S83L, ompK36_GD134del) at its last
// underscore into the gene, the reference residues (letters), the position
// and what follows it.
func splitSymbol(sym string) (gene, ref string, pos int, alt string, ok bool) {
	i := strings.LastIndexByte(sym, '_')
	if i <= 0 || i == len(sym)-1 {
		return "", "", 0, "", false
	}
	gene, mut := sym[:i], sym[i+1:]
	j := 0
	for j < len(mut) && isLetter(mut[j]) {
		j++
	}
	k := j
	for k < len(mut) && mut[k] >= '0' && mut[k] <= '9' {
		k++
	}
	if j == 0 || k == j {
		return "", "", 0, "", false
	}
	pos, _ = strconv.Atoi(mut[j:k])
	return gene, mut[:j], pos, mut[k:], true
}

func isLetter(c byte) bool { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') }

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// Sites lists the distinct (gene, position, ref residue) of the entries, sorted.
func (c *Catalog) Sites() []Site {
	seen := map[string]bool{}
	var out []Site
	for _, e := range c.Entries {
		if e.Position < 1 && !e.Nucleotide {
			continue
		}
		k := e.Gene + "\t" + strconv.Itoa(e.Position)
		if seen[k] {
			continue
		}
		seen[k] = true
		ref := ""
		if e.Ref != "" {
			ref = e.Ref[:1]
		}
		out = append(out, Site{Gene: e.Gene, Position: e.Position, Ref: ref})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Gene != out[j].Gene {
			return out[i].Gene < out[j].Gene
		}
		return out[i].Position < out[j].Position
	})
	return out
}

// Site is one catalogue position.
type Site struct {
	Gene     string
	Position int
	Ref      string
}

// Genes lists the genes the catalogue has entries for.
func (c *Catalog) Genes() map[string]bool {
	g := map[string]bool{}
	for _, e := range c.Entries {
		g[e.Gene] = true
	}
	return g
}
