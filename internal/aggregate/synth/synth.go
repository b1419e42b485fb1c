// Package synth writes synthetic cohort tables (mutations, sites, alignments)
// shaped like wtscan-subscan's output, for wtscan-aggregate's tests and its
// scale benchmark: clonal structure (so changes co-occur), catalogue sites
// with WT/MUT/NOT_COVERED status, genes missing or partial in some samples,
// rare private changes, and one two-change combination rule.
package synth

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"github.com/wtscan/wtscan/internal/table"
)

// Options shape the cohort.
type Options struct {
	Samples        int    // number of samples
	Genes          int    // number of genes (at most len(geneSpecs))
	SamplesPerFile int    // samples per output table file
	Seed           uint64 // random seed: same options, same bytes
	Ext            string // ".parquet" (default) or ".tsv"
	Alignments     bool   // also write alignments tables
	Catalog        string // catalog_name in the rows
	AlignedSeqs    bool   // fill aligned_query/aligned_ref (full-size alignments rows, as wtscan-align writes)
}

// Files are the paths written.
type Files struct {
	Mutations, Sites, Alignments []string
}

type geneSpec struct {
	name   string
	length int32
	known  []knownSite
}

type knownSite struct {
	pos  int32
	ref  byte
	alts string
	drug string
}

var geneSpecs = []geneSpec{
	{"gyrA", 878, []knownSite{{83, 'S', "LFY", "fluoroquinolone"}, {87, 'D', "NGY", "fluoroquinolone"}, {81, 'G', "D", "fluoroquinolone"}, {82, 'D', "G", "fluoroquinolone"}}},
	{"parC", 752, []knownSite{{80, 'S', "IR", "fluoroquinolone"}, {84, 'E', "KGV", "fluoroquinolone"}}},
	{"acrB", 1049, []knownSite{{717, 'R', "LQ", "macrolide"}}},
	{"ompK36", 367, []knownSite{{134, 'G', "D", "carbapenem;cephalosporin"}}},
	{"pmrB", 365, []knownSite{{157, 'T', "P", "colistin"}, {14, 'L', "R", "colistin"}}},
	{"gyrB", 804, []knownSite{{464, 'S', "FY", "fluoroquinolone"}}},
	{"parE", 630, []knownSite{{416, 'L', "F", "fluoroquinolone"}, {458, 'S', "AP", "fluoroquinolone"}}},
	{"ramR", 193, []knownSite{{18, 'A', "P", "tigecycline"}}},
	{"marR", 144, []knownSite{{103, 'G', "S", "fluoroquinolone"}}},
	{"soxR", 154, []knownSite{{20, 'R', "H", "fluoroquinolone"}}},
}

const aminoAcids = "ACDEFGHIKLMNPQRSTVWY"

var three = map[byte]string{
	'A': "Ala", 'C': "Cys", 'D': "Asp", 'E': "Glu", 'F': "Phe", 'G': "Gly", 'H': "His", 'I': "Ile", 'K': "Lys", 'L': "Leu",
	'M': "Met", 'N': "Asn", 'P': "Pro", 'Q': "Gln", 'R': "Arg", 'S': "Ser", 'T': "Thr", 'V': "Val", 'W': "Trp", 'Y': "Tyr", '*': "Ter",
}

// refResidue is a gene's deterministic wild-type residue at pos.
func refResidue(g *geneSpec, pos int32) byte {
	for _, k := range g.known {
		if k.pos == pos {
			return k.ref
		}
	}
	if pos == 1 {
		return 'M'
	}
	h := uint32(pos)*2654435761 ^ uint32(len(g.name))*40503
	return aminoAcids[h%20]
}

// refSeq is a gene's synthetic wild type.
func refSeq(g *geneSpec) string {
	b := make([]byte, g.length)
	for i := range b {
		b[i] = refResidue(g, int32(i+1))
	}
	return string(b)
}

type mut struct {
	pos  int32
	alt  byte
	know bool
	drug string
	cat  string
}

// clone is a lineage: a fixed set of changes per gene.
type clone [][]mut

// Write writes the cohort into dir and returns the file lists.
func Write(dir string, o Options) (Files, error) {
	if o.Ext == "" {
		o.Ext = ".parquet"
	}
	if o.SamplesPerFile <= 0 {
		o.SamplesPerFile = o.Samples
	}
	if o.Catalog == "" {
		o.Catalog = "synthetic-catalogue"
	}
	genes := geneSpecs[:min(o.Genes, len(geneSpecs))]
	r := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	// Polymorphic positions per gene (non-catalogue): a pool of 30.
	poly := make([][]int32, len(genes))
	for gi := range genes {
		for range 30 {
			poly[gi] = append(poly[gi], 2+r.Int32N(genes[gi].length-2))
		}
	}
	pick := func(gi int) mut {
		g := &genes[gi]
		if r.IntN(3) == 0 {
			k := g.known[r.IntN(len(g.known))]
			if k.pos == 81 || k.pos == 82 {
				k = g.known[0]
			}
			return mut{pos: k.pos, alt: k.alts[r.IntN(len(k.alts))], know: true, drug: k.drug, cat: fmt.Sprintf("%s_%d", g.name, k.pos)}
		}
		pos := poly[gi][r.IntN(len(poly[gi]))]
		ref := refResidue(g, pos)
		alt := aminoAcids[(strings.IndexByte(aminoAcids, ref)+1+int(pos)%19)%20]
		return mut{pos: pos, alt: alt}
	}
	clones := make([]clone, 40)
	for ci := range clones {
		clones[ci] = make(clone, len(genes))
		for gi := range genes {
			for range r.IntN(4) {
				clones[ci][gi] = append(clones[ci][gi], pick(gi))
			}
		}
		if ci%7 == 3 && len(genes) > 0 { // the combination rule gyrA G81D + D82G
			clones[ci][0] = append(clones[ci][0], mut{pos: 81, alt: 'D', know: true, drug: "fluoroquinolone", cat: "gyrA_G81D+D82G"},
				mut{pos: 82, alt: 'G', know: true, drug: "fluoroquinolone", cat: "gyrA_G81D+D82G"})
		}
	}
	refs := make([]string, len(genes))
	for gi := range genes {
		refs[gi] = refSeq(&genes[gi])
	}
	var files Files
	for start := 0; start < o.Samples; start += o.SamplesPerFile {
		end := min(start+o.SamplesPerFile, o.Samples)
		chunk := fmt.Sprintf("chunk%05d", start/o.SamplesPerFile)
		mp := filepath.Join(dir, chunk+".mutations"+o.Ext)
		sp := filepath.Join(dir, chunk+".sites"+o.Ext)
		ap := filepath.Join(dir, chunk+".alignments"+o.Ext)
		mw, err := table.Create[table.Mutation](mp, table.Meta{Schema: table.SchemaMutations, Command: "synth", Extra: map[string]string{"wtscan.catalog": o.Catalog, "wtscan.catalog.digest": "sha256:synthetic"}})
		if err != nil {
			return files, err
		}
		sw, err := table.Create[table.Site](sp, table.Meta{Schema: table.SchemaSites, Command: "synth"})
		if err != nil {
			return files, err
		}
		var aw *table.Writer[table.Alignment]
		if o.Alignments {
			if aw, err = table.Create[table.Alignment](ap, table.Meta{Schema: table.SchemaAlignments, Command: "synth", Extra: map[string]string{"wtscan.references.digest": "sha256:synthetic-refs"}}); err != nil {
				return files, err
			}
		}
		var ms []table.Mutation
		var ss []table.Site
		var as []table.Alignment
		for s := start; s < end; s++ {
			id := fmt.Sprintf("S%06d", s)
			cl := clones[int(r.ExpFloat64()*8)%len(clones)]
			for gi := range genes {
				g := &genes[gi]
				state := r.IntN(100)
				missing := state == 0 // gene not found
				covEnd := g.length
				if state == 1 { // partial gene: C-terminal part missing
					covEnd = g.length * 3 / 5
				}
				muts := append([]mut(nil), cl[gi]...)
				if r.IntN(10) == 0 { // a private change
					muts = append(muts, pick(gi))
				}
				have := map[int32]byte{}
				if !missing {
					for _, m := range muts {
						if m.pos <= covEnd {
							if _, dup := have[m.pos]; !dup {
								have[m.pos] = m.alt
								ref := refResidue(g, m.pos)
								short := fmt.Sprintf("%c%d%c", ref, m.pos, m.alt)
								row := table.Mutation{
									SampleID: id, Gene: g.name, Copy: 1, ReferenceID: g.name + "_ref",
									Position: m.pos, EndPosition: m.pos, Ref: string(ref), Alt: string(m.alt),
									Type: "substitution", HGVS: fmt.Sprintf("p.%s%d%s", three[ref], m.pos, three[m.alt]),
									Short: short, Symbol: g.name + "_" + short, CodonRef: "TCG", CodonAlt: "TTG",
									CatalogName: o.Catalog, CatalogVersion: "1.0",
								}
								if m.know {
									row.Known, row.CatalogID, row.DrugClasses, row.Phenotype = true, m.cat, m.drug, "resistant"
									row.PMIDs = "12345678"
								}
								ms = append(ms, row)
							}
						}
					}
					if aw != nil {
						as = append(as, table.Alignment{
							SampleID: id, Gene: g.name, Copy: 1, QueryID: id + "_" + g.name + "_1", ReferenceID: g.name + "_ref",
							Score: float64(covEnd) * 5, Identity: covEnd - int32(len(have)), Similarity: covEnd, Length: covEnd,
							QueryStart: 1, QueryEnd: covEnd, QueryLength: covEnd, RefStart: 1, RefEnd: covEnd, RefLength: g.length,
							PctIdentity: 100 * float64(covEnd-int32(len(have))) / float64(covEnd), PctSimilarity: 100,
							RefCoverage: 100 * float64(covEnd) / float64(g.length), QueryCoverage: 100, Quality: "HIGH",
							Cigar: fmt.Sprintf("%dM", covEnd),
						})
						if o.AlignedSeqs {
							ref := refs[gi][:covEnd]
							q := []byte(ref)
							for p, a := range have {
								q[p-1] = a
							}
							as[len(as)-1].AlignedRef, as[len(as)-1].AlignedQuery = ref, string(q)
						}
					}
				}
				for _, k := range g.known {
					st := table.Site{SampleID: id, Gene: g.name, Position: k.pos, Ref: string(k.ref), Status: "WT", Observed: string(k.ref), Copy: 1}
					switch alt, ok := have[k.pos]; {
					case missing || k.pos > covEnd:
						st.Status, st.Observed = "NOT_COVERED", ""
					case ok:
						st.Status, st.Observed = "MUT", string(alt)
					}
					ss = append(ss, st)
				}
			}
			if len(ms) >= 4096 {
				if err := mw.Write(ms...); err != nil {
					return files, err
				}
				ms = ms[:0]
			}
			if len(ss) >= 4096 {
				if err := sw.Write(ss...); err != nil {
					return files, err
				}
				ss = ss[:0]
			}
			if aw != nil && len(as) >= 4096 {
				if err := aw.Write(as...); err != nil {
					return files, err
				}
				as = as[:0]
			}
		}
		if err := mw.Write(ms...); err != nil {
			return files, err
		}
		if err := sw.Write(ss...); err != nil {
			return files, err
		}
		if err := mw.Close(); err != nil {
			return files, err
		}
		if err := sw.Close(); err != nil {
			return files, err
		}
		files.Mutations = append(files.Mutations, mp)
		files.Sites = append(files.Sites, sp)
		if aw != nil {
			if err := aw.Write(as...); err != nil {
				return files, err
			}
			if err := aw.Close(); err != nil {
				return files, err
			}
			files.Alignments = append(files.Alignments, ap)
		}
	}
	return files, nil
}
