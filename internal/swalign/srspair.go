package swalign

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// SRSPair is one pairwise alignment as written in EMBOSS's srspair format.
type SRSPair struct {
	QueryName string // "# 1:" (water's -asequence)
	RefName   string // "# 2:" (water's -bsequence)
	Matrix    string // matrix name, e.g. EBLOSUM62
	GapOpen   float64
	GapExtend float64
	Result    Result
}

// SRSHeader is the file header block. EMBOSS writes a run date there; wtscan
// writes Rundate only when it is set, so outputs stay reproducible.
type SRSHeader struct {
	Program     string   // default "water"
	Rundate     string   // omitted when empty
	Commandline []string // program name then arguments, one per line as EMBOSS does
	ReportFile  string
}

const (
	srsRule      = "########################################"
	srsPairRule  = "#======================================="
	srsFooter    = "#---------------------------------------"
	srsWidth     = 50
	srsNameWidth = 13
)

// WriteSRSPair writes a complete srspair file: the header block, every pair,
// and the closing rules, laid out byte for byte as water writes them (apart
// from the header's run date and command line, which come from h).
func WriteSRSPair(w io.Writer, h SRSHeader, pairs []SRSPair) error {
	bw := bufio.NewWriter(w)
	prog := h.Program
	if prog == "" {
		prog = "water"
	}
	fmt.Fprintf(bw, "%s\n# Program: %s\n", srsRule, prog)
	if h.Rundate != "" {
		fmt.Fprintf(bw, "# Rundate: %s\n", h.Rundate)
	}
	if len(h.Commandline) > 0 {
		fmt.Fprintf(bw, "# Commandline: %s\n", h.Commandline[0])
		for _, a := range h.Commandline[1:] {
			fmt.Fprintf(bw, "#    %s\n", a)
		}
	}
	fmt.Fprintf(bw, "# Align_format: srspair\n")
	if h.ReportFile != "" {
		fmt.Fprintf(bw, "# Report_file: %s\n", h.ReportFile)
	}
	fmt.Fprintf(bw, "%s\n\n", srsRule)
	for i := range pairs {
		if err := writeSRSRecord(bw, &pairs[i]); err != nil {
			return err
		}
	}
	fmt.Fprintf(bw, "%s\n%s\n", srsFooter, srsFooter)
	return bw.Flush()
}

// WriteSRSPairRecord writes the block of one pair (from its "#====" rule to
// the blank lines after the alignment), as water does.
func WriteSRSPairRecord(w io.Writer, p SRSPair) error {
	bw := bufio.NewWriter(w)
	if err := writeSRSRecord(bw, &p); err != nil {
		return err
	}
	return bw.Flush()
}

// emboss3 formats a float as EMBOSS does for scores and penalties: %.3f with
// trailing zeros removed, keeping at least one decimal.
func emboss3(x float64) string {
	s := strconv.FormatFloat(x, 'f', 3, 64)
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100.0 * float64(n) / float64(d)
}

func writeSRSRecord(bw *bufio.Writer, p *SRSPair) error {
	r := &p.Result
	if len(r.AlignedQuery) != len(r.AlignedRef) {
		return fmt.Errorf("srspair %s vs %s: aligned strings differ in length", p.QueryName, p.RefName)
	}
	mname := p.Matrix
	if mname == "" {
		mname = "EBLOSUM62"
	}
	m, err := MatrixByName(mname)
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "%s\n#\n# Aligned_sequences: 2\n# 1: %s\n# 2: %s\n", srsPairRule, p.QueryName, p.RefName)
	fmt.Fprintf(bw, "# Matrix: %s\n# Gap_penalty: %s\n# Extend_penalty: %s\n#\n", mname, emboss3(p.GapOpen), emboss3(p.GapExtend))
	fmt.Fprintf(bw, "# Length: %d\n", r.Length)
	fmt.Fprintf(bw, "# Identity:   %5d/%d (%4.1f%%)\n", r.Identity, r.Length, pct(r.Identity, r.Length))
	fmt.Fprintf(bw, "# Similarity: %5d/%d (%4.1f%%)\n", r.Similarity, r.Length, pct(r.Similarity, r.Length))
	fmt.Fprintf(bw, "# Gaps:       %5d/%d (%4.1f%%)\n", r.Gaps, r.Length, pct(r.Gaps, r.Length))
	fmt.Fprintf(bw, "# Score: %s\n# \n#\n%s\n\n", emboss3(r.Score), srsPairRule)

	names := [2]string{srsName(p.QueryName), srsName(p.RefName)}
	seqs := [2]string{r.AlignedQuery, r.AlignedRef}
	pos := [2]int{r.QueryStart - 1, r.RefStart - 1}
	mark := make([]byte, 0, srsWidth)
	n := len(r.AlignedQuery)
	for i := 0; i < n; i += srsWidth {
		end := min(i+srsWidth, n)
		mark = mark[:0]
		for k := i; k < end; k++ {
			mark = append(mark, markupChar(m, r.AlignedQuery[k], r.AlignedRef[k]))
		}
		for s := 0; s < 2; s++ {
			if s == 1 {
				fmt.Fprintf(bw, "                     %s\n", mark)
			}
			seg := seqs[s][i:end]
			cnt := len(seg) - strings.Count(seg, "-") - strings.Count(seg, " ")
			if cnt > 0 {
				fmt.Fprintf(bw, "%s %6d %s %6d\n", names[s], pos[s]+1, seg, pos[s]+cnt)
			} else {
				fmt.Fprintf(bw, "%s %6d %s %6d\n", names[s], pos[s], seg, pos[s])
			}
			pos[s] += cnt
		}
		bw.WriteString("\n")
	}
	_, err = bw.WriteString("\n")
	return err
}

// srsName pads or truncates a name to EMBOSS's %-13.13s.
func srsName(s string) string {
	if len(s) > srsNameWidth {
		return s[:srsNameWidth]
	}
	return s + strings.Repeat(" ", srsNameWidth-len(s))
}

// ParseSRSPair reads every pair from an srspair file written by water (or by
// WriteSRSPair). Aligned strings use '-' for gaps.
func ParseSRSPair(r io.Reader) ([]SRSPair, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var out []SRSPair
	var cur *SRSPair
	var body []string // alignment lines of cur
	inHeader := false
	line := 0
	finish := func() error {
		if cur == nil {
			return nil
		}
		if err := parseSRSBody(cur, body); err != nil {
			return fmt.Errorf("srspair pair %d (%s vs %s): %w", len(out)+1, cur.QueryName, cur.RefName, err)
		}
		out = append(out, *cur)
		cur, body = nil, nil
		return nil
	}
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), "\r")
		switch {
		case t == srsPairRule:
			if inHeader {
				inHeader = false // closing rule of the pair header
				continue
			}
			if err := finish(); err != nil {
				return nil, err
			}
			cur = &SRSPair{}
			inHeader = true
		case strings.HasPrefix(t, "#"):
			if !inHeader || cur == nil {
				continue
			}
			key, val, ok := strings.Cut(strings.TrimPrefix(t, "#"), ":")
			if !ok {
				continue
			}
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			var err error
			switch key {
			case "1":
				cur.QueryName = val
			case "2":
				cur.RefName = val
			case "Matrix":
				cur.Matrix = val
			case "Gap_penalty":
				cur.GapOpen, err = strconv.ParseFloat(val, 64)
			case "Extend_penalty":
				cur.GapExtend, err = strconv.ParseFloat(val, 64)
			case "Length":
				cur.Result.Length, err = strconv.Atoi(val)
			case "Identity":
				cur.Result.Identity, err = parseCount(val)
			case "Similarity":
				cur.Result.Similarity, err = parseCount(val)
			case "Gaps":
				cur.Result.Gaps, err = parseCount(val)
			case "Score":
				cur.Result.Score, err = strconv.ParseFloat(val, 64)
			}
			if err != nil {
				return nil, fmt.Errorf("srspair line %d: %s: %w", line, key, err)
			}
		case t == "":
			continue
		default:
			if cur != nil && !inHeader {
				body = append(body, t)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseCount reads "n/len (x%)" and returns n.
func parseCount(s string) (int, error) {
	n, _, _ := strings.Cut(s, "/")
	return strconv.Atoi(strings.TrimSpace(n))
}

// parseSRSBody rebuilds the aligned strings and coordinates from the
// alignment blocks: sequence 1 line, markup line, sequence 2 line.
func parseSRSBody(p *SRSPair, body []string) error {
	if len(body)%3 != 0 {
		return fmt.Errorf("%d alignment lines, not a multiple of 3", len(body))
	}
	var seq [2]strings.Builder
	var last [2]int
	var residues [2]int
	for b := 0; b < len(body); b += 3 {
		for s, l := range [2]string{body[b], body[b+2]} {
			if len(l) <= srsNameWidth {
				return fmt.Errorf("short alignment line %q", l)
			}
			f := strings.Fields(l[srsNameWidth:])
			if len(f) != 3 {
				return fmt.Errorf("alignment line %q: want start, residues, end", l)
			}
			st, err1 := strconv.Atoi(f[0])
			en, err2 := strconv.Atoi(f[2])
			if err1 != nil || err2 != nil {
				return fmt.Errorf("alignment line %q: bad positions", l)
			}
			_ = st // the start is derived from the end and the residue count
			last[s] = en
			residues[s] += len(f[1]) - strings.Count(f[1], "-")
			seq[s].WriteString(f[1])
		}
	}
	r := &p.Result
	r.AlignedQuery, r.AlignedRef = seq[0].String(), seq[1].String()
	if len(r.AlignedQuery) != len(r.AlignedRef) {
		return fmt.Errorf("aligned sequences have lengths %d and %d", len(r.AlignedQuery), len(r.AlignedRef))
	}
	r.QueryEnd, r.RefEnd = last[0], last[1]
	r.QueryStart, r.RefStart = last[0]-residues[0]+1, last[1]-residues[1]+1
	return nil
}
