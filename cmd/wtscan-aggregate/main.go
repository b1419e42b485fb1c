// Command wtscan-aggregate summarises a cohort: cohort tables, co-occurrence
// statistics, a hAMRonization table, provenance and a self-contained report.
package main

import (
	"github.com/wtscan/wtscan/internal/aggregate"
	"github.com/wtscan/wtscan/internal/cli"
)

func main() { cli.Exec(aggregate.Main) }
