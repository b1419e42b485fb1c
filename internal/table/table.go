// Package table writes and reads wtscan's tables. A table is a Go struct type
// whose fields carry `parquet:"name,..."` tags; the same rows are written as
// Parquet (zstd, bounded row groups, key/value metadata with version, schema,
// command and input digests) or as TSV with the same columns, chosen by the
// output file's extension (.parquet, .tsv, .tsv.gz; "-" is TSV on stdout).
//
// Readers accept both forms: Parquet files must carry the expected
// `wtscan.schema` name and version; TSV files must have every required column
// in their header (fields tagged `wtscan:"optional"` may be absent).
// Writes are atomic: nothing appears at the target until Close succeeds.
package table

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/build"
	"github.com/wtscan/wtscan/internal/fsx"
)

// Metadata keys written in every Parquet file.
const (
	KeyVersion = "wtscan.version"
	KeySchema  = "wtscan.schema"
	KeyCommand = "wtscan.command"
	KeyInputs  = "wtscan.inputs"
)

// Meta is the provenance a table carries.
type Meta struct {
	Schema  string            // name/version, for example "alignments/1"
	Version string            // wtscan version that wrote the table (filled by the writer)
	Command string            // command line
	Inputs  map[string]string // input path -> SHA-256 of its bytes
	Extra   map[string]string // more key/value metadata, for example a catalogue digest
}

// NewMeta returns metadata for schema with the command line args and the
// SHA-256 of each existing input file (paths that are "-" or missing are skipped).
func NewMeta(schema string, args []string, inputs ...string) (Meta, error) {
	m := Meta{Schema: schema, Command: strings.Join(args, " "), Inputs: map[string]string{}}
	for _, p := range inputs {
		if p == "" || p == "-" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil || st.IsDir() {
			continue
		}
		sum, err := fsx.SHA256File(p)
		if err != nil {
			return m, err
		}
		m.Inputs[p] = sum
	}
	return m, nil
}

func (m Meta) keyValues() [][2]string {
	kv := [][2]string{
		{KeyVersion, build.Version},
		{KeySchema, m.Schema},
		{KeyCommand, m.Command},
	}
	inputs, _ := json.Marshal(m.Inputs) // map keys are sorted by encoding/json
	kv = append(kv, [2]string{KeyInputs, string(inputs)})
	keys := make([]string, 0, len(m.Extra))
	for k := range m.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kv = append(kv, [2]string{k, m.Extra[k]})
	}
	return kv
}

// Format is a table's on-disk form.
type Format int

const (
	Parquet Format = iota
	TSV
	TSVGzip
)

// FormatOf picks the format from a path's extension.
func FormatOf(path string) (Format, error) {
	switch {
	case path == "-":
		return TSV, nil
	case strings.HasSuffix(path, ".parquet"):
		return Parquet, nil
	case strings.HasSuffix(path, ".tsv"):
		return TSV, nil
	case strings.HasSuffix(path, ".tsv.gz"):
		return TSVGzip, nil
	}
	return 0, fmt.Errorf("%s: unknown table format (use .parquet, .tsv or .tsv.gz)", path)
}

// SchemaName splits "alignments/1" into its name and version.
func SchemaName(s string) (name string, version int, err error) {
	name, v, ok := strings.Cut(s, "/")
	if !ok {
		return "", 0, fmt.Errorf("schema %q is not name/version", s)
	}
	version, err = strconv.Atoi(v)
	if err != nil {
		return "", 0, fmt.Errorf("schema %q is not name/version", s)
	}
	return name, version, nil
}

// checkSchema compares a file's schema metadata with what the reader wants.
// versionNews says what a schema version changed, for the message a reader
// gives on meeting an older table.
var versionNews = map[string]string{
	SchemaProteins:   "version 2 adds nucleotide targets and the molecule column",
	SchemaAlignments: "version 2 adds nucleotide targets and the molecule column",
	SchemaMutations:  "version 2 adds nucleotide changes and the molecule, copies and copies_with columns",
	SchemaSites:      "version 2 adds nucleotide sites and the molecule, copies and copies_mut columns",
}

func checkSchema(path, got, want string) error {
	wn, wv, err := SchemaName(want)
	if err != nil {
		return err
	}
	if got == "" {
		return fmt.Errorf("%s: not a wtscan %s table (no %s metadata; written by another tool?)", path, wn, KeySchema)
	}
	gn, gv, err := SchemaName(got)
	if err != nil {
		return fmt.Errorf("%s: bad %s metadata: %w", path, KeySchema, err)
	}
	if gn != wn {
		return fmt.Errorf("%s: is a %s table, expected %s", path, gn, wn)
	}
	if gv < wv {
		return fmt.Errorf("%s: %s table version %d was written by an older wtscan; this one reads version %d (%s): rerun the step that made it", path, gn, gv, wv, versionNews[wn+"/"+strconv.Itoa(wv)])
	}
	if gv != wv {
		return fmt.Errorf("%s: %s table version %d, this wtscan reads version %d (written by a newer wtscan?)", path, gn, gv, wv)
	}
	return nil
}

// Sniff returns the schema of a Parquet table (empty for TSV or non-wtscan files).
func Sniff(path string) (string, error) {
	f, err := FormatOf(path)
	if err != nil || f != Parquet {
		return "", err
	}
	pf, closer, err := openParquet(path)
	if err != nil {
		return "", err
	}
	defer closer()
	v, _ := pf.Lookup(KeySchema)
	return v, nil
}
