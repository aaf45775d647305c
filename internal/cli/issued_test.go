package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

func TestCheckCredentials(t *testing.T) {
	t.Parallel()
	jira := oauth.Credentials{
		Token: strings.Repeat("t", 32), Secret: strings.Repeat("s", 32), SessionHandle: strings.Repeat("h", 32),
		ExpiresIn: 157680000 * time.Second, AuthorizationExpiresIn: 160833600 * time.Second,
	}
	if err := checkCredentials("renew", jira); err != nil {
		t.Errorf("Jira's own answer: %v", err)
	}
	for name, tc := range map[string]struct {
		change func(*oauth.Credentials)
		want   string
	}{
		"long token":   {func(c *oauth.Credentials) { c.Token = strings.Repeat("A", maxTokenLen+1) }, "renew: Jira's answer holds an oauth_token of 257 bytes, more than the 256 accepted"},
		"long secret":  {func(c *oauth.Credentials) { c.Secret = strings.Repeat("A", 2<<20) }, "oauth_token_secret of 2097152 bytes"},
		"long handle":  {func(c *oauth.Credentials) { c.SessionHandle = strings.Repeat("A", 300) }, "oauth_session_handle of 300 bytes"},
		"escape":       {func(c *oauth.Credentials) { c.Token = "abc\x1b[2J" }, "oauth_token with a byte 0x1b"},
		"space":        {func(c *oauth.Credentials) { c.Secret = "a b" }, "oauth_token_secret with a byte 0x20"},
		"non-ASCII":    {func(c *oauth.Credentials) { c.Token = "café" }, "oauth_token with a byte 0xc3"},
		"long life":    {func(c *oauth.Credentials) { c.ExpiresIn = maxLifetime + time.Second }, "oauth_expires_in of 630720001 seconds, more than 20 years"},
		"long session": {func(c *oauth.Credentials) { c.AuthorizationExpiresIn = 2 * maxLifetime }, "oauth_authorization_expires_in of"},
	} {
		c := jira
		tc.change(&c)
		err := checkCredentials("renew", c)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was saved") {
			t.Errorf("%s: got %v; want %q and nothing was saved", name, err, tc.want)
		}
	}
	if err := checkRequestToken("login", oauth.TemporaryCredentials{Token: strings.Repeat("A", 1000)}); err == nil || !strings.HasPrefix(err.Error(), "login: ") {
		t.Errorf("a long request token: got %v", err)
	}
}

func TestWriteRecovery(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	configPath := filepath.Join(dir, "prod.properties")
	now := time.Date(2026, 12, 1, 2, 49, 13, 0, time.UTC)
	values := settings{{config.KeyAccessToken, "tok"}, {config.KeySecret, "s=e:c#ret"}, {config.KeyAccessTokenExpiresAt, ""}}
	path, err := writeRecovery(configPath, values, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "prod.properties.recovered-20261201T024913Z"); path != want {
		t.Errorf("path: got %s; want %s", path, want)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("recovery file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Get(config.KeySecret) != "s=e:c#ret" || f.Get(config.KeyAccessToken) != "tok" {
		t.Errorf("recovery file values: %q", f.Bytes())
	}
	if v, ok := f.Lookup(config.KeyAccessTokenExpiresAt); !ok || v != "" {
		t.Errorf("a removed key must be listed empty: got %q, %v", v, ok)
	}
	// A second one at the same second does not overwrite the first.
	path2, err := writeRecovery(configPath, values, now)
	if err != nil || path2 == path {
		t.Errorf("second recovery file: %s, %v; want a new name", path2, err)
	}
	// A config folder that does not exist: the file goes elsewhere.
	path3, err := writeRecovery(filepath.Join(dir, "missing", "c.properties"), values, now)
	if err != nil || strings.HasPrefix(path3, filepath.Join(dir, "missing")) {
		t.Errorf("recovery beside a missing folder: %s, %v; want it elsewhere", path3, err)
	}
	if err == nil {
		os.Remove(path3)
	}
}

// TestSaveIssuedInterrupted: Ctrl-C after Jira issued a token (here, before
// the config lock was taken) still puts the token in a recovery file, and
// Main keeps that line instead of "nothing was saved"; a save the check
// refuses on purpose writes none.
func TestSaveIssuedInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	configPath := filepath.Join(dir, "config.properties")
	if err := os.WriteFile(configPath, []byte("jira_home=https://jira.example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC)
	a := &app{configPath: configPath, env: Env{Now: func() time.Time { return now }, Getenv: func(string) string { return "" }}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	values := settings{{config.KeyAccessToken, "issued-token"}, {config.KeySecret, "issued-secret"}}

	err := a.saveIssued(ctx, "access token", values, nil)
	var recovered *recoveredError
	if !errors.As(err, &recovered) || !errors.Is(err, context.Canceled) {
		t.Fatalf("saveIssued after Ctrl-C = %v; want a recoveredError wrapping context.Canceled", err)
	}
	if code := exitCode(err); code != ExitInterrupted {
		t.Errorf("exit code %d; want %d", code, ExitInterrupted)
	}
	rec, err2 := config.Load(configPath + ".recovered-20261201T040000Z")
	if err2 != nil {
		t.Fatalf("no recovery file: %v (error was %v)", err2, err)
	}
	if rec.Get(config.KeyAccessToken) != "issued-token" || rec.Get(config.KeySecret) != "issued-secret" {
		t.Errorf("recovery file holds %q", rec.Bytes())
	}

	refusal := errors.New("jira_home changed")
	if err := a.saveIssued(context.Background(), "login", values, func(*config.File) error { return refusal }); !errors.Is(err, refusal) || errors.As(err, &recovered) {
		t.Errorf("a refused save = %v; want the refusal itself, no recovery file", err)
	}
}
