package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/cli"
)

// TestManPages checks that every command has a man page that names it,
// and that two runs write the same bytes (no clock in them).
func TestManPages(t *testing.T) {
	t.Parallel()
	a, b := t.TempDir(), t.TempDir()
	if err := run(a, "", "v1.2.3", "2026-12-01"); err != nil {
		t.Fatal(err)
	}
	if err := run(b, "", "v1.2.3", "2026-12-01"); err != nil {
		t.Fatal(err)
	}
	var walk func(cmd *cobra.Command)
	n := 0
	walk = func(cmd *cobra.Command) {
		if !cmd.IsAvailableCommand() && cmd.HasParent() {
			return
		}
		n++
		name := strings.ReplaceAll(cmd.CommandPath(), " ", "-") + ".1"
		page, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Errorf("no man page for %q: %v", cmd.CommandPath(), err)
			return
		}
		if !bytes.Contains(page, []byte(`.TH "JIRA-OAUTH" "1" "Dec 2026" "jira-oauth v1.2.3"`)) {
			t.Errorf("%s: header is not the fixed one:\n%.200s", name, page)
		}
		if !bytes.Contains(page, []byte(".SH NAME\n"+strings.ReplaceAll(cmd.CommandPath(), " ", "-")+" - ")) {
			t.Errorf("%s: NAME does not name %q", name, cmd.CommandPath())
		}
		if again, _ := os.ReadFile(filepath.Join(b, name)); !bytes.Equal(page, again) {
			t.Errorf("%s differs between two runs", name)
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(cli.CommandTree())
	if n < 15 {
		t.Errorf("only %d commands walked", n)
	}
	for _, want := range []string{"jira-oauth-keygen.1", "jira-oauth-config-set.1", "jira-oauth-version.1", "jira-oauth-completion-bash.1"} {
		if _, err := os.Stat(filepath.Join(a, want)); err != nil {
			t.Errorf("missing %s", want)
		}
	}
}

// TestCompletionScripts checks each shell's script is written and is what
// `jira-oauth completion SHELL` prints.
func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := run("", dir, "", ""); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"jira-oauth.bash": "__start_jira-oauth",
		"_jira-oauth":     "#compdef jira-oauth",
		"jira-oauth.fish": "complete -c jira-oauth",
		"jira-oauth.ps1":  "Register-ArgumentCompleter",
	} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s does not contain %q", name, want)
		}
	}
	var out bytes.Buffer
	root := cli.CommandTree()
	if err := root.GenBashCompletionV2(&out, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "jira-oauth.bash")); !bytes.Equal(b, out.Bytes()) {
		t.Error("jira-oauth.bash is not what the completion command prints")
	}
}

func TestPageDate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ date, epoch, want string }{
		{"2026-12-01", "0", "2026-12-01"},
		{"", "1764547200", "2025-12-01"},
		{"", "", "1980-01-01"},
	} {
		got, err := pageDate(tt.date, tt.epoch)
		if err != nil || got.Format("2006-01-02") != tt.want {
			t.Errorf("pageDate(%q, %q) = %v, %v; want %s", tt.date, tt.epoch, got, err, tt.want)
		}
	}
	if _, err := pageDate("1 Dec 2026", ""); err == nil {
		t.Error("a date not YYYY-MM-DD was accepted")
	}
}
