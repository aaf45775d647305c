package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Load reads and parses the config file at path. A missing file gives an
// *Error wrapping fs.ErrNotExist that tells the user to run keygen.
func Load(path string) (*File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Path: path, Err: pathErr(err)}
	}
	if fi.IsDir() {
		return nil, &Error{Path: path, Err: errors.New("is a directory, not a config.properties file")}
	}
	if fi.Size() > MaxSize {
		return nil, &Error{Path: path, Err: tooBig(fi.Size())}
	}
	r, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: path, Err: pathErr(err)}
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &Error{Path: path, Err: fmt.Errorf("read: %w", pathErr(err))}
	}
	return Parse(path, data)
}

// pathErr drops the *fs.PathError wrapper, whose path Error already names.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Save writes Bytes() to Path() atomically: a temporary file in the same
// directory, mode 0600, synced and renamed over the target, then the
// directory synced. On failure the temporary file is removed and the old file
// is left as it was. If Path() is a symbolic link, its target is replaced.
func (f *File) Save() error {
	target := f.path
	if resolved, err := filepath.EvalSymlinks(target); err == nil {
		target = resolved
	}
	if err := writeAtomic(target, f.Bytes(), 0o600, f.write); err != nil {
		return &Error{Path: f.path, Err: fmt.Errorf("save: %w", err)}
	}
	return nil
}

// WriteFileAtomic writes data to path as Save writes the config: through a
// temporary file in the same folder, synced and renamed over path, so a
// reader sees the old file or the new one, never a part.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	return writeAtomic(path, data, perm, nil)
}

func writeAtomic(path string, data []byte, perm fs.FileMode, write func(io.Writer, []byte) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if write == nil {
		_, err = tmp.Write(data)
	} else {
		err = write(tmp, data)
	}
	if err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes the rename durable. File systems that cannot sync a
// directory say so with EINVAL; that is not worth failing a save for.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}
