package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// notifySignals returns a context that the first Ctrl-C (SIGINT) or
// SIGTERM ends, so the command winds down and saves nothing half-done;
// the default handling is restored then, so a second Ctrl-C ends the
// process at once. It is Env.Signals of OSEnv.
//
// The function it returns ends the context but keeps the signals: the
// process exits next, and giving them back (signal.Stop, as
// signal.NotifyContext's stop does) costs two more round trips to the
// runtime's signal-mask thread, about a twentieth of a request's CPU.
func notifySignals(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	caught := make(chan os.Signal, 1)
	signal.Notify(caught, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-caught:
			signal.Stop(caught) // a second Ctrl-C ends the process at once
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// listenForSignals starts Env.Signals for the command about to run. It
// is called from the root's PersistentPreRunE, which --version and --help
// never reach (and skips help and completion): listening for signals starts a goroutine on a
// thread of its own, which was a sixth of the CPU of `jira-oauth
// --version` (see README.md, "Performance").
func (a *app) listenForSignals(cmd *cobra.Command) {
	if a.env.Signals == nil || a.stopSignals != nil || printsOnly(cmd) {
		return
	}
	ctx, stop := a.env.Signals(cmd.Context())
	a.runCtx, a.stopSignals = ctx, stop
	cmd.SetContext(ctx)
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
	return ctx.Err() != nil || (a.runCtx != nil && a.runCtx.Err() != nil)
}
