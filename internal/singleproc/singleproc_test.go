package singleproc

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestInit checks, in child processes (this test binary again), that a
// process importing the package starts on one processor, that
// ServeConcurrently gives it the default back, and that a GOMAXPROCS in
// the environment wins over both.
func TestInit(t *testing.T) {
	if os.Getenv("SINGLEPROC_CHILD") == "1" {
		before := runtime.GOMAXPROCS(0)
		ServeConcurrently()
		println("procs", before, runtime.GOMAXPROCS(0))
		return
	}
	runtime.SetDefaultGOMAXPROCS() // this process, too, started limited
	def := runtime.GOMAXPROCS(0)
	tests := []struct {
		env           string
		before, after int
	}{
		{"", 1, def},
		{"GOMAXPROCS=3", 3, 3},
		{"GOMAXPROCS=abc", 1, def}, // the runtime ignores it, and so do we
		{"GOMAXPROCS=0", 1, def},
	}
	for _, tt := range tests {
		cmd := exec.Command(os.Args[0], "-test.run=^TestInit$")
		cmd.Env = []string{"SINGLEPROC_CHILD=1"}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOMAXPROCS=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		if tt.env != "" {
			cmd.Env = append(cmd.Env, tt.env)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child (%s): %v: %s", tt.env, err, out)
		}
		var got []int
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "procs" {
				for _, s := range f[1:] {
					n, _ := strconv.Atoi(s)
					got = append(got, n)
				}
			}
		}
		if len(got) != 2 || got[0] != tt.before || got[1] != tt.after {
			t.Errorf("child (%q): GOMAXPROCS before, after ServeConcurrently = %v; want [%d %d]\n%s", tt.env, got, tt.before, tt.after, out)
		}
	}
}
