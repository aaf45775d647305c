// Command jira-oauth links an application to Jira Server / Data Center with
// OAuth 1.0a (RSA-SHA1): it makes the key pair, runs the token dance, keeps
// everything in a Java-style config.properties and makes signed REST calls.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/jira-oauth/jira-oauth/internal/cli"
)

func main() {
	os.Exit(run())
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first Ctrl-C cancels ctx and the command winds down; restoring
	// the default handling lets a second one end the process at once.
	context.AfterFunc(ctx, stop)
	return cli.Main(ctx, os.Args[1:], cli.OSEnv())
}
