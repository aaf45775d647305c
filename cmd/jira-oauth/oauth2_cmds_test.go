package main

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/jira-oauth/jira-oauth/internal/jiratest"
)

// The OAuth 2.0 clients setupOAuth2 registers on every provider of a
// script. Their secrets look like Jira's (hex) and are long enough for
// noissued to look for.
const (
	scriptOAuth2ClientID     = "3f1c2b9a7d6e4f5081a2b3c4d5e6f708"
	scriptOAuth2ClientSecret = "9b8a7c6d5e4f30211f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5c6d7e8f9"
	scriptSAClientID         = "svc0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e"
	scriptSAClientSecret     = "5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b"
	scriptSAUser             = "ci-bot"
)

// setupOAuth2 registers OAuth 2.0 clients on every provider of the script:
//
//	$OAUTH2_CLIENT_ID, $OAUTH2_CLIENT_SECRET  an incoming link whose one
//	                                          redirect URI is $OAUTH2_REDIRECT_URI
//	$OAUTH2_REDIRECT_URI  http://localhost:$OAUTH2_PORT/callback, a port
//	                      free on 127.0.0.1 and ::1 when the script starts
//	$OAUTH2_SA_CLIENT_ID, $OAUTH2_SA_CLIENT_SECRET  a service account
//	                      (client_credentials), acting as $OAUTH2_SA_USER
func setupOAuth2(env *testscript.Env, providers []*jiratest.Provider) error {
	port, err := freeLoopbackPort()
	if err != nil {
		return err
	}
	redirect := "http://localhost:" + strconv.Itoa(port) + "/callback"
	for _, p := range providers {
		if err := p.AddOAuth2Client(jiratest.OAuth2Client{
			ID: scriptOAuth2ClientID, Secret: scriptOAuth2ClientSecret,
			Name: "script OAuth 2.0 link", RedirectURIs: []string{redirect},
		}); err != nil {
			return err
		}
		if err := p.AddOAuth2Client(jiratest.OAuth2Client{
			ID: scriptSAClientID, Secret: scriptSAClientSecret,
			Name: "script service account", ServiceAccount: scriptSAUser,
		}); err != nil {
			return err
		}
	}
	env.Setenv("OAUTH2_CLIENT_ID", scriptOAuth2ClientID)
	env.Setenv("OAUTH2_CLIENT_SECRET", scriptOAuth2ClientSecret)
	env.Setenv("OAUTH2_PORT", strconv.Itoa(port))
	env.Setenv("OAUTH2_REDIRECT_URI", redirect)
	env.Setenv("OAUTH2_SA_CLIENT_ID", scriptSAClientID)
	env.Setenv("OAUTH2_SA_CLIENT_SECRET", scriptSAClientSecret)
	env.Setenv("OAUTH2_SA_USER", scriptSAUser)
	return nil
}

// freeLoopbackPort finds a TCP port free on 127.0.0.1 and, where the host
// has IPv6, on ::1: the client listens on both for http://localhost:PORT.
func freeLoopbackPort() (int, error) {
	var lastErr error
	for range 20 {
		l4, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l4.Addr().(*net.TCPAddr).Port
		l6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(port)))
		l4.Close()
		if err == nil {
			l6.Close()
			return port, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return port, nil // no IPv6 loopback here
		}
		lastErr = err
	}
	return 0, lastErr
}

// intArg parses the one argument N of a counting command.
func intArg(ts *testscript.TestScript, neg bool, args []string, usage string) int {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: %s", usage)
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	return n
}

// refreshcount N asserts that the provider at $JIRA has received exactly N
// refresh_token grant requests from an authenticated client (successful or
// not).
func cmdRefreshCount(ts *testscript.TestScript, neg bool, args []string) {
	want := intArg(ts, neg, args, "refreshcount N")
	if got := provider(ts).RefreshCount(); got != want {
		ts.Fatalf("refresh requests at $JIRA: %d; want %d", got, want)
	}
}

// holdrefreshes makes the provider at $JIRA hold its answers to refresh
// grants, once it rotated the pair, until releaserefreshes, which returns
// once they are written.
func cmdHoldRefreshes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: holdrefreshes")
	}
	provider(ts).HoldRefreshes()
}

// releaserefreshes: see holdrefreshes.
func cmdReleaseRefreshes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: releaserefreshes")
	}
	provider(ts).ReleaseRefreshes()
}

// livetokens N asserts that the provider at $JIRA holds exactly N live
// OAuth 2.0 tokens (access and refresh tokens, neither expired nor revoked).
func cmdLiveTokens(ts *testscript.TestScript, neg bool, args []string) {
	want := intArg(ts, neg, args, "livetokens N")
	if got := provider(ts).LiveOAuth2Tokens(); got != want {
		ts.Fatalf("live OAuth 2.0 tokens at $JIRA: %d; want %d", got, want)
	}
}

// livepats N asserts that the provider at $JIRA holds exactly N live
// personal access tokens.
func cmdLivePATs(ts *testscript.TestScript, neg bool, args []string) {
	want := intArg(ts, neg, args, "livepats N")
	if got := provider(ts).LivePATs(); got != want {
		ts.Fatalf("live personal access tokens at $JIRA: %d; want %d", got, want)
	}
}

// noissued [stdout|stderr] fails if the last command's stdout or stderr
// (both by default) holds a secret the provider at $JIRA handed out (token
// secrets, verifiers, OAuth 2.0 codes and tokens, raw PATs) or an OAuth 2.0
// client secret of the script.
func cmdNoIssued(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 {
		ts.Fatalf("usage: noissued [stdout|stderr]")
	}
	streams := []string{"stdout", "stderr"}
	if len(args) == 1 {
		streams = args
	}
	secrets := append(provider(ts).IssuedSecrets(), scriptOAuth2ClientSecret, scriptSAClientSecret)
	for _, stream := range streams {
		text := ts.ReadFile(stream)
		for _, s := range secrets {
			if len(s) >= 6 && strings.Contains(text, s) {
				ts.Fatalf("%s holds a secret the provider issued", stream)
			}
		}
	}
}

// oauth2client ID SECRET REDIRECT_URI... registers another OAuth 2.0
// client on every provider of the script; with !, it asserts that the
// provider refuses the registration (e.g. http://127.0.0.1/...).
func cmdOAuth2Client(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: oauth2client ID SECRET [REDIRECT_URI...]")
	}
	for _, p := range ts.Value(providersKey{}).([]*jiratest.Provider) {
		err := p.AddOAuth2Client(jiratest.OAuth2Client{ID: args[0], Secret: args[1], RedirectURIs: args[2:]})
		if neg {
			if err == nil {
				ts.Fatalf("registration accepted; want a refusal")
			}
			return
		}
		ts.Check(err)
	}
}
