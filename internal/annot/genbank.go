package annot

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// ReadGenBank reads the CDS features and sequences of a GenBank flat file
// (one or more records). A record's contig is its LOCUS name; its
// ACCESSION.VERSION is accepted as an alias.
func ReadGenBank(path string) (*Annotation, error) {
	a := &Annotation{Aliases: map[string]string{}}
	var (
		locus     string
		section   string // header, features, origin
		feat      *Feature
		featLoc   strings.Builder
		lastQual  string
		seq       []byte
		records   int
		pendingOK = true
	)
	finishFeature := func() error {
		if feat == nil {
			return nil
		}
		parts, strand, partial, err := parseLocation(featLoc.String())
		if err != nil {
			return fmt.Errorf("%s line %d: CDS location %q: %w", path, feat.Line, featLoc.String(), err)
		}
		feat.Parts, feat.Strand, feat.Partial = parts, strand, partial
		a.Features = append(a.Features, *feat)
		feat = nil
		featLoc.Reset()
		return nil
	}
	err := lines(path, func(n int, line string) error {
		switch {
		case strings.HasPrefix(line, "LOCUS"):
			f := strings.Fields(line)
			if len(f) < 2 {
				return fmt.Errorf("%s line %d: LOCUS without a name", path, n)
			}
			locus, section, seq, pendingOK = f[1], "header", nil, false
			records++
			return nil
		case strings.HasPrefix(line, "VERSION") && section == "header":
			if f := strings.Fields(line); len(f) >= 2 {
				a.Aliases[f[1]] = locus
			}
			return nil
		case strings.HasPrefix(line, "FEATURES"):
			section = "features"
			return nil
		case strings.HasPrefix(line, "ORIGIN"):
			if err := finishFeature(); err != nil {
				return err
			}
			section = "origin"
			return nil
		case strings.HasPrefix(line, "//"):
			if err := finishFeature(); err != nil {
				return err
			}
			if locus == "" {
				return fmt.Errorf("%s line %d: '//' without a LOCUS line", path, n)
			}
			a.Contigs = append(a.Contigs, Contig{ID: locus, Seq: seq})
			section, pendingOK = "", true
			return nil
		}
		switch section {
		case "features":
			if len(line) > 5 && line[5] != ' ' && strings.HasPrefix(line, "     ") {
				if err := finishFeature(); err != nil {
					return err
				}
				key := strings.Fields(line)[0]
				if key == "CDS" {
					feat = &Feature{Contig: locus, Line: n, File: path}
					featLoc.WriteString(strings.TrimSpace(line[5+len(key):]))
					lastQual = "location"
				}
				return nil
			}
			if feat == nil {
				return nil
			}
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, "/") {
				k, v, _ := strings.Cut(t[1:], "=")
				v = strings.Trim(v, "\"")
				lastQual = k
				switch k {
				case "gene":
					feat.Gene = v
				case "product":
					feat.Product = v
				case "locus_tag":
					feat.ID = v
				}
				return nil
			}
			switch lastQual {
			case "location":
				featLoc.WriteString(t)
			case "product":
				feat.Product += " " + strings.Trim(t, "\"")
			}
		case "origin":
			for _, c := range []byte(line) {
				if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
					seq = append(seq, c)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if records == 0 {
		return nil, fmt.Errorf("%s: no LOCUS line: not a GenBank file", path)
	}
	if !pendingOK {
		return nil, fmt.Errorf("%s: last record does not end with '//' (truncated file?)", path)
	}
	for i := range a.Contigs {
		a.Contigs[i].Seq = bytes.ToUpper(a.Contigs[i].Seq)
	}
	return a, nil
}

// parseLocation reads an INSDC location: a..b, complement(...), join(...),
// with < and > partial markers.
func parseLocation(s string) ([]Part, byte, bool, error) {
	strand := byte('+')
	s = strings.ReplaceAll(s, " ", "")
	if strings.HasPrefix(s, "complement(") && strings.HasSuffix(s, ")") {
		strand = '-'
		s = s[len("complement(") : len(s)-1]
	}
	for _, w := range []string{"join(", "order("} {
		if strings.HasPrefix(s, w) && strings.HasSuffix(s, ")") {
			s = s[len(w) : len(s)-1]
		}
	}
	var parts []Part
	partial := false
	for _, p := range strings.Split(s, ",") {
		if strings.HasPrefix(p, "complement(") {
			return nil, 0, false, fmt.Errorf("mixed strands are not supported")
		}
		if strings.ContainsAny(p, "<>") {
			partial = true
			p = strings.NewReplacer("<", "", ">", "").Replace(p)
		}
		a, b, ok := strings.Cut(p, "..")
		if !ok {
			b = a
		}
		x, err1 := strconv.Atoi(a)
		y, err2 := strconv.Atoi(b)
		if err1 != nil || err2 != nil || x < 1 || y < x {
			return nil, 0, false, fmt.Errorf("bad interval %q", p)
		}
		parts = append(parts, Part{x, y})
	}
	if len(parts) == 0 {
		return nil, 0, false, fmt.Errorf("empty location")
	}
	// The parts stay in the order written: join(5635..6634,1..1634) on a
	// circular contig is a gene across the origin, read 5635..6634 then 1..1634.
	return parts, strand, partial, nil
}
