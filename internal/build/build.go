// Package build holds the one version string every wtscan binary reports.
package build

// Version is set at link time: -ldflags "-X github.com/wtscan/wtscan/internal/build.Version=v0.1.0".
var Version = "0.1.0-dev"
