package annot

import (
	"fmt"
	"strconv"
	"strings"
)

// Hit table formats.
const (
	Abricate  = "abricate"
	RGI       = "rgi"
	AMRFinder = "amrfinder"
)

// hitColumns names, per format, the header columns holding contig, start,
// end, strand and gene (the first name present wins).
var hitColumns = map[string][5][]string{
	Abricate:  {{"SEQUENCE"}, {"START"}, {"END"}, {"STRAND"}, {"GENE"}},
	RGI:       {{"Contig"}, {"Start"}, {"Stop"}, {"Orientation"}, {"Best_Hit_ARO"}},
	AMRFinder: {{"Contig id", "Contig_id", "contig_acc"}, {"Start", "start"}, {"Stop", "stop"}, {"Strand", "strand"}, {"Gene symbol", "Element symbol", "element_symbol"}},
}

// ReadHits reads a hit table of the given format. Abricate's header starts
// with '#'. Rows are features with the table's gene name; coordinates are
// 1-based inclusive.
func ReadHits(path, format string) ([]Feature, error) {
	names, ok := hitColumns[format]
	if !ok {
		return nil, fmt.Errorf("unknown hit table format %q (abricate, rgi, amrfinder)", format)
	}
	var (
		col    [5]int
		header []string
		out    []Feature
	)
	err := lines(path, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		cells := strings.Split(line, "\t")
		if header == nil {
			header = cells
			header[0] = strings.TrimPrefix(header[0], "#")
			for k, alts := range names {
				col[k] = -1
				for _, want := range alts {
					for i, h := range header {
						if strings.TrimSpace(h) == want && col[k] < 0 {
							col[k] = i
						}
					}
				}
				if col[k] < 0 {
					return fmt.Errorf("%s line %d: %s header lacks column %q (is this a %s table?)", path, n, format, alts[0], format)
				}
			}
			return nil
		}
		if strings.HasPrefix(line, "#") {
			return nil
		}
		get := func(k int) (string, error) {
			if col[k] >= len(cells) {
				return "", fmt.Errorf("%s line %d: %d columns, the header has %d", path, n, len(cells), len(header))
			}
			return strings.TrimSpace(cells[col[k]]), nil
		}
		var v [5]string
		for k := range v {
			s, err := get(k)
			if err != nil {
				return err
			}
			v[k] = s
		}
		start, err1 := strconv.Atoi(v[1])
		end, err2 := strconv.Atoi(v[2])
		if err1 != nil || err2 != nil || start < 1 || end < 1 {
			return fmt.Errorf("%s line %d: bad coordinates %q..%q", path, n, v[1], v[2])
		}
		if end < start {
			start, end = end, start
		}
		strand := byte('+')
		switch v[3] {
		case "+", "1", "+1":
		case "-", "-1":
			strand = '-'
		default:
			return fmt.Errorf("%s line %d: strand %q is not + or -", path, n, v[3])
		}
		// RGI's Contig column names the ORF (<contig>_<n>); the caller resolves it.
		contig := v[0]
		out = append(out, Feature{Contig: contig, Parts: []Part{{start, end}}, Strand: strand, Gene: v[4], Line: n, File: path})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if header == nil {
		return nil, fmt.Errorf("%s: empty hit table (no header line)", path)
	}
	return out, nil
}
