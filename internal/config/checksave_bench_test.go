package config

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkCheckSave measures what the save check adds to a command that
// saves: it reports the check's cost as a ratio of one Update (lock, load,
// atomic save with fsync), not as wall-clock time.
func BenchmarkCheckSave(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config.properties")
	f := New(path)
	f.Set(KeyJiraHome, "https://jira.example.com")
	if err := f.Save(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var check, update time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if err := CheckSave(ctx, path); err != nil {
			b.Fatal(err)
		}
		check += time.Since(start)
		start = time.Now()
		i++
		if err := Update(path, func(f *File) error { f.Set(KeyAccessToken, string(rune('a'+i%26))); return nil }); err != nil {
			b.Fatal(err)
		}
		update += time.Since(start)
	}
	b.ReportMetric(float64(check)/float64(update), "check/update")
}
