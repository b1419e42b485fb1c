// Command wtscan-subscan names every amino-acid change against the wild type
// and marks the ones a resistance catalogue knows.
package main

import (
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/subscan"
)

func main() { cli.Exec(subscan.Main) }
