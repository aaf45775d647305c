package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Where a config cannot be replaced by a rename, Save rewrites it in place.
//
// A Docker single-file bind mount (-v ./config.properties:/app/config.properties)
// is a mount point: rename(2) over it fails with EBUSY, and a folder the
// container cannot write (EACCES, EROFS) leaves no room for a temporary file
// either, although the file itself is writable. A config on another file
// system than its folder's entry gives EXDEV. Refusing to save there would
// make every token exchange a lost token, so Save writes the new content over
// the old one, truncates it and syncs it, under the config's lock (no other
// jira-oauth saves meanwhile; commands that only read take no lock, and one
// that reads during the rewrite can see a mix of old and new text). It is
// not atomic: a crash in the middle can leave a part of the new text. File.NotAtomic says it happened, so the CLI
// can say so once.

// renameImpossible reports whether a failed rename over the config can never
// succeed there, so that rewriting it in place is the only way to save.
func renameImpossible(err error) bool {
	return errors.Is(err, syscall.EBUSY) || errors.Is(err, syscall.EXDEV)
}

// noTempFile reports whether creating the temporary file failed because the
// folder cannot be written, while the config itself may be.
func noTempFile(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission)
}

// rewriteInPlace overwrites the existing regular file path with data,
// truncates it to len(data) and syncs it. It never creates the file.
func rewriteInPlace(path string, data []byte, h *saveHooks) error {
	if err := h.at("inplace"); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", filepath.Base(path))
	}
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := w.WriteAt(data, 0); err != nil {
		w.Close()
		return err
	}
	if err := w.Truncate(int64(len(data))); err != nil {
		w.Close()
		return err
	}
	if err := w.Sync(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// NotAtomic returns why the last Save of f (or the save of Update) rewrote
// the file in place instead of replacing it atomically (the rename or the
// temporary file was impossible, as on a single-file bind mount), or nil
// when it was atomic. A crash during an in-place rewrite can damage the file.
func (f *File) NotAtomic() error { return f.inPlace }

// CheckSave proves that the config at path can be saved before a command
// asks Jira for a token it would have to save: it takes the config's lock
// (waiting for another jira-oauth that holds it, until ctx is done), then
// checks that the folder takes a new file (it creates and removes one) or,
// where it does not, that the config itself can be rewritten in place. The
// error is an *Error whose one line says what to fix. Nothing is changed.
func CheckSave(ctx context.Context, path string) error {
	target := resolve(path)
	unlock, err := lockDir(ctx, target, "write")
	if err != nil {
		return &Error{Path: path, Err: err}
	}
	defer unlock()
	return checkSave(path, target)
}

// CheckSave is the package-level CheckSave for a File Update passes to fn:
// the lock is already held. Call it before asking Jira for what fn saves.
func (f *File) CheckSave() error {
	if !f.locked {
		return CheckSave(context.Background(), f.path)
	}
	return checkSave(f.path, resolve(f.path))
}

func checkSave(path, target string) error {
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, tempPrefix(target)+"*")
	if err == nil {
		name := tmp.Name()
		tmp.Close()
		// The name matches isTemp: if we die now, the next save removes it.
		_ = os.Remove(name)
		// A read-only file in a writable folder is still replaced by a
		// rename; only a read-only mount of the file itself cannot be.
		if w, werr := os.OpenFile(target, os.O_WRONLY, 0); werr == nil {
			w.Close()
		} else if errors.Is(werr, syscall.EROFS) {
			return &Error{Path: path, Err: &fileError{verb: "write", err: werr,
				msg: "it is on a read-only file system (a read-only bind mount?): mount it writable, or use --config with a writable copy"}}
		}
		return nil
	}
	if noTempFile(err) {
		if w, werr := os.OpenFile(target, os.O_WRONLY, 0); werr == nil {
			w.Close()
			return nil // Save will rewrite it in place
		}
	}
	return &Error{Path: path, Err: saveErr(stepCreate, dir, err)}
}
