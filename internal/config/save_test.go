package config

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func checkMode(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode of %s: got %v; want 0600", filepath.Base(path), got)
	}
}

// checkOnly fails unless dir holds exactly the named files (no temp debris).
func checkOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Errorf("files in dir: got %q; want %q", got, names)
		return
	}
	for i := range got {
		if got[i] != names[i] {
			t.Errorf("files in dir: got %q; want %q", got, names)
		}
	}
}

func TestSaveNewFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	f := New(path)
	f.Set("consumer_key", "ck")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	checkMode(t, path)
	checkOnly(t, dir, "config.properties")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "consumer_key=ck\n" {
		t.Errorf("saved: got %q; want %q", got, "consumer_key=ck\n")
	}
}

func TestSaveExistingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	if err := os.WriteFile(path, []byte("# mine\r\na=1\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Set("a", "2")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	// The user's mode is kept, not silently tightened: PermWarning tells them.
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode after Save: got %v, %v; want 0644 kept", fi.Mode().Perm(), err)
	}
	checkOnly(t, dir, "config.properties")
	got, _ := os.ReadFile(path)
	if want := "# mine\r\na=2\r\n"; string(got) != want {
		t.Errorf("saved: got %q; want %q", got, want)
	}
}

func TestSaveThroughSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "real.properties")
	link := filepath.Join(dir, "config.properties")
	if err := os.WriteFile(real, []byte("a=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.properties", link); err != nil {
		t.Skip("no symlinks:", err)
	}
	f, err := Load(link)
	if err != nil {
		t.Fatal(err)
	}
	f.Set("a", "2")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Save replaced the symlink; want it to write its target")
	}
	if got, _ := os.ReadFile(real); string(got) != "a=2\n" {
		t.Errorf("target after save: got %q; want %q", got, "a=2\n")
	}
}

func TestSaveFailureLeavesOriginal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	orig := "# keep me\r\nprivate_key=abc\r\nsecret=s\r\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Set("secret", "new secret")
	f.hooks.write = func(w io.Writer, data []byte) error {
		if _, err := w.Write(data[:len(data)/2]); err != nil {
			return err
		}
		return &fs.PathError{Op: "write", Path: w.(*os.File).Name(), Err: syscall.ENOSPC}
	}
	err = f.Save()
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Save: got %v; want the injected write error", err)
	}
	if want := "cannot write " + path + ": no space left on the disk of folder " + dir + ": free some space and retry; the old file is unchanged"; err.Error() != want {
		t.Errorf("Save: got error %q; want %q", err, want)
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.Path != path {
		t.Errorf("Save: got %T %v; want *config.Error naming the path", err, err)
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("file after failed save: got %q; want the original %q", got, orig)
	}
	checkOnly(t, dir, "config.properties")

	// Without the failure the same File saves.
	f.hooks.write = nil
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "# keep me\r\nprivate_key=abc\r\nsecret=new secret\r\n" {
		t.Errorf("file after save: got %q", got)
	}
	checkOnly(t, dir, "config.properties")
}

// TestSaveSucceedsWhenDirSyncFails: once the rename is done the new file is
// in place, so a failing folder sync must not turn the save into a failure
// (which would tell the user the old file was kept).
func TestSaveSucceedsWhenDirSyncFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	if err := os.WriteFile(path, []byte("a=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Set("a", "2")
	synced := false
	f.hooks.syncDir = func(string) error {
		synced = true
		return &fs.PathError{Op: "sync", Path: dir, Err: syscall.EIO}
	}
	if err := f.Save(); err != nil {
		t.Errorf("Save with a failing folder sync: got %v; want nil (the new file is in place)", err)
	}
	if !synced {
		t.Errorf("Save did not try to sync the folder")
	}
	if got, _ := os.ReadFile(path); string(got) != "a=2\n" {
		t.Errorf("file after save: got %q; want %q", got, "a=2\n")
	}
	checkOnly(t, dir, "config.properties")
}

func TestSaveOverDirectoryFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	if err := os.MkdirAll(filepath.Join(path, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	f := New(path)
	f.Set("a", "1")
	err := f.Save()
	if want := "cannot write " + path + ": it is a folder: remove the folder or choose another config path"; err == nil || err.Error() != want {
		t.Fatalf("Save over a directory: got %v; want %q", err, want)
	}
	checkOnly(t, dir, "config.properties")
}

// TestSaveErrorMessages checks the one-line message (without the temporary
// file's name) and the wrapped OS error for each way a save can fail.
func TestSaveErrorMessages(t *testing.T) {
	t.Parallel()
	const dir = "/etc/jira"
	tmp := dir + "/.config.properties-12345"
	tests := []struct {
		step  saveStep
		errno syscall.Errno
		want  string
	}{
		{stepCreate, syscall.EACCES, "permission denied on folder /etc/jira: make the folder writable"},
		{stepCreate, syscall.EPERM, "permission denied on folder /etc/jira: make the folder writable"},
		{stepCreate, syscall.ENOENT, "folder /etc/jira does not exist: create it first"},
		{stepCreate, syscall.ENOTDIR, "a part of the path /etc/jira is a file, not a folder: check the path"},
		{stepCreate, syscall.EROFS, "folder /etc/jira is on a read-only file system: use a writable location"},
		{stepCreate, syscall.ENOSPC, "no space left on the disk of folder /etc/jira: free some space and retry"},
		{stepCreate, syscall.EMFILE, "cannot create a file in folder /etc/jira (too many open files): check the folder"},
		{stepWrite, syscall.EDQUOT, "no space left on the disk of folder /etc/jira: free some space and retry; the old file is unchanged"},
		{stepWrite, syscall.EIO, "writing the new content failed (input/output error): check the disk; the old file is unchanged"},
		{stepRename, syscall.EISDIR, "it is a folder: remove the folder or choose another config path"},
		{stepRename, syscall.EACCES, "permission denied replacing it in folder /etc/jira: make the folder writable; the old file is unchanged"},
		{stepRename, syscall.EXDEV, "replacing it failed (invalid cross-device link): check folder /etc/jira; the old file is unchanged"},
	}
	for _, tt := range tests {
		var osErr error = &fs.PathError{Op: "open", Path: tmp, Err: tt.errno}
		if tt.step == stepRename {
			osErr = &os.LinkError{Op: "rename", Old: tmp, New: dir + "/config.properties", Err: tt.errno}
		}
		err := error(&Error{Path: dir + "/config.properties", Err: saveErr(tt.step, dir, osErr)})
		if want := "cannot write /etc/jira/config.properties: " + tt.want; err.Error() != want {
			t.Errorf("%v: got %q; want %q", tt.errno, err, want)
		}
		if strings.Contains(err.Error(), tmp) {
			t.Errorf("%v: %q names the temporary file", tt.errno, err)
		}
		if !errors.Is(err, tt.errno) {
			t.Errorf("%v: errors.Is(%v) is false; want true", tt.errno, err)
		}
	}
}

func TestSaveIntoReadOnlyFolder(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root can write to a read-only folder")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	path := filepath.Join(dir, "config.properties")
	f := New(path)
	f.Set("a", "1")
	err := f.Save()
	if want := "cannot write " + path + ": permission denied on folder " + dir + ": make the folder writable"; err == nil || err.Error() != want {
		t.Fatalf("Save: got %v; want %q", err, want)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Save: got %v; want errors.Is fs.ErrPermission", err)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "config.properties")
	_, err := Load(missing)
	if want := "config file " + missing + " not found: run 'jira-oauth --config " + missing + " keygen' to create it"; err == nil || err.Error() != want {
		t.Errorf("Load(missing): got %v; want %q", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing): got %v; want errors.Is fs.ErrNotExist", err)
	}

	_, err = Load(dir)
	if want := dir + ": is a directory, not a config.properties file: give the path of the file itself with --config"; err == nil || err.Error() != want {
		t.Errorf("Load(dir): got %v; want %q", err, want)
	}

	big := filepath.Join(dir, "big.properties")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(big)
	if want := big + ": is 2097152 bytes; a config.properties is a few KB - is this the right file?"; err == nil || err.Error() != want {
		t.Errorf("Load(big): got %v; want %q", err, want)
	}

	notDir := filepath.Join(big, "config.properties")
	_, err = Load(notDir)
	if want := "cannot read " + notDir + ": a part of the path is a file, not a folder: check the path"; err == nil || err.Error() != want {
		t.Errorf("Load(file/x): got %v; want %q", err, want)
	}
	if !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("Load(file/x): got %v; want errors.Is ENOTDIR", err)
	}

	ok := filepath.Join(dir, "ok.properties")
	if err := os.WriteFile(ok, []byte("a=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(ok)
	if err != nil || f.Get("a") != "1" || f.Path() != ok {
		t.Errorf("Load(ok): got %v, a=%q; want a=1", err, f.Get("a"))
	}
}

func TestLoadErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		errno syscall.Errno
		want  string
	}{
		{syscall.EACCES, "cannot read a/config.properties: permission denied: make the file and its folder readable by this user"},
		{syscall.ENOTDIR, "cannot read a/config.properties: a part of the path is a file, not a folder: check the path"},
		{syscall.EIO, "cannot read a/config.properties: input/output error: check the path and the disk"},
	}
	for _, tt := range tests {
		err := error(&Error{Path: "a/config.properties", Err: loadErr("a/config.properties", &fs.PathError{Op: "open", Path: "a/config.properties", Err: tt.errno})})
		if err.Error() != tt.want {
			t.Errorf("%v: got %q; want %q", tt.errno, err, tt.want)
		}
		if !errors.Is(err, tt.errno) {
			t.Errorf("%v: errors.Is(%v) is false; want true", tt.errno, err)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "jira_publickey.pem")
	for _, content := range []string{"first\n", "second, replacing it\n"} {
		if err := WriteFileAtomic(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("content: got %q; want %q", got, content)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("mode: got %v; want 0644", fi.Mode().Perm())
		}
		checkOnly(t, dir, "jira_publickey.pem")
	}
	missing := filepath.Join(dir, "missing")
	err := WriteFileAtomic(filepath.Join(missing, "x.pem"), []byte("x"), 0o644)
	if want := "folder " + missing + " does not exist: create it first"; err == nil || err.Error() != want {
		t.Errorf("writing into a missing folder: got %v; want %q", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("writing into a missing folder: got %v; want errors.Is fs.ErrNotExist", err)
	}
	checkOnly(t, dir, "jira_publickey.pem")
}
