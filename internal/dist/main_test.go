package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var testEntries = []entry{
	{name: "jira-oauth", mode: 0o755, data: []byte("binary")},
	{name: "README.md", mode: 0o644, data: []byte("readme")},
	{name: "man/man1/jira-oauth.1", mode: 0o644, data: []byte(".TH")},
	{name: "completions/jira-oauth.bash", mode: 0o644, data: []byte("# bash")},
}

var testTime = time.Date(2026, 12, 1, 2, 45, 0, 0, time.UTC)

// TestTarGzReproducible writes the same entries twice, in different
// orders, and checks the bytes are equal and the headers carry nothing of
// the machine: fixed time, uid/gid 0, no names, sorted entries.
func TestTarGzReproducible(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	if err := writeTarGz(&a, "top", testEntries, testTime); err != nil {
		t.Fatal(err)
	}
	reversed := []entry{testEntries[3], testEntries[2], testEntries[1], testEntries[0]}
	if err := writeTarGz(&b, "top", reversed, testTime); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two writes of the same entries differ")
	}
	gz, err := gzip.NewReader(&a)
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, time %v; want none", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if !h.ModTime.Equal(testTime) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: time %v uid %d gid %d %q/%q; want %v, 0, 0, no names", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname, testTime)
		}
		want := int64(0o644)
		if h.Typeflag == tar.TypeDir || h.Name == "top/jira-oauth" {
			want = 0o755
		}
		if h.Mode != want {
			t.Errorf("%s: mode %o; want %o", h.Name, h.Mode, want)
		}
	}
	want := "top/ top/completions/ top/man/ top/man/man1/ top/README.md top/completions/jira-oauth.bash top/jira-oauth top/man/man1/jira-oauth.1"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries:\n%s\nwant\n%s", got, want)
	}
}

func TestZipReproducible(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	if err := writeZip(&a, "top", testEntries, testTime); err != nil {
		t.Fatal(err)
	}
	if err := writeZip(&b, "top", []entry{testEntries[2], testEntries[0], testEntries[3], testEntries[1]}, testTime); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two writes of the same entries differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(testTime) {
			t.Errorf("%s: time %v; want %v", f.Name, f.Modified, testTime)
		}
	}
	if f := zr.File[len(zr.File)-2]; f.Name != "top/jira-oauth" || f.Mode().Perm() != 0o755 {
		t.Errorf("%s mode %v; want top/jira-oauth 0755", f.Name, f.Mode())
	}
}

func TestEntryTime(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		epoch, env string
		want       time.Time
	}{
		{"1764557100", "1", time.Unix(1764557100, 0).UTC()},
		{"", "1764557100", time.Unix(1764557100, 0).UTC()},
		{"", "", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"0", "", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := entryTime(tt.epoch, tt.env)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("entryTime(%q, %q) = %v, %v; want %v", tt.epoch, tt.env, got, err, tt.want)
		}
	}
	if _, err := entryTime("yesterday", ""); err == nil {
		t.Error("a non-number epoch was accepted")
	}
}

// TestCopiedCode checks how a package of ours that copies third-party code
// is told from our own, and named in THIRD_PARTY_LICENSES.
func TestCopiedCode(t *testing.T) {
	t.Parallel()
	ours, copied, unnamed := t.TempDir(), t.TempDir(), t.TempDir()
	for dir, files := range map[string]map[string]string{
		ours:    {"README.md": "Upstream: nothing: no LICENSE here\n"},
		copied:  {"LICENSE": "MIT", "README.md": "# a copy\n\nUpstream: example.com/lib v1.2.3\n"},
		unnamed: {"LICENSE": "MIT", "README.md": "# a copy of something\n"},
	} {
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got, err := copiedCode(ours); got != "" || err != nil {
		t.Errorf("copiedCode(a package of ours) = %q, %v; want \"\", nil", got, err)
	}
	got, err := copiedCode(copied)
	if err != nil || !strings.HasPrefix(got, "example.com/lib v1.2.3 (copied into ") || !strings.HasSuffix(got, "\t"+copied) {
		t.Errorf("copiedCode(a copy) = %q, %v; want \"example.com/lib v1.2.3 (copied into DIR)\\tDIR\"", got, err)
	}
	if _, err := copiedCode(unnamed); err == nil || !strings.Contains(err.Error(), "Upstream: MODULE VERSION") {
		t.Errorf("copiedCode(a copy without an Upstream line) = %v; want an error asking for the line", err)
	}
}

// TestDistHostTarget builds the release archive of this platform twice
// and checks the two are the same bytes, hold what a release must, and
// that the binary in it prints the stamped version.
func TestDistHostTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("reads a .tar.gz")
	}
	t.Chdir(filepath.Join("..", ".."))
	r := release{version: "v1.2.3", commit: "0123456789abcdef0123456789abcdef01234567", mtime: testTime,
		targets: []string{runtime.GOOS + "/" + runtime.GOARCH}}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if err := r.build(a); err != nil {
		t.Fatal(err)
	}
	if err := r.build(b); err != nil {
		t.Fatal(err)
	}
	sumsA, _ := os.ReadFile(filepath.Join(a, "SHA256SUMS"))
	sumsB, _ := os.ReadFile(filepath.Join(b, "SHA256SUMS"))
	if len(sumsA) == 0 || !bytes.Equal(sumsA, sumsB) {
		t.Fatalf("two builds differ:\n%s\n%s", sumsA, sumsB)
	}
	name := "jira-oauth_v1.2.3_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
	if !strings.HasSuffix(strings.TrimSpace(string(sumsA)), "  "+name) {
		t.Errorf("SHA256SUMS = %q; want a line for %s", sumsA, name)
	}
	out := t.TempDir()
	untar := exec.Command("tar", "-xzf", filepath.Join(a, name), "-C", out)
	if msg, err := untar.CombinedOutput(); err != nil {
		t.Fatalf("tar: %v: %s", err, msg)
	}
	top := filepath.Join(out, strings.TrimSuffix(name, ".tar.gz"))
	for _, f := range []string{"jira-oauth", "README.md", "LICENSE", "THIRD_PARTY_LICENSES", "man/man1/jira-oauth.1", "man/man1/jira-oauth-request.1",
		"completions/jira-oauth.bash", "completions/_jira-oauth", "completions/jira-oauth.fish", "completions/jira-oauth.ps1"} {
		if _, err := os.Stat(filepath.Join(top, f)); err != nil {
			t.Errorf("archive lacks %s", f)
		}
	}
	notices, _ := os.ReadFile(filepath.Join(top, "THIRD_PARTY_LICENSES"))
	for _, want := range []string{"\nGo (the runtime and standard library)\n", "\ngithub.com/spf13/cobra@", "\ngithub.com/dghubble/oauth1@", "\ngithub.com/itchyny/gojq v0.12.20 (copied into internal/gojq)\n", "Copyright (c) 2019-2026 itchyny", "Apache License", "Redistribution and use in source and binary forms"} {
		if !bytes.Contains(notices, []byte(want)) {
			t.Errorf("THIRD_PARTY_LICENSES lacks %q", want)
		}
	}
	v, err := exec.Command(filepath.Join(top, "jira-oauth"), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(v), "jira-oauth v1.2.3 (0123456789ab, 2026-12-01)\n"; got != want {
		t.Errorf("--version = %q; want %q", got, want)
	}
}
