package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func smallData() *Data {
	p := &Pair{Level: "mutation", A: "gyrA_S83L", B: "parC_S80I", N11: 3, N10: 1, N01: 0, N00: 6, Jaccard: 0.75, OR: 45.5, P: 0.033, Q: 0.04}
	return &Data{
		Title: "Cohort <one>", Version: "test", Command: "wtscan-aggregate --mutations m.tsv",
		Summary: []Stat{{"samples", "10"}, {"genes", "2"}},
		Heatmap: Heatmap{
			Columns:      []Column{{"gyrA_S83L", "gyrA", true, 4, 0.4}, {"parC_S80I", "parC", true, 3, 0.3}, {"gyrA_A67T", "gyrA", false, 1, 0.1}},
			Rows:         []Row{{Label: "s1", Samples: 1, Cells: []int8{1, 1, 0}}, {Label: "s2", Samples: 1, Cells: []int8{1, -1, 1}}},
			Samples:      2,
			TotalChanges: 3,
		},
		Genes: []Gene{{Name: "gyrA", Length: 878, Samples: 5, Changes: []Lollipop{
			{Position: 83, Symbol: "gyrA_S83L", Short: "S83L", Type: "substitution", Known: true, Samples: 4, Frequency: 0.4},
			{Position: 67, Symbol: "gyrA_A67T", Short: "A67T", Type: "substitution", Samples: 1, Frequency: 0.1},
		}}},
		Cooc:      Cooc{Level: "mutation", Names: []string{"gyrA_S83L", "parC_S80I"}, Known: []bool{true, true}, Cells: [][]*Pair{{}, {p}}, Tests: 1},
		Pairs:     []Pair{*p},
		DrugClass: []Bar{{"fluoroquinolone", 5, 10}},
		Profiles:  []Bar{{"gyrA_S83L; parC_S80I", 3, 10}, {"no known change", 5, 10}},
		QC: &QC{Source: "qc.json", Total: 1, Severity: []Bar{{"error", 1, 1}},
			Checks:   []QCCheck{{"error", "alphabet", 1}},
			Findings: []QCFinding{{"error", "alphabet", "a.faa", "r1", `bad <script>alert("x")</script>`}}},
		Catalogues: []string{"testcat 2"},
		Notes:      []string{"a note"},
	}
}

func TestRenderGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, smallData()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "small.html")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("report differs from %s (run go test -update and review the diff)", golden)
	}
}

func TestRenderContent(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, smallData()); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{
		`class="plot heatmap"`, `class="plot lollipop"`, `class="plot cooc"`, `class="plot bars"`,
		`fill="url(#nc)"`,                          // s2's not-covered cell is hatched
		`Cohort &lt;one&gt;`,                       // title escaped
		`data-tip="gyrA_S83L × parC_S80I · both 3`, // co-occurrence tooltip
		`<circle cx=`,                              // q < 0.05 dot and lollipop heads
		`id="qc"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, `<script>alert`) {
		t.Error("a QC message was not escaped")
	}
	if n := strings.Count(html, "<script>"); n != 1 {
		t.Errorf("%d script elements, want 1 (ours)", n)
	}
}

func TestRenderEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, &Data{Title: "empty"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"No changes to draw", "Fewer than two changes"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("empty report lacks %q", want)
		}
	}
	if strings.Contains(buf.String(), `id="qc"`) {
		t.Error("QC section without a QC report")
	}
}

func TestFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{sci(0), "< 1e-300"}, {sci(0.0421), "0.042"}, {sci(3.2e-9), "3.2e-09"},
		{sig(45.4567), "45.5"}, {pct(1, 3), "33%"}, {pct(1, 200), "0.5%"}, {pct(0, 0), "0%"},
		{humanInt(1234567), "1,234,567"}, {humanInt(12), "12"},
		{divergent(0, 5), "rgb(247,247,247)"}, {divergent(10, 5), "rgb(178,24,43)"}, {divergent(-5, 5), "rgb(33,102,172)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
