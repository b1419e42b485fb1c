package validate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/table"
)

// waterStats are the numbers EMBOSS water prints in its srspair header.
type waterStats struct {
	Score                              float64
	Identity, Similarity, Gaps, Length int
}

// parseWater reads the header of water's srspair output.
func parseWater(out []byte) (waterStats, error) {
	var s waterStats
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "# ") {
			continue
		}
		key, val, ok := strings.Cut(strings.TrimPrefix(line, "# "), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		num := val
		if i := strings.IndexByte(val, '/'); i >= 0 {
			num = strings.TrimSpace(val[:i])
		}
		var err error
		switch key {
		case "Score":
			s.Score, err = strconv.ParseFloat(val, 64)
		case "Length":
			s.Length, err = strconv.Atoi(num)
		case "Identity":
			s.Identity, err = strconv.Atoi(num)
		case "Similarity":
			s.Similarity, err = strconv.Atoi(num)
		case "Gaps":
			s.Gaps, err = strconv.Atoi(num)
		default:
			continue
		}
		if err != nil {
			return s, fmt.Errorf("water output: bad %s line %q", key, line)
		}
		seen++
	}
	if seen < 5 {
		return s, fmt.Errorf("water output has no complete srspair header (found %d of 5 fields)", seen)
	}
	return s, nil
}

// runWater aligns query (water -asequence) to ref (-bsequence) with water.
func runWater(ctx context.Context, water, dir string, query, ref []byte, matrix string, open, extend float64) (waterStats, error) {
	qf, rf := filepath.Join(dir, "query.fa"), filepath.Join(dir, "ref.fa")
	if err := os.WriteFile(qf, []byte(">query\n"+string(query)+"\n"), 0o644); err != nil {
		return waterStats{}, err
	}
	if err := os.WriteFile(rf, []byte(">ref\n"+string(ref)+"\n"), 0o644); err != nil {
		return waterStats{}, err
	}
	cmd := exec.CommandContext(ctx, water, "-asequence", qf, "-bsequence", rf,
		"-gapopen", strconv.FormatFloat(open, 'f', -1, 64), "-gapextend", strconv.FormatFloat(extend, 'f', -1, 64),
		"-datafile", matrix, "-aformat", "srspair", "-outfile", "stdout", "-auto")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return waterStats{}, fmt.Errorf("water failed: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return parseWater(out)
}

// crossCheckWater re-aligns n alignment rows chosen at random (a fixed seed
// gives the same rows) with EMBOSS water and reports every disagreement.
// With the full query (from a proteins table) and reference (from
// --references) all of score, identity, similarity, gaps and length are
// compared; otherwise the aligned segments are re-aligned and only the score
// is compared (the best local alignment of the full sequences lies inside
// them, so its score is the same; ties may still place it differently).
func crossCheckWater(ctx context.Context, water string, n int, seed uint64, alns []*loaded[table.Alignment], prot proteinIndex, rs *refs, fs *Findings) (checked int, err error) {
	type at struct {
		t *loaded[table.Alignment]
		i int
	}
	var all []at
	for _, t := range alns {
		for i := range t.rows {
			if t.rows[i].AlignedQuery != "" && t.rows[i].AlignedRef != "" {
				all = append(all, at{t, i})
			}
		}
	}
	if n > len(all) {
		n = len(all)
	}
	rng := rand.New(rand.NewPCG(seed, 0x77617465722d7863)) // second word: "water-xc"
	pick := rng.Perm(len(all))[:n]
	sort.Ints(pick)
	dir, err := os.MkdirTemp("", "wtscan-validate-water-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	for _, p := range pick {
		r := all[p]
		a := &r.t.rows[r.i]
		w := r.t.where(r.i, a.QueryID+" vs "+a.ReferenceID)
		matrix, open, extend := a.Matrix, a.GapOpen, a.GapExtend
		if matrix == "" {
			matrix, open, extend = "EBLOSUM62", 10, 0.5
		}
		var q, ref []byte
		full := false
		if pr := prot[proteinKey{a.SampleID, a.Gene, a.Copy}]; pr != nil {
			if rr := rs.lookup(a.ReferenceID, a.Gene, a.Organism); rr != nil && rr.Nucleotide() == table.IsNucleotide(a.Molecule) {
				q, ref, full = []byte(queryOf(pr.Protein)), rr.Residues(), true
				if rr.Nucleotide() {
					q = []byte(strings.ToUpper(pr.CDS))
				}
			}
		}
		if !full {
			g := recount(a.AlignedQuery, a.AlignedRef)
			q, ref = []byte(strings.ToUpper(g.query)), []byte(strings.ToUpper(g.ref))
		}
		got, err := runWater(ctx, water, dir, q, ref, matrix, open, extend)
		if err != nil {
			if ctx.Err() != nil {
				return checked, ctx.Err()
			}
			fs.Errorf(w, "water.run", "%v", err)
			continue
		}
		checked++
		var bad []string
		if math.Abs(got.Score-a.Score) > 0.05 {
			bad = append(bad, fmt.Sprintf("score %g (water %.1f)", a.Score, got.Score))
		}
		if full {
			for _, x := range []struct {
				name      string
				mine, wat int
			}{
				{"identity", int(a.Identity), got.Identity},
				{"similarity", int(a.Similarity), got.Similarity},
				{"gaps", int(a.Gaps), got.Gaps},
				{"length", int(a.Length), got.Length},
			} {
				if x.mine != x.wat {
					bad = append(bad, fmt.Sprintf("%s %d (water %d)", x.name, x.mine, x.wat))
				}
			}
		}
		if len(bad) > 0 {
			mode := "full sequences"
			if !full {
				mode = "aligned segments only: give the proteins table and --references to compare every count"
			}
			fs.Errorf(w, "water.crosscheck", "disagrees with EMBOSS water (%s, -gapopen %g -gapextend %g -datafile %s; %s)", strings.Join(bad, "; "), open, extend, matrix, mode)
		}
	}
	return checked, nil
}
