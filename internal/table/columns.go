package table

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// column describes one struct field of a row type.
type column struct {
	name     string
	index    int
	kind     reflect.Kind
	optional bool
}

// columnsOf lists the columns of row type T in field order.
func columnsOf(t reflect.Type) ([]column, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("table row type %s is not a struct", t)
	}
	var cols []column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("parquet")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			return nil, fmt.Errorf("table row type %s: field %s has no parquet name", t, f.Name)
		}
		switch f.Type.Kind() {
		case reflect.String, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64, reflect.Bool:
		default:
			return nil, fmt.Errorf("table row type %s: field %s has unsupported type %s", t, f.Name, f.Type)
		}
		cols = append(cols, column{name: name, index: i, kind: f.Type.Kind(), optional: f.Tag.Get("wtscan") == "optional"})
	}
	return cols, nil
}

// Columns returns the column names of row type T, in order.
func Columns[T any]() []string {
	cols, err := columnsOf(reflect.TypeFor[T]())
	if err != nil {
		panic(err) // a programming error in a row type, caught by the package tests
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

var tsvEscaper = strings.NewReplacer("\\", `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

func formatField(v reflect.Value, c column) string {
	switch c.kind {
	case reflect.String:
		return tsvEscaper.Replace(v.String())
	case reflect.Int, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float32:
		return formatFloat(v.Float(), 32)
	case reflect.Float64:
		return formatFloat(v.Float(), 64)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	return ""
}

// formatFloat writes plain decimals for ordinary values (99.9, 1520.5) and
// exponent form only for very small or large ones (a p-value of 1e-300).
func formatFloat(f float64, bits int) string {
	if a := math.Abs(f); a != 0 && (a < 1e-4 || a >= 1e15) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func parseField(v reflect.Value, c column, s string) error {
	if err := SetField(v, s); err != nil {
		return fmt.Errorf("column %s: %w", c.name, err)
	}
	return nil
}

// SetField parses one TSV value into v (a string, integer, float or bool
// field) with the reader's rules: backslash escapes, empty or NA numbers as
// zero, true/false/1/0/yes/no for booleans.
func SetField(v reflect.Value, s string) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(unescape(s))
	case reflect.Int, reflect.Int32, reflect.Int64:
		if s == "" || s == "NA" {
			v.SetInt(0)
			return nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return fmt.Errorf("%q is not an integer", s)
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		if s == "" || s == "NA" {
			v.SetFloat(0)
			return nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	case reflect.Bool:
		switch strings.ToLower(s) {
		case "true", "1", "yes", "t":
			v.SetBool(true)
		case "false", "0", "no", "f", "":
			v.SetBool(false)
		default:
			return fmt.Errorf("%q is not true/false", s)
		}
	}
	return nil
}

// Column is one column of a row type: its name, struct field index and
// whether a TSV file may leave it out.
type Column struct {
	Name     string
	Field    int
	Optional bool
}

// ColumnsOf lists the columns of row type T, in order.
func ColumnsOf[T any]() []Column {
	cols, err := columnsOf(reflect.TypeFor[T]())
	if err != nil {
		panic(err) // a programming error in a row type, caught by the package tests
	}
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = Column{Name: c.name, Field: c.index, Optional: c.optional}
	}
	return out
}
