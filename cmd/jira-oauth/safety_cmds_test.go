package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

// canUnshare reports whether this machine lets an unprivileged process
// make a user and mount namespace (unshare -rm) and mount a read-only bind
// there: the scripts use it to put a config on a really read-only file
// system, on a single-file bind mount or on a full disk, for one command.
// (As root, chmod does not stop writes; a mount does.)
var canUnshare = sync.OnceValue(func() bool {
	return exec.Command("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt && mount -o remount,ro /mnt").Run() == nil
})

// tokencalls N fails unless the provider at $JIRA has had exactly N
// requests at its token endpoints (request-token, access-token) so far.
func cmdTokenCalls(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: tokencalls N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	if got := provider(ts).TokenCalls(); got != want {
		ts.Fatalf("the provider had %d token calls; want %d", got, want)
	}
}

// hugetokens N makes the provider at $JIRA answer token requests with
// tokens, secrets and session handles of N bytes (0: off).
func cmdHugeTokens(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: hugetokens N")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	provider(ts).HugeTokenAnswers(n)
}

// keypair CONFIG PEM fails unless the private key in CONFIG and the public
// key in PEM are a pair.
func cmdKeyPair(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: keypair CONFIG PUBLIC_KEY_PEM")
	}
	cfg, err := config.LoadForRepair(context.Background(), ts.MkAbs(args[0]))
	ts.Check(err)
	key, err := cfg.PrivateKey()
	ts.Check(err)
	pub, err := keys.ParsePublic([]byte(ts.ReadFile(args[1])))
	ts.Check(err)
	if match := pub.Equal(&key.PublicKey); match == neg {
		ts.Fatalf("%s and %s: pair %v; want %v", args[0], args[1], match, !neg)
	}
}

// editBrowser is a $BROWSER that, before it approves as fakebrowser does,
// sets jira_home in the config ($JIRA_OAUTH_CONFIG or config.properties)
// to $NEW_JIRA_HOME: the user editing the config while login waits.
func editBrowser() int {
	path := os.Getenv("JIRA_OAUTH_CONFIG")
	if path == "" {
		path = "config.properties"
	}
	err := config.Update(path, func(f *config.File) error {
		f.Set(config.KeyJiraHome, os.Getenv("NEW_JIRA_HOME"))
		return nil
	})
	if err == nil && len(os.Args) == 2 {
		err = browse(os.Args[1], "")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "editbrowser:", err)
		return 1
	}
	return 0
}

// unshareCondition is [unshare]: whether the scripts that need a real
// read-only file system, bind mount or full disk can run. With
// JIRA_OAUTH_REQUIRE_UNSHARE set (CI), a machine that cannot is an error,
// not a skip.
func unshareCondition() (bool, error) {
	if canUnshare() {
		return true, nil
	}
	if os.Getenv("JIRA_OAUTH_REQUIRE_UNSHARE") != "" {
		return false, fmt.Errorf("JIRA_OAUTH_REQUIRE_UNSHARE is set, but 'unshare -rm' with a mount fails here")
	}
	return false, nil
}
