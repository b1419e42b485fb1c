package serve

import (
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"
)

var docsTmpl = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
code{background:#f3f3f3;padding:0 .2em}.m{display:inline-block;min-width:4.5em;font-weight:bold}
section{border-top:1px solid #ddd;padding:.5rem 0}</style></head>
<body><h1>{{.Title}} {{.Version}}</h1><p>{{.Description}}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI {{.OpenAPI}}). Jobs: <a href="ui">ui</a>.</p>
{{range .Ops}}<section id="{{.ID}}"><h2><span class="m">{{.Method}}</span> <code>{{.Path}}</code></h2>
<p><b>{{.Summary}}</b></p><p>{{.Description}}</p>
{{if .Scope}}<p>Scope: <code>{{.Scope}}</code></p>{{end}}
<p>Answers: {{range .Codes}}<code>{{.}}</code> {{end}}</p></section>{{end}}
</body></html>`))

type docOp struct {
	ID, Method, Path, Summary, Description, Scope string
	Codes                                         []string
}

// docs renders the OpenAPI document as a self-contained page.
func (s *Server) docs(w http.ResponseWriter, r *http.Request) {
	var spec struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Title, Version, Description string
		} `json:"info"`
		Paths map[string]map[string]struct {
			OperationID string                     `json:"operationId"`
			Summary     string                     `json:"summary"`
			Description string                     `json:"description"`
			Security    []map[string][]string      `json:"security"`
			Responses   map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openapiJSON, &spec); err != nil {
		s.internal(w, err)
		return
	}
	var ops []docOp
	for path, methods := range spec.Paths {
		for m, op := range methods {
			d := docOp{ID: op.OperationID, Method: strings.ToUpper(m), Path: path, Summary: op.Summary, Description: op.Description}
			for _, sec := range op.Security {
				for _, sc := range sec {
					d.Scope = strings.Join(sc, " ")
				}
			}
			for code := range op.Responses {
				d.Codes = append(d.Codes, code)
			}
			sort.Strings(d.Codes)
			ops = append(ops, d)
		}
	}
	sort.Slice(ops, func(a, b int) bool {
		if ops[a].Path != ops[b].Path {
			return ops[a].Path < ops[b].Path
		}
		return ops[a].Method < ops[b].Method
	})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = docsTmpl.Execute(w, map[string]any{"Title": spec.Info.Title, "Version": spec.Info.Version, "Description": spec.Info.Description,
		"OpenAPI": spec.OpenAPI, "Ops": ops})
}
