// Package singleproc runs the jira-oauth process on one processor
// (GOMAXPROCS=1) from its first moments, unless the GOMAXPROCS environment
// variable says otherwise. Importing it is enough (cmd/jira-oauth does);
// the commands that serve many callers at once (proxy, sandbox) call
// ServeConcurrently before they listen.
//
// A command does one thing at a time (read the config, sign, wait for
// Jira), but with a second processor every goroutine hand-off (the HTTP
// transport's, the signal watcher's) wakes a second thread to look for
// work. Setting GOMAXPROCS stops the world and empties the removed
// processor's allocation caches: here, before most package initialisers
// have run, that costs little; from main it cost as much as it saved
// (README.md, "Performance", "Start-up").
package singleproc

import (
	"runtime"
	"strconv"
	"syscall"
)

// limited is whether init set GOMAXPROCS to 1.
var limited bool

func init() {
	if v, _ := syscall.Getenv("GOMAXPROCS"); validProcs(v) {
		return // the runtime has used it
	}
	runtime.GOMAXPROCS(1)
	limited = true
}

// validProcs reports whether the runtime takes v as GOMAXPROCS: a
// positive number (it ignores anything else).
func validProcs(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n > 0
}

// ServeConcurrently gives the process the runtime's default GOMAXPROCS
// back, for a command that serves many callers at once. It does nothing
// when the GOMAXPROCS environment variable was set.
func ServeConcurrently() {
	if limited {
		runtime.SetDefaultGOMAXPROCS()
	}
}
