package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	b := &bench{samples: []sample{
		{cpu: 5 * time.Millisecond, wall: 9 * time.Millisecond, rssKB: 300},
		{cpu: 1 * time.Millisecond, wall: 7 * time.Millisecond, rssKB: 100},
		{cpu: 3 * time.Millisecond, wall: 8 * time.Millisecond, rssKB: 200},
	}}
	if got, want := b.median(), (sample{cpu: 3 * time.Millisecond, wall: 8 * time.Millisecond, rssKB: 200}); got != want {
		t.Errorf("median = %+v; want %+v (each figure's own median)", got, want)
	}
}

// TestRunOnce runs the whole benchmark once, without the JVM, as a smoke
// test: it builds the binary, does the dance against the sandbox and
// prints the table and the ratios.
func TestRunOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the dance")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	t.Chdir(filepath.Join("..", ".."))
	var out bytes.Buffer
	if err := run(1, "", "", false, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"jira-oauth --version", "jira-oauth request", "curl (unsigned)", "jira-oauth --version / hello", "jira-oauth request / curl", "jira-oauth request / Go floor"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
