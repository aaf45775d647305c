package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestPlanLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		s       loginSituation
		want    loginWait
		wantErr string
	}{
		{"oob", loginSituation{OOB: true}, waitCode, ""},
		{"oob in CI", loginSituation{OOB: true, CI: true}, waitCode, ""},
		{"oob over SSH", loginSituation{OOB: true, SSH: true, Terminal: true}, waitCode, ""},
		{"browser opened", loginSituation{BrowserOpened: true}, waitCallback, ""},
		{"browser opened, terminal", loginSituation{BrowserOpened: true, Terminal: true}, waitCallback, ""},
		// A terminal browser over SSH has stdin: login must not read it.
		{"browser opened over SSH", loginSituation{BrowserOpened: true, SSH: true, Terminal: true}, waitCallback, ""},
		{"--no-browser, no terminal", loginSituation{NoBrowser: true}, waitCallback, ""},
		{"--no-browser in CI", loginSituation{NoBrowser: true, CI: true}, waitCallback, ""},
		{"--no-browser, terminal", loginSituation{NoBrowser: true, Terminal: true}, waitCallback, ""},
		{"--no-browser over SSH", loginSituation{NoBrowser: true, SSH: true, Terminal: true}, waitCallbackOrPaste, ""},
		{"--no-browser over SSH, piped", loginSituation{NoBrowser: true, SSH: true}, waitCallbackOrPaste, ""},
		{"--no-browser over SSH in CI", loginSituation{NoBrowser: true, SSH: true, CI: true}, waitCallback, ""},
		{"no browser, no terminal", loginSituation{}, 0, "stdin is not a terminal"},
		{"no browser in CI", loginSituation{Terminal: true, CI: true}, 0, "$CI is set"},
		{"no browser over SSH, no terminal", loginSituation{SSH: true}, 0, "stdin is not a terminal"},
		{"no browser, terminal", loginSituation{Terminal: true}, waitCallbackOrPaste, ""},
		{"no browser over SSH, terminal", loginSituation{Terminal: true, SSH: true}, waitCallbackOrPaste, ""},
	}
	for _, tt := range tests {
		got, err := planLogin(tt.s)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: planLogin(%+v) error %v; want one with %q", tt.name, tt.s, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("%s: planLogin(%+v) = %d, %v; want %d", tt.name, tt.s, got, err, tt.want)
		}
	}
}

func TestUseSpinner(t *testing.T) {
	t.Parallel()
	tests := []struct{ stderrTerminal, terminalBrowser, want bool }{
		{true, false, true},
		{true, true, false},   // w3m/lynx on the terminal: one plain line
		{false, false, false}, // CI log: one plain line
		{false, true, false},
	}
	for _, tt := range tests {
		if got := useSpinner(tt.stderrTerminal, tt.terminalBrowser); got != tt.want {
			t.Errorf("useSpinner(%v, %v) = %v; want %v", tt.stderrTerminal, tt.terminalBrowser, got, tt.want)
		}
	}
}

func TestIsTerminalBrowser(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		command string
		want    bool
	}{
		{"w3m", true}, {"/usr/bin/lynx", true}, {"elinks", true}, {"www-browser", true},
		{"firefox", false}, {"/usr/bin/google-chrome", false}, {"xdg-open", false}, {"", false},
	} {
		if got := isTerminalBrowser(c.command); got != c.want {
			t.Errorf("isTerminalBrowser(%q) = %v; want %v", c.command, got, c.want)
		}
	}
	if runtime.GOOS == "windows" {
		return
	}
	// A link to a terminal browser (as /etc/alternatives/www-browser or
	// a "browser" script link) counts by what it points to.
	dir := t.TempDir()
	target := filepath.Join(dir, "w3m")
	if err := os.WriteFile(target, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "my-browser")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if !isTerminalBrowser(link) {
		t.Errorf("isTerminalBrowser(%s -> w3m) = false; want true", link)
	}
}

func TestIsCI(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"": false, "true": true, "1": true, "yes": true, "false": false, "0": false, " FALSE ": false} {
		if got := isCI(func(string) string { return v }); got != want {
			t.Errorf("isCI with CI=%q = %v; want %v", v, got, want)
		}
	}
}

func TestPastedVerifier(t *testing.T) {
	t.Parallel()
	const token = "TOKEN1"
	tests := []struct {
		line, want, problem string
	}{
		{"", "", ""},
		{"   ", "", ""},
		{"Xy12ab", "Xy12ab", ""},
		{"  Xy12ab \r", "Xy12ab", ""},
		{"denied", "denied", ""},
		{"http://127.0.0.1:43210/?state=ab&oauth_token=TOKEN1&oauth_verifier=Xy12ab", "Xy12ab", ""},
		{"127.0.0.1:43210/?state=ab&oauth_verifier=Xy12ab&oauth_token=TOKEN1", "Xy12ab", ""},
		{"oauth_token=TOKEN1&oauth_verifier=Xy12ab", "Xy12ab", ""},
		{"http://127.0.0.1:43210/?oauth_token=OTHER&oauth_verifier=Xy12ab", "", "another login"},
		{"http://127.0.0.1:43210/?oauth_verifier=Xy12ab", "", "no oauth_token"},
		{"http://127.0.0.1:43210/?oauth_token=TOKEN1", "", "no oauth_verifier"},
		{"http://127.0.0.1:43210/", "", "no oauth_verifier"},
		{"two words", "", "not a verifier or an address"},
		{"http://x/?oauth_verifier=%zz", "", "cannot read that address"},
	}
	for _, tt := range tests {
		got, problem := pastedVerifier(tt.line, token)
		if got != tt.want || (tt.problem == "") != (problem == "") || !strings.Contains(problem, tt.problem) {
			t.Errorf("pastedVerifier(%q) = %q, %q; want %q, a problem with %q", tt.line, got, problem, tt.want, tt.problem)
		}
	}
}
