package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFileLimited(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	exact := filepath.Join(dir, "exact")
	over := filepath.Join(dir, "over")
	if err := os.WriteFile(exact, []byte(strings.Repeat("a", 1024)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(over, []byte(strings.Repeat("a", 1025)), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := readFileLimited(t.Context(), exact, 1024, "test file"); err != nil || len(data) != 1024 {
		t.Errorf("readFileLimited(exact) = %d bytes, %v; want 1024, nil", len(data), err)
	}
	_, err := readFileLimited(t.Context(), over, 1024, "test file")
	var tooLarge *fileTooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("readFileLimited(over) error = %v; want *fileTooLargeError", err)
	}
	if want := over + " is larger than 1 KiB, more than a test file can be (nothing past that was read): check the path"; err.Error() != want {
		t.Errorf("error %q; want %q", err, want)
	}
	if _, err := readFileLimited(t.Context(), filepath.Join(dir, "missing"), 1024, "test file"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readFileLimited(missing) error = %v; want fs.ErrNotExist", err)
	}
	if _, err := readFileLimited(t.Context(), dir, 1024, "test file"); err == nil {
		t.Errorf("readFileLimited(a directory) succeeded; want an error")
	}
}

func TestChecklistCountsEveryLine(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	c := &checklist{w: &out}
	c.pass("a", "ok")
	c.fail("b", "bad")
	c.skip("c", "no b")
	c.skip("d", "no b")
	lines := strings.Count(out.String(), "\n")
	want := "doctor: 1 of 4 checks failed, 2 skipped: fix the first ✗ above and run 'jira-oauth doctor' again"
	if got := c.summary("jira-oauth doctor"); got != want || lines != 4 {
		t.Errorf("summary %q after %d lines; want %q after 4", got, lines, want)
	}
}

// TestChecklistEscapes: doctor's lines quote Jira (server info, certificate
// names, errors): what a terminal would act on is shown escaped.
func TestChecklistEscapes(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	c := &checklist{w: &out}
	c.pass("TLS", "certificate trusted: issued to evil\x1b]0;title\x07 by CA\u202e")
	c.fail("base URL", "Jira's base URL is http://x\x1b[2J")
	c.skip("clock", "Jira sent \u009b31m")
	want := "✓ TLS         certificate trusted: issued to evil\\x1b]0;title\\x07 by CA\\u202e\n" +
		"✗ base URL    Jira's base URL is http://x\\x1b[2J\n" +
		"- clock       skipped: Jira sent \\u009b31m\n"
	if out.String() != want {
		t.Errorf("got %q; want %q", out.String(), want)
	}
}

func TestFormatSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{8 << 20: "8 MiB", 64 << 10: "64 KiB", 1000: "1000 bytes", 1536: "1536 bytes"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q; want %q", n, got, want)
		}
	}
}
