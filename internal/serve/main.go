// Package serve is wtscan-serve: the alignment steps behind an
// authenticated batch API. A job's sequences become a proteins table in its
// folder; a worker runs wtscan-align and wtscan-subscan on it in-process
// (their Main, with the arguments a person would give), so the tables are
// the step binaries' own, row for row. Jobs live in an embedded bbolt store
// and survive a crash; metrics are Prometheus text.
package serve

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/wtscan/wtscan/internal/build"
	"github.com/wtscan/wtscan/internal/cli"
)

const description = `Serve wtscan's alignment steps as a batch API: POST proteins or CDS, get
alignments, changes and catalogue hits back (the same rows as wtscan-align and
wtscan-subscan). See docs/serve.md.

  wtscan-serve --config FILE                          run the server
  wtscan-serve token --config FILE --subject NAME --scope submit,read [--ttl 1h]`

// ServeCLI is the server's command line.
type ServeCLI struct {
	cli.Shared
	Config string `required:"" type:"existingfile" placeholder:"FILE" help:"Configuration (YAML; see docs/serve.md). Environment variables WTSCAN_SERVE_* override it."`
}

// TokenCLI is 'wtscan-serve token'.
type TokenCLI struct {
	cli.Shared
	Config  string        `required:"" type:"existingfile" placeholder:"FILE" help:"Configuration whose signing key and issuer to use."`
	Subject string        `required:"" placeholder:"NAME" help:"Subject (who the token is for): jobs belong to it."`
	Scope   string        `required:"" placeholder:"LIST" help:"Comma-separated scopes: submit, read, admin."`
	TTL     time.Duration `default:"24h" help:"Validity."`
}

// Main runs wtscan-serve and returns its exit code. ctx ending (SIGTERM)
// drains the server; SIGHUP reloads its configuration.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return MainEnv(ctx, args, stdin, stdout, stderr, os.Getenv)
}

// MainEnv is Main with the environment given (tests).
func MainEnv(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "token" {
		return tokenMain(ctx, args[1:], stdin, stdout, stderr, getenv)
	}
	var c ServeCLI
	env, code, ok := cli.Parse(ctx, "wtscan-serve", description, &c, &c.Shared, args, stdin, stdout, stderr)
	if !ok {
		return code
	}
	conf, err := LoadConfig(c.Config, getenv)
	if err != nil {
		return env.Fail(err)
	}
	env.Started(map[string]any{"config": c.Config, "listen": conf.Listen, "store": redact(conf.Store), "workers": conf.Workers})
	srv, err := New(conf, env.Log)
	if err != nil {
		return env.Fail(err)
	}
	ln, err := net.Listen("tcp", conf.Listen)
	if err != nil {
		srv.store.close()
		return env.Fail(fmt.Errorf("listen %s: %w", conf.Listen, err))
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	if err := srv.Run(ctx, ln, hup, getenv); err != nil {
		return env.Fail(err)
	}
	return env.Done(map[string]any{"version": build.Version})
}

// redact hides a password in a postgres:// URL.
func redact(store string) string {
	if u, err := url.Parse(store); err == nil && u.User != nil {
		return u.Redacted()
	}
	return store
}

func tokenMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	var c TokenCLI
	env, code, ok := cli.Parse(ctx, "wtscan-serve token", "Print a signed token (JWT, HS256) for a subject and scopes.", &c, &c.Shared, args, stdin, stdout, stderr)
	if !ok {
		return code
	}
	conf, err := LoadConfig(c.Config, getenv)
	if err != nil {
		return env.Fail(err)
	}
	scopes, err := ParseScopes(c.Scope)
	if err != nil {
		return env.Fail(fmt.Errorf("--scope: %w", err))
	}
	if c.TTL <= 0 || c.TTL > time.Duration(conf.Auth.MaxTTL) {
		return env.Fail(fmt.Errorf("--ttl %s: must be positive and at most auth.max_ttl (%s)", c.TTL, time.Duration(conf.Auth.MaxTTL)))
	}
	if !sampleIDRe.MatchString(c.Subject) {
		return env.Fail(fmt.Errorf("--subject %q: use letters, digits, '.', '_' and '-'", c.Subject))
	}
	tok, err := NewToken(conf.key, conf.Auth.Issuer, c.Subject, scopes, c.TTL, time.Now())
	if err != nil {
		return env.Fail(err)
	}
	fmt.Fprintln(stdout, tok)
	return cli.ExitOK
}
