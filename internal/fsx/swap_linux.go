package fsx

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange swaps two existing paths in one step (renameat2 RENAME_EXCHANGE),
// so a reader sees either the old folder or the new one, never neither.
func exchange(a, b string) (ok bool, err error) {
	err = unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
		return false, nil // the file system cannot: fall back to two renames
	}
	return err == nil, err
}
