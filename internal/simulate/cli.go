package simulate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/table"
)

const description = `Write a synthetic alignment workload (developer tool for 'make bench').

References are read from --references (a protein or CDS FASTA, or a folder
such as a PointFinder species folder; references outside --min-length and
--max-length are dropped) or, without it, made up from real amino-acid
frequencies (--synthetic of them). Queries are realistic variants of them,
with repeats across samples (--dup-fraction). The same flags and --seed give
byte-identical files. A JSON summary (including distinct_pairs) goes to
standard output.`

// CLI is wtscan-simulate's command line.
type CLI struct {
	cli.Shared

	References  string  `placeholder:"REFS" type:"path" help:"Wild-type references (protein or CDS FASTA, or a folder of them). Default: synthetic references."`
	Synthetic   int     `default:"6" help:"Number of synthetic references to make when --references is not given."`
	MinLength   int     `default:"300" help:"Shortest reference kept (residues)."`
	MaxLength   int     `default:"1100" help:"Longest reference kept (residues)."`
	Queries     int     `short:"n" default:"10000" help:"Number of query proteins (one per sample and gene)."`
	DupFraction float64 `default:"0.8" help:"Probability that a query repeats an allele already drawn for its gene, in [0,1)."`
	Homologs    float64 `default:"0.08" help:"Share of new alleles that are 60–70 % identical homologs, in [0,1]."`
	Seed        uint64  `default:"1" help:"Random seed; the same seed gives byte-identical output."`

	RefsOut  string `required:"" type:"path" placeholder:"FILE" help:"Write the references used as protein FASTA with gene= tags."`
	FastaOut string `type:"path" placeholder:"FILE" help:"Write the queries as protein FASTA with sample=, gene= and copy= tags."`
	TableOut string `type:"path" placeholder:"FILE" help:"Write the queries as a proteins table (.parquet, .tsv, .tsv.gz)."`
}

// Validate checks rules that involve several flags.
func (c *CLI) Validate() error {
	if c.FastaOut == "" && c.TableOut == "" {
		return fmt.Errorf("give --fasta-out, --table-out or both")
	}
	if c.MinLength < 30 || c.MaxLength < c.MinLength {
		return fmt.Errorf("--min-length must be at least 30 and at most --max-length")
	}
	return Config{Queries: c.Queries, DupFraction: c.DupFraction, HomologFraction: c.Homologs}.Validate()
}

// Main runs wtscan-simulate and returns its exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c CLI
	env, code, ok := cli.Parse(ctx, "wtscan-simulate", description, &c, &c.Shared, args, stdin, stdout, stderr)
	if !ok {
		return code
	}
	if code, ok := env.CheckArgs(fsx.Args("--references", c.References), fsx.Args("--refs-out", c.RefsOut, "--fasta-out", c.FastaOut, "--table-out", c.TableOut)); !ok {
		return code
	}
	env.Started(map[string]any{"references": c.References, "queries": c.Queries, "seed": c.Seed})
	st, err := run(env, &c)
	if err != nil {
		return env.Fail(err)
	}
	b, _ := json.Marshal(st)
	if _, err := fmt.Fprintf(stdout, "%s\n", b); err != nil {
		return env.Fail(err)
	}
	return env.Done(map[string]any{"queries": st.Queries, "distinct_pairs": st.DistinctPairs, "references": st.References})
}

// LoadReferences reads a reference set with refset and keeps the proteins
// within [minLen, maxLen].
func LoadReferences(path string, minLen, maxLen int) ([]Reference, error) {
	set, err := refset.Load(path)
	if err != nil {
		return nil, err
	}
	var all []Reference
	for _, r := range set.Refs {
		all = append(all, Reference{ID: r.ID, Gene: r.Gene, Protein: r.Protein})
	}
	refs := Select(all, minLen, maxLen)
	if len(refs) == 0 {
		return nil, fmt.Errorf("references %s: none of %d references is %d–%d residues long", path, len(all), minLen, maxLen)
	}
	return refs, nil
}

func run(env *cli.Env, c *CLI) (Stats, error) {
	var refs []Reference
	var err error
	if c.References != "" {
		refs, err = LoadReferences(c.References, c.MinLength, c.MaxLength)
	} else {
		refs, err = Synthetic(c.Synthetic, c.MinLength, c.MaxLength, c.Seed)
	}
	if err != nil {
		return Stats{}, err
	}

	rf, err := fsx.CreateAtomic(c.RefsOut)
	if err != nil {
		return Stats{}, err
	}
	defer rf.Abort()
	rw := seqio.NewWriter(rf)
	for _, r := range refs {
		if err := rw.Write(r.ID, "gene="+r.Gene, r.Protein); err != nil {
			return Stats{}, fmt.Errorf("write %s: %w", c.RefsOut, err)
		}
	}
	if err := rw.Flush(); err != nil {
		return Stats{}, fmt.Errorf("write %s: %w", c.RefsOut, err)
	}

	var fw *seqio.Writer
	var ff *fsx.AtomicFile
	if c.FastaOut != "" {
		if ff, err = fsx.CreateAtomic(c.FastaOut); err != nil {
			return Stats{}, err
		}
		defer ff.Abort()
		fw = seqio.NewWriter(ff)
	}
	var tw *table.Writer[table.Protein]
	if c.TableOut != "" {
		meta, err := table.NewMeta(table.SchemaProteins, env.Args, c.References)
		if err != nil {
			return Stats{}, err
		}
		meta.Extra = map[string]string{"wtscan.simulate.seed": fmt.Sprint(c.Seed)}
		if tw, err = table.Create[table.Protein](c.TableOut, meta); err != nil {
			return Stats{}, err
		}
		defer tw.Abort()
	}

	type alleleKey struct {
		gene   string
		allele int
	}
	hashes := map[alleleKey]string{} // hash each distinct allele once
	st, err := Generate(refs, Config{Seed: c.Seed, Queries: c.Queries, DupFraction: c.DupFraction, HomologFraction: c.Homologs}, func(q Query) error {
		if err := env.Ctx.Err(); err != nil {
			return err
		}
		if fw != nil {
			if err := fw.Write(q.ID, q.Header(), q.Protein); err != nil {
				return fmt.Errorf("write %s: %w", c.FastaOut, err)
			}
		}
		if tw != nil {
			k := alleleKey{q.Gene, q.Allele}
			h, ok := hashes[k]
			if !ok {
				sum := sha256.Sum256(q.Protein)
				h = hex.EncodeToString(sum[:])
				hashes[k] = h
			}
			if err := tw.Write(ProteinRow(q, h)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	if tw != nil {
		if err := tw.Close(); err != nil {
			return st, err
		}
	}
	if fw != nil {
		if err := fw.Flush(); err != nil {
			return st, fmt.Errorf("write %s: %w", c.FastaOut, err)
		}
		if err := ff.Commit(); err != nil {
			return st, err
		}
	}
	return st, rf.Commit()
}

// ProteinRow is q as a proteins-table row; seqHash is the SHA-256 (hex) of
// its protein. The simulated gene copy sits on a made-up contig "sim" at 1..3·(L+1).
func ProteinRow(q Query, seqHash string) table.Protein {
	return table.Protein{
		SampleID:         q.SampleID,
		Gene:             q.Gene,
		Copy:             int32(q.Copy),
		ReferenceID:      q.ReferenceID,
		Contig:           "sim",
		Start:            1,
		End:              int64(3 * (len(q.Protein) + 1)),
		Strand:           "+",
		TranslationTable: 11,
		Protein:          string(q.Protein),
		LengthAA:         int32(len(q.Protein)),
		PartialStart:     q.PartialStart,
		PartialEnd:       q.PartialEnd,
		InternalStops:    int32(q.InternalStops),
		Method:           "fasta",
		HitIdentity:      q.Identity,
		HitCoverage:      100,
		SeqHash:          seqHash,
	}
}
