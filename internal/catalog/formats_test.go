package catalog

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestConfigSchemaFormats: the workflow's config schema offers exactly the
// catalogue formats the loader reads (Formats, the one list; the binaries'
// --catalog-format flags are built from it).
func TestConfigSchemaFormats(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "workflow", "schemas", "config.schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^  catalog_format:\n(?:    .*\n)*?    enum: \[([^\]]*)\]`).FindSubmatch(b)
	if m == nil {
		t.Fatal("config.schema.yaml: no enum under catalog_format")
	}
	var got []string
	for _, f := range strings.Split(string(m[1]), ",") {
		got = append(got, strings.TrimSpace(f))
	}
	if strings.Join(got, ",") != strings.Join(Formats, ",") {
		t.Errorf("config.schema.yaml catalog_format enum %v, catalog.Formats %v", got, Formats)
	}
}
