package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/jiratest"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

// noSecretsExempt are the commands TestVerboseOutputHasNoSecrets does not
// run, and why.
var noSecretsExempt = map[string]string{
	"completion": "prints a shell script; reads no config",
	"help":       "prints help texts; reads no config",
	"sandbox":    "serves until stopped; internal/cli's sandbox tests check its log",
	"proxy":      "serves until stopped; testdata/script/proxy.txtar and internal/cli's proxy test check its log",
	"version":    "prints build information and the licence; reads no config",
}

// TestVerboseOutputHasNoSecrets runs every command of the binary with
// --verbose, on success and failure paths, and scans everything it printed
// for every secret in play: the private key (whole and in parts), and each
// token secret and verifier the provider ever issued. Only the commands a
// user asks for secrets (config get secret, status --show-secrets) may
// print them, and they are checked to print exactly what was asked.
func TestVerboseOutputHasNoSecrets(t *testing.T) {
	t.Parallel()
	bin := badInputBinary(t)
	provider := jiratest.New(jiratest.Options{})
	srv := httptest.NewServer(provider)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	configPath := filepath.Join(dir, "config.properties")
	env := append(os.Environ(),
		"JIRA_OAUTH_CONFIG="+configPath,
		"GORACE=atexit_sleep_ms=0",
		"BROWSER=fakebrowser", "FAKEBROWSER=",
		"HTTPS_PROXY=", "HTTP_PROXY=", "NO_PROXY=")

	type output struct {
		args []string
		text string
	}
	var outputs []output
	covered := map[string]bool{}
	run := func(wantCode int, stdin string, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append([]string{"--verbose"}, args...)...)
		cmd.Dir, cmd.Env, cmd.Stdin = dir, env, strings.NewReader(stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else if err != nil {
			t.Fatalf("jira-oauth %q: %v", args, err)
		}
		if code != wantCode {
			t.Fatalf("jira-oauth %q: exit %d; want %d\nstderr: %s", args, code, wantCode, stderr.String())
		}
		covered[args[0]] = true
		outputs = append(outputs, output{args, stdout.String() + stderr.String()})
		return stdout.String()
	}
	requestToken := func() string {
		t.Helper()
		cfg, err := config.Load(configPath)
		if err != nil {
			t.Fatal(err)
		}
		return cfg.Get(config.KeyRequestToken)
	}

	run(0, "", "keygen", "--consumer-key", "ci-bot", "--jira-home", srv.URL)
	pemData, err := os.ReadFile(filepath.Join(dir, "jira_publickey.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.ParsePublic(pemData)
	if err != nil {
		t.Fatal(err)
	}
	provider.AddConsumer("ci-bot", "secrets test", pub)

	// The dance in steps, with a failed exchange first.
	run(0, "", "requestToken")
	run(4, "", "accessToken", "wrong-code")
	verifier, err := provider.Approve(requestToken())
	if err != nil {
		t.Fatal(err)
	}
	run(4, "", "accessToken", verifier+"x")
	run(0, "", "requestToken", "--json")
	verifier, err = provider.Approve(requestToken())
	if err != nil {
		t.Fatal(err)
	}
	run(0, "", "accessToken", verifier)
	run(0, "", "request", "/rest/api/2/myself")
	run(1, "", "request", "/rest/api/2/issue/NOPE-1")
	run(0, "", "whoami")
	run(0, "", "whoami", "--json")
	run(0, "", "status")
	run(0, "", "status", "--json")
	run(0, "", "comment", "DEMO-1", "from the secrets test")
	run(1, "", "comment", "OPS-1", "refused")
	run(0, "", "doctor")
	run(0, "", "renew")
	run(0, "", "config", "list")
	run(0, "", "config", "get", "jira_home")
	run(0, "", "config", "set", "consumer_key", "ci-bot")
	run(0, "", "login", "--wait", "30s")
	run(4, "wrong-code\n", "login", "--oob", "--no-browser")
	provider.StripAuthorization(true)
	run(4, "", "whoami")
	run(1, "", "doctor")
	provider.StripAuthorization(false)

	// Personal access tokens over the OAuth 1.0a link, then an OAuth 2.0
	// login, a refresh after expiry, renew, and logout.
	run(0, "", "pat", "create", "--name", "secrets", "--no-switch")
	run(0, "", "pat", "list")
	run(0, "", "pat", "revoke", "secrets")
	port, err := freeLoopbackPort()
	if err != nil {
		t.Fatal(err)
	}
	const o2ID, o2Secret = "secrets-test-client", "5ecre75ecre75ecre75ecre75ecre75ecre7"
	redirect := fmt.Sprintf("http://localhost:%d/callback", port)
	if err := provider.AddOAuth2Client(jiratest.OAuth2Client{ID: o2ID, Secret: o2Secret, Name: "secrets test", RedirectURIs: []string{redirect}}); err != nil {
		t.Fatal(err)
	}
	run(4, "", "login", "--oauth2", "--client-id", o2ID, "--client-secret", o2Secret+"x", "--redirect-uri", redirect, "--wait", "30s")
	run(0, "", "login", "--oauth2", "--client-id", o2ID, "--client-secret", o2Secret, "--redirect-uri", redirect, "--wait", "30s")
	run(0, "", "whoami")
	provider.Advance(61 * time.Minute)
	run(0, "", "request", "/rest/api/2/myself")
	run(0, "", "renew")
	provider.Advance(-61 * time.Minute) // OAuth 1.0a timestamps must match again
	run(0, "", "pat", "create", "--name", "switch")
	run(0, "", "whoami")
	run(0, "", "logout")
	run(3, "", "whoami")
	run(0, "", "config", "unset", "auth_method")

	// What the user asked for is printed as is, and nothing else.
	cfg, err := config.Load(configPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(run(0, "", "config", "get", "secret")); got != cfg.Get(config.KeySecret) {
		t.Errorf("config get secret printed %q; want the access token secret", got)
	}
	outputs = outputs[:len(outputs)-1] // it is meant to hold a secret
	shown := run(0, "", "status", "--show-secrets")
	if !strings.Contains(shown, "private_key="+cfg.Get(config.KeyPrivateKey)+"\n") {
		t.Errorf("status --show-secrets does not print private_key")
	}
	outputs = outputs[:len(outputs)-1]
	// export prints secrets on request, and only on stdout.
	if got := run(0, "", "export", "--format", "properties"); !strings.Contains(got, cfg.Get(config.KeySecret)) {
		t.Errorf("export --format properties does not print the secret")
	}
	outputs = outputs[:len(outputs)-1]
	run(2, "", "export", "--format", "yaml")

	secrets := map[string]string{"private_key": cfg.Get(config.KeyPrivateKey), "oauth2_client_secret": o2Secret}
	for i, s := range provider.IssuedSecrets() {
		secrets[fmt.Sprintf("issued token secret or verifier #%d", i+1)] = s
	}
	if len(provider.IssuedSecrets()) < 10 {
		t.Fatalf("the provider issued %d secrets; the test should have made at least 10", len(provider.IssuedSecrets()))
	}
	for _, out := range outputs {
		for name, secret := range secrets {
			for _, form := range secretForms(secret) {
				if strings.Contains(out.text, form) {
					t.Errorf("jira-oauth --verbose %q printed %s (as %q)", out.args, name, form)
				}
			}
		}
		if strings.Contains(out.text, "goroutine ") || strings.Contains(out.text, "panic:") {
			t.Errorf("jira-oauth %q printed a panic:\n%s", out.args, out.text)
		}
	}

	// Every command is covered, or exempt with a reason.
	help := run(0, "", "help")
	listed := regexp.MustCompile(`(?m)^  (\S+)\s{2,}`).FindAllStringSubmatch(help[strings.Index(help, "Available Commands:"):], -1)
	if len(listed) < 10 {
		t.Fatalf("found %d commands in 'jira-oauth help'; the parse is broken:\n%s", len(listed), help)
	}
	for _, m := range listed {
		name := m[1]
		if !covered[name] && noSecretsExempt[name] == "" {
			t.Errorf("command %s is not run by this test: add it, or to noSecretsExempt with a reason", name)
		}
	}
}

// secretForms are the ways a secret could show up in output: as is,
// percent-encoded (a trace of a form body), and for a long one (the
// private key) any 40-character part of it and of its decoded bytes.
func secretForms(secret string) []string {
	forms := []string{secret, url.QueryEscape(secret)}
	if len(secret) <= 64 {
		return forms
	}
	for i := 0; i+40 <= len(secret); i += 40 {
		forms = append(forms, secret[i:i+40])
	}
	if der, err := base64.StdEncoding.DecodeString(secret); err == nil {
		for i := 0; i+40 <= len(der); i += 40 {
			forms = append(forms, string(der[i:i+40]))
		}
	}
	return forms
}
