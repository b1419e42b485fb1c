// Package align is wtscan-align: it aligns every query protein, and every
// copy of an RNA gene or promoter, to its wild-type reference with the
// water-exact engine of internal/swalign and writes the alignments table
// (and, on request, water's srspair text).
package align

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/cli"
)

// CLI is wtscan-align's command line.
type CLI struct {
	cli.Shared

	References string `required:"" type:"path" placeholder:"REFS" help:"Wild-type references: protein or CDS FASTA (CDS is translated with table 11; kind=rna or kind=promoter upstream=N tags mark nucleotide targets), or a folder of them (a PointFinder species folder, its RNA genes and promoters included)."`
	Queries    string `required:"" placeholder:"Q" help:"Queries: a proteins table from wtscan-extract (.parquet/.tsv; nucleotide rows align their bases), or protein FASTA (or the bases of RNA genes and promoters, aligned when the gene's reference is a nucleotide target or with molecule=nucleotide) ('-' for stdin) with gene=NAME (and optional sample=, copy=, organism=) header tags."`
	Out        string `required:"" type:"path" placeholder:"FILE" help:"Alignments table: .parquet, .tsv or .tsv.gz."`

	Gene     string `placeholder:"NAME" help:"Gene of every FASTA query that has no gene= tag."`
	Organism string `placeholder:"NAME" help:"Organism of every query that names none; picks among references tagged organism=."`
	Pairs    string `type:"existingfile" placeholder:"FILE" help:"TSV of query_id and reference_id columns: align exactly these pairs."`
	All      bool   `help:"Align every query against every reference of its molecule."`

	Matrix    string  `default:"EBLOSUM62" help:"Substitution matrix for proteins (EMBOSS name)."`
	GapOpen   float64 `name:"gapopen" default:"10" help:"Gap opening penalty for proteins (water's -gapopen)."`
	GapExtend float64 `name:"gapextend" default:"0.5" help:"Gap extension penalty for proteins (water's -gapextend); a gap of k residues costs open + (k-1)*extend."`

	NucleotideMatrix    string  `default:"EDNAFULL" help:"Substitution matrix for nucleotide targets, RNA genes and promoters (EDNAFULL, EDNAMAT or EDNASIMPLE; water's default for DNA is EDNAFULL)."`
	NucleotideGapOpen   float64 `name:"nucleotide-gapopen" default:"10" help:"Gap opening penalty for nucleotide targets."`
	NucleotideGapExtend float64 `name:"nucleotide-gapextend" default:"0.5" help:"Gap extension penalty for nucleotide targets."`

	QualityThresholds string `default:"HIGH=95/90,MEDIUM=80/70,LOW=60/50" help:"Quality tiers as TIER=min %identity/min %reference coverage, best first; below the last tier a row is FAILED."`

	EmbossOut string `type:"path" placeholder:"FILE" help:"Also write the alignments as EMBOSS water srspair text."`
	Engine    string `enum:"builtin,water" default:"builtin" help:"Alignment engine: builtin, or the installed EMBOSS water (found on PATH)."`

	tiers []tier
}

type tier struct {
	name          string
	identity, cov float64
}

// Validate checks rules that involve several flags.
func (c *CLI) Validate() error {
	if c.Pairs != "" && c.All {
		return fmt.Errorf("--pairs and --all exclude each other")
	}
	if c.GapOpen < 0 || c.GapExtend < 0 {
		return fmt.Errorf("--gapopen and --gapextend must not be negative")
	}
	if c.NucleotideGapOpen < 0 || c.NucleotideGapExtend < 0 {
		return fmt.Errorf("--nucleotide-gapopen and --nucleotide-gapextend must not be negative")
	}
	tiers, err := parseTiers(c.QualityThresholds)
	if err != nil {
		return fmt.Errorf("--quality-thresholds: %w", err)
	}
	c.tiers = tiers
	if c.References == "" {
		return nil // kong reports the missing required flag
	}
	if _, err := os.Stat(c.References); err != nil {
		return fmt.Errorf("--references: %w", err)
	}
	return nil
}

func parseTiers(s string) ([]tier, error) {
	var out []tier
	for _, part := range strings.Split(s, ",") {
		name, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		id, cov, ok2 := strings.Cut(v, "/")
		if !ok || !ok2 || name == "" {
			return nil, fmt.Errorf("%q is not TIER=identity/coverage", part)
		}
		fi, err1 := strconv.ParseFloat(id, 64)
		fc, err2 := strconv.ParseFloat(cov, 64)
		if err1 != nil || err2 != nil || fi < 0 || fi > 100 || fc < 0 || fc > 100 {
			return nil, fmt.Errorf("%q: thresholds must be percentages", part)
		}
		if n := len(out); n > 0 && (fi > out[n-1].identity || fc > out[n-1].cov) {
			return nil, fmt.Errorf("%q: tiers must go from strictest to loosest", part)
		}
		out = append(out, tier{strings.ToUpper(name), fi, fc})
	}
	return out, nil
}

// quality is the first tier whose thresholds the row meets, else FAILED.
func quality(tiers []tier, pctIdentity, refCoverage float64, score float64) string {
	if score <= 0 {
		return "FAILED"
	}
	for _, t := range tiers {
		if pctIdentity >= t.identity && refCoverage >= t.cov {
			return t.name
		}
	}
	return "FAILED"
}
