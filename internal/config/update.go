package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
)

// Update changes the config at path under an exclusive lock, so that
// concurrent runs (two CI jobs, a user and a script) lose no update: it
// takes the lock, loads the file afresh, calls fn, and saves if fn returned
// nil and changed the bytes; then it lets go of the lock. A missing file
// gives fn an empty File (f.Exists() is false), which Update creates, mode
// 0600, if fn sets anything. fn's error is returned as is and nothing is
// saved. While it holds the lock, Update removes the temporary files a
// killed save left behind. Update creates no lock file: the lock is on the
// config's folder (see lock.go for why).
//
// Update waits as long as another process holds the lock; UpdateContext
// can give up. fn may call f.Save (it then saves at once, under the lock),
// but must not Update, or Save another File, in the same folder: that
// would wait for the lock fn's own Update holds.
func Update(path string, fn func(*File) error) error {
	return UpdateContext(context.Background(), path, fn)
}

// UpdateContext is Update, but stops waiting for the lock when ctx is done
// (Ctrl-C) with an *Error wrapping ctx.Err(); the file is then unchanged.
// Once the lock is taken it finishes the update.
func UpdateContext(ctx context.Context, path string, fn func(*File) error) error {
	target := resolve(path)
	unlock, err := lockDir(ctx, target, "update")
	if err != nil {
		return &Error{Path: path, Err: err}
	}
	defer unlock()
	removeStaleTemps(target)
	f, err := LoadForRepair(ctx, path) // so that a change can repair an oversized file
	if errors.Is(err, fs.ErrNotExist) {
		f = New(path)
	} else if err != nil {
		return err
	}
	before := f.Bytes()
	f.locked = true // a Save from fn must not wait for the lock we hold
	err = fn(f)
	f.locked = false
	if err != nil {
		return err
	}
	if bytes.Equal(before, f.Bytes()) {
		return nil
	}
	return f.save(target)
}

// Exists reports whether the File was read from disk by Load (or by
// Update). It is false for New and Parse, and for the empty File Update
// passes to fn when there is no config yet.
func (f *File) Exists() bool { return f.exists }

// Perm returns the permission bits the file had when Load (or Update) read
// it; 0 for a File not read from disk.
func (f *File) Perm() fs.FileMode { return f.mode }

// PermWarning returns a one-line warning when the file Load read could be
// read or written by other users (group or others bits set in the mode it
// had), saying what it holds and how to fix it; otherwise "". Save keeps the mode as it is:
// the user decides, we tell them. It is always "" on Windows, where the
// mode bits say nothing about other users.
func (f *File) PermWarning() string {
	m := f.mode & 0o077
	if !f.exists || m == 0 || runtime.GOOS == "windows" {
		return ""
	}
	what := "readable"
	if m&0o044 == 0 {
		what = "writable"
	}
	cmd := "'chmod 600 " + f.path + "'"
	if q := shellQuote(f.path); q != f.path {
		cmd = `"chmod 600 ` + q + `"`
	}
	holds := "will hold a private key and tokens"
	switch {
	case f.Get(KeyPrivateKey) != "":
		holds = "holds a private key"
	case f.Get(KeySecret) != "" || f.Get(KeyRequestTokenSecret) != "":
		holds = "holds token secrets"
	}
	return fmt.Sprintf("%s is %s by group/others (mode %04o) and %s: run %s", f.path, what, f.mode, holds, cmd)
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and "_./-+,:@%=".
func shellQuote(s string) string {
	safe := func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("_./-+,:@%=", r)
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !safe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
