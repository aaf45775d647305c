// The process sets its GOMAXPROCS itself (internal/singleproc): the
// goroutine the runtime starts to follow a container's CPU limit is not
// needed.
//
//go:debug updatemaxprocs=0

// Command jira-oauth links an application to Jira Server / Data Center with
// OAuth 1.0a (RSA-SHA1): it makes the key pair, runs the token dance, keeps
// everything in a Java-style config.properties and makes signed REST calls.
package main

import (
	"context"
	"os"

	"github.com/jira-oauth/jira-oauth/internal/cli"
	"github.com/jira-oauth/jira-oauth/internal/singleproc"
)

func main() {
	os.Exit(run())
}

// run runs the command line. Ctrl-C and SIGTERM are caught by cli (see
// Env.Signals) only once a command starts to change something, so that
// --version, help and the commands that only read do not pay for the
// signal-handling threads. Commands run on one processor, but for those
// that serve many callers (internal/singleproc).
func run() int {
	env := cli.OSEnv()
	env.ServeConcurrently = singleproc.ServeConcurrently
	return cli.Main(context.Background(), os.Args[1:], env)
}
