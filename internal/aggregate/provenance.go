package aggregate

import (
	"slices"
	"strings"

	"github.com/wtscan/wtscan/internal/build"
	"github.com/wtscan/wtscan/internal/fsx"
)

// Provenance is provenance.json.
type Provenance struct {
	Tool       string              `json:"tool"`
	Version    string              `json:"version"`
	Command    string              `json:"command"`
	Catalogues []Catalogue         `json:"catalogues"`
	References []Reference         `json:"references"`
	Metadata   map[string][]string `json:"metadata"` // every wtscan.* key of the inputs' Parquet metadata, distinct values
	Counts     map[string]int      `json:"counts"`
	Inputs     []inputFile         `json:"inputs"`
}

// Catalogue is a catalogue named in the mutations rows.
type Catalogue struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Reference is a reference sequence named in the mutations rows.
type Reference struct {
	Gene string `json:"gene"`
	ID   string `json:"reference_id"`
}

func (c *cohort) provenance(args []string, counts map[string]int) Provenance {
	p := Provenance{
		Tool: "wtscan-aggregate", Version: build.Version, Command: strings.Join(args, " "),
		Metadata: map[string][]string{}, Counts: counts,
		Catalogues: []Catalogue{}, References: []Reference{},
	}
	cats := map[Catalogue]bool{}
	refs := map[Reference]bool{}
	for i := range c.recs {
		k := &c.recs[i]
		if k.CatalogName != "" || k.CatalogVersion != "" {
			cats[Catalogue{k.CatalogName, k.CatalogVersion}] = true
		}
		refs[Reference{k.Gene, k.ReferenceID}] = true
	}
	for k := range cats {
		p.Catalogues = append(p.Catalogues, k)
	}
	slices.SortFunc(p.Catalogues, func(a, b Catalogue) int {
		return strings.Compare(a.Name+"\x00"+a.Version, b.Name+"\x00"+b.Version)
	})
	for k := range refs {
		p.References = append(p.References, k)
	}
	slices.SortFunc(p.References, func(a, b Reference) int {
		return strings.Compare(a.Gene+"\x00"+a.ID, b.Gene+"\x00"+b.ID)
	})
	seen := map[string]map[string]bool{}
	for _, f := range c.files {
		for k, v := range f.Extra {
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			if !seen[k][v] {
				seen[k][v] = true
				p.Metadata[k] = append(p.Metadata[k], v)
			}
		}
	}
	for k := range p.Metadata {
		slices.Sort(p.Metadata[k])
	}
	// Each input once, its key/value metadata summarised above.
	for _, f := range c.files {
		f.Extra = nil
		p.Inputs = append(p.Inputs, f)
	}
	return p
}

// writeJSON writes v as indented JSON, atomically.
func writeJSON(path string, v any) error { return fsx.WriteJSON(path, v) }
