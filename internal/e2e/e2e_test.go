// Package e2e runs the wtscan binaries end to end from testscript files
// (testdata/e2e/*.txtar at the top of the repository): each script calls the real commands, checks exit
// codes, standard error and the files left behind.
package e2e

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/testdata"
	"github.com/wtscan/wtscan/internal/validate"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"wtscan-align":   func() { os.Exit(align.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"wtscan-subscan": func() { os.Exit(subscan.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"wtscan-validate": func() {
			os.Exit(validate.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

func TestScripts(t *testing.T) {
	shared := testdata.Shared(t, ".")
	testscript.Run(t, testscript.Params{
		Dir: "../../testdata/e2e",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", shared)
			return nil
		},
	})
}
