package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalsOnlyForWriters checks that signals are caught only by a
// command about to change something (the config, a server's callers):
// never for --version, help, completion or a command that only reads,
// for which the default handling (the process ends) is right and cheaper.
func TestSignalsOnlyForWriters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.properties")
	cfg := filepath.Join(dir, "config.properties")
	if code := Main(context.Background(), []string{"--config", cfg, "keygen", "--consumer-key", "k", "--jira-home", "http://127.0.0.1:1"}, Env{Stdout: io.Discard, Stderr: io.Discard}); code != ExitOK {
		t.Fatalf("keygen: exit %d", code)
	}
	tests := []struct {
		args   []string
		listen bool
	}{
		{[]string{"--version"}, false},
		{[]string{"--help"}, false},
		{[]string{"help", "request"}, false},
		{[]string{"completion", "bash"}, false},
		{[]string{"__complete", "config", "get", ""}, false},
		{[]string{"version"}, false},
		{[]string{"--config", missing, "config", "list"}, false},
		{[]string{"--config", cfg, "config", "get", "consumer_key"}, false},
		{[]string{"--config", cfg, "status", "--offline"}, false},
		{[]string{"--config", cfg, "export", "--format", "env"}, false},
		{[]string{"--config", cfg, "config", "set", "consumer_key", "k2"}, true},
		{[]string{"--config", filepath.Join(dir, "new.properties"), "keygen"}, true},
		{[]string{"--config", cfg, "--timeout", "1s", "requestToken"}, true}, // port 1 refuses, after the save check
		{[]string{"--config", cfg, "request", "-o", filepath.Join(dir, "out.json"), "/rest/api/2/myself"}, true},
	}
	for _, tt := range tests {
		var started int
		var out bytes.Buffer
		env := Env{Stdout: &out, Stderr: &out, Signals: func(context.CancelFunc) { started++ }}
		Main(context.Background(), tt.args, env)
		want := 0
		if tt.listen {
			want = 1
		}
		if started != want {
			t.Errorf("%q: signals caught %d times; want %d (output %q)", tt.args, started, want, out.String())
		}
	}
}

// TestSignalEndsCommand checks that the cancel Env.Signals is given ends
// the context the command runs with, and that its end is reported as an
// interrupt.
func TestSignalEndsCommand(t *testing.T) {
	t.Parallel()
	var errOut bytes.Buffer
	env := Env{Stdout: &bytes.Buffer{}, Stderr: &errOut, Signals: func(cancel context.CancelFunc) {
		cancel() // Ctrl-C as soon as keygen catches it
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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notifySignals(cancel)
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
