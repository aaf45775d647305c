//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd)

package config

import (
	"os"
	"path/filepath"
)

// lockTarget returns what lockDir locks for the config target and how to
// open it. Here (Windows, AIX, Solaris) a folder cannot be locked:
// LockFileEx and fcntl need a file open for writing. So we lock a hidden
// file next to the config, ".config.properties.lock", and keep it: deleting
// it after the unlock would race with a waiter (see lock.go). It is the one
// file Update leaves behind on these systems.
func lockTarget(target string) (path string, flag int) {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock"), os.O_CREATE | os.O_RDWR
}
