package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gofrs/flock"
)

// We lock the folder that holds the config, not the config and not a lock
// file next to it:
//
//   - The config itself cannot carry the lock: Save replaces it by renaming
//     a new file over it, so a process waiting on the old file's lock would
//     get it on a file that is no longer the config. It would also have to
//     be created to be locked, before fn decides whether there is anything
//     to save.
//   - A lock file (config.properties.lock) would have to stay forever:
//     deleting it after Unlock races with a process that opened it while we
//     held the lock and locks it once we let go, while a third process
//     creates and locks a new file of the same name; both then "hold" the
//     lock. Keeping it is debris the user did not ask for.
//   - The folder exists whenever a config can be saved into it, is not
//     replaced by a save (rename changes its entries, not the folder), and
//     opening it read-only creates nothing. flock(2) works on a folder's
//     descriptor on Linux, macOS and the BSDs, and the kernel drops the lock
//     when its holder exits or is killed, so a crash never leaves a stale
//     lock.
//
// The cost: two configs in the same folder share one lock (a save takes
// milliseconds), and on systems where a folder cannot be locked (Windows'
// LockFileEx needs a file) lockTarget names a lock file instead: see
// lock_windows.go (which removes it after each use) and lock_other.go.
//
// We use github.com/gofrs/flock rather than syscall.Flock: the same code
// locks with flock(2) on Unix, fcntl on AIX/Solaris and LockFileEx on
// Windows, and it does the retry loop of TryLockContext.

// lockRetry is how often a waiting UpdateContext tries the lock again.
const lockRetry = 2 * time.Millisecond

// lockDir takes the exclusive lock that guards the config file target
// (a path with symbolic links resolved) and returns the function that
// releases it. It waits for another holder; a ctx that can be done ends
// the wait with an error wrapping ctx.Err(). verb names the operation in
// errors: "cannot VERB PATH: ...".
func lockDir(ctx context.Context, target, verb string) (unlock func(), err error) {
	dir := filepath.Dir(target)
	path, flag := lockTarget(target)
	l := flock.New(path, flock.SetFlag(flag), flock.SetPermissions(0o600))
	if ctx.Done() == nil {
		err = l.Lock() // a background context: let the kernel wait
	} else {
		var ok bool
		ok, err = l.TryLockContext(ctx, lockRetry)
		if err == nil && !ok {
			err = ctx.Err()
		}
	}
	if err != nil {
		return nil, lockErr(verb, dir, err)
	}
	return func() { _ = l.Unlock(); releaseLockFile(path) }, nil
}

// lockErr explains why the lock on the config's folder dir could not be
// taken, for the operation verb.
func lockErr(verb, dir string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &fileError{verb: verb, msg: fmt.Sprintf("gave up waiting for another jira-oauth that is saving it (%v): retry", err), err: err}
	}
	err = osErr(err)
	var msg string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = fmt.Sprintf("folder %s does not exist: create it first", dir)
	case errors.Is(err, syscall.ENOTDIR):
		msg = fmt.Sprintf("a part of the path %s is a file, not a folder: check the path", dir)
	case errors.Is(err, fs.ErrPermission):
		msg = fmt.Sprintf("permission denied locking folder %s: make the folder readable and writable by this user", dir)
	default:
		msg = fmt.Sprintf("cannot lock folder %s (%v): check that its file system supports locks", dir, err)
	}
	return &fileError{verb: verb, msg: msg, err: err}
}

// tempPrefix is how the names of the temporary files of a save of target
// start; os.CreateTemp ends them in digits.
func tempPrefix(target string) string { return "." + filepath.Base(target) + "-" }

// isTemp reports whether name is a temporary file a save of the config
// named base creates: "." + base + "-" + digits.
func isTemp(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base+"-")
	if !ok || rest == "" {
		return false
	}
	for _, c := range []byte(rest) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removeStaleTemps removes the temporary files that saves of target left
// behind. It must be called with the lock held: every save creates, writes
// and renames (or removes) its temporary file while holding the lock, so a
// temporary file seen now belongs to a process that died or was killed in
// the middle of a save. Errors are ignored: a file left is harmless.
func removeStaleTemps(target string) {
	dir, base := filepath.Dir(target), filepath.Base(target)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if e.Type().IsRegular() && isTemp(e.Name(), base) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// RemoveStaleTemps removes the temporary files that a killed
// WriteFileAtomic of path left behind ("." + name + "-" + digits). Call it
// with the config's lock held, around writes that take that lock.
func RemoveStaleTemps(path string) { removeStaleTemps(resolve(path)) }
