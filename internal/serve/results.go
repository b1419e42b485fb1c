package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/table"
)

// Result tables of a job, in the order the JSON answer lists them.
var resultTables = []string{"alignments", "mutations", "sites"}

// Media types of the result formats.
const (
	mediaJSON    = "application/json"
	mediaTSV     = "text/tab-separated-values"
	mediaParquet = "application/vnd.apache.parquet"
)

// format picks the answer's format: ?format= first, then Accept.
func resultFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "json", "tsv", "parquet":
		return f, nil
	case "":
	default:
		return "", fmt.Errorf("format %q: use json, tsv or parquet", f)
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch mt {
		case mediaTSV:
			return "tsv", nil
		case mediaParquet, "application/x-parquet":
			return "parquet", nil
		case mediaJSON:
			return "json", nil
		}
	}
	return "json", nil
}

// page is one page of the JSON answer.
type page struct {
	Job       string                     `json:"job"`
	Offset    int                        `json:"offset"`
	Limit     int                        `json:"limit"`
	Total     map[string]int             `json:"total"`
	Tables    map[string]json.RawMessage `json:"tables"`
	NextPage  string                     `json:"next,omitempty"`
	Columns   map[string][]string        `json:"columns"`
	Catalogue string                     `json:"catalog,omitempty"`
}

func (s *Server) results(w http.ResponseWriter, r *http.Request, c *Claims) {
	j, ok := s.visibleJob(w, r, c)
	if !ok {
		return
	}
	if j.State != StateDone {
		s.fail(w, http.StatusConflict, "conflict", "job %s is %s: results come when it is done", j.ID, j.State)
		return
	}
	format, err := resultFormat(r)
	if err != nil {
		s.fail(w, http.StatusBadRequest, "bad_input", "%v", err)
		return
	}
	q := r.URL.Query()
	want := resultTables
	if t := q.Get("table"); t != "" {
		if !contains(resultTables, t) {
			s.fail(w, http.StatusBadRequest, "bad_input", "table %q: use alignments, mutations or sites", t)
			return
		}
		want = []string{t}
	} else if format != "json" {
		want = []string{"mutations"} // a file holds one table
	}
	for _, t := range want {
		if t == "sites" && j.Catalog == "" && format != "json" {
			s.fail(w, http.StatusNotFound, "not_found", "job %s has no sites table: it was run without a catalogue", j.ID)
			return
		}
	}
	switch format {
	case "tsv", "parquet":
		ext, media := ".tsv", mediaTSV+"; charset=utf-8"
		if format == "parquet" {
			ext, media = ".parquet", mediaParquet
		}
		name := want[0] + ext
		f, err := os.Open(s.jobFile(j.ID, name))
		if err != nil {
			s.internal(w, err)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			s.internal(w, err)
			return
		}
		w.Header().Set("Content-Type", media)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s"`, j.ID, name))
		http.ServeContent(w, r, name, st.ModTime(), f)
		return
	}
	limit := s.cfg().Limits.PageSize
	offset := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > limit {
			s.fail(w, http.StatusBadRequest, "bad_input", "limit %q: a number from 1 to %d", v, limit)
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.fail(w, http.StatusBadRequest, "bad_input", "offset %q: a number from 0", v)
			return
		}
		offset = n
	}
	p := page{Job: j.ID, Offset: offset, Limit: limit, Total: map[string]int{}, Tables: map[string]json.RawMessage{},
		Columns: map[string][]string{}, Catalogue: j.Catalog}
	more := false
	for _, t := range want {
		var rows json.RawMessage
		var total int
		var cols []string
		switch t {
		case "alignments":
			rows, total, cols, err = jsonRows[table.Alignment](s.jobFile(j.ID, "alignments.parquet"), table.SchemaAlignments, offset, limit)
		case "mutations":
			rows, total, cols, err = jsonRows[table.Mutation](s.jobFile(j.ID, "mutations.parquet"), table.SchemaMutations, offset, limit)
		case "sites":
			if j.Catalog == "" {
				rows, cols = json.RawMessage("[]"), table.Columns[table.Site]()
				break
			}
			rows, total, cols, err = jsonRows[table.Site](s.jobFile(j.ID, "sites.parquet"), table.SchemaSites, offset, limit)
		}
		if err != nil {
			s.internal(w, err)
			return
		}
		p.Tables[t], p.Total[t], p.Columns[t] = rows, total, cols
		more = more || offset+limit < total
	}
	if more {
		v := r.URL.Query()
		v.Set("offset", strconv.Itoa(offset+limit))
		v.Set("limit", strconv.Itoa(limit))
		p.NextPage = r.URL.Path + "?" + v.Encode()
	}
	writeJSON(w, http.StatusOK, p)
}

// jsonRows reads a table and writes rows offset..offset+limit as JSON
// objects whose keys are the table's columns, in column order.
func jsonRows[T any](path, schema string, offset, limit int) (json.RawMessage, int, []string, error) {
	rows, _, err := table.ReadAll[T](path, schema)
	if err != nil {
		return nil, 0, nil, err
	}
	cols := table.ColumnsOf[T]()
	names := make([]string, len(cols))
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		names[i] = c.Name
		keys[i], _ = json.Marshal(c.Name)
	}
	var b bytes.Buffer
	b.WriteByte('[')
	end := min(len(rows), offset+limit)
	for i := offset; i < end; i++ {
		if i > offset {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		v := reflect.ValueOf(&rows[i]).Elem()
		for k, c := range cols {
			if k > 0 {
				b.WriteByte(',')
			}
			b.Write(keys[k])
			b.WriteByte(':')
			val, err := json.Marshal(v.Field(c.Field).Interface())
			if err != nil {
				return nil, 0, nil, fmt.Errorf("%s row %d column %s: %w", path, i+1, c.Name, err)
			}
			b.Write(val)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.Bytes(), len(rows), names, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
