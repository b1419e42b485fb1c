// Command wtscan-align aligns proteins to their wild-type references with
// Smith-Waterman scored exactly as EMBOSS water.
package main

import (
	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/cli"
)

func main() { cli.Exec(align.Main) }
