//go:build windows

package config

import (
	"os"
	"path/filepath"
)

// lockTarget returns what lockDir locks for the config target and how to
// open it. Windows cannot lock a folder (LockFileEx needs a file), so we
// lock a hidden file next to the config, ".config.properties.lock", and
// releaseLockFile removes it again after each use.
func lockTarget(target string) (path string, flag int) {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock"), os.O_CREATE | os.O_RDWR
}

// releaseLockFile removes the lock file once the lock is released and its
// handle closed, so that nothing is left beside the config.
//
// On Unix that would race (see lock.go): a waiter holding the old file
// open would lock it while a newcomer locks a new file of the same name.
// Windows prevents the race. Go opens files without FILE_SHARE_DELETE, so
// DeleteFile fails (sharing violation) while any other jira-oauth has the
// file open, whether it holds the lock or waits for it (gofrs/flock keeps
// the handle while it holds the lock). A delete that succeeds therefore
// means no process has the file open: the next one creates a new file and
// everyone locks that one. A failed delete leaves the file to whoever has
// it open, which removes it in turn. A process killed while holding the
// lock leaves the file (the kernel releases the lock): the next run locks
// and removes it.
func releaseLockFile(path string) {
	_ = os.Remove(path)
}
