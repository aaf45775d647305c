package cli

import (
	"context"
	"io"
	"path/filepath"
	"testing"
)

// TestServeConcurrently checks that the commands that serve many callers
// ask for every processor before they listen, and that others do not.
func TestServeConcurrently(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "config.properties")
	quiet := Env{Stdout: io.Discard, Stderr: io.Discard}
	for _, args := range [][]string{
		{"keygen", "--consumer-key", "k", "--jira-home", "http://127.0.0.1:1"},
		{"config", "set", "access_token", "token"},
		{"config", "set", "secret", "secret"},
	} {
		if code := Main(context.Background(), append([]string{"--config", cfg}, args...), quiet); code != ExitOK {
			t.Fatalf("%q: exit %d", args, code)
		}
	}
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"--config", cfg, "version"}, 0},
		{[]string{"--config", cfg, "config", "list"}, 0},
		// Both listen once their flags and config are checked; port 99999
		// fails at the listen, after asking.
		{[]string{"--config", cfg, "sandbox", "--addr", "127.0.0.1:99999"}, 1},
		{[]string{"--config", cfg, "proxy", "--addr", "127.0.0.1:99999"}, 1},
	}
	for _, tt := range tests {
		calls := 0
		env := quiet
		env.ServeConcurrently = func() { calls++ }
		Main(context.Background(), tt.args, env)
		if calls != tt.want {
			t.Errorf("%q: ServeConcurrently called %d times; want %d", tt.args, calls, tt.want)
		}
	}
}
