package validate

import (
	"bytes"
	"os"
	"strings"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/table"
)

// kind is what a file given on the command line holds.
type kind int

const (
	kindUnknown kind = iota
	kindAssembly
	kindProteinFASTA
	kindProteins
	kindAlignments
	kindMutations
	kindSites
	kindSamples
	kindCatalog
	kindQC
	kindFolder // a reference folder (PointFinder species folder: *.fsa and perhaps resistens-overview.txt)
)

func (k kind) String() string {
	return [...]string{"unknown", "assembly FASTA", "protein FASTA", "proteins table", "alignments table", "mutations table",
		"sites table", "sample sheet", "catalogue", "qc table", "reference folder"}[k]
}

// sniffResidues is how many sequence characters decide DNA or protein.
const sniffResidues = 100_000

// detect decides a file's kind: Parquet by its wtscan.schema metadata, FASTA
// by content (DNA or protein from the first residues), TSV by its header
// columns. why explains an unknown kind.
func detect(path string) (k kind, why string) {
	st, err := os.Stat(path)
	if err != nil {
		return kindUnknown, err.Error()
	}
	if st.IsDir() {
		return kindFolder, ""
	}
	if strings.HasSuffix(path, ".parquet") {
		schema, err := table.Sniff(path)
		if err != nil {
			return kindUnknown, err.Error()
		}
		if schema == "" {
			return kindUnknown, "Parquet file without " + table.KeySchema + " metadata: not written by wtscan"
		}
		name, _, err := table.SchemaName(schema)
		if err != nil {
			return kindUnknown, err.Error()
		}
		base := func(s string) string { n, _, _ := strings.Cut(s, "/"); return n }
		switch name {
		case base(table.SchemaProteins):
			return kindProteins, ""
		case base(table.SchemaAlignments):
			return kindAlignments, ""
		case base(table.SchemaMutations):
			return kindMutations, ""
		case base(table.SchemaSites):
			return kindSites, ""
		case base(SchemaQC):
			return kindQC, ""
		}
		return kindUnknown, "wtscan table of unknown schema " + schema
	}
	lr, err := openLines(path)
	if err == errEmpty {
		return kindUnknown, "empty file"
	}
	if err != nil {
		return kindUnknown, err.Error()
	}
	defer lr.close()
	var first []byte
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if len(bytes.TrimSpace(line)) > 0 {
			first = line
			break
		}
	}
	if first == nil {
		if lr.err != nil {
			return kindUnknown, "unreadable: " + lr.err.Error()
		}
		return kindUnknown, "no content (only blank lines)"
	}
	isFASTA := first[0] == '>' || first[0] == '@'
	if !isFASTA && bytes.IndexByte(first, '\t') < 0 {
		// Perhaps sequence before the first header: FASTA if a header follows soon.
		for i := 0; i < 1000 && !isFASTA; i++ {
			line, ok := lr.next()
			if !ok {
				break
			}
			isFASTA = len(line) > 0 && line[0] == '>'
		}
	}
	if isFASTA {
		var seq []byte
		for len(seq) < sniffResidues {
			line, ok := lr.next()
			if !ok {
				break
			}
			if len(line) > 0 && line[0] == '>' {
				continue
			}
			seq = append(seq, bytes.ToUpper(bytes.TrimSpace(line))...)
		}
		if seqio.LooksLikeDNA(seq) {
			return kindAssembly, ""
		}
		return kindProteinFASTA, ""
	}
	cols := map[string]bool{}
	for _, h := range strings.Split(string(first), "\t") {
		cols[strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(h), "#"))] = true
	}
	all := func(names ...string) bool {
		for _, n := range names {
			if !cols[n] {
				return false
			}
		}
		return true
	}
	if _, err := catalog.Detect(path, first); err == nil {
		return kindCatalog, "" // the detector wtscan-subscan uses
	}
	switch {
	case all("sample_id", "assembly"):
		return kindSamples, ""
	case all("aligned_query", "aligned_ref") || all("query_id", "reference_id", "score"):
		return kindAlignments, ""
	case all("hgvs") || all("position", "alt", "type"):
		return kindMutations, ""
	case all("status", "observed"):
		return kindSites, ""
	case all("protein", "contig") || all("protein", "length_aa"):
		return kindProteins, ""
	case all("check", "severity"):
		return kindQC, ""
	}
	return kindUnknown, "not FASTA, and its header matches no wtscan table, sample sheet or catalogue"
}

// folderCatalog is the catalogue inside a folder, or "".
func folderCatalog(dir string) string { return catalog.FolderFile(dir) }
