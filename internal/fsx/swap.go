package fsx

import (
	"fmt"
	"os"
)

// SwapDir puts the folder staged at newDir in place of target, which must
// exist: atomically where the system allows (Linux), else by renaming target
// aside and newDir into place. Afterwards the previous contents of target
// are at newDir, for the caller to remove.
func SwapDir(newDir, target string) error {
	ok, err := exchange(newDir, target)
	if err != nil {
		return fmt.Errorf("move results into %s: %w", target, err)
	}
	if ok {
		return nil
	}
	aside := TempName(target)
	if err := os.Rename(target, aside); err != nil {
		return fmt.Errorf("move results into %s: %w", target, err)
	}
	if err := os.Rename(newDir, target); err != nil {
		os.Rename(aside, target)
		return fmt.Errorf("move results into %s: %w", target, err)
	}
	return os.Rename(aside, newDir)
}
