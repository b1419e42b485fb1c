// Package cli holds what every wtscan binary shares: the common flags, kong
// parsing that runs in-process (so tests call Main directly), the zerolog
// logger, the progress bar and the exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/rs/zerolog"
	"golang.org/x/term"

	"github.com/wtscan/wtscan/internal/build"
	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/fsx"
)

// Exit codes of every wtscan binary.
const (
	ExitOK    = 0
	ExitFail  = 1 // bad input, I/O error, failed checks
	ExitUsage = 2
)

// Shared are the flags every binary takes; embed it in a step's CLI struct.
type Shared struct {
	Threads   int              `short:"j" default:"0" help:"Worker threads (0: all CPUs). Output does not depend on it."`
	LogLevel  string           `enum:"debug,info,warn,error" default:"info" help:"Log level (${enum})."`
	LogFormat string           `enum:"auto,json,console" default:"auto" help:"Log format: json, console, or auto (console on a terminal, JSON otherwise)."`
	Progress  string           `enum:"auto,always,never" default:"auto" help:"Progress bar on standard error (${enum}); auto shows it on a terminal."`
	Version   kong.VersionFlag `help:"Print the version and exit."`

	// MetricsFile does not change what a run writes, so it is a runtime flag.
	MetricsFile string `type:"path" placeholder:"FILE" help:"Also write Prometheus text-format metrics of this run (success, duration, the summary's counts) to FILE, for node_exporter's textfile collector (.prom)."`
}

// NumThreads resolves --threads 0 to the number of CPUs.
func (s *Shared) NumThreads() int {
	if s.Threads <= 0 {
		return runtime.NumCPU()
	}
	return s.Threads
}

// Env is what a step's Main receives and passes down: its streams and logger.
type Env struct {
	Ctx    context.Context
	Args   []string // the command line, program name first, without runtime flags (-j, --log-*, --progress)
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Log    zerolog.Logger
	Start  time.Time
	shared *Shared
}

type exitCode int

// Parse parses args into cli (a pointer to a struct embedding Shared) and
// builds the logger. When it returns ok=false the caller returns code:
// 0 after --help or --version, 2 for a usage error.
func Parse(ctx context.Context, name, description string, cli any, shared *Shared, args []string, stdin io.Reader, stdout, stderr io.Writer) (env *Env, code int, ok bool) {
	parser, err := kong.New(cli,
		kong.Name(name),
		kong.Description(description),
		kong.Writers(stdout, stderr),
		kong.Vars{"version": name + " " + build.Version, "catalog_formats": strings.Join(catalog.Formats, ",")},
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, WrapUpperBound: 100}),
		kong.Exit(func(c int) { panic(exitCode(c)) }),
	)
	if err != nil {
		fmt.Fprintf(stderr, "%s: internal error: %v\n", name, err)
		return nil, ExitFail, false
	}
	defer func() {
		if r := recover(); r != nil {
			c, isExit := r.(exitCode)
			if !isExit {
				panic(r)
			}
			code, ok = int(c), false
		}
	}()
	kctx, err := parser.Parse(args)
	if err == nil {
		err = finiteFloats(kctx)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", name, err)
		var pe *kong.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", name)
		}
		return nil, ExitUsage, false
	}
	relativePaths(parser.Model.Node)
	env = &Env{
		Ctx:    ctx,
		Args:   append([]string{name}, withoutRuntimeFlags(args)...),
		Stdin:  stdin,
		Stdout: stdout,
		Stderr: stderr,
		Start:  time.Now(),
		shared: shared,
	}
	env.Log = NewLogger(stderr, shared.LogLevel, shared.LogFormat).With().Str("tool", name).Logger()
	return env, ExitOK, true
}

// pathTypes are kong's path types: kong makes their values absolute.
var pathTypes = map[string]bool{"path": true, "existingfile": true, "existingdir": true, "existingpath": true}

// relativePaths turns the path flags and arguments that kong made absolute
// back into paths relative to the working directory, where they lie under it,
// so that what the outputs record (input lineage, report file names) is the
// same wherever the checkout lives. Paths outside it stay absolute.
func relativePaths(n *kong.Node) {
	wd, err := os.Getwd()
	if err != nil {
		return
	}
	var walk func(n *kong.Node)
	walk = func(n *kong.Node) {
		for _, v := range n.Values() {
			if !pathTypes[v.Tag.Type] || !v.Target.IsValid() {
				continue
			}
			t := v.Target
			if t.Kind() == reflect.Ptr {
				if t.IsNil() {
					continue
				}
				t = t.Elem()
			}
			switch t.Kind() {
			case reflect.String:
				t.SetString(RelPath(wd, t.String()))
			case reflect.Slice:
				for i := 0; i < t.Len(); i++ {
					if e := t.Index(i); e.Kind() == reflect.String {
						e.SetString(RelPath(wd, e.String()))
					}
				}
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(n)
}

// RelPath returns p relative to dir when p is an absolute path under dir,
// and p unchanged otherwise.
func RelPath(dir, p string) string {
	if !filepath.IsAbs(p) {
		return p
	}
	r, err := filepath.Rel(dir, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return p
	}
	return r
}

// finiteFloats refuses NaN and infinite values of every float flag: a NaN
// threshold compares false with everything and would switch its filter off.
func finiteFloats(kctx *kong.Context) error {
	for _, f := range kctx.Flags() {
		if f.Target.Kind() != reflect.Float64 && f.Target.Kind() != reflect.Float32 {
			continue
		}
		if v := f.Target.Float(); math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("--%s: %v is not a finite number", f.Name, v)
		}
	}
	return nil
}

// CheckArgs applies fsx.CheckArgs (inputs exist; no output is an input or
// another output) before a step reads anything. On a problem it prints the
// usage error and returns ExitUsage with ok=false.
func (e *Env) CheckArgs(inputs, outputs []fsx.Arg) (code int, ok bool) {
	if err := fsx.CheckArgs(inputs, outputs); err != nil {
		fmt.Fprintf(e.Stderr, "%s: error: %v\n", e.Args[0], err)
		return ExitUsage, false
	}
	return ExitOK, true
}

// WithoutRuntimeFlags is args less the flags that change how a run goes, not
// what it writes (see runtimeFlags).
func WithoutRuntimeFlags(args []string) []string { return withoutRuntimeFlags(args) }

// runtimeFlags change how a run goes, not what it writes; they are left out
// of the command line recorded in outputs, so outputs are byte-identical
// whatever --threads (or wtscan-subscan's --rows-in-memory) is.
var runtimeFlags = map[string]bool{"-j": true, "--threads": true, "--log-level": true, "--log-format": true, "--progress": true,
	"--rows-in-memory": true, "--metrics-file": true}

func withoutRuntimeFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, _, hasValue := strings.Cut(a, "=")
		if runtimeFlags[name] {
			if !hasValue {
				i++ // the value is the next argument
			}
			continue
		}
		if strings.HasPrefix(a, "-j") && len(a) > 2 && a[2] >= '0' && a[2] <= '9' {
			continue // -j4
		}
		out = append(out, a)
	}
	return out
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// NewLogger returns a zerolog logger on w: JSON unless format is console, or
// auto and w is a terminal.
func NewLogger(w io.Writer, level, format string) zerolog.Logger {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil {
		lvl = zerolog.InfoLevel
	}
	var out io.Writer = w
	if format == "console" || (format == "auto" && IsTerminal(w)) {
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05", NoColor: !IsTerminal(w)}
	}
	return zerolog.New(out).Level(lvl).With().Timestamp().Logger()
}

// Started logs the start event: version and inputs.
func (e *Env) Started(inputs map[string]any) {
	ev := e.Log.Info().Str("version", build.Version).Str("command", strings.Join(e.Args, " ")).Int("threads", e.shared.NumThreads())
	for k, v := range inputs {
		ev = ev.Interface(k, v)
	}
	ev.Msg("start")
}

// Done logs the summary event, writes --metrics-file, and returns ExitOK
// (ExitFail if the metrics file cannot be written).
func (e *Env) Done(counts map[string]any) int {
	ev := e.Log.Info().Float64("seconds", time.Since(e.Start).Seconds())
	for k, v := range counts {
		ev = ev.Interface(k, v)
	}
	ev.Msg("done")
	if err := e.writeMetrics(true, counts); err != nil {
		e.Log.Error().Err(err).Msg("failed")
		return ExitFail
	}
	return ExitOK
}

// Fail logs err as the one clear message of a failed run and returns ExitFail
// (ExitUsage for an error in what the command line names, fsx.ErrUsage).
// It also writes a plain "name: error: ..." line, so the message is readable
// when the log is JSON.
func (e *Env) Fail(err error) int {
	e.Log.Error().Err(err).Msg("failed")
	if !IsTerminal(e.Stderr) || e.shared.LogFormat == "json" {
		fmt.Fprintf(e.Stderr, "%s: error: %v\n", e.Args[0], err)
	}
	if merr := e.writeMetrics(false, nil); merr != nil {
		e.Log.Error().Err(merr).Msg("metrics file not written")
	}
	if errors.Is(err, fsx.ErrUsage) {
		return ExitUsage
	}
	return ExitFail
}

// Threads is the resolved worker count.
func (e *Env) Threads() int { return e.shared.NumThreads() }

// Progress returns a progress bar for total items (0 if unknown), drawn on
// standard error only if --progress says so.
func (e *Env) Progress(label string, total int64) *Progress {
	show := e.shared.Progress == "always" || (e.shared.Progress == "auto" && IsTerminal(e.Stderr))
	return newProgress(e.Stderr, label, total, show)
}

// GCHeadroom lets the heap grow by headroom bytes over live (the data a step
// holds, such as a table read whole) before the garbage collector runs,
// when that is more than Go's default of doubling live: a step holding 60 MB
// then collects a few times rather than dozens; one holding more than
// headroom keeps the default (a lower setting was tried: it cost time and
// saved little). A GOGC setting in the environment wins. The returned
// function restores the previous setting.
func GCHeadroom(live, headroom int64) (restore func()) {
	if os.Getenv("GOGC") != "" || live <= 0 {
		return func() {}
	}
	pct := max(100, int(headroom*100/live))
	old := debug.SetGCPercent(pct)
	return func() { debug.SetGCPercent(old) }
}
