package main

import (
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// jiradata searchissues N | boards N | attachlimit BYTES | misreport N
// sizes the data of the provider at $JIRA: N more issues LOAD-1..N for
// /rest/api/2/search, N agile boards, the attachment size limit, and a
// "total" that claims N more items than there are.
func cmdJiraData(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: jiradata searchissues|boards|attachlimit|misreport N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	p := provider(ts)
	switch args[0] {
	case "searchissues":
		p.SetSearchIssues(n)
	case "boards":
		p.SetBoards(n)
	case "attachlimit":
		p.SetAttachmentLimit(int64(n))
	case "misreport":
		p.MisreportTotal(n)
	default:
		ts.Fatalf("jiradata: unknown %q", args[0])
	}
}

// attachment ISSUE N FILE checks that the N-th attachment (from 1) of
// ISSUE at $JIRA holds exactly the bytes of FILE.
func cmdAttachment(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: attachment ISSUE N FILE")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	list := provider(ts).Attachments(args[0])
	if n < 1 || n > len(list) {
		ts.Fatalf("%s has %d attachments; want at least %d", args[0], len(list), n)
	}
	want := ts.ReadFile(args[2])
	if got := string(list[n-1].Content); got != want {
		ts.Fatalf("attachment %d of %s: %d bytes, not the %d bytes of %s", n, args[0], len(got), len(want), args[2])
	}
}

// randfile FILE N writes N pseudo-random bytes (every byte value, NULs,
// CR and LF included) to FILE, for byte-exact upload and download checks.
func cmdRandFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: randfile FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
}
