package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalsOnlyForCommands checks that --version, help and completion
// start no signal handling (it costs a thread at start-up), that a command
// does, and that Main stops it afterwards.
func TestSignalsOnlyForCommands(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "config.properties")
	tests := []struct {
		args   []string
		listen bool
	}{
		{[]string{"--version"}, false},
		{[]string{"--help"}, false},
		{[]string{"help", "request"}, false},
		{[]string{"completion", "bash"}, false},
		{[]string{"__complete", "config", "get", ""}, false},
		{[]string{"version"}, true},
		{[]string{"--config", missing, "config", "list"}, true},
	}
	for _, tt := range tests {
		var started, stopped int
		var out bytes.Buffer
		env := Env{Stdout: &out, Stderr: &out, Signals: func(ctx context.Context) (context.Context, context.CancelFunc) {
			started++
			ctx, cancel := context.WithCancel(ctx)
			return ctx, func() { stopped++; cancel() }
		}}
		Main(context.Background(), tt.args, env)
		want := 0
		if tt.listen {
			want = 1
		}
		if started != want || stopped != want {
			t.Errorf("%q: signal handling started %d, stopped %d times; want %d", tt.args, started, stopped, want)
		}
	}
}

// TestSignalEndsCommand checks that the context Env.Signals returns is the
// one the command runs with, and that its end is reported as an interrupt.
func TestSignalEndsCommand(t *testing.T) {
	t.Parallel()
	var errOut bytes.Buffer
	env := Env{Stdout: &bytes.Buffer{}, Stderr: &errOut, Signals: func(ctx context.Context) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(ctx)
		cancel() // Ctrl-C before the command even started
		return ctx, cancel
	}}
	dir := t.TempDir()
	code := Main(context.Background(), []string{"--config", filepath.Join(dir, "config.properties"), "keygen"}, env)
	if code == ExitOK {
		t.Fatalf("keygen after Ctrl-C: exit 0; stderr %q", errOut.String())
	}
	if got := errOut.String(); !strings.HasPrefix(got, "jira-oauth: interrupted; nothing was saved") {
		t.Errorf("stderr = %q; want the interrupted line", got)
	}
}

// TestNotifySignalsSecondEndsProcess runs notifySignals in a child
// process (this test binary again) that sends itself SIGINT twice: the
// first must end the context and the second the process, at once, as the
// default handling does. The parent checks that the child was killed by
// the second SIGINT after reporting the first.
func TestNotifySignalsSecondEndsProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	if os.Getenv("JIRA_OAUTH_SIGNAL_CHILD") == "1" {
		signalChild()
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestNotifySignalsSecondEndsProcess$")
	cmd.Env = append(os.Environ(), "JIRA_OAUTH_SIGNAL_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("child: %v; want it killed by SIGINT; output:\n%s", err, out)
	}
	ws, ok := exit.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Fatalf("child ended with %v; want killed by SIGINT; output:\n%s", err, out)
	}
	if !strings.Contains(string(out), "first signal: context canceled") {
		t.Errorf("child output %q; want the first signal to end the context", out)
	}
}

// signalChild is the child of TestNotifySignalsSecondEndsProcess.
func signalChild() {
	ctx, stop := notifySignals(context.Background())
	defer stop()
	self, _ := os.FindProcess(os.Getpid())
	self.Signal(os.Interrupt) //nolint:errcheck // checked by the parent
	select {
	case <-ctx.Done():
		fmt.Println("first signal:", ctx.Err())
	case <-time.After(30 * time.Second):
		fmt.Println("the first SIGINT did not end the context")
		os.Exit(3)
	}
	// signal.Stop ran before cancel: the next SIGINT kills the process.
	self.Signal(os.Interrupt) //nolint:errcheck
	time.Sleep(30 * time.Second)
	fmt.Println("the second SIGINT did not end the process")
	os.Exit(4)
}
