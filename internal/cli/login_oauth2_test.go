package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/jira-oauth/jira-oauth/internal/loopback"
)

func TestPastedCode(t *testing.T) {
	t.Parallel()
	const state = "0123abcd"
	for _, tc := range []struct {
		line, code, problem string
		err                 error
	}{
		{line: "", code: ""},
		{line: "  the-code  ", code: "the-code"},
		{line: "http://localhost:8765/callback?code=abc&state=" + state, code: "abc"},
		{line: "https://example.com/cb?state=" + state + "&code=x%2By", code: "x+y"},
		{line: "code=abc&state=" + state, code: "abc"},
		{line: "http://localhost:8765/callback?code=abc&state=other", problem: "a redirect with a wrong state parameter (not from this login)"},
		{line: "http://localhost:8765/callback?state=" + state, problem: "a redirect without a code"},
		{line: "http://localhost:8765/callback?error=access_denied&state=" + state, err: loopback.ErrDenied},
		{line: "two words", problem: "that is not a code or an address: paste the whole address your browser shows after you approve"},
	} {
		code, problem, err := pastedCode(tc.line, state)
		if code != tc.code || problem != tc.problem || !errors.Is(err, tc.err) {
			t.Errorf("pastedCode(%q) = %q, %q, %v; want %q, %q, %v", tc.line, code, problem, err, tc.code, tc.problem, tc.err)
		}
	}
}

func TestLoginFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string // "" = accepted
	}{
		{[]string{"--oauth2", "--client-id", "a", "--client-secret", "b", "--redirect-uri", "http://localhost:1/cb", "--scope", "READ"}, ""},
		{[]string{"--client-credentials", "--client-id", "a"}, ""},
		{[]string{"--oauth2", "--client-credentials"}, "--oauth2 and --client-credentials do not go together"},
		{[]string{"--client-credentials", "--oob"}, "--client-credentials uses no browser"},
		{[]string{"--scope", "READ"}, "--scope is for OAuth 2.0"},
		{[]string{"--redirect-uri", "http://localhost:1/"}, "--redirect-uri is for OAuth 2.0"},
		{[]string{"--oauth2", "--client-id", "a b"}, "--client-id is empty or holds spaces"},
		{[]string{"--oauth2", "--client-secret", ""}, "--client-secret is empty"},
	} {
		var got *loginOptions
		cmd := newCmdLogin(&app{}, func(o *loginOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		switch {
		case tc.want == "" && (err != nil || got == nil):
			t.Errorf("login %q: %v; want accepted", tc.args, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != ExitUsage):
			t.Errorf("login %q: %v; want a usage error with %q", tc.args, err, tc.want)
		}
	}
}
