package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
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
