package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/table"
)

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	c := newCorpus(t, nil)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		path string
		want kind
	}{
		{write("a.fna", ">c\n"+dna60+"\n"), kindAssembly},
		{write("a.txt", "AC\n>c\n"+dna60+"\n"), kindAssembly}, // sequence before the first header is still FASTA
		{write("gz.fa.gz", string(gz(t, ">c\n"+dna60+"\n"))), kindAssembly},
		{write("p.faa", ">p\nMKTAYIAKQRQISFVKSHFSRQ\n"), kindProteinFASTA},
		{write("s.tsv", "sample_id\tassembly\nS1\ta.fna\n"), kindSamples},
		{write("resistens-overview.txt", "#Gene_ID\tGene_name\tCodon_pos\n"), kindCatalog},
		{write("cat.tsv", "gene\treference\tposition\tref\talt\ttype\tdrug_classes\tphenotype\tpmids\trequires\tsource\tversion\n"), kindCatalog},
		{write("qc.tsv", strings.Join(table.Columns[Finding](), "\t")+"\n"), kindQC},
		{writeTable(c, "p.tsv", table.SchemaProteins, c.proteins), kindProteins},
		{writeTable(c, "a.parquet", table.SchemaAlignments, c.alignments), kindAlignments},
		{writeTable(c, "m.tsv.gz", table.SchemaMutations, c.mutations), kindMutations},
		{writeTable(c, "s.parquet", table.SchemaSites, c.sites), kindSites},
		{writeTable(c, "x.parquet", "other/1", c.sites), kindUnknown},
		{write("e.fa", ""), kindUnknown},
		{dir, kindFolder},
	}
	for _, tt := range tests {
		if got, why := detect(tt.path); got != tt.want {
			t.Errorf("%s: %v (%s), want %v", filepath.Base(tt.path), got, why, tt.want)
		}
	}
}
