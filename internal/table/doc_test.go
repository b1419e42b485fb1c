package table

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the column tables of README.md and docs/tables.md from the row types")

// stepTables are the tables the step binaries write, in data-flow order.
var stepTables = []struct {
	schema, writer, row string
	typ                 reflect.Type
}{
	{SchemaProteins, "extract", "gene copy found in a sample", reflect.TypeFor[Protein]()},
	{SchemaAlignments, "align", "query × reference pair", reflect.TypeFor[Alignment]()},
	{SchemaMutations, "subscan", "change against the reference", reflect.TypeFor[Mutation]()},
	{SchemaSites, "subscan", "sample × catalogue site", reflect.TypeFor[Site]()},
}

// readmeTable is the README's table of the step tables: required columns,
// then (+ the optional ones), from the row types.
func readmeTable(t *testing.T) string {
	var b strings.Builder
	b.WriteString("| table | written by | one row per | columns |\n|---|---|---|---|\n")
	for _, st := range stepTables {
		cols, err := columnsOf(st.typ)
		if err != nil {
			t.Fatal(err)
		}
		var req, opt []string
		for _, c := range cols {
			if c.optional {
				opt = append(opt, c.name)
			} else {
				req = append(req, c.name)
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | `%s`", st.schema, st.writer, st.row, strings.Join(req, ", "))
		if len(opt) > 0 {
			fmt.Fprintf(&b, " (+ `%s`)", strings.Join(opt, ", "))
		}
		b.WriteString(" |\n")
	}
	return b.String()
}

// tablesDoc is docs/tables.md: every column of every step table with its
// Parquet type and whether a TSV file may leave it out.
func tablesDoc(t *testing.T) string {
	var b strings.Builder
	b.WriteString("# Tables\n\nGenerated from the row types of `internal/table` by `go test ./internal/table -run TestTablesDoc -update`;\n" +
		"the test fails when this page or the README's table differs from the code.\n\n" +
		"Every table is Parquet (zstd) or TSV with the same columns. Parquet files carry `wtscan.schema` (below),\n" +
		"`wtscan.version`, `wtscan.command` and `wtscan.inputs`; readers check the schema name and version. A TSV file\n" +
		"must have every required column; optional columns may be left out (they read as empty, 0 or false).\n" +
		"Adding a column keeps a schema's version; renaming or retyping one bumps it.\n")
	for _, st := range stepTables {
		cols, err := columnsOf(st.typ)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "\n## `%s`\n\nWritten by wtscan-%s; one row per %s.\n\n| column | type | required |\n|---|---|---|\n", st.schema, st.writer, st.row)
		for _, c := range cols {
			req := "yes"
			if c.optional {
				req = "no"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.name, st.typ.Field(c.index).Type.Kind(), req)
		}
	}
	return b.String()
}

const readmeBegin, readmeEnd = "<!-- tables:begin (generated: go test ./internal/table -run TestTablesDoc -update) -->\n", "<!-- tables:end -->\n"

// TestTablesDoc: the README's table of columns and docs/tables.md say what
// the row types say.
func TestTablesDoc(t *testing.T) {
	root := filepath.Join("..", "..")
	readme := filepath.Join(root, "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i, j := strings.Index(s, readmeBegin), strings.Index(s, readmeEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q ... %q around the table of columns", readmeBegin, readmeEnd)
	}
	want := s[:i+len(readmeBegin)] + readmeTable(t) + s[j:]
	doc := filepath.Join(root, "docs", "tables.md")
	if *update {
		if err := os.WriteFile(readme, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(doc, []byte(tablesDoc(t)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != s {
		t.Errorf("README.md's table of columns differs from the row types: run go test ./internal/table -run TestTablesDoc -update")
	}
	got, err := os.ReadFile(doc)
	if err != nil || string(got) != tablesDoc(t) {
		t.Errorf("docs/tables.md differs from the row types (%v): run go test ./internal/table -run TestTablesDoc -update", err)
	}
}
