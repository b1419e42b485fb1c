package serve

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"
)

//go:embed config.schema.json
var configSchemaJSON []byte

// Config is wtscan-serve's configuration file (YAML). Every key is checked
// against config.schema.json; unknown keys are refused with their name.
type Config struct {
	Listen       string                   `yaml:"listen" json:"listen"`
	Store        string                   `yaml:"store" json:"store"`
	References   map[string]string        `yaml:"references" json:"references"`
	Catalogs     map[string]CatalogConfig `yaml:"catalogs" json:"catalogs"`
	Auth         AuthConfig               `yaml:"auth" json:"auth"`
	Limits       Limits                   `yaml:"limits" json:"limits"`
	Workers      int                      `yaml:"workers" json:"workers"`
	ThreadsPer   int                      `yaml:"threads_per_job" json:"threads_per_job"`
	ResultsTTL   Duration                 `yaml:"results_ttl" json:"results_ttl"`
	DrainTimeout Duration                 `yaml:"drain_timeout" json:"drain_timeout"`
	Matrix       string                   `yaml:"matrix" json:"matrix"`
	Files        string                   `yaml:"files" json:"files"`
	Lease        Duration                 `yaml:"lease" json:"lease"`

	path string // the file it came from, for messages and reloads
	key  []byte // the signing key, read from auth.key_file or WTSCAN_SERVE_KEY
}

// CatalogConfig is one catalogue: the arguments wtscan-subscan takes for it.
type CatalogConfig struct {
	Path     string `yaml:"path" json:"path"`
	Format   string `yaml:"format" json:"format"`
	Organism string `yaml:"organism" json:"organism"`
	Name     string `yaml:"name" json:"name"`
	Version  string `yaml:"version" json:"version"`
	Strict   bool   `yaml:"strict" json:"strict"` // wtscan-subscan --catalog-strict
}

// AuthConfig says where the signing key is and what needs no token.
type AuthConfig struct {
	KeyFile       string   `yaml:"key_file" json:"key_file"`
	Issuer        string   `yaml:"issuer" json:"issuer"`
	PublicMetrics *bool    `yaml:"public_metrics" json:"public_metrics"`
	MaxTTL        Duration `yaml:"max_ttl" json:"max_ttl"`
}

// Limits bound what one request or subject may ask for.
type Limits struct {
	MaxBodyBytes  int64   `yaml:"max_body_bytes" json:"max_body_bytes"`
	MaxSequences  int     `yaml:"max_sequences" json:"max_sequences"`
	MaxResidues   int     `yaml:"max_residues" json:"max_residues"`
	RatePerSecond float64 `yaml:"rate_per_second" json:"rate_per_second"`
	RateBurst     int     `yaml:"rate_burst" json:"rate_burst"`
	MaxQueued     int     `yaml:"max_queued" json:"max_queued"`
	PageSize      int     `yaml:"page_size" json:"page_size"`
}

// Duration is a time.Duration written as Go writes one ("90s", "168h").
type Duration time.Duration

// UnmarshalYAML reads "90s"; the schema has already checked the form.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 90s or 24h", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Env lists the environment variables that override the file, in the order
// they are applied; docs/serve.md documents them.
var Env = []struct{ Name, Help string }{
	{"WTSCAN_SERVE_LISTEN", "listen address"},
	{"WTSCAN_SERVE_STORE", "job store: a folder, or a postgres:// URL"},
	{"WTSCAN_SERVE_WORKERS", "worker pool size"},
	{"WTSCAN_SERVE_KEY_FILE", "auth.key_file"},
	{"WTSCAN_SERVE_KEY", "the signing key itself (wins over auth.key_file; never logged)"},
}

// LoadConfig reads and checks a configuration file, applies the
// environment overrides and the defaults, and reads the signing key.
func LoadConfig(path string, getenv func(string) string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := checkSchema(path, data); err != nil {
		return nil, err
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.path = path
	if err := c.applyEnv(getenv); err != nil {
		return nil, err
	}
	c.defaults()
	if c.Store == "" {
		return nil, fmt.Errorf("config %s: store is not set (nor WTSCAN_SERVE_STORE)", path)
	}
	if isPostgres(c.Store) && c.Files == "" {
		return nil, fmt.Errorf("config %s: a postgres store needs files: a folder every instance shares", path)
	}
	if strings.Contains(c.Store, "://") && !isPostgres(c.Store) {
		return nil, fmt.Errorf("config %s: store %q: give a folder (bbolt) or a postgres:// URL", path, c.Store)
	}
	if k := getenv("WTSCAN_SERVE_KEY"); k != "" {
		c.key = []byte(k)
	} else if c.Auth.KeyFile != "" {
		key, err := os.ReadFile(c.Auth.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("config %s: auth.key_file: %w", path, err)
		}
		c.key = bytes.TrimRight(key, "\r\n")
	}
	if len(c.key) < 32 {
		return nil, fmt.Errorf("config %s: the signing key (auth.key_file or WTSCAN_SERVE_KEY) must be at least 32 bytes, has %d", path, len(c.key))
	}
	return &c, nil
}

func (c *Config) applyEnv(getenv func(string) string) error {
	if v := getenv("WTSCAN_SERVE_LISTEN"); v != "" {
		c.Listen = v
	}
	if v := getenv("WTSCAN_SERVE_STORE"); v != "" {
		c.Store = v
	}
	if v := getenv("WTSCAN_SERVE_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("WTSCAN_SERVE_WORKERS=%q: want a positive integer", v)
		}
		c.Workers = n
	}
	if v := getenv("WTSCAN_SERVE_KEY_FILE"); v != "" {
		c.Auth.KeyFile = v
	}
	return nil
}

func isPostgres(store string) bool {
	return strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://")
}

func (c *Config) defaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.Workers == 0 {
		c.Workers = 2
	}
	if c.ThreadsPer == 0 {
		c.ThreadsPer = 1
	}
	if c.ResultsTTL == 0 {
		c.ResultsTTL = Duration(7 * 24 * time.Hour)
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = Duration(time.Minute)
	}
	if c.Lease == 0 {
		c.Lease = Duration(30 * time.Second)
	}
	if c.Matrix == "" {
		c.Matrix = "EBLOSUM62"
	}
	if c.Auth.Issuer == "" {
		c.Auth.Issuer = "wtscan-serve"
	}
	if c.Auth.PublicMetrics == nil {
		t := true
		c.Auth.PublicMetrics = &t
	}
	if c.Auth.MaxTTL == 0 {
		c.Auth.MaxTTL = Duration(30 * 24 * time.Hour)
	}
	l := &c.Limits
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = 16 << 20
	}
	if l.MaxSequences == 0 {
		l.MaxSequences = 5000
	}
	if l.MaxResidues == 0 {
		l.MaxResidues = 10000
	}
	if l.RatePerSecond == 0 {
		l.RatePerSecond = 20
	}
	if l.RateBurst == 0 {
		l.RateBurst = 40
	}
	if l.MaxQueued == 0 {
		l.MaxQueued = 1000
	}
	if l.PageSize == 0 {
		l.PageSize = 1000
	}
}

// checkSchema validates the YAML document against config.schema.json, so
// an unknown key, a wrong type or a missing section is named before
// anything starts.
func checkSchema(path string, data []byte) error {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if doc == nil {
		return fmt.Errorf("config %s: empty", path)
	}
	// YAML maps decode as map[string]any; round-trip through JSON so the
	// validator sees JSON types (numbers as json.Number).
	raw, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	sch, err := compiledSchema()
	if err != nil {
		return err
	}
	if err := sch.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("config %s does not match its schema:%s", path, schemaProblems(ve))
		}
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

func compiledSchema() (*jsonschema.Schema, error) {
	s, err := jsonschema.UnmarshalJSON(bytes.NewReader(configSchemaJSON))
	if err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("config.schema.json", s); err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	return c.Compile("config.schema.json")
}

// schemaProblems lists the leaf errors as "at /path: message" lines.
func schemaProblems(ve *jsonschema.ValidationError) string {
	printer := message.NewPrinter(language.English)
	var b strings.Builder
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := "/" + strings.Join(e.InstanceLocation, "/")
			fmt.Fprintf(&b, "\n  at %s: %s", loc, e.ErrorKind.LocalizedString(printer))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return b.String()
}
