package samplesheet

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func repoFile(rel string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", rel)
}

// TestSchemaListsTheColumns (issue 12): workflow/schemas/samples.schema.yaml
// and workflow/rules/common.smk list the columns Read knows, with the same
// required ones, id pattern and hits formats.
func TestSchemaListsTheColumns(t *testing.T) {
	b, err := os.ReadFile(repoFile("workflow/schemas/samples.schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	// The top-level properties: keys indented by two spaces under "properties:".
	var props []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case line == "properties:":
			in = true
		case in && len(line) > 0 && line[0] != ' ':
			in = false
		case in && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && strings.HasSuffix(line, ":"):
			props = append(props, strings.TrimSuffix(strings.TrimSpace(line), ":"))
		}
	}
	var names, required []string
	for _, c := range Columns {
		names = append(names, c.Name)
		if c.Required {
			required = append(required, c.Name)
		}
	}
	if !slices.Equal(props, names) {
		t.Errorf("schema properties %v, want the reader's columns %v", props, names)
	}
	if want := "required: [" + strings.Join(required, ", ") + "]"; !strings.Contains(text, "\n"+want+"\n") {
		t.Errorf("schema lacks %q", want)
	}
	if want := `pattern: "` + IDPattern.String() + `"`; !strings.Contains(text, want) {
		t.Errorf("schema lacks %s", want)
	}
	if want := "enum: [" + strings.Join(HitsFormats, ", ") + "]"; !strings.Contains(text, want) {
		t.Errorf("schema lacks %s", want)
	}
	smk, err := os.ReadFile(repoFile("workflow/rules/common.smk"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`SAMPLE_COLUMNS = \[([^\]]*)\]`).FindStringSubmatch(string(smk))
	if m == nil || strings.ReplaceAll(m[1], `"`, "") != strings.Join(names, ", ") {
		t.Errorf("common.smk SAMPLE_COLUMNS = %v, want %v", m, names)
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		ids        []string
		lines      []int
		problems   []string // substrings, one per problem, in order
	}{
		{"plain", "sample_id\tassembly\nS1\ta.fna\nS2\tb.fna\n", []string{"S1", "S2"}, []int{2, 3}, nil},
		{"BOM, CRLF, comments, blank lines", "\ufeff# sheet\r\n\r\nsample_id\tassembly\r\n# skip\r\nS1\ta.fna\r\n", []string{"S1"}, []int{5}, nil},
		{"#-header", "#sample_id\tassembly\tannotation\nS1\t\ta.gbk\n", []string{"S1"}, []int{2}, nil},
		{"hits", "sample_id\tassembly\thits\thits_format\nS1\ta.fna\th.tsv\trgi\n", []string{"S1"}, []int{2}, nil},
		{"short row", "sample_id\tassembly\torganism\nS1\ta.fna\n", []string{"S1"}, []int{2}, nil},
		{"extra field", "sample_id\tassembly\nS1\ta.fna\tx\n", nil, nil, []string{"line 2 (sample \"S1\"): 3 fields"}},
		{"unknown and twice", "sample_id\tassembly\tnotes\tassembly\nS1\ta\n", nil, nil, []string{`unknown column "notes"`, `column "assembly" given twice`}},
		{"no assembly column", "sample_id\tgenome\nS1\ta\n", nil, nil, []string{`unknown column "genome"`, "lacks column assembly"}},
		{"bad and duplicate ids", "sample_id\tassembly\nS 1\ta\nS2\ta\nS2\tb\n", nil, nil, []string{`line 2 (sample "S 1"): sample_id "S 1" does not match`, `line 4 (sample "S2"): sample_id "S2" repeated (first at line 3)`}},
		{"no assembly", "sample_id\tassembly\nS1\t\n", nil, nil, []string{"line 2 (sample \"S1\"): no assembly"}},
		{"hits rules", "sample_id\tassembly\thits\thits_format\nS1\ta\th\t\nS2\ta\th\tblast\n", nil, nil, []string{"go together", `"blast" is not one of`}},
		{"empty", "", nil, nil, []string{"no header line"}},
		{"header only", "# c\nsample_id\tassembly\n", nil, nil, []string{"no samples"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sh, probs := Parse("s.tsv", []byte(tt.text))
			if len(probs) != len(tt.problems) {
				t.Fatalf("problems %v, want %d", probs, len(tt.problems))
			}
			for i, p := range probs {
				if !strings.Contains(p.String(), tt.problems[i]) {
					t.Errorf("problem %q lacks %q", p.String(), tt.problems[i])
				}
			}
			if tt.problems != nil {
				return
			}
			var ids []string
			var lines []int
			for _, s := range sh.Samples {
				ids, lines = append(ids, s.ID), append(lines, s.Line)
			}
			if !slices.Equal(ids, tt.ids) || !slices.Equal(lines, tt.lines) {
				t.Errorf("samples %v at lines %v, want %v at %v", ids, lines, tt.ids, tt.lines)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("sample_id\tassembly\nS1\ta.fna\n"))
	f.Add([]byte("\ufeff#sample_id\tassembly\thits\thits_format\n# c\nS1\t\th\trgi\textra\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sh, probs := Parse("f.tsv", data)
		if len(probs) == 0 {
			for _, s := range sh.Samples {
				if !IDPattern.MatchString(s.ID) || s.Line < 1 {
					t.Fatalf("accepted sample %+v", s)
				}
			}
		}
	})
}
