package config

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/jira-oauth/jira-oauth/internal/ctxio"
)

// Load reads and parses the config file at path. A missing file gives an
// *Error wrapping fs.ErrNotExist that tells the user to run keygen.
func Load(path string) (*File, error) { return load(context.Background(), path, MaxSize) }

// LoadContext is Load, but gives up with an *Error wrapping ctx.Err() when
// ctx is done while the file is opened or read: a config that is a FIFO
// (--config <(vault read ...)) blocks until its writer comes.
func LoadContext(ctx context.Context, path string) (*File, error) { return load(ctx, path, MaxSize) }

// LoadForRepair is LoadContext for the commands that must work on a config
// that is too large for Load, so that the user can repair it: status,
// config set and keygen (Update reads with it too). It accepts files up to
// MaxRepairSize; Oversized then reports the file as too large.
func LoadForRepair(ctx context.Context, path string) (*File, error) {
	return load(ctx, path, MaxRepairSize)
}

// MaxRepairSize is the largest config LoadForRepair and Update read: as
// large as the largest answer an older jira-oauth could have saved from
// Jira (64 MiB), so that no config it wrote is beyond repair.
const MaxRepairSize = 64 << 20

// Oversized reports whether the file is larger than MaxSize, so that every
// command but status, config set and keygen refuses it.
func (f *File) Oversized() bool { return f.size > MaxSize }

func load(ctx context.Context, path string, limit int64) (*File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Path: path, Err: loadErr(path, err)}
	}
	if fi.IsDir() {
		return nil, &Error{Path: path, Err: errors.New("is a directory, not a config.properties file: give the path of the file itself with --config")}
	}
	if fi.Size() > limit {
		return nil, &Error{Path: path, Err: tooBig(fi.Size())}
	}
	r, err := ctxio.Open(ctx, path)
	if err != nil && ctx.Err() != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if err != nil {
		return nil, &Error{Path: path, Err: loadErr(path, err)}
	}
	defer r.Close()
	data, err := ctxio.ReadAll(ctx, r, limit+1)
	if err != nil && ctx.Err() != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if err != nil {
		return nil, &Error{Path: path, Err: loadErr(path, err)}
	}
	f, err := parse(path, data, limit)
	if err != nil {
		return nil, err
	}
	f.exists, f.mode, f.size = true, fi.Mode().Perm(), int64(len(data))
	return f, nil
}

// fileError is an OS error reading or writing the config, phrased for the
// user (what went wrong and what to do); Err is kept for errors.Is. *Error
// prints it as "cannot read PATH: msg", "cannot write PATH: msg" or
// "cannot update PATH: msg".
type fileError struct {
	verb string // "read", "write" or "update"
	msg  string
	err  error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.err }

// osErr drops the *fs.PathError, *os.LinkError or *os.SyscallError wrapper,
// whose path would name a temporary file or repeat the config's path.
func osErr(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	case errors.As(err, &se):
		return se.Err
	}
	return err
}

// loadErr explains an error reading the config at path. A missing file is
// returned as is: *Error gives it its own message (run keygen).
func loadErr(path string, err error) error {
	err = osErr(err)
	var msg string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return err
	case errors.Is(err, fs.ErrPermission):
		msg = "permission denied: make the file and its folder readable by this user"
	case errors.Is(err, syscall.ENOTDIR):
		msg = "a part of the path is a file, not a folder: check the path"
	default:
		msg = fmt.Sprintf("%v: check the path and the disk", err)
	}
	return &fileError{verb: "read", msg: msg, err: err}
}

// saveStep is the step of an atomic write that failed.
type saveStep int

const (
	stepCreate saveStep = iota // creating the temporary file in the folder
	stepWrite                  // writing, syncing or closing it
	stepRename                 // renaming it over the target
)

// saveErr explains an error of step while writing a file in dir, without
// naming the temporary file.
func saveErr(step saveStep, dir string, err error) error {
	err = osErr(err)
	const unchanged = "; the old file is unchanged"
	noSpace := errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
	var msg string
	switch {
	case noSpace && step == stepCreate:
		msg = fmt.Sprintf("no space left on the disk of folder %s: free some space and retry", dir)
	case noSpace:
		msg = fmt.Sprintf("no space left on the disk of folder %s: free some space and retry%s", dir, unchanged)
	case step == stepCreate && errors.Is(err, fs.ErrPermission):
		msg = fmt.Sprintf("permission denied on folder %s: make the folder writable", dir)
	case step == stepCreate && errors.Is(err, fs.ErrNotExist):
		msg = fmt.Sprintf("folder %s does not exist: create it first", dir)
	case step == stepCreate && errors.Is(err, syscall.ENOTDIR):
		msg = fmt.Sprintf("a part of the path %s is a file, not a folder: check the path", dir)
	case step == stepCreate && errors.Is(err, syscall.EROFS):
		msg = fmt.Sprintf("folder %s is on a read-only file system: use a writable location", dir)
	case step == stepCreate:
		msg = fmt.Sprintf("cannot create a file in folder %s (%v): check the folder", dir, err)
	case step == stepWrite:
		msg = fmt.Sprintf("writing the new content failed (%v): check the disk%s", err, unchanged)
	case errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EEXIST) || errors.Is(err, syscall.ENOTEMPTY):
		msg = "it is a folder: remove the folder or choose another config path"
	case errors.Is(err, fs.ErrPermission):
		msg = fmt.Sprintf("permission denied replacing it in folder %s: make the folder writable%s", dir, unchanged)
	default:
		msg = fmt.Sprintf("replacing it failed (%v): check folder %s%s", err, dir, unchanged)
	}
	return &fileError{verb: "write", msg: msg, err: err}
}

// Save writes Bytes() to Path() atomically: a temporary file in the same
// directory, synced and renamed over the target, then the directory synced
// (best-effort: once the rename is done, Save succeeds). On failure the
// temporary file is removed and the old file is left as it was. If Path()
// is a symbolic link, its target is replaced.
//
// A new file is created 0600 (it holds a private key and token secrets); an
// existing file keeps its permission bits, so that a config the user made
// readable by others is not tightened behind their back: PermWarning lets
// the CLI tell them instead.
//
// Save holds the same lock as Update while it writes (called from Update's
// fn, it uses Update's), and first removes the temporary files a killed
// save left (see removeStaleTemps). It does not read the file again: to
// change a few keys without losing another process's update, use Update.
func (f *File) Save() error {
	target := resolve(f.path)
	if f.locked {
		return f.save(target)
	}
	unlock, err := lockDir(context.Background(), target, "write")
	if err != nil {
		return &Error{Path: f.path, Err: err}
	}
	defer unlock()
	removeStaleTemps(target)
	return f.save(target)
}

// resolve returns path with its symbolic links resolved, or path itself
// when that fails (a missing file, or a link to one).
func resolve(path string) string {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		return resolved
	}
	return path
}

// save writes the file to target (Path() resolved); the caller holds the
// lock.
func (f *File) save(target string) error {
	perm := fs.FileMode(0o600)
	if fi, err := os.Stat(target); err == nil && fi.Mode().IsRegular() {
		perm = fi.Mode().Perm()
	}
	inPlace, err := writeAtomic(target, f.Bytes(), perm, &f.hooks)
	if err != nil {
		return &Error{Path: f.path, Err: err}
	}
	f.inPlace = inPlace
	return nil
}

// WriteFileAtomic writes data to path as Save writes the config: through a
// temporary file in the same folder, synced and renamed over path, so a
// reader sees the old file or the new one, never a part. It takes no lock.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	_, err := writeAtomic(path, data, perm, &saveHooks{})
	return err
}

// saveHooks let tests fail or stop a save at each of its steps. The zero
// value does the real thing.
type saveHooks struct {
	// fault is called before each step of writeAtomic with its name
	// ("create", "chmod", "write", "sync", "close", "rename", "syncdir",
	// and "inplace" before the in-place rewrite of rewriteInPlace);
	// an error fails that step as the OS would.
	fault func(step string) error
	// write writes the new content to the temporary file; nil means
	// w.Write.
	write func(w io.Writer, data []byte) error
	// syncDir syncs the folder after the rename; nil means the real one.
	syncDir func(dir string) error
}

func (h *saveHooks) at(step string) error {
	if h.fault == nil {
		return nil
	}
	return h.fault(step)
}

// writeAtomic writes data to path through a temporary file renamed over
// it. When that is impossible but path itself can be written, it rewrites
// path in place instead (see rewriteInPlace) and returns why as inPlace.
func writeAtomic(path string, data []byte, perm fs.FileMode, h *saveHooks) (inPlace error, err error) {
	dir := filepath.Dir(path)
	err = h.at("create")
	var tmp *os.File
	if err == nil {
		tmp, err = os.CreateTemp(dir, tempPrefix(path)+"*")
	}
	if err != nil {
		if noTempFile(err) && rewriteInPlace(path, data, h) == nil {
			return osErr(err), nil
		}
		return nil, saveErr(stepCreate, dir, err)
	}
	defer func() {
		if err != nil || inPlace != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := h.at("chmod"); err != nil {
		return nil, saveErr(stepWrite, dir, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return nil, saveErr(stepWrite, dir, err)
	}
	if err := h.at("write"); err != nil {
		return nil, saveErr(stepWrite, dir, err)
	}
	if h.write == nil {
		_, err = tmp.Write(data)
	} else {
		err = h.write(tmp, data)
	}
	if err != nil {
		return nil, saveErr(stepWrite, dir, err)
	}
	if err := h.at("sync"); err != nil {
		return nil, saveErr(stepWrite, dir, err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, saveErr(stepWrite, dir, err)
	}
	if err := h.at("close"); err != nil {
		return nil, saveErr(stepWrite, dir, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, saveErr(stepWrite, dir, err)
	}
	err = h.at("rename")
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		if !renameImpossible(err) {
			return nil, saveErr(stepRename, dir, err)
		}
		// A single-file bind mount (EBUSY) or a config on another file
		// system than its folder (EXDEV): rename can never work there.
		if ierr := rewriteInPlace(path, data, h); ierr != nil {
			return nil, saveErr(stepRename, dir, fmt.Errorf("%w; rewriting it in place failed too: %w", osErr(err), osErr(ierr)))
		}
		return osErr(err), nil
	}
	// The new file is in place from here on, so nothing may report a
	// failure: callers (and the README) take a failed save to mean the old
	// file was kept. Syncing the folder only makes the rename survive a
	// power loss; it is best-effort, and some file systems cannot do it.
	if h.at("syncdir") != nil {
		return nil, nil
	}
	sync := h.syncDir
	if sync == nil {
		sync = syncDir
	}
	_ = sync(dir)
	return nil, nil
}

// syncDir makes the rename durable by syncing the folder that holds it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
