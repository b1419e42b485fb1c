// Command wtscan-simulate writes synthetic alignment workloads: reference
// proteins and realistic query variants. It is a developer tool for
// `make bench` (scripts/bench.sh), not one of the pipeline steps.
package main

import (
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/simulate"
)

func main() { cli.Exec(simulate.Main) }
