//go:build unix

package config

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestCreate0600UnderPermissiveUmask: a config that Update or Save creates
// is 0600 even when the umask would let everyone read and write new files.
// Not parallel: the umask belongs to the whole process, and parallel tests
// only start once the sequential ones are done.
func TestCreate0600UnderPermissiveUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()

	updated := filepath.Join(dir, "updated.properties")
	if err := Update(updated, func(f *File) error { f.Set(KeyPrivateKey, "k"); return nil }); err != nil {
		t.Fatal(err)
	}
	checkMode(t, updated)

	saved := filepath.Join(dir, "saved.properties")
	f := New(saved)
	f.Set(KeyPrivateKey, "k")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	checkMode(t, saved)

	// The umask did apply: a plain file is created 0666.
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(plain); fi.Mode().Perm() != 0o666 {
		t.Fatalf("umask 0 not in effect: a plain file is %v", fi.Mode().Perm())
	}
	checkOnly(t, dir, "plain", "saved.properties", "updated.properties")
}
