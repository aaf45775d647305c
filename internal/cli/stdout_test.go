package cli

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
)

// fullWriter fails every write, as /dev/full does.
type fullWriter struct{ writes int }

func (w *fullWriter) Write([]byte) (int, error) {
	w.writes++
	return 0, &pathError{syscall.ENOSPC}
}

// pathError stands for *os.PathError: a wrapper around the errno.
type pathError struct{ err error }

func (e *pathError) Error() string { return "write /dev/stdout: " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

func TestMainFailsWhenStdoutFails(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--version"}, {"--help"}, {"config", "--help"}} {
		var stderr strings.Builder
		stdout := &fullWriter{}
		code := Main(context.Background(), args, Env{Stdout: stdout, Stderr: &stderr})
		want := "jira-oauth: cannot write the output to stdout (no space left on device): it is lost; check where stdout goes (a full disk?)\n"
		if code != ExitFailure || stderr.String() != want {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", args, code, stderr.String(), ExitFailure, want)
		}
		if stdout.writes == 0 {
			t.Errorf("%v: nothing was written to stdout", args)
		}
	}
}

func TestOutputErrorIs(t *testing.T) {
	t.Parallel()
	err := &outputError{err: &pathError{syscall.ENOSPC}}
	if !errors.Is(err, syscall.ENOSPC) || exitCode(err) != ExitFailure {
		t.Errorf("outputError: Is(ENOSPC) %v, exit %d", errors.Is(err, syscall.ENOSPC), exitCode(err))
	}
}
