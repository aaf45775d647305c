package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSaveFallsBackToInPlace: where rename cannot work (a single-file bind
// mount gives EBUSY, another file system EXDEV), Save rewrites the file in
// place, keeps its mode, leaves no temporary file and says so in NotAtomic.
func TestSaveFallsBackToInPlace(t *testing.T) {
	t.Parallel()
	for _, errno := range []syscall.Errno{syscall.EBUSY, syscall.EXDEV} {
		t.Run(errno.Error(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "config.properties")
			orig := "# mine\nsecret=a much longer old secret than the new one\nk=v\n"
			if err := os.WriteFile(path, []byte(orig), 0o640); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, 0o640)
			err := Update(path, func(f *File) error {
				f.hooks.fault = func(step string) error {
					if step == "rename" {
						return &os.LinkError{Op: "rename", Old: "x", New: path, Err: errno}
					}
					return nil
				}
				f.Set("secret", "short")
				t.Cleanup(func() {
					if !errors.Is(f.NotAtomic(), errno) {
						t.Errorf("NotAtomic: got %v; want %v", f.NotAtomic(), errno)
					}
				})
				return nil
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			got, _ := os.ReadFile(path)
			if want := "# mine\nsecret=short\nk=v\n"; string(got) != want {
				t.Errorf("file: got %q; want %q", got, want)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
				t.Errorf("mode: got %v; want 0640", fi.Mode().Perm())
			}
			checkOnly(t, dir, "config.properties")
		})
	}
}

// TestSaveInPlaceFailureKeepsError: when the in-place rewrite fails too, the
// save fails with one message naming both causes.
func TestSaveInPlaceFailureKeepsError(t *testing.T) {
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
	f.hooks.fault = func(step string) error {
		switch step {
		case "rename":
			return syscall.EBUSY
		case "inplace":
			return syscall.EROFS
		}
		return nil
	}
	f.Set("a", "2")
	err = f.Save()
	if err == nil || !strings.Contains(err.Error(), "device or resource busy; rewriting it in place failed too: read-only file system") {
		t.Fatalf("Save: got %v; want both causes", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "a=1\n" {
		t.Errorf("file: got %q; want it unchanged", got)
	}
	checkOnly(t, dir, "config.properties")
}

// TestSaveInPlaceWhenFolderRefusesTempFile: a folder that takes no new
// file (read-only root of a container) but a writable config: in place.
func TestSaveInPlaceWhenFolderRefusesTempFile(t *testing.T) {
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
	f.hooks.fault = func(step string) error {
		if step == "create" {
			return syscall.EROFS
		}
		return nil
	}
	f.Set("a", "2")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(f.NotAtomic(), syscall.EROFS) {
		t.Errorf("NotAtomic: got %v; want EROFS", f.NotAtomic())
	}
	if got, _ := os.ReadFile(path); string(got) != "a=2\n" {
		t.Errorf("file: got %q", got)
	}
	// A new file is never created in place.
	g := New(filepath.Join(dir, "new.properties"))
	g.hooks = f.hooks
	g.Set("a", "1")
	if err := g.Save(); !errors.Is(err, syscall.EROFS) {
		t.Errorf("Save of a new file: got %v; want EROFS", err)
	}
}

func TestCheckSave(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	if err := CheckSave(context.Background(), path); err != nil {
		t.Errorf("CheckSave of a missing file in a writable folder: %v", err)
	}
	if err := os.WriteFile(path, []byte("a=1\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	if err := CheckSave(context.Background(), path); err != nil {
		t.Errorf("CheckSave of a read-only file in a writable folder (rename replaces it): %v", err)
	}
	checkOnly(t, dir, "config.properties")
	err := CheckSave(context.Background(), filepath.Join(dir, "missing", "config.properties"))
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "does not exist: create it first") {
		t.Errorf("CheckSave in a missing folder: got %v", err)
	}
	// Inside Update the lock is held: File.CheckSave must not wait for it.
	if err := Update(path, func(f *File) error { return f.CheckSave() }); err != nil {
		t.Errorf("File.CheckSave inside Update: %v", err)
	}
}

func TestLoadForRepair(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	big := "access_token=" + strings.Repeat("A", MaxSize) + "\nk=v\n"
	if err := os.WriteFile(path, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil {
		t.Fatal("Load of an oversized file: got no error")
	}
	f, err := LoadForRepair(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Oversized() || f.Get("k") != "v" {
		t.Errorf("LoadForRepair: Oversized %v, k=%q", f.Oversized(), f.Get("k"))
	}
	// Update can repair it.
	if err := Update(path, func(f *File) error { f.Delete("access_token"); return nil }); err != nil {
		t.Fatal(err)
	}
	f, err = Load(path)
	if err != nil || f.Oversized() {
		t.Fatalf("Load after repair: %v", err)
	}
}
