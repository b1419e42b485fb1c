// Command wtscan-validate checks wtscan inputs and outputs and reports every
// problem found in one run.
package main

import (
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/validate"
)

func main() { cli.Exec(validate.Main) }
