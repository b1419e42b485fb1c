package serve

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	base := writeConfig(t, dir, "")
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	write := func(extra string) string {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, append(append([]byte{}, data...), extra...), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct{ name, extra, want string }{
		{"unknown top-level key", "wokers: 3\n", "additional properties 'wokers' not allowed"},
		{"unknown nested key", "limits:\n  max_sequence: 3\n", "at /limits: additional properties 'max_sequence' not allowed"},
		{"wrong type", "workers: many\n", "at /workers: got string, want integer"},
		{"bad duration", "results_ttl: 3 days\n", "at /results_ttl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(write(tc.extra), noEnv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
	t.Run("key itself in the file is refused", func(t *testing.T) {
		_, err := LoadConfig(write("auth_key: abc\n"), noEnv)
		if err == nil || !strings.Contains(err.Error(), "'auth_key'") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("short key", func(t *testing.T) {
		_, err := LoadConfig(base, func(k string) string {
			if k == "WTSCAN_SERVE_KEY" {
				return "short"
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), "at least 32 bytes, has 5") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("environment overrides", func(t *testing.T) {
		env := map[string]string{"WTSCAN_SERVE_LISTEN": "127.0.0.1:9999", "WTSCAN_SERVE_WORKERS": "5",
			"WTSCAN_SERVE_STORE": filepath.Join(dir, "other"), "WTSCAN_SERVE_KEY": strings.Repeat("k", 40)}
		c, err := LoadConfig(base, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if c.Listen != "127.0.0.1:9999" || c.Workers != 5 || c.Store != env["WTSCAN_SERVE_STORE"] || string(c.key) != env["WTSCAN_SERVE_KEY"] {
			t.Fatalf("overrides not applied: %+v", c)
		}
		env["WTSCAN_SERVE_WORKERS"] = "0"
		if _, err := LoadConfig(base, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "WTSCAN_SERVE_WORKERS") {
			t.Fatalf("bad WTSCAN_SERVE_WORKERS: %v", err)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		c, err := LoadConfig(base, noEnv)
		if err != nil {
			t.Fatal(err)
		}
		if c.Workers != 2 || c.Limits.MaxSequences != 5000 || time.Duration(c.ResultsTTL) != 7*24*time.Hour || !*c.Auth.PublicMetrics {
			t.Fatalf("defaults: %+v", c)
		}
	})
	t.Run("missing reference file", func(t *testing.T) {
		c, err := LoadConfig(base, noEnv)
		if err != nil {
			t.Fatal(err)
		}
		c.References["gone"] = filepath.Join(dir, "gone.fa")
		if _, err := New(c, testLogger()); err == nil || !strings.Contains(err.Error(), "references gone") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestTokenCommand: 'wtscan-serve token' prints a token the server accepts,
// with the scopes asked for.
func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	conf := writeConfig(t, dir, "")
	var out, errb bytes.Buffer
	code := MainEnv(context.Background(), []string{"token", "--config", conf, "--subject", "lab1", "--scope", "read,submit", "--ttl", "1h"}, nil, &out, &errb, noEnv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	c, err := verifyToken([]byte(testKey), "wtscan-serve", strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "lab1" || c.Scope != "read submit" || c.Admin() || time.Until(c.ExpiresAt.Time) > time.Hour {
		t.Fatalf("claims %+v", c)
	}
	if strings.Contains(errb.String(), testKey) {
		t.Fatal("the key appears in the log")
	}
	for _, args := range [][]string{
		{"--scope", "write"},
		{"--scope", "read", "--ttl", "10000h"},
		{"--scope", "read", "--subject", "a b"},
	} {
		full := append([]string{"token", "--config", conf, "--subject", "lab1"}, args...)
		out.Reset()
		errb.Reset()
		if code := MainEnv(context.Background(), full, nil, &out, &errb, noEnv); code == 0 || out.Len() > 0 {
			t.Errorf("%v: exit %d, printed %q", args, code, out.String())
		}
	}
}

// TestOpenAPI validates the served document as OpenAPI 3.1 and checks it
// names every route the server has.
func TestOpenAPI(t *testing.T) {
	doc, err := libopenapi.NewDocument(openapiJSON)
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Fatalf("OpenAPI version %s", v)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	ok, verrs := v.ValidateDocument()
	if !ok {
		for _, e := range verrs {
			t.Errorf("%s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s at %s", se.Reason, se.FieldPath)
			}
		}
		t.FailNow()
	}
	// The validator does catch a broken document (an operation without responses).
	broken, err := libopenapi.NewDocument(bytes.Replace(openapiJSON, []byte(`"responses"`), []byte(`"responsez"`), 1))
	if err != nil {
		t.Fatal(err)
	}
	bv, _ := validator.NewValidator(broken)
	if ok, _ := bv.ValidateDocument(); ok {
		t.Fatal("a document with an operation lacking responses passed validation")
	}
	model, berrs := doc.BuildV3Model()
	if berrs != nil {
		t.Fatal(berrs)
	}
	want := []string{"/alignments/batch", "/alignments", "/alignments/{id}/status", "/alignments/{id}/results", "/alignments/{id}",
		"/health", "/metrics", "/openapi.json", "/docs", "/ui"}
	paths := model.Model.Paths.PathItems
	if paths.Len() != len(want) {
		t.Errorf("the document has %d paths, the server %d", paths.Len(), len(want))
	}
	for _, p := range want {
		if _, ok := paths.Get(p); !ok {
			t.Errorf("path %s missing from openapi.json", p)
		}
	}
}
