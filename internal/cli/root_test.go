package cli

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestRootCommandNames checks that rootCommands lists each command under
// the name and aliases the command itself declares, so that a command line
// naming it builds it.
func TestRootCommandNames(t *testing.T) {
	t.Parallel()
	a := &app{}
	for _, sub := range rootCommands {
		cmd := sub.build(a)
		want := append([]string{cmd.Name()}, cmd.Aliases...)
		if !slices.Equal(sub.names, want) {
			t.Errorf("rootCommands lists %q; the command says %q", sub.names, want)
		}
	}
	if got, want := len(newRootCmd(a, nil).Commands()), len(rootCommands); got != want {
		t.Errorf("the whole tree has %d commands; rootCommands has %d", got, want)
	}
}

func TestCommandName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"request", "/rest/api/2/myself"}, "request"},
		{[]string{"--config", "c.properties", "whoami"}, "whoami"},
		{[]string{"--config=c.properties", "-v", "--insecure", "status"}, "status"},
		{[]string{"--timeout", "5s", "--ca-file", "ca.pem", "--client-cert", "c.pem", "--client-key", "k.pem", "login"}, "login"},
		{[]string{"--verbose=true", "request-token"}, "request-token"},
		{[]string{"--config"}, ""},
		{[]string{"--help", "request"}, ""},
		{[]string{"-h", "request"}, ""},
		{[]string{"--", "request"}, ""},
		{[]string{"--bogus", "request"}, ""},
		{[]string{"--verbose", "--version"}, ""},
		{[]string{"-X", "POST", "request"}, ""},
		{[]string{"help", "request"}, "help"},
	}
	for _, tt := range tests {
		if got := commandName(tt.args); got != tt.want {
			t.Errorf("commandName(%q) = %q; want %q", tt.args, got, tt.want)
		}
	}
}

// TestPartialTreeHelpSameAsWhole checks that a command built alone (the
// tree of `jira-oauth X ...`) says the same as in the whole tree: `X
// --help` against `help X`, which builds the whole tree, for every command
// and subcommand.
func TestPartialTreeHelpSameAsWhole(t *testing.T) {
	t.Parallel()
	var paths [][]string
	for _, cmd := range newRootCmd(&app{}, nil).Commands() {
		paths = append(paths, []string{cmd.Name()})
		for _, sub := range cmd.Commands() {
			paths = append(paths, []string{cmd.Name(), sub.Name()})
		}
	}
	if len(paths) < len(rootCommands)+5 {
		t.Fatalf("only %d command paths", len(paths))
	}
	run := func(args ...string) string {
		var out bytes.Buffer
		env := Env{Stdout: &out, Stderr: &out}
		if code := Main(context.Background(), args, env); code != ExitOK {
			t.Fatalf("jira-oauth %s: exit %d: %s", strings.Join(args, " "), code, out.String())
		}
		return out.String()
	}
	for _, path := range paths {
		partial := run(append(slices.Clone(path), "--help")...)
		whole := run(append([]string{"help"}, path...)...)
		if partial != whole {
			t.Errorf("jira-oauth %s --help differs from jira-oauth help %[1]s:\n%s\n---\n%s", strings.Join(path, " "), partial, whole)
		}
	}
}

// TestVersionWithoutTree checks that `jira-oauth --version`, answered
// without a command tree, prints what Cobra prints for --version.
func TestVersionWithoutTree(t *testing.T) {
	t.Parallel()
	run := func(args ...string) string {
		var out bytes.Buffer
		if code := Main(context.Background(), args, Env{Stdout: &out, Stderr: io.Discard}); code != ExitOK {
			t.Fatalf("jira-oauth %s: exit %d", strings.Join(args, " "), code)
		}
		return out.String()
	}
	fast, cobra := run("--version"), run("--verbose", "--version")
	if fast != cobra || !strings.HasPrefix(fast, "jira-oauth ") {
		t.Errorf("--version printed %q; through Cobra %q", fast, cobra)
	}
}
