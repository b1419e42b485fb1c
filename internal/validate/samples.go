package validate

import (
	"encoding/json"
	"errors"

	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/samplesheet"
)

// SampleIDPattern is the rule every sample id follows (ids become file names).
var SampleIDPattern = samplesheet.IDPattern

// checkSamples validates a sample sheet with the reader every binary and the
// workflow use (internal/samplesheet): each of its problems becomes an
// error finding with its line, and every file the sheet names must exist
// (relative to the working directory, as the workflow reads them; a file
// found beside the sheet instead is named in the message). It returns the
// sheet's sample ids (nil when the sheet is unreadable).
func checkSamples(path string, fs *Findings) map[string]bool {
	sh, err := samplesheet.Read(path)
	var se *samplesheet.Error
	switch {
	case errors.As(err, &se):
		for _, p := range se.Problems {
			fs.Errorf(Where{File: path, Record: p.Sample, Line: p.Line}, p.Check, "%s", p.Msg)
		}
	case err != nil:
		fs.Errorf(Where{File: path}, "input.read", "cannot read: %v", err)
		return nil
	}
	if sh == nil || len(sh.Header) == 0 {
		return nil
	}
	for _, m := range sh.Missing() {
		w := Where{File: path, Record: m.Sample.ID, Line: m.Sample.Line}
		if m.Beside != "" {
			fs.Warnf(w, "samples.path", "%s", m.Msg())
		} else {
			fs.Errorf(w, "samples.path", "%s", m.Msg())
		}
	}
	return sh.IDs()
}

// printSamples is --print-samples: the sheet read with the one reader, its
// files checked, its rows printed as a JSON array (the workflow builds its
// jobs from them).
func printSamples(env *cli.Env, path string) int {
	sh, err := samplesheet.Read(path)
	if err == nil {
		err = sh.CheckFiles()
	}
	if err != nil {
		return env.Fail(err)
	}
	b, err := json.MarshalIndent(sh.Samples, "", "  ")
	if err != nil {
		return env.Fail(err)
	}
	if _, err := env.Stdout.Write(append(b, '\n')); err != nil {
		return env.Fail(err)
	}
	return cli.ExitOK
}
