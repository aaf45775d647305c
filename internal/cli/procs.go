package cli

import (
	"os"
	"runtime"

	"github.com/spf13/cobra"
)

// oneProcessor runs the process's goroutines on one processor
// (GOMAXPROCS=1) unless the GOMAXPROCS environment variable says
// otherwise, and returns the function that puts the runtime's default
// back. It is Env.Processors of OSEnv.
//
// A command does one thing at a time (read the config, sign, wait for
// Jira), but with a second processor every goroutine hand-off (the HTTP
// transport's, the signal watcher's) wakes a second thread to look for
// work: about a tenth of a `jira-oauth request`'s CPU (README.md,
// "Start-up cost"). Changing GOMAXPROCS stops the world, which costs more
// than --version itself saves: it is done once a command runs, as
// listening for signals is.
func oneProcessor() (restore func()) {
	if os.Getenv("GOMAXPROCS") != "" {
		return func() {}
	}
	runtime.GOMAXPROCS(1)
	return runtime.SetDefaultGOMAXPROCS
}

// useOneProcessor starts Env.Processors for the command about to run
// (from the root's PersistentPreRunE, with listenForSignals).
func (a *app) useOneProcessor(cmd *cobra.Command) {
	if a.env.Processors == nil || a.allProcessors != nil || printsOnly(cmd) {
		return
	}
	a.allProcessors = a.env.Processors()
}

// serveConcurrently is called by the commands that serve many callers at
// once (proxy, sandbox) before they listen: they get every processor.
func (a *app) serveConcurrently() {
	if a.allProcessors != nil {
		a.allProcessors()
	}
}
