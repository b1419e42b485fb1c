// Command wtscan-serve serves wtscan's alignment steps as an authenticated
// batch API with a job store, metrics and a web page.
package main

import (
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/serve"
)

func main() { cli.Exec(serve.Main) }
