//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package config

import (
	"os"
	"path/filepath"
)

// lockTarget returns what lockDir locks for the config target and how to
// open it. Here (AIX, Solaris and other systems without flock on a folder)
// a folder cannot be locked: fcntl needs a file open for writing. So we
// lock a hidden file next to the config, ".config.properties.lock", and
// keep it: these systems let a file that others have open be deleted, so
// deleting it after the unlock would race with a waiter (see lock.go). It
// is the one file Update leaves behind on these systems.
func lockTarget(target string) (path string, flag int) {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock"), os.O_CREATE | os.O_RDWR
}

// releaseLockFile keeps the lock file (see lockTarget).
func releaseLockFile(string) {}
