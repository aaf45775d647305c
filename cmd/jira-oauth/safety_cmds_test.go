package main

import (
	"os/exec"
	"strconv"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
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
