//go:build !linux

package main

import "github.com/rogpeppe/go-internal/testscript"

// mkfifo and termblocked need Linux (/proc): elsewhere they skip the script.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	ts.Skip("mkfifo: Linux only")
}

func cmdTermBlocked(ts *testscript.TestScript, neg bool, args []string) {
	ts.Skip("termblocked: Linux only")
}
