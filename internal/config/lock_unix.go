//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package config

import (
	"os"
	"path/filepath"
)

// lockTarget returns what lockDir locks for the config target and how to
// open it: the config's folder, read-only (nothing is created).
func lockTarget(target string) (path string, flag int) {
	return filepath.Dir(target), os.O_RDONLY
}

// releaseLockFile has nothing to remove: a folder was locked.
func releaseLockFile(string) {}
