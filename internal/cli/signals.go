package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// notifySignals makes the first Ctrl-C (SIGINT) or SIGTERM call cancel,
// so that the command winds down and saves nothing half-done; the
// default handling is restored then, so a second Ctrl-C ends the process
// at once. It is Env.Signals of OSEnv. The signals stay caught until the
// process exits: giving them back (signal.Stop) costs two more round
// trips to the runtime's signal-mask thread.
func notifySignals(cancel context.CancelFunc) {
	caught := make(chan os.Signal, 1)
	signal.Notify(caught, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-caught
		signal.Stop(caught) // a second Ctrl-C ends the process at once
		cancel()
	}()
}

// startCommand gives the command about to run a context of its own,
// which Main ends once the command returns, and which the first Ctrl-C or
// SIGTERM ends once the command catches them (catchSignals). It is called
// from the root's PersistentPreRunE, which --version and --help never
// reach; help and completion are skipped.
func (a *app) startCommand(cmd *cobra.Command) {
	if a.stopRun != nil || printsOnly(cmd) {
		return
	}
	ctx, cancel := context.WithCancel(cmd.Context())
	a.runCtx, a.stopRun = ctx, cancel
	cmd.SetContext(ctx)
}

// catchSignals makes the first Ctrl-C or SIGTERM end the command's
// context rather than the process, from now until the process exits.
// A command calls it before it starts to change what an abrupt end would
// leave half-done or lose: the config (update, checkSave: a token Jira
// issues must reach the config or a recovery file), an output file
// (request -o), a server's callers (proxy, sandbox). Until then the
// default handling ends the process at once, as for curl: a command that
// only reads has nothing to lose, and catching signals costs two threads
// and four thread switches, about 8% of a request's CPU (README.md,
// "Performance", "Start-up"). Several goroutines may call it (the
// proxy's refreshes).
func (a *app) catchSignals() {
	if a.env.Signals == nil || a.stopRun == nil {
		return
	}
	a.catchOnce.Do(func() {
		a.catching.Store(true)
		a.env.Signals(a.stopRun)
	})
}

// printsOnly reports the commands that print text and exit (help, the
// completion scripts, cobra's __complete that shells run on every Tab):
// the default Ctrl-C handling, ending the process, is right for them.
func printsOnly(cmd *cobra.Command) bool {
	switch cmd.Name() {
	case "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return true
	}
	return cmd.HasParent() && cmd.Parent().Name() == "completion"
}

// interrupted reports whether the user stopped the command: the context
// given to Main, or the one signals end, is done.
func (a *app) interrupted(ctx context.Context) bool {
	return ctx.Err() != nil || (a.catching.Load() && a.runCtx.Err() != nil)
}
