// Command wtscan-extract finds target genes in genome assemblies (by search,
// annotation or hit table) and writes their proteins.
package main

import (
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/extract"
)

func main() { cli.Exec(extract.Main) }
