package main

import (
	"errors"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/jiratest"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

var update = flag.Bool("u", false, "rewrite the golden output in testdata/script")

// TestMain lets the test binary act as jira-oauth inside scripts, so the
// scripts drive the real main function in a separate process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"jira-oauth": func() { os.Exit(run()) },
	})
}

// providerKey is where Setup stores the script's own jiratest provider.
type providerKey struct{}

// TestScripts runs testdata/script/*.txtar: each script gets a fresh
// Jira-like provider, whose URL is in $JIRA.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		UpdateScripts:       *update,
		RequireUniqueNames:  true,
		RequireExplicitExec: false,
		Setup: func(env *testscript.Env) error {
			provider := jiratest.New(jiratest.Options{})
			server := httptest.NewServer(provider)
			env.Defer(server.Close)
			env.Setenv("JIRA", server.URL)
			env.Values[providerKey{}] = provider
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"applink":   cmdAppLink,
			"approve":   cmdApprove,
			"exits":     cmdExits,
			"advance":   cmdAdvance,
			"nosecrets": cmdNoSecrets,
		},
	})
}

func provider(ts *testscript.TestScript) *jiratest.Provider {
	return ts.Value(providerKey{}).(*jiratest.Provider)
}

// applink CONSUMER_KEY PEM_FILE registers an incoming Application Link,
// as a Jira admin would.
func cmdAppLink(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: applink CONSUMER_KEY PUBLIC_KEY_PEM")
	}
	pub, err := keys.ParsePublic([]byte(ts.ReadFile(args[1])))
	ts.Check(err)
	provider(ts).AddConsumer(args[0], "script link", pub)
}

// approve [deny] approves (or denies) the request token saved in
// config.properties, as the user in the browser would, and puts the
// verification code in $VERIFIER.
func cmdApprove(ts *testscript.TestScript, neg bool, args []string) {
	cfg, err := config.Load(ts.MkAbs("config.properties"))
	ts.Check(err)
	token := cfg.Get(config.KeyRequestToken)
	if len(args) == 1 && args[0] == "deny" {
		err := provider(ts).Deny(token)
		if neg != (err != nil) {
			ts.Fatalf("deny %s: %v", token, err)
		}
		return
	}
	verifier, err := provider(ts).Approve(token)
	if neg {
		if err == nil {
			ts.Fatalf("approve succeeded; want an error")
		}
		return
	}
	ts.Check(err)
	ts.Setenv("VERIFIER", verifier)
}

// advance DURATION moves the provider's clock (token expiry, clock skew).
func cmdAdvance(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: advance DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	provider(ts).Advance(d)
}

// exits CODE COMMAND [ARGS...] runs a command and checks its exact exit
// code (testscript's ! only says "non-zero").
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited %d; want %d", args[1], got, want)
	}
}

// nosecrets fails if the last command's stdout or stderr contains a
// secret held in config.properties (private key, token secrets) or
// $VERIFIER.
func cmdNoSecrets(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("nosecrets does not support !")
	}
	secrets := map[string]string{"$VERIFIER": ts.Getenv("VERIFIER")}
	if cfg, err := config.Load(ts.MkAbs("config.properties")); err == nil {
		for _, key := range []string{config.KeyPrivateKey, config.KeySecret, config.KeyRequestTokenSecret} {
			secrets[key] = cfg.Get(key)
		}
	}
	for _, stream := range []string{"stdout", "stderr"} {
		text := ts.ReadFile(stream)
		for name, secret := range secrets {
			if len(secret) >= 6 && strings.Contains(text, secret) {
				ts.Fatalf("%s contains the secret %s", stream, name)
			}
			// A PEM or base64 key could be printed in part: look for a chunk.
			if len(secret) > 64 && strings.Contains(text, secret[20:60]) {
				ts.Fatalf("%s contains part of the secret %s", stream, name)
			}
		}
	}
}
