//go:build windows

package config

import (
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// TestUpdateLeavesNoLockFileOnWindows runs concurrent updates (each takes
// the lock through its own handle, as separate processes would) and checks
// that none is lost and that the lock file is gone afterwards.
func TestUpdateLeavesNoLockFileOnWindows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	const n = 8
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := Update(path, func(f *File) error {
				i, _ := strconv.Atoi(f.Get("count"))
				f.Set("count", strconv.Itoa(i+1))
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Get("count"); got != strconv.Itoa(n) {
		t.Errorf("count = %s after %d concurrent updates; want %d", got, n, n)
	}
	checkOnly(t, dir, "config.properties")
}
