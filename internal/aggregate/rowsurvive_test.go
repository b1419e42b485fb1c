package aggregate

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wtscan/wtscan/internal/table"
)

// TestEveryMutationColumnSurvives: a mutations/2 row goes into
// cohort_mutations (labelled mutations/2) with every column as subscan wrote
// it — the combination rule and whether the sample meets it included.
func TestEveryMutationColumnSurvives(t *testing.T) {
	dir := t.TempDir()
	in := []table.Mutation{{
		SampleID: "S1", Gene: "gyrA", Copy: 1, ReferenceID: "gyrA_1", Position: 83, EndPosition: 83,
		Ref: "S", Alt: "L", Type: "substitution", HGVS: "p.Ser83Leu", Short: "S83L", Symbol: "gyrA_S83L",
		CodonRef: "TCG", CodonAlt: "TTG", Known: true, CatalogID: "c1", DrugClasses: "quinolone",
		Phenotype: "ciprofloxacin", PMIDs: "1", CatalogName: "mine", CatalogVersion: "2",
		RetainedPct: 12.5, RequiredMut: "gyrA_D87N", RequiredMet: true,
		Molecule: table.MoleculeProtein, Copies: 2, CopiesWith: 1,
	}}
	// every field is set: a new column must be given a value here
	v := reflect.ValueOf(in[0])
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			t.Fatalf("field %s of the test row is empty: give it a value", v.Type().Field(i).Name)
		}
	}
	muts := filepath.Join(dir, "m.parquet")
	meta, _ := table.NewMeta(table.SchemaMutations, nil)
	w, err := table.Create[table.Mutation](muts, meta)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(in...)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "cohort")
	if code, stderr := runMain(t, "--mutations", muts, "--out-dir", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _, err := table.ReadAll[table.Mutation](filepath.Join(out, OutCohortMutations+".parquet"), table.SchemaMutations)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], in[0]) {
		t.Errorf("cohort_mutations %+v\nwant %+v", got, in)
	}
}
