//go:build !linux

package main

import "github.com/rogpeppe/go-internal/testscript"

// mkfifo and termblocked need Linux (/proc); fifo_sigterm.txtar skips
// itself elsewhere, so a script that reaches them there is a mistake.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("mkfifo: Linux only: start the script with [!linux] skip")
}

func cmdTermBlocked(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("termblocked: Linux only: start the script with [!linux] skip")
}
